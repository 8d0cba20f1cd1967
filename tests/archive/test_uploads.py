import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.documents.forms import get_document_form
from wagtail.documents.models import Document
from wagtail.images.forms import get_image_form
from wagtail.images.models import Image as WagtailImage

pytestmark = pytest.mark.django_db


def png_bytes(width=10, height=10):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, "PNG")
    return buffer.getvalue()


def png_header_claiming(width, height):
    """A tiny PNG whose header declares a huge canvas: a decompression bomb."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def image_form(name, content):
    form_class = get_image_form(WagtailImage)
    return form_class(
        data={"title": "Upload", "collection": 1, "description": "Ein Stolperstein"},
        files={"file": SimpleUploadedFile(name, content)},
    )


def document_form(name, content):
    form_class = get_document_form(Document)
    return form_class(data={"title": "Upload", "collection": 1}, files={"file": SimpleUploadedFile(name, content)})


def test_a_real_png_is_accepted():
    form = image_form("stein.png", png_bytes())
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        (
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "invalid_image_extension",
        ),
        ("photo.jpg", png_bytes(), "invalid_image_known_format"),
        ("bomb.png", png_header_claiming(30_000, 30_000), "file_too_many_pixels"),
        ("large.png", png_bytes(8000, 6000), "file_too_many_pixels"),
        ("notes.png", b"plain text, not an image", "invalid_image"),
    ],
    ids=["svg", "wrong-extension", "decompression-bomb", "over-40-megapixels", "not-an-image"],
)
def test_bad_images_are_refused_with_a_clear_message(name, content, code):
    form = image_form(name, content)
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["file"]] == [code]
    assert form.errors["file"][0]  # a message for the person uploading, in their language


def test_image_size_limit(settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1024
    form = image_form("big.png", png_bytes(200, 200) + b"\0" * 2048)
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["file"]] == ["file_too_large"]


def test_upload_limits_are_configured(settings):
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 20 * 1024 * 1024
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 40_000_000
    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE == 50 * 1024 * 1024
    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS


def test_a_real_pdf_and_text_are_accepted():
    assert document_form("scan.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n").is_valid()
    assert document_form("transcript.txt", "Мне было одиннадцать лет.".encode()).is_valid()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.pdf", png_bytes()),
        ("interview.mp3", b"%PDF-1.4 not audio"),
        ("transcript.txt", b"\xff\xfe\x00\x00binary\x00\x00"),
    ],
    ids=["png-as-pdf", "pdf-as-mp3", "binary-as-txt"],
)
def test_documents_whose_content_does_not_match_the_extension_are_refused(name, content):
    form = document_form(name, content)
    assert not form.is_valid()
    assert form.errors.as_data()["file"][0].code == "document_content_mismatch"


def test_documents_of_other_types_and_oversized_documents_are_refused(settings):
    form = document_form("tool.exe", b"MZ\x90\x00")
    assert not form.is_valid()
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 100
    form = document_form("scan.pdf", b"%PDF-1.4\n" + b"0" * 200)
    assert not form.is_valid()


def zip_bytes(entries):
    """A zip archive of (name, content) in this order, the first stored, as OpenDocument wants its mimetype."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for position, (name, content) in enumerate(entries):
            archive.writestr(name, content, compress_type=zipfile.ZIP_STORED if position == 0 else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


DOCX = [("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")]
ODT = [("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<office:document-content/>")]


def test_real_docx_and_odt_are_accepted():
    assert document_form("brief.docx", zip_bytes(DOCX)).is_valid()
    assert document_form("brief.odt", zip_bytes(ODT)).is_valid()


@pytest.mark.parametrize(
    ("name", "entries"),
    [
        ("brief.docx", [("payload.exe", "MZ")]),
        ("brief.docx", [("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")]),
        ("brief.odt", [("payload.exe", "MZ")]),
        ("brief.odt", [("mimetype", "application/vnd.oasis.opendocument.spreadsheet")]),
        ("brief.odt", [("content.xml", "<x/>"), ("mimetype", "application/vnd.oasis.opendocument.text")]),
        ("brief.docx", ODT),
        ("brief.odt", DOCX),
    ],
    ids=[
        "zip-as-docx",
        "xlsx-as-docx",
        "zip-as-odt",
        "ods-as-odt",
        "odt-mimetype-not-first",
        "odt-as-docx",
        "docx-as-odt",
    ],
)
def test_zip_archives_that_are_not_text_documents_are_refused(name, entries):
    form = document_form(name, zip_bytes(entries))
    assert not form.is_valid()
    assert form.errors.as_data()["file"][0].code == "document_content_mismatch"
