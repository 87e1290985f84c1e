"""The one entry point: `gunicorn -k gevent wsgi:app` and `flask --app wsgi ...`."""
from hub import create_app

app = create_app()
