"""gunicorn for Memoria: `gunicorn memoria.wsgi --config deploy/gunicorn.conf.py` (make stack uses it)."""

import os

# Synchronous workers, one request at a time each: the site's work is the database and
# Elasticsearch, and a worker per core or two keeps a slow request from holding up others.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# A search request waits up to MEMORIA_SEARCH_TIMEOUT on Elasticsearch, then answers from the
# database: well inside this.
timeout = 30
graceful_timeout = 20
# The longest request the site accepts must pass the server: the API's q (500 characters) and tag
# (100) of four-byte characters, percent-encoded, make a request line of over 7,000 bytes, past
# gunicorn's default 4,094, which answered them with its own HTML 414 before the API's JSON 400
# could. 8,190 is the most gunicorn allows; longer lines still get its 414.
limit_request_line = 8190
# The site's own log (the console handler: errors, refused searches, the fallbacks) into gunicorn's
# error log; a daemonised gunicorn would send it nowhere.
capture_output = True
# Recycle a worker now and then, so that no slow growth of memory lasts.
max_requests = 2000
max_requests_jitter = 200
