"""The blocks of an entry's body.

Every block has a description and a preview value, which the editor's block picker shows. The
preview texts are translated when the preview is drawn, so an editor sees them in the admin's
language. Blocks that show a file or a recording preview the newest one the site already holds:
an invented one would need a file, or a URL that may go away, and a fetch from the network.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock, EmbedValue
from wagtail.embeds.models import Embed
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.CharBlock):
    class Meta:
        form_classname = "title"
        icon = "title"
        template = "blocks/heading_block.html"
        label = _("Heading")
        description = _("A section heading.")
        preview_value = _("The Kahn family")


class ParagraphBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        label = _("Paragraph")
        description = _("Text with simple formatting.")
        preview_value = format_lazy("<p>{}</p>", _("Adolf Kahn was born in 1881."))


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quotation"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        label = _("Quotation")
        description = _("A quotation with the person or source it comes from.")
        preview_value = {
            "text": _("Nobody is forgotten, nothing is forgotten."),
            "attribution": _("Olga Bergholz"),
        }


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False)
    credit = blocks.CharBlock(label=_("credit"), required=False)

    class Meta:
        icon = "image"
        template = "blocks/captioned_image_block.html"
        label = _("Image")
        description = _("An image with its alt text, caption and credit.")

    def get_preview_value(self):
        image = get_image_model().objects.order_by("-created_at").first()
        if image is None:
            return self.normalize({"image": None, "caption": "", "credit": ""})
        # The library's own words for the image, so that the caption fits the picture.
        return self.normalize(
            {
                "image": {"image": image, "alt_text": image.default_alt_text, "decorative": False},
                "caption": image.description or image.title,
                "credit": "",
            }
        )


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("link text"), required=False)

    class Meta:
        icon = "doc-full"
        template = "blocks/document_link_block.html"
        label = _("Document")
        description = _("A link to a document in the archive, such as a PDF scan or an audio file.")

    def get_preview_value(self):
        # Without a link text of its own, the link shows the document's title.
        document = get_document_model().objects.order_by("-created_at").first()
        return self.normalize({"document": document, "title": ""})


class RecordingBlock(EmbedBlock):
    class Meta:
        icon = "media"
        template = "blocks/embed_block.html"
        label = _("Audio or video")
        description = _("An embedded recording from a media site.")

    def get_preview_value(self):
        # Embeds fetched for this block are cached without a maximum width.
        embed = Embed.objects.filter(max_width=None).exclude(html="").order_by("-last_updated").first()
        # No URL renders as an empty frame (no provider accepts it), not as the word "None".
        return EmbedValue(embed.url if embed else "")


class EntryBodyBlock(blocks.StreamBlock):
    """The one stream used by the body of every entry."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock(features=["bold", "italic", "link", "ol", "ul"])
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    document = DocumentLinkBlock()
    embed = RecordingBlock()
