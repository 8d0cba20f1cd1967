from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from archive.listing import visible_entries
from archive.models import ArchiveIndexPage, CollectionPage, PartnerCity


class HomePage(Page):
    introduction = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        InlinePanel("featured_collections", heading=_("Featured collections"), label=_("collection"), max_num=6),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["archive.ArchiveIndexPage", "home.InformationPage"]
    max_count_per_parent = 1

    latest_entries_count = 6

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        featured = list(self.featured_collections.select_related("collection", "collection__cover_image"))
        # A collection behind a password or a log-in is not featured: its title and introduction are not public.
        public = set(
            CollectionPage.objects.live()
            .public()
            .filter(pk__in=[item.collection_id for item in featured])
            .values_list("pk", flat=True)
        )
        context["featured_collections"] = [item.collection for item in featured if item.collection_id in public]
        context["latest_entries"] = (
            visible_entries()
            .filter(locale=self.locale)
            .select_related("city", "image")
            .order_by("-first_published_at")[: self.latest_entries_count]
        )
        # Each partnership once: listed from its German side.
        context["partner_cities"] = (
            PartnerCity.objects.filter(country=PartnerCity.Country.GERMANY, partners__isnull=False)
            .prefetch_related("partners")
            .distinct()
        )
        context["archive"] = self.get_children().live().type(ArchiveIndexPage).first()
        return context


class InformationPage(Page):
    """A page about the site itself, edited like any page: the imprint, the privacy notice.

    Those marked for it are linked in every page's footer, in the reader's language.
    """

    body = RichTextField(_("text"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])
    in_footer = models.BooleanField(_("link in the footer"), default=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    promote_panels = Page.promote_panels + [FieldPanel("in_footer")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")


class FeaturedCollection(Orderable):
    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_collections")
    collection = models.ForeignKey(
        CollectionPage, verbose_name=_("collection"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("collection", ["archive.CollectionPage"])]

    class Meta(Orderable.Meta):
        verbose_name = _("featured collection")
