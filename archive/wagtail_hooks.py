from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from archive.models import PartnerCity, Theme


class PartnerCityViewSet(SnippetViewSet):
    model = PartnerCity
    icon = "site"
    menu_label = _("Partner cities")
    list_display = ["name_de", "name_ru", "country", "region", "partnership_since"]
    list_filter = ["country"]
    search_fields = ["name_de", "name_ru", "region"]
    panels = [
        FieldRowPanel([FieldPanel("name_de"), FieldPanel("name_ru")]),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("country"), FieldPanel("region")]),
        MultiFieldPanel([FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")])], heading=_("Location")),
        FieldPanel("partners"),
        FieldPanel("partnership_since"),
    ]


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Themes")
    list_display = ["name", "slug", "locale"]
    search_fields = ["name", "slug"]
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]


class VocabularyGroup(SnippetViewSetGroup):
    menu_label = _("Vocabulary")
    menu_icon = "list-ul"
    menu_order = 300
    items = (PartnerCityViewSet, ThemeViewSet)


register_snippet(VocabularyGroup)
