from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.actions.publish_page_revision import PublishPagePermissionError
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from archive.blocks import EntryBodyBlock
from archive.filters import EntryFilterForm
from archive.stemming import text_stems
from archive.text import paragraphs, stream_to_text
from archive.transliteration import index_keys

from .dates import DatePrecision, format_historical_date, normalise_date
from .snippets import PartnerCity, Theme


class EntryTag(TaggedItemBase):
    content_object = ParentalKey("archive.EntryPage", on_delete=models.CASCADE, related_name="tagged_items")


class Licence(models.TextChoices):
    CC_BY = "CC BY", "CC BY"
    CC_BY_4 = "CC BY 4.0", "CC BY 4.0"
    CC_BY_SA_4 = "CC BY-SA 4.0", "CC BY-SA 4.0"
    CC_BY_NC_4 = "CC BY-NC 4.0", "CC BY-NC 4.0"
    CC0 = "CC0 1.0", "CC0 1.0"
    PUBLIC_DOMAIN = "public domain", _("public domain")
    ALL_RIGHTS_RESERVED = "all rights reserved", _("all rights reserved, used with permission")


class ArchiveIndexPage(Page):
    """The archive, or one city's section of it: lists the entries below it."""

    introduction = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    city = models.ForeignKey(
        "archive.PartnerCity",
        verbose_name=_("city"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Set on a partner city's own section of the archive."),
    )

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("city")]
    search_fields = Page.search_fields + [index.SearchField("introduction")]

    parent_page_types = ["home.HomePage", "archive.ArchiveIndexPage"]
    subpage_types = [
        "archive.ArchiveIndexPage",
        "archive.InitiativePage",
        "archive.TestimonyPage",
        "archive.MemorialSitePage",
        "archive.CollectionPage",
    ]

    class Meta:
        verbose_name = _("archive index")

    entries_per_page = 24

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        form = EntryFilterForm(
            request.GET or None,
            entry_models=ENTRY_MODELS,
            cities=PartnerCity.objects.all(),
            themes=Theme.objects.filter(locale=self.locale),
        )
        entries = EntryPage.objects.visible().descendant_of(self).filter(locale=self.locale)
        if form.is_bound and form.is_valid():
            entries = entries.filtered(form.cleaned_data)
        entries = entries.select_related("city", "image")
        paginator = Paginator(entries.order_by("-date", "title"), self.entries_per_page)
        context["filter_form"] = form
        context["entries"] = paginator.get_page(request.GET.get("page"))
        context["collections"] = CollectionPage.objects.live().public().child_of(self)
        return context


class EntryPageQuerySet(PageQuerySet):
    def visible(self):
        """Entries anyone may see: live, not behind a view restriction, and testimonies only with consent.

        The one rule for every public list, search and export (archive.listing.visible_entries).
        """
        # A join, not NOT IN (every unconsented testimony): asked for a few entries (the
        # translations of a page of search results) the database looks at those only.
        consented = Q(testimonypage__isnull=True) | ~Q(testimonypage__consent=TestimonyPage.Consent.NOT_RECORDED)
        return self.live().public().filter(consented)

    def filtered(self, data):
        """Narrowed by an entry filter form's cleaned values (archive.filters.EntryFilterForm).

        Also honours `bbox` (west, south, east, north), which the search page's form adds.
        """
        entries = self
        if data.get("type"):
            entries = entries.filter(pk__in=ENTRY_MODELS[data["type"]].objects.values("pk"))
        if data.get("city"):
            entries = entries.filter(Q(city=data["city"]) | Q(initiativepage__partner_cities=data["city"])).distinct()
        if data.get("theme"):
            entries = entries.filter(themes__slug=data["theme"]).distinct()
        if data.get("tag"):
            entries = entries.filter(tagged_items__tag__name=data["tag"]).distinct()
        if data.get("has_media"):
            # What the index calls has_media: an image, or a testimony's recording.
            entries = entries.filter(Q(image__isnull=False) | Q(testimonypage__media__isnull=False))
        if data.get("bbox"):
            west, south, east, north = data["bbox"]
            # West beyond east: the box crosses the 180th meridian.
            within = (
                Q(longitude__gte=west, longitude__lte=east)
                if west <= east
                else Q(longitude__gte=west) | Q(longitude__lte=east)
            )
            entries = entries.filter(within, latitude__gte=south, latitude__lte=north)
        if data.get("date_from"):
            entries = entries.filter(date__year__gte=data["date_from"])
        if data.get("date_to"):
            entries = entries.filter(date__year__lte=data["date_to"])
        return entries


