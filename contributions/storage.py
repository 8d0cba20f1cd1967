"""Where readers' photos wait for the editors: outside MEDIA_ROOT, with no public URL."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible
class PrivateMediaStorage(FileSystemStorage):
    """A file system storage that no web server serves.

    MEDIA_ROOT is public (whatever serves /media/ serves every file in it), so a photo
    nobody has checked yet must not land there. The directory is
    MEMORIA_PRIVATE_MEDIA_ROOT, or `private-media` beside MEDIA_ROOT; editors see the
    files only through a permission-checked admin view.
    """

    # Read at first use, not at import; FileSystemStorage drops this cache when
    # MEDIA_ROOT changes (tests move it per test).
    @cached_property
    def base_location(self):
        configured = getattr(settings, "MEMORIA_PRIVATE_MEDIA_ROOT", None)
        return Path(configured) if configured else Path(settings.MEDIA_ROOT).parent / "private-media"

    @property
    def base_url(self):
        # No URL at all: storage.url() raises instead of leaking a public address.
        return None


private_storage = PrivateMediaStorage()
