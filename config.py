"""Every setting comes from a HUB_* environment variable; embedded defaults need no services.

`Config(environ)` reads the environment once; `TestConfig` points at throwaway folders.
Production (`HUB_ENV=production`) refuses to start with an insecure configuration.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent


class InsecureConfig(RuntimeError):
    """Raised at start-up when production settings would put people at risk."""


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Accept the usual postgresql:// spelling and use the psycopg 3 driver for it."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _load_or_create_secret(instance: Path) -> str:
    """A per-install secret key kept in the instance folder (created on first run)."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


class Config:
    def __init__(self, environ: dict[str, str] | None = None):
        env = dict(os.environ if environ is None else environ)
        get = env.get
        self.HUB_ENV = get("HUB_ENV", "development")
        instance = Path(get("HUB_INSTANCE_PATH") or ROOT / "instance").resolve()
        self.INSTANCE_PATH = str(instance)
        self.SECRET_KEY = get("HUB_SECRET_KEY") or _load_or_create_secret(instance)
        self.SECRET_KEY_FROM_ENV = bool(get("HUB_SECRET_KEY"))
        self.BASE_URL = (get("HUB_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
        https = self.BASE_URL.startswith("https://")

        default_db = f"sqlite:///{instance / 'hub.sqlite3'}"
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(get("HUB_DATABASE_URL") or default_db)
        # A server connection can die between requests; a SQLite file cannot (and the ping is a
        # round trip on every request).
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": not self.SQLALCHEMY_DATABASE_URI.startswith("sqlite")}
        self.SQLITE_BUSY_TIMEOUT_MS = int(get("HUB_SQLITE_BUSY_TIMEOUT_MS", "5000"))
        self.REDIS_URL = get("HUB_REDIS_URL") or None
        # Every key and channel this hub uses in Redis starts with it: several hubs (or a test run
        # beside a live one) can share one Redis database without meeting.
        self.REDIS_PREFIX = get("HUB_REDIS_PREFIX", "hub")
        self.SEARCH_INDEX_DIR = get("HUB_SEARCH_DIR") or str(instance / "search")
        self.UPLOAD_DIR = get("HUB_UPLOAD_DIR") or str(instance / "uploads")
        self.OUTBOX_DIR = str(instance / "outbox")
        # Rendered thread pages kept per process (hub.page_cache); 0 turns keeping them off.
        self.PAGE_CACHE_MB = float(get("HUB_PAGE_CACHE_MB", "32"))

        # Sessions and remember-me cookies: HttpOnly always, Secure whenever served over https.
        self.SESSION_COOKIE_NAME = "hub_session"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = https
        self.REMEMBER_COOKIE_NAME = "hub_remember"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = https
        self.REMEMBER_COOKIE_DURATION = timedelta(days=int(get("HUB_REMEMBER_DAYS", "30")))
        self.PERMANENT_SESSION_LIFETIME = timedelta(days=14)
        self.PREFERRED_URL_SCHEME = "https" if https else "http"

        # CSRF: checked by hub.security so that bearer-token API calls can skip it.
        self.WTF_CSRF_CHECK_DEFAULT = False
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session does

        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.RATELIMIT_KEY_PREFIX = self.REDIS_PREFIX
        self.RATELIMIT_HEADERS_ENABLED = True
        # Failed sign-ins per address and per account; every sign-in per address, generously.
        self.LOGIN_LIMIT_PER_IP = get("HUB_LOGIN_LIMIT_PER_IP", "30 per minute; 300 per hour")
        self.LOGIN_LIMIT_PER_IP_ALL = get("HUB_LOGIN_LIMIT_PER_IP_ALL", "200 per minute; 2000 per hour")
        self.LOGIN_LIMIT_PER_ACCOUNT = get("HUB_LOGIN_LIMIT_PER_ACCOUNT", "5 per minute; 30 per hour")
        if get("HUB_RATELIMIT_DEFAULT"):  # a limit on every request (per address), e.g. "600 per minute"
            self.RATELIMIT_DEFAULT = get("HUB_RATELIMIT_DEFAULT")

        # Direct notes (mentions, DMs, replies to one's threads) are emailed to people away this long.
        self.AWAY_EMAIL_DELAY = timedelta(minutes=int(get("HUB_AWAY_EMAIL_MINUTES", "10")))
        self.SMTP_HOST = get("HUB_SMTP_HOST") or None
        self.SMTP_PORT = int(get("HUB_SMTP_PORT", "587"))
        self.SMTP_USERNAME = get("HUB_SMTP_USERNAME") or None
        self.SMTP_PASSWORD = get("HUB_SMTP_PASSWORD") or None
        self.SMTP_STARTTLS = _flag(get("HUB_SMTP_STARTTLS"), default=False)
        self.SMTP_SSL = _flag(get("HUB_SMTP_SSL"), default=False)
        self.MAIL_FROM = get("HUB_MAIL_FROM", "Equity Learning Hub <hub@localhost>")
        # A mail SMTP did not take waits this long before its next attempt, doubling each time (hub.mail).
        self.MAIL_RETRY_AFTER = timedelta(seconds=float(get("HUB_MAIL_RETRY_SECONDS", "60")))
        self.MAIL_RETRY_MAX = timedelta(hours=6)

        self.INVITATION_TTL = timedelta(days=int(get("HUB_INVITATION_DAYS", "14")))
        self.PASSWORD_RESET_TTL = timedelta(minutes=int(get("HUB_PASSWORD_RESET_MINUTES", "60")))
        self.PASSWORD_MIN_LENGTH = 10
        self.PASSWORD_HASH_METHOD = get("HUB_PASSWORD_HASH_METHOD", "scrypt")

        self.SOCKETIO_ASYNC_MODE = get("HUB_SOCKETIO_ASYNC_MODE") or None
        # How many reverse proxies sit in front (their X-Forwarded-* headers are trusted).
        self.PROXY_COUNT = int(get("HUB_PROXY_COUNT", "0"))
        self.LANGUAGES = ["en", "es"]
        self.BABEL_DEFAULT_LOCALE = "en"
        self.BABEL_DEFAULT_TIMEZONE = "UTC"
        self.BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
        self.MAX_CONTENT_LENGTH = int(get("HUB_MAX_UPLOAD_MB", "25")) * 1024 * 1024
        self.TEAM_SIZE_EXPECTED = (3, 7)
        # Library uploads: one file at most this big; all files of one space together at most the quota.
        self.LIBRARY_MAX_FILE_MB = int(get("HUB_LIBRARY_MAX_FILE_MB", "20"))
        self.LIBRARY_SPACE_QUOTA_MB = int(get("HUB_LIBRARY_SPACE_QUOTA_MB", "500"))
        # Profile pictures, and files attached to forum posts and chat messages: each at most this big,
        # at most ATTACHMENT_MAX_FILES to one post or message.
        self.AVATAR_MAX_MB = int(get("HUB_AVATAR_MAX_MB", "5"))
        self.ATTACHMENT_MAX_MB = int(get("HUB_ATTACHMENT_MAX_MB", "10"))
        self.ATTACHMENT_MAX_FILES = int(get("HUB_ATTACHMENT_MAX_FILES", "10"))
        # Chat (issue 7): per-person send limit (limits syntax) and the longest message, in characters.
        self.CHAT_SEND_LIMIT = get("HUB_CHAT_SEND_LIMIT", "10 per 10 seconds; 120 per 10 minutes")
        self.CHAT_MAX_CHARS = int(get("HUB_CHAT_MAX_CHARS", "4000"))

    def problems(self) -> list[str]:
        """What makes this configuration unsafe to run in production."""
        found = []
        if not self.SECRET_KEY_FROM_ENV or len(self.SECRET_KEY) < 32:
            found.append("HUB_SECRET_KEY must be set to at least 32 random characters.")
        if not self.BASE_URL.startswith("https://"):
            found.append("HUB_BASE_URL must be an https:// address.")
        if self.SQLALCHEMY_DATABASE_URI.startswith("sqlite") and not _flag(os.environ.get("HUB_ALLOW_SQLITE")):
            found.append("HUB_DATABASE_URL should name PostgreSQL (or set HUB_ALLOW_SQLITE=1 for one process).")
        if not self.SMTP_HOST:
            found.append("HUB_SMTP_HOST must be set so invitations and resets reach people.")
        if urlsplit(self.BASE_URL).hostname in {"localhost", "127.0.0.1"}:
            found.append("HUB_BASE_URL points at this machine; use the public address.")
        return found

    def check_production(self) -> None:
        if self.HUB_ENV == "production":
            problems = self.problems()
            if problems:
                raise InsecureConfig("Refusing to start in production:\n  - " + "\n  - ".join(problems))


class TestConfig(Config):
    """Throwaway folders, a cheap password hash; CSRF and rate limits stay on (they are tested)."""

    __test__ = False  # not a pytest test class

    def __init__(self, instance_path: str, environ: dict[str, str] | None = None, **overrides):
        env = dict(os.environ if environ is None else environ)
        env["HUB_INSTANCE_PATH"] = instance_path
        env.setdefault("HUB_SECRET_KEY", "test-secret-" + "x" * 40)
        test_db = env.get("HUB_TEST_DATABASE_URL")
        env["HUB_DATABASE_URL"] = test_db or f"sqlite:///{instance_path}/test.sqlite3"
        # Redis is opted into per test (overrides), so one test's counters never leak into another.
        env.pop("HUB_REDIS_URL", None)
        for key in [k for k in env if k.startswith("HUB_SMTP_")]:
            env.pop(key)
        env["HUB_PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
        super().__init__(env)
        self.TESTING = True
        self.SOCKETIO_ASYNC_MODE = "threading"
        self.RATELIMIT_KEY_PREFIX = "test-" + secrets.token_hex(6)
        for key, value in overrides.items():
            setattr(self, key, value)
