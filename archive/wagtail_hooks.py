from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.ui.tables import DateColumn
from wagtail.models import Page, WorkflowState
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from archive.admin_views import AddToCollectionView, collections_for
from archive.models import ArchiveIndexPage, EntryPage, GlossaryTerm, PartnerCity, TestimonyPage, Theme
from archive.rich_text_links import PublicPageLinkHandler

page_permission_policy = PagePermissionPolicy()


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


class GlossaryTermViewSet(SnippetViewSet):
    model = GlossaryTerm
    icon = "globe"
    menu_label = _("Glossary")
    list_display = ["term_de", "term_ru", "note", DateColumn("updated_at", label=_("Updated"), sort_key="updated_at")]
    search_fields = ["term_de", "term_ru", "note"]
    panels = [FieldRowPanel([FieldPanel("term_de"), FieldPanel("term_ru")]), FieldPanel("note")]


class VocabularyGroup(SnippetViewSetGroup):
    menu_label = _("Vocabulary")
    menu_icon = "list-ul"
    menu_order = 300
    items = (PartnerCityViewSet, ThemeViewSet, GlossaryTermViewSet)


register_snippet(VocabularyGroup)


# Partners and editors ----------------------------------------------------------


def _is_editor(user):
    """Editors are whoever may publish pages somewhere (the Editors group, superusers)."""
    return page_permission_policy.user_has_permission(user, "publish")


@hooks.register("construct_page_chooser_queryset")
def hide_drafts_of_other_sections(pages, request):
    # Wagtail's page chooser offers every page, drafts included, to anyone who edits pages. A
    # partner may link to what is public anyway, and to its own drafts, but must not learn the
    # titles of another partner's unpublished submissions.
    if _is_editor(request.user):
        return pages
    own = page_permission_policy.instances_user_has_any_permission_for(request.user, ["add", "change"])
    return pages.filter(Q(live=True) | Q(pk__in=own.values("pk")))


LANGUAGE_NAMES = {"de": _("German"), "ru": _("Russian")}


class EditorialPanel(Component):
    """What the editors have to do: submissions per city, untranslated entries, testimonies without consent."""

    name = "memoria_editorial"
    template_name = "archive/admin/editorial_panel.html"
    order = 215  # right after Wagtail's own "Awaiting your review"
    listed = 5

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context.update(
            waiting=self.waiting_per_city(),
            untranslated=self.untranslated(),
            without_consent=TestimonyPage.objects.filter(consent=TestimonyPage.Consent.NOT_RECORDED)
            .select_related("locale")
            .order_by("-latest_revision_created_at"),
            listed=self.listed,
        )
        context["untranslated_total"] = sum(row["count"] for row in context["untranslated"]["per_language"])
        return context

    @staticmethod
    def waiting_per_city():
        page_type = ContentType.objects.get_for_model(Page)
        ids = WorkflowState.objects.filter(
            base_content_type=page_type, status=WorkflowState.STATUS_IN_PROGRESS
        ).values_list("object_id", flat=True)
        paths = Page.objects.filter(pk__in=[int(pk) for pk in ids]).values_list("path", flat=True)
        sections = ArchiveIndexPage.objects.exclude(city=None).select_related("city", "locale")
        rows = {}
        for page_path in paths:
            section = next((section for section in sections if page_path.startswith(section.path)), None)
            key = section.city_id if section else None
            row = rows.setdefault(key, {"city": section.city if section else None, "count": 0, "sections": []})
            row["count"] += 1
            if section and section not in row["sections"]:
                row["sections"].append(section)
        return sorted(rows.values(), key=lambda row: (row["city"] is None, str(row["city"] or "")))

    def untranslated(self):
        # An entry and its translations share a translation key; a key found in one locale only
        # is an entry nobody has translated yet.
        single = (
            EntryPage.objects.values("translation_key")
            .annotate(locales=Count("locale", distinct=True))
            .filter(locales=1)
            .values("translation_key")
        )
        entries = EntryPage.objects.filter(translation_key__in=single)
        per_language = [
            {"language": LANGUAGE_NAMES.get(row["locale__language_code"], row["locale__language_code"]), **row}
            for row in entries.values("locale__language_code")
            .annotate(count=Count("pk"))
            .order_by("locale__language_code")
        ]
        latest = entries.order_by("-latest_revision_created_at", "-pk").select_related("locale")[: self.listed]
        return {"per_language": per_language, "latest": latest}


@hooks.register("construct_homepage_panels")
def add_editorial_panel(request, panels):
    if _is_editor(request.user):
        panels.append(EditorialPanel())


class AddToCollectionButton(PageMenuItem):
    label = _("Add to collection")
    icon_name = "folder-open-inverse"
    priority = 66

    @cached_property
    def url(self):
        return reverse("archive_add_to_collection", args=[self.page.pk])

    def is_shown(self, user):
        return bool(collections_for(user, self.page))


@hooks.register("register_page_header_buttons")
def add_to_collection_button(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, EntryPage):
        yield AddToCollectionButton(page=page)


@hooks.register("register_admin_urls")
def archive_admin_urls():
    return [
        path(
            "archive/entries/<int:page_id>/add-to-collection/",
            AddToCollectionView.as_view(),
            name="archive_add_to_collection",
        )
    ]


# After Wagtail's own registration of the "page" link type (order), which this one replaces.
@hooks.register("register_rich_text_features", order=100)
def link_only_public_pages(features):
    features.register_link_type(PublicPageLinkHandler)
