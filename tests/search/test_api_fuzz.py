"""The JSON API against its own OpenAPI schema, fuzzed by schemathesis (bounded for CI).

Generated requests, valid and invalid by the schema, go through Django's WSGI application over
an archive with entries in both languages, on the embedded default and on Elasticsearch. Every
response must be no 5xx, have a status the schema documents and a body its schema describes,
and requests invalid by the schema must be refused. bench/fuzz_campaign.py runs the larger campaign.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from archive.factories import MemorialSitePageFactory, TestimonyPageFactory
from search import indexing

pytestmark = pytest.mark.django_db

EXAMPLES = 60


@pytest.fixture(params=["database", "elasticsearch"])
def api_schema(request, settings, archive_de, archive_ru, vocabulary):
    MemorialSitePageFactory(parent=archive_de, title="Stolperstein für Rosa Kahn", city=vocabulary["heilbronn"])
    TestimonyPageFactory(parent=archive_ru, title="Свидетельство о Калуге", city=vocabulary["kaluga"])
    if request.param == "elasticsearch":
        request.getfixturevalue("search_index")
        indexing.rebuild()
    else:
        settings.ELASTICSEARCH_URL = ""
    # As Django's test client does: a request's end must not close the test's connection (its
    # transaction holds the archive; on PostgreSQL a closed connection loses it).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_api_keeps_to_its_schema(api_schema):
    # Hypothesis's @given inside the test, not schemathesis's pytest plugin: the plugin's lazy
    # schema does not work with this pytest, and the schema needs the test's database anyway.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {operation.path for operation in operations} >= {"/api/v1/search/", "/api/v1/suggest/"}
    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        @given(case=operation.as_strategy())
        def keeps_to_the_schema(case):
            # Not "schema-valid data is accepted": JSON Schema cannot say that a box's south lies
            # south of its north, that a city exists or that date_from precedes date_to; those
            # are 400s the schema documents. Every other check runs.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        keeps_to_the_schema()
