"""Upload checks Wagtail does not make itself: a document's content must match its extension."""

import zipfile
from pathlib import Path

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm

# For each allowed extension, the MIME types its magic bytes may show. Text files
# have no magic bytes: they must decode as UTF-8 instead.
DOCUMENT_SIGNATURES = {
    "pdf": {"application/pdf"},
    "odt": {"application/zip", "application/vnd.oasis.opendocument.text"},
    "docx": {"application/zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    "mp3": {"audio/mpeg"},
    "ogg": {"audio/ogg", "video/ogg"},
    "wav": {"audio/x-wav", "audio/wav"},
    "mp4": {"video/mp4", "audio/mp4", "audio/m4a"},
    "webm": {"video/webm", "audio/webm"},
}


def check_document_content(uploaded_file):
    extension = Path(uploaded_file.name).suffix.lower().lstrip(".")
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    if extension == "txt":
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is still text.
            if error.start < len(head) - 4:
                raise ValidationError(
                    _("This .txt file is not UTF-8 text."), code="document_content_mismatch"
                ) from None
        if b"\x00" in head:
            raise ValidationError(_("This .txt file is not UTF-8 text."), code="document_content_mismatch")
        return
    allowed = DOCUMENT_SIGNATURES.get(extension)
    if allowed is None:
        return
    detected = filetype.guess_mime(head)
    if detected not in allowed:
        raise ValidationError(
            _("The file's content does not match its extension .%(extension)s (it looks like %(detected)s)."),
            code="document_content_mismatch",
            params={"extension": extension, "detected": detected or _("an unknown format")},
        )
    if extension in OFFICE_MARKERS and not _has_office_markers(uploaded_file, extension):
        raise ValidationError(
            _("This .%(extension)s file is a zip archive, but not a text document."),
            code="document_content_mismatch",
            params={"extension": extension},
        )


# A .docx and an .odt are zip archives: any zip passes the magic bytes. Their own markers tell.
OFFICE_MARKERS = {
    # OpenDocument: the first entry is `mimetype`, stored, holding the document's media type.
    "odt": "application/vnd.oasis.opendocument.text",
    # Office Open XML: the package's content types and the main document part.
    "docx": ("[Content_Types].xml", "word/document.xml"),
}


def _has_office_markers(uploaded_file, extension):
    """Whether the zip holds the markers of its format; read from the directory, nothing unpacked."""
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            names = archive.namelist()
            if extension == "odt":
                if not names or names[0] != "mimetype":
                    return False
                with archive.open("mimetype") as entry:
                    return entry.read(100).decode("ascii", "replace").strip() == OFFICE_MARKERS["odt"]
            return all(name in names for name in OFFICE_MARKERS["docx"])
    except (zipfile.BadZipFile, OSError, KeyError):
        return False
    finally:
        uploaded_file.seek(0)


class ArchiveDocumentForm(BaseDocumentForm):
    def clean_file(self):
        uploaded_file = self.cleaned_data.get("file")
        if uploaded_file and "file" in self.changed_data:
            check_document_content(uploaded_file)
        return uploaded_file
