from .base import *  # noqa: F403

SECRET_KEY = "test-only-insecure-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The suite sends many requests from one address; the tests of the limits switch them on.
RATELIMIT_ENABLE = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
MEDIA_ROOT = BASE_DIR / "build" / "test-media"
WAGTAILADMIN_BASE_URL = "http://testserver"

WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Tests that need Elasticsearch switch it on themselves (tests/search/test_indexing.py);
# ELASTICSEARCH_URL in the environment only tells `make test` which server to use.
ELASTICSEARCH_URL = ""
MEMORIA_SEARCH_INDEX = "test-memoria-entries"
# The tests embed whole sets of entries at once, as `search_index` does: every core.
MEMORIA_EMBEDDING_THREADS = len(os.sched_getaffinity(0))
