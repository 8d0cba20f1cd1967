"""/healthz/: what a load balancer or a monitor asks. The database, Elasticsearch, the outbox lag.

200 "ok": all is well. 200 "degraded": the site answers, but from the database (Elasticsearch
unreachable, its cluster red, or the index missing: the worker rebuilds it), or the outbox lags,
or Elasticsearch refused requests of ours in this hour or the last (search.refusals: the
readers got the database's answer; the log has the error).
503 "down": the database is gone, no page can be served. Never cached; no personal data.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from elasticsearch import ApiError, TransportError

from search.client import get_client, index_alias, search_enabled
from search.indexing import outbox_lag
from search.refusals import recent_refusals

logger = logging.getLogger("memoria.health")

# Seconds Elasticsearch may take to answer the health request: a monitor asks often.
ELASTICSEARCH_TIMEOUT = 2.0


def database_check():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # The error's text names hosts, ports and users: the log gets it, the public answer not.
        logger.exception("Health check: the database is unavailable")
        return {"status": "unavailable"}
    return {"status": "ok"}


def elasticsearch_check():
    if not search_enabled():
        return {"status": "not configured"}
    client = get_client(timeout=ELASTICSEARCH_TIMEOUT)
    try:
        cluster = client.cluster.health()
        has_index = bool(client.indices.exists_alias(name=index_alias()))
    except (TransportError, ApiError) as error:
        logger.warning("Health check: Elasticsearch is unavailable: %s", error)
        return {"status": "unavailable"}
    refused = recent_refusals()
    return {
        "status": "ok" if cluster["status"] != "red" and has_index and not refused else "degraded",
        "cluster": cluster["status"],
        "nodes": cluster["number_of_nodes"],
        "index": "present" if has_index else "missing",
        "refused_requests": refused,
    }


def outbox_check():
    backlog, _oldest, lag = outbox_lag()
    return {
        "status": "ok" if lag <= settings.MEMORIA_HEALTH_OUTBOX_LAG_SECONDS else "lagging",
        "backlog": backlog,
        "oldest_pending_seconds": round(lag, 1),
    }


@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_check()}
    if checks["database"]["status"] != "ok":
        return JsonResponse({"status": "down", "checks": checks}, status=503)
    checks["elasticsearch"] = elasticsearch_check()
    if search_enabled():
        checks["outbox"] = outbox_check()
    degraded = checks["elasticsearch"]["status"] not in ("ok", "not configured") or (
        "outbox" in checks and checks["outbox"]["status"] != "ok"
    )
    return JsonResponse({"status": "degraded" if degraded else "ok", "checks": checks})
