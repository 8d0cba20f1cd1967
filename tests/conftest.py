import pytest
from django.core.cache import cache
from wagtail.models import Locale

from archive.factories import ArchiveIndexPageFactory, PartnerCityFactory
from archive.vocabulary import ensure_vocabulary
from home.models import HomePage


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    # The cache outlives each test's database: nothing one test cached (the map's data, rate
    # counts) may answer the next.
    cache.clear()


@pytest.fixture
def locale_de(db):
    return Locale.objects.get(language_code="de")


@pytest.fixture
def locale_ru(db):
    return Locale.objects.get(language_code="ru")


@pytest.fixture
def home_de(locale_de):
    return HomePage.objects.get(locale=locale_de)


@pytest.fixture
def home_ru(locale_ru):
    return HomePage.objects.get(locale=locale_ru)


@pytest.fixture
def archive_de(home_de):
    return ArchiveIndexPageFactory(parent=home_de, title="Archiv", slug="archiv")


@pytest.fixture
def archive_ru(home_ru, archive_de):
    return ArchiveIndexPageFactory(
        parent=home_ru, title="Архив", slug="arkhiv", translation_key=archive_de.translation_key
    )


@pytest.fixture
def vocabulary(db):
    return ensure_vocabulary()


@pytest.fixture
def city(db):
    return PartnerCityFactory(slug="heilbronn", name_de="Heilbronn", name_ru="Хайльбронн")
