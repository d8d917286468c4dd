"""Fakturo settings: everything a deployment changes comes from the environment.

See the configuration table in README.md.
"""

from pathlib import Path

import dj_database_url

from fakturo.core.env import (
    ConfigurationError,
    data_dir,
    env_bool,
    env_int,
    env_list,
    env_str,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str(
    "FAKTURO_SITE_URL", f"http://{env_str('HOST', '127.0.0.1')}:{env_int('PORT', 8000)}"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs page with its bundled Swagger UI, not from a CDN
    "fakturo.core",
    "fakturo.accounts",
    "fakturo.audit",
    "fakturo.jobs",
    "fakturo.crm",
    "fakturo.catalog",
    "fakturo.invoicing",
    "fakturo.documents",
    "fakturo.einvoice",
    "fakturo.web",
]

MIDDLEWARE = [
    "fakturo.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fakturo.accounts.middleware.CurrentOrganizationMiddleware",
    "fakturo.core.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "fakturo.urls"
WSGI_APPLICATION = "fakturo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fakturo.accounts.context_processors.organization",
            ],
        },
    },
]

# Database: SQLite in the data folder unless DATABASE_URL says otherwise.
_database_url = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'fakturo.sqlite3'}"
try:
    _database = dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
except Exception as error:  # the library raises several types for a malformed URL
    raise ConfigurationError(f"DATABASE_URL is not a valid database URL: {error}") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout + IMMEDIATE transactions: concurrent writers queue instead of
    # failing with "database is locked".
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    _database["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
else:
    _database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["fakturo.accounts.backends.EmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
LOGIN_FAILURE_LIMIT = env_int("FAKTURO_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("FAKTURO_LOGIN_FAILURE_WINDOW", 15 * 60)

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("nl", "Nederlands"),
]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Static files: vendor assets are installed from the npm registry at build time (make assets)
# and served by the app itself through whitenoise; nothing comes from a CDN.
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = Path(env_str("FAKTURO_MEDIA_DIR") or DATA_DIR / "media")
MEDIA_URL = "media/"
_s3_bucket = env_str("FAKTURO_S3_BUCKET")
if _s3_bucket:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _s3_bucket,
            "endpoint_url": env_str("FAKTURO_S3_ENDPOINT_URL") or None,
            "region_name": env_str("FAKTURO_S3_REGION") or None,
            "access_key": env_str("FAKTURO_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("FAKTURO_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the app folders when collectstatic wasn't run

# Email: SMTP when EMAIL_HOST is set, otherwise messages are printed to the console log.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Fakturo <noreply@localhost>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# Security: secure cookies and HSTS whenever the site is served over HTTPS.
_https = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _https)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _https)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
CSRF_COOKIE_HTTPONLY = True  # pages put the token in a header for htmx themselves
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _https)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("FAKTURO_BEHIND_PROXY", False) else None
)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Jobs: Celery on Redis when a broker is configured; otherwise the scheduler thread of
# `fakturo serve` runs them in-process.
FAKTURO_BROKER_URL = env_str("FAKTURO_BROKER_URL")
CELERY_BROKER_URL = FAKTURO_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = FAKTURO_BROKER_URL or None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
FAKTURO_SCHEDULER_INTERVAL_SECONDS = env_int("FAKTURO_SCHEDULER_INTERVAL", 60)

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
_redis_cache = env_str("FAKTURO_CACHE_URL")
if _redis_cache:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _redis_cache,
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "fakturo.core.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "fakturo.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}