class EntryPageForm(WagtailAdminPageForm):
    """The entry editor: the themes of the page's own language only, coordinates as one would write them."""

    # About 10 cm: more digits than that are float noise ("9.222373500000003"), not precision.
    COORDINATE_DECIMALS = 6

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale = self.instance.locale if self.instance.locale_id else getattr(self.parent_page, "locale", None)
        if "themes" in self.fields and locale is not None:
            self.fields["themes"].queryset = Theme.objects.filter(locale=locale)
        for name in ("latitude", "longitude"):
            if name in self.fields and self.initial.get(name) is not None:
                self.initial[name] = round(self.initial[name], self.COORDINATE_DECIMALS)

    def clean(self):
        cleaned_data = super().clean()
        for name in ("latitude", "longitude"):
            if cleaned_data.get(name) is not None:
                cleaned_data[name] = round(cleaned_data[name], self.COORDINATE_DECIMALS)
        return cleaned_data


class EntryPage(Page):
    """What every archive entry has: date, place, themes, tags, source and licence.

    Not creatable itself; the concrete entry types inherit from it, so the whole
    archive can be listed, filtered and indexed as one queryset.
    """

    external_id = models.CharField(
        _("external ID"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The entry's identifier in the file it was imported from."),
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("One or two sentences shown in lists."))
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"), max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    city = models.ForeignKey(
        "archive.PartnerCity",
        verbose_name=_("city"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    themes = ParentalManyToManyField("archive.Theme", verbose_name=_("themes"), blank=True)
    tags = ClusterTaggableManager(through=EntryTag, blank=True, verbose_name=_("tags"))
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown at the top of the entry and in lists; give it alt text."),
    )
    body = StreamField(EntryBodyBlock(), verbose_name=_("body"), blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    licence = models.CharField(_("licence"), max_length=40, choices=Licence.choices, default=Licence.CC_BY_SA_4)
    attribution = models.CharField(
        _("attribution"),
        max_length=300,
        blank=True,
        help_text=_("Who made or holds the source, as it must be credited."),
    )

    is_creatable = False
    parent_page_types = ["archive.ArchiveIndexPage"]
    subpage_types = []

    entry_panels = [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("date"), FieldPanel("date_precision")])],
            heading=_("Date"),
        ),
        FieldPanel("city"),
        FieldPanel("themes"),
        FieldPanel("tags"),
        FieldPanel("image"),
    ]
    source_panels = [
        MultiFieldPanel(
            [FieldPanel("source_url"), FieldPanel("licence"), FieldPanel("attribution"), FieldPanel("external_id")],
            heading=_("Source and licence"),
        ),
    ]
    location_panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")])],
            heading=_("Location"),
        )
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.FilterField("city"),
        index.FilterField("locale"),
        index.RelatedFields("city", [index.SearchField("name_de"), index.SearchField("name_ru")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.SearchField("name_keys"),
        index.SearchField("stem_keys"),
    ]

    objects = PageManager.from_queryset(EntryPageQuerySet)()
    base_form_class = EntryPageForm

    class Meta:
        verbose_name = _("archive entry")
        verbose_name_plural = _("archive entries")
        # The lists' order (newest first): without it, a page of a list sorts every entry.
        indexes = [models.Index(fields=["date"], name="archive_entry_date")]

    def clean(self):
        super().clean()
        if self.date and self.date_precision:
            self.date = normalise_date(self.date, self.date_precision)
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))

    @property
    def display_date(self):
        return format_historical_date(self.date, self.date_precision)

    @property
    def display_coordinates(self):
        """ "49,14347° N, 9,22237° O": a decimal comma between two numbers is no separator then."""
        if self.latitude is None or self.longitude is None:
            return ""
        north = pgettext("latitude", "N") if self.latitude >= 0 else pgettext("latitude", "S")
        east = pgettext("longitude", "E") if self.longitude >= 0 else pgettext("longitude", "W")
        latitude, longitude = number_format(abs(self.latitude), 5), number_format(abs(self.longitude), 5)
        return f"{latitude}°\u00a0{north}, {longitude}°\u00a0{east}"

    def searchable_names(self) -> list[str]:
        """Where the entry names people and places: what a reader may type in the other script."""
        return [self.title]

    def name_keys(self) -> str:
        """The names as transliteration keys, so the database search finds Жуков for "Schukow" too."""
        return " ".join(index_keys(" ".join(name for name in self.searchable_names() if name)))

    def searchable_text(self) -> list[str]:
        """The entry's own words, as the database search stems them (stem_keys)."""
        return [self.title, self.summary, self.body_text]

    def stem_keys(self) -> str:
        """The words' German and Russian stems, compound parts included (archive.stemming), so the
        database search finds "Stolpersteine" for "Stolperstein" and "Städtepartnerschaft" for
        "Partnerschaft", as the index does."""
        return " ".join(text_stems(" ".join(part for part in self.searchable_text() if part)))

    @property
    def entry_type(self):
        return self.specific_class.entry_type_slug

    @cached_property
    def body_text(self):
        """The body as plain text paragraphs, for snippets, exports and search."""
        return stream_to_text(self.body)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["themes"] = list(self.themes.all())
        context["tags"] = list(self.tags.all())
        # Only collections anyone may open: a collection behind a password is not named here.
        public = set(CollectionPage.objects.live().public().filter(items__entry=self).values_list("pk", flat=True))
        items = self.collection_items.select_related("collection")
        context["collections"] = [item.collection for item in items if item.collection_id in public]
        return context


