from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from wagtail.images.fields import WagtailImageField

from archive.listing import visible_entries
from contributions.models import TEXT_MAX_LENGTH, Contribution

PHOTO_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
DEFAULT_PHOTO_MAX_SIZE = 10 * 1024 * 1024

# Bots fill in every field; people never see this one. Its name sounds worth filling.
HONEYPOT_FIELD = "website"


class ContributionPhotoField(WagtailImageField):
    """Wagtail's own upload checks, narrowed to what readers may send.

    Willow reads the content (a PDF renamed .jpg is refused), the format must match the
    extension, and the pixel limit and Pillow's decompression bomb check apply as for
    editors' uploads (WAGTAILIMAGES_MAX_IMAGE_PIXELS); only the formats and the size
    are stricter.
    """

    # The extension is checked against PHOTO_EXTENSIONS in check_image_file_format;
    # Wagtail's default validator would allow its wider list (GIF, AVIF).
    default_validators = []

    def __init__(self, *, max_upload_size, **kwargs):
        super().__init__(**kwargs)
        self.allowed_image_extensions = PHOTO_EXTENSIONS
        self.max_upload_size = max_upload_size
        self.max_upload_size_text = filesizeformat(max_upload_size)
        self.help_text = _("A JPEG, PNG or WebP image of at most %(size)s.") % {"size": self.max_upload_size_text}
        self.error_messages["invalid_image"] = _(
            "This file is not an image we can read. Please send a JPEG, PNG or WebP photo."
        )
        self.error_messages["invalid_image_extension"] = _("Please send a JPEG, PNG or WebP photo.")
        self.error_messages["file_too_large_unknown_size"] = _("This photo is too big. It may be at most %(size)s.") % {
            "size": self.max_upload_size_text
        }


class ContributionForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label=_("What would you like to send?"),
        choices=[
            (Contribution.Kind.CORRECTION, _("A correction to an entry")),
            (Contribution.Kind.MEMORY, _("A memory, perhaps with a photo")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you send a correction or a memory.")},
    )
    # The entry's id only; an id that is not a public entry is dropped, not shown as an
    # error the reader could not fix (the field is hidden).
    entry = forms.CharField(required=False, widget=forms.HiddenInput)
    consent = forms.BooleanField(
        label=_("I agree that the editors may use my contribution."),
        help_text=_("They may publish it in the archive, edited and credited with your name."),
        error_messages={"required": _("Without your agreement the editors cannot use your contribution.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Contribution
        fields = ["kind", "entry", "text", "photo", "name", "email", "consent"]
        labels = {
            "name": _("Your name"),
            "email": _("Your email address (optional)"),
            "text": _("Your correction or memory"),
        }
        help_texts = {
            "name": _("How the editors may credit you."),
            "email": _("Only if you would like an answer. It is never published."),
        }
        error_messages = {
            "name": {"required": _("Please tell us your name.")},
            "text": {"required": _("Please write your correction or memory.")},
            "email": {"invalid": _("This is not a valid email address.")},
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # no colon after "I agree …"
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = _("At most %(count)s characters.") % {
            "count": number_format(TEXT_MAX_LENGTH, force_grouping=True)
        }
        # Built per form, so the limit is read from the settings now and the messages
        # are in the reader's language.
        self.fields["photo"] = ContributionPhotoField(
            label=_("A photo (optional)"),
            required=False,
            max_upload_size=getattr(settings, "MEMORIA_CONTRIBUTION_PHOTO_MAX_SIZE", DEFAULT_PHOTO_MAX_SIZE),
            widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        )

    @staticmethod
    def honeypot_filled(data):
        return bool(data.get(HONEYPOT_FIELD, "").strip())

    @staticmethod
    def public_entry(entry_id):
        """The live, public entry with this id, or None (drafts and restricted pages stay unknown)."""
        try:
            number = int(entry_id)
        except (TypeError, ValueError):
            return None
        # An id past the database's integer range is no entry (SQLite refuses the query outright).
        if not 0 < number < 2**31:
            return None
        return visible_entries().filter(pk=number).first()

    def clean_entry(self):
        return self.public_entry(self.cleaned_data.get("entry"))

    @property
    def error_summary(self):
        """(target id, message) for every error, so the summary links to each field."""
        summary = []
        for field in self:
            # Radio buttons have no single id: link to the first option.
            target = field.id_for_label or f"{field.auto_id}_0"
            summary += [(target, error) for error in field.errors]
        return summary
