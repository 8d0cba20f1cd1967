"""The entry editor: the themes of the page's own language, coordinates without float noise."""

import pytest

from archive.factories import MemorialSitePageFactory
from archive.models import Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("chief", "chief@example.org", "pw-not-used-0"))
    return client


@pytest.mark.parametrize("language", ["de", "ru"])
def test_the_themes_field_lists_the_pages_own_languages_themes(editor, archive_de, archive_ru, vocabulary, language):
    parent = archive_de if language == "de" else archive_ru
    site = MemorialSitePageFactory(parent=parent, latitude=49.143473, longitude=9.222373500000003)
    edit = editor.get(f"/admin/pages/{site.pk}/edit/")
    themes = edit.context["form"].fields["themes"].queryset
    assert themes.exists()
    assert set(themes.values_list("locale__language_code", flat=True)) == {language}
    add = editor.get(f"/admin/pages/add/archive/memorialsitepage/{parent.pk}/")
    assert set(add.context["form"].fields["themes"].queryset.values_list("locale__language_code", flat=True)) == {
        language
    }
    assert Theme.objects.exclude(locale=parent.locale).exists()  # there are others it leaves out


def test_coordinates_are_shown_and_kept_without_float_noise(editor, archive_de):
    site = MemorialSitePageFactory(parent=archive_de, latitude=49.143473, longitude=9.222373500000003)
    html = editor.get(f"/admin/pages/{site.pk}/edit/").content.decode()
    assert 'value="9.222374"' in html
    assert "9.222373500000003" not in html