class InitiativePage(EntryPage):
    """A commemorative initiative: a wreath-laying, a youth exchange, an exhibition."""

    entry_type_slug = "initiative"

    date_end = models.DateField(_("end date"), null=True, blank=True, help_text=_("For initiatives over several days."))
    organisers = models.TextField(_("organisers"), blank=True, help_text=_("One per line."))
    partner_cities = ParentalManyToManyField(
        "archive.PartnerCity", verbose_name=_("partner cities"), blank=True, related_name="initiatives"
    )

    content_panels = (
        Page.content_panels
        + EntryPage.entry_panels
        + [FieldPanel("date_end"), FieldPanel("organisers"), FieldPanel("partner_cities"), FieldPanel("body")]
        + EntryPage.location_panels
        + EntryPage.source_panels
    )
    search_fields = EntryPage.search_fields + [index.SearchField("organisers")]

    class Meta:
        verbose_name = _("commemorative initiative")
        verbose_name_plural = _("commemorative initiatives")

    def searchable_text(self):
        return [*super().searchable_text(), self.organisers]

    def clean(self):
        super().clean()
        if self.date_end and self.date and self.date_end < self.date:
            raise ValidationError({"date_end": _("The end date cannot be before the start date.")})

    @property
    def organiser_list(self):
        return [line.strip() for line in self.organisers.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["partner_cities"] = list(self.partner_cities.all())
        return context


CONSENT_REQUIRED = _("A testimony can only be published once consent has been recorded. Save it as a draft until then.")


class ConsentRequired(PublishPagePermissionError):
    """Publishing a testimony without recorded consent: refused like any publish the user may not do."""


class TestimonyPageForm(EntryPageForm):
    """The admin form checks the consent rules where the editor sees them, next to the fields."""

    # The buttons of Wagtail's page editor that lead to publication (directly, or by review).
    publishing_actions = ("action-publish", "action-submit", "action-restart-workflow")

    def clean(self):
        cleaned_data = super().clean()
        if self._leads_to_publication() and cleaned_data.get("consent") == TestimonyPage.Consent.NOT_RECORDED:
            self.add_error("consent", CONSENT_REQUIRED)
        # self.instance still holds the values from before this submission here.
        clears_flag = self.instance.contains_personal_data and not cleaned_data.get("contains_personal_data")
        if clears_flag and not self._user_may_publish():
            self.add_error("contains_personal_data", _("Only an editor may clear this flag."))
        return cleaned_data

    def _leads_to_publication(self):
        if any(self.data.get(name) for name in self.publishing_actions):
            return True
        return bool(self.data.get("action-workflow-action")) and self.data.get("workflow-action-name") == "approve"

    def _user_may_publish(self):
        if self.for_user is None:
            return True
        if self.instance.pk:
            return self.instance.permissions_for_user(self.for_user).can_publish()
        return self.parent_page.permissions_for_user(self.for_user).can_publish_subpage()


class TestimonyPage(EntryPage):
    """An eyewitness testimony: who spoke, when and where, and on what terms it may be shown.

    Consent rules: without recorded consent a testimony may be saved as a draft but never
    published, by any route (editor, review, schedule); withdrawing consent from a live
    testimony unpublishes it at once.
    """

    entry_type_slug = "testimony"
    base_form_class = TestimonyPageForm

    class Consent(models.TextChoices):
        NOT_RECORDED = "not_recorded", _("not recorded")
        PUBLIC = "public", _("public")
        EDUCATION = "education", _("education only")

    class OriginalLanguage(models.TextChoices):
        GERMAN = "de", _("German")
        RUSSIAN = "ru", _("Russian")
        OTHER = "other", _("other")

    witness_name = models.CharField(_("witness"), max_length=200)
    witness_birth_year = models.PositiveSmallIntegerField(
        _("witness's year of birth"), null=True, blank=True, validators=[MinValueValidator(1850)]
    )
    recorded_place = models.CharField(_("place recorded"), max_length=200, blank=True)
    original_language = models.CharField(
        _("original language"), max_length=10, choices=OriginalLanguage.choices, default=OriginalLanguage.RUSSIAN
    )
    transcript = RichTextField(_("transcript"), blank=True, features=["bold", "italic", "ol", "ul"])
    media = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("audio or video recording"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent = models.CharField(_("consent"), max_length=20, choices=Consent.choices, default=Consent.NOT_RECORDED)
    consent_given_by = models.CharField(_("consent given by"), max_length=200, blank=True)
    consent_date = models.DateField(_("consent recorded on"), null=True, blank=True)
    contains_personal_data = models.BooleanField(
        _("personal data about living persons"),
        default=False,
        help_text=_("Keeps the witness's details off the public page until an editor clears this flag."),
    )

    content_panels = (
        Page.content_panels
        + EntryPage.entry_panels
        + [
            MultiFieldPanel(
                [
                    FieldPanel("witness_name"),
                    FieldPanel("witness_birth_year"),
                    FieldPanel("recorded_place"),
                    FieldPanel("original_language"),
                ],
                heading=_("Witness and recording"),
            ),
            FieldPanel("transcript"),
            FieldPanel("media"),
            FieldPanel("body"),
            MultiFieldPanel(
                [
                    FieldPanel("consent"),
                    FieldPanel("consent_given_by"),
                    FieldPanel("consent_date"),
                    FieldPanel("contains_personal_data"),
                ],
                heading=_("Consent and personal data"),
            ),
        ]
        + EntryPage.location_panels
        + EntryPage.source_panels
    )
    search_fields = EntryPage.search_fields + [index.SearchField("transcript"), index.SearchField("witness_name")]

    class Meta:
        verbose_name = _("testimony")
        verbose_name_plural = _("testimonies")

    @property
    def has_consent(self):
        return self.consent != self.Consent.NOT_RECORDED

    def searchable_text(self):
        return [*super().searchable_text(), strip_tags(self.transcript)]

    def searchable_names(self):
        # The witness's name and place only where the public page shows them.
        names = [self.title]
        if not self.contains_personal_data:
            names += [self.witness_name, self.recorded_place]
        return names

    def clean(self):
        super().clean()
        if self.has_consent and not (self.consent_given_by and self.consent_date):
            raise ValidationError(_("Record who gave consent and when."))

    def publish(self, revision, *args, **kwargs):
        # Every publication that is not the editor's own button comes through here: workflow
        # approval, scheduled publishing, bulk actions, code. The revision is what goes live.
        if revision.content.get("consent", self.Consent.NOT_RECORDED) == self.Consent.NOT_RECORDED:
            raise ConsentRequired(CONSENT_REQUIRED)
        return super().publish(revision, *args, **kwargs)

    def serve(self, request, *args, **kwargs):
        # However a testimony without consent came to be live (an old row, a raw save),
        # the public never sees it; editors still have the preview.
        if not self.has_consent:
            raise Http404
        return super().serve(request, *args, **kwargs)

    def save_revision(self, user=None, **kwargs):
        revision = super().save_revision(user=user, **kwargs)
        if self.live and not self.has_consent:
            # Withdrawn consent takes effect at once, whoever records it: the testimony leaves the
            # site (and the search index, which listens to unpublishing) and any scheduled
            # publication of an older revision is cancelled.
            UnpublishPageAction(self, user=user).execute(skip_permission_checks=True)
            self.revisions.update(approved_go_live_at=None)
        return revision


class MemorialSitePage(EntryPage):
    """A place of remembrance: a Stolperstein, a memorial, a war cemetery, a plaque."""

    entry_type_slug = "memorial_site"

    class Kind(models.TextChoices):
        STOLPERSTEIN = "stolperstein", _("Stolperstein")
        MEMORIAL = "memorial", _("memorial")
        WAR_CEMETERY = "war_cemetery", _("war cemetery")
        PLAQUE = "plaque", _("memorial plaque")
        OTHER = "other", _("other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEMORIAL)
    address = models.CharField(_("address"), max_length=300, blank=True)
    inscription = models.TextField(_("inscription"), blank=True)

    content_panels = (
        Page.content_panels
        + EntryPage.entry_panels
        + [FieldPanel("kind"), FieldPanel("address")]
        + EntryPage.location_panels
        + [
            FieldPanel("inscription"),
            FieldPanel("body", heading=_("History")),
            InlinePanel("people", heading=_("People commemorated"), label=_("person")),
        ]
        + EntryPage.source_panels
    )
    search_fields = EntryPage.search_fields + [
        index.SearchField("address"),
        index.SearchField("inscription"),
        index.RelatedFields("people", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = _("memorial site")
        verbose_name_plural = _("memorial sites")

    def searchable_names(self):
        return [self.title, self.address]

    def searchable_text(self):
        return [*super().searchable_text(), self.address, self.inscription]

    @property
    def inscription_stones(self):
        """One block of lines per stone: stones are separated by a blank line."""
        return paragraphs(self.inscription)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["people"] = list(self.people.all())
        return context


LINKING_WORDS = {"nach", "in", "ins", "im", "am", "an", "aus", "von", "über", "uber", "в", "во", "из", "на", "через"}


class CommemoratedPerson(Orderable):
    site = ParentalKey(MemorialSitePage, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(_("name"), max_length=200)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    death_year = models.PositiveSmallIntegerField(_("year of death"), null=True, blank=True)
    born = models.CharField(_("born (date and place)"), max_length=300, blank=True)
    deported = models.CharField(_("deported (date and destination)"), max_length=300, blank=True)
    fate = models.CharField(_("fate"), max_length=300, blank=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("birth_year"), FieldPanel("death_year")]),
        FieldPanel("born"),
        FieldPanel("deported"),
        FieldPanel("fate"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("person commemorated")
        verbose_name_plural = _("people commemorated")

    def __str__(self):
        return self.name

    @property
    def deportation_shown(self):
        """The deportation, unless the fate tells it already ("Deportiert 1941 ermordet in Riga")."""
        fate = self.fate.casefold()
        # The deportation's date and place, not its little words ("1941 nach Riga": 1941, Riga).
        facts = [word for word in self.deported.casefold().replace(",", " ").split() if word not in LINKING_WORDS]
        told = ("deport" in fate or "депорт" in fate) and all(word in fate for word in facts)
        return "" if told else self.deported


class CollectionPage(Page):
    """An editor's curated, ordered selection of entries, ready to use in class."""

    introduction = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown on the home page when the collection is featured."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("cover_image"),
        InlinePanel("items", heading=_("Entries"), label=_("entry"), min_num=1),
    ]
    search_fields = Page.search_fields + [index.SearchField("introduction")]

    parent_page_types = ["archive.ArchiveIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The one visibility rule: live is not enough (a view restriction, a testimony without consent).
        visible = set(
            EntryPage.objects.visible().filter(collection_items__collection=self).values_list("pk", flat=True)
        )
        context["entries"] = [
            item.entry.specific
            for item in self.items.select_related("entry", "entry__city", "entry__image")
            if item.entry_id in visible
        ]
        return context


class CollectionItem(Orderable):
    collection = ParentalKey(CollectionPage, on_delete=models.CASCADE, related_name="items")
    entry = models.ForeignKey(
        EntryPage, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="collection_items"
    )
    note = models.CharField(_("editor's note"), max_length=300, blank=True)

    panels = [PageChooserPanel("entry", ["archive.EntryPage"]), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = _("collection entry")


# The entry types by the slug used in imports, filters and the search index.
ENTRY_MODELS = {model.entry_type_slug: model for model in (InitiativePage, TestimonyPage, MemorialSitePage)}
