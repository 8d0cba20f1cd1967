"""gunicorn for Memoria: `gunicorn memoria.wsgi --config deploy/gunicorn.conf.py` (make stack uses it)."""

import os

# Synchronous workers, one request at a time each: the site's work is the database and
# Elasticsearch, and a worker per core or two keeps a slow request from holding up others.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# A search request waits up to MEMORIA_SEARCH_TIMEOUT on Elasticsearch, then answers from the
# database: well inside this.
timeout = 30
graceful_timeout = 20
# Recycle a worker now and then, so that no slow growth of memory lasts.
max_requests = 2000
max_requests_jitter = 200
