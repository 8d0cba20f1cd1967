import pytest
from django.core.management import call_command
from wagtail.models import Locale

from archive.models import CollectionPage, EntryPage, InitiativePage, MemorialSitePage, TestimonyPage
from home.models import HomePage

pytestmark = pytest.mark.django_db


def test_load_demo_builds_a_bilingual_demo_and_can_run_again(client):
    call_command("load_demo", berlin_sample=5, verbosity=0)
    count = EntryPage.objects.count()
    heilbronn = MemorialSitePage.objects.filter(external_id__startswith="heilbronn-")
    assert heilbronn.filter(locale__language_code="de").count() == 60
    assert heilbronn.filter(locale__language_code="ru").count() == 30
    assert MemorialSitePage.objects.filter(external_id__startswith="berlin-").count() == 5
    kaluga = InitiativePage.objects.get(external_id="demo-kaluga-2021")
    assert kaluga.get_translation(Locale.objects.get(language_code="ru")).title.startswith(
        "Конференция городов-партнёров 2021 в Калуге"
    )
    assert TestimonyPage.objects.filter(consent="public").count() == 2
    assert CollectionPage.objects.count() == 4
    for home in HomePage.objects.all():
        assert home.featured_collections.count() == 2
        assert client.get(home.url).status_code == 200
    assert client.get(kaluga.url).status_code == 200

    call_command("load_demo", berlin_sample=5, verbosity=0)
    assert EntryPage.objects.count() == count
    assert CollectionPage.objects.count() == 4
