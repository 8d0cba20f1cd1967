"""Production: everything deployment-specific comes from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment.")
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("Set DATABASE_URL (PostgreSQL) in the environment.")

CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind a proxy that terminates TLS the site redirects to https and sends cookies over https only;
# both can be switched off for a stack on plain http on one machine (`make stack`).
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() == "true"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = os.environ.get("SECURE_COOKIES", "true").lower() == "true"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Wagtail's admin reads the token from its page, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its own preview frames SAMEORIGIN

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "memoria@localhost")

# Uploads go to the file system by default; STORAGE_BACKEND and STORAGE_OPTIONS
# (JSON) select any Django storage, e.g. an S3 bucket through django-storages.
if os.environ.get("STORAGE_BACKEND"):
    import json

    STORAGES["default"] = {
        "BACKEND": os.environ["STORAGE_BACKEND"],
        "OPTIONS": json.loads(os.environ.get("STORAGE_OPTIONS", "{}")),
    }

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "memoria_cache",
        # Room for the readers' pages (memoria.page_cache) beside the rate counts and the map's data.
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("MEMORIA_CACHE_MAX_ENTRIES", "50000"))},
    }
}
MEMORIA_PAGE_CACHE_SECONDS = int(os.environ.get("MEMORIA_PAGE_CACHE_SECONDS", "300"))

# A web process keeps its database connection between requests, and checks it before reusing it:
# after a PostgreSQL restart the next request connects anew, no process needs a restart.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Tasks (the editors' mail) are queued in the database and run by the worker, as is the push of
# the search index (`manage.py search_index work`): a request never waits on either.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MEMORIA_SEARCH_PUSH_ON_COMMIT = False
