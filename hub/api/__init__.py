"""/api/v1: JSON twins of every UI action, calling the same services. The blueprint is in
blueprint.py and routes.py imports the view modules (the front door every domain has)."""
