"""Backup and restore, as the README's procedure says, on the production stack (`make stack`).

    .venv/bin/python bench/backup_restore.py

1. backup: `pg_dump --format=custom` of the stack's database, and a tar of its media and private
   media folders;
2. restore into a fresh database and fresh folders: `pg_restore --no-owner`, the tars unpacked;
3. `manage.py search_index rebuild` against the restored copy, into an index of its own;
4. compared, the original against the restored site, each read by manage.py in its own
   environment: every page (id, type, title, URL path, live), every image and document (file
   name and SHA-256 of the file's bytes), every reader's contribution (its photo's SHA-256), and
   the restored index against the restored database (the same ids with the same titles).

Before the backup it adds an image, a document and a contribution with a photo (the demo has
none), so that files are compared for real. They and the copy (database, folders, index) are
deleted at the end. Prints the sizes and times of each step.
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STACK = ROOT / ".cache" / "stack"
PG_BIN = Path("/usr/lib/postgresql/15/bin")

# What the demo lacks, so that the files are compared for real: an image, a document and a reader's
# contribution with a photo, added before the backup and removed at the end.
SEED = r"""
import io
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image
from wagtail.images import get_image_model
from wagtail.documents import get_document_model
from contributions.models import Contribution

def png(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return buffer.getvalue()

image = get_image_model()(title="backup-bench image", file=ImageFile(io.BytesIO(png("red")), name="backup-bench.png"))
image.save()
document = get_document_model()(title="backup-bench document")
document.file.save("backup-bench.txt", ContentFile("Protokoll der Kranzniederlegung, 22. Juni".encode()), save=False)
document.save()
contribution = Contribution(kind="memory", text="backup-bench", name="Anna", consent=True)
contribution.photo.save("photo.png", ContentFile(png("blue")), save=False)
contribution.save()
print("SEEDED", image.pk, document.pk, contribution.pk)
"""

UNSEED = r"""
from wagtail.images import get_image_model
from wagtail.documents import get_document_model
from contributions.models import Contribution
for item in [*get_image_model().objects.filter(title="backup-bench image"),
             *get_document_model().objects.filter(title="backup-bench document"),
             *Contribution.objects.filter(text="backup-bench")]:
    item.delete()
"""

SNAPSHOT = r"""
import hashlib, json
from django.conf import settings
from wagtail.models import Page
from wagtail.images import get_image_model
from wagtail.documents import get_document_model
from contributions.models import Contribution
from archive.listing import visible_entries
from search.client import get_client, index_alias
from elasticsearch import helpers

def digest(field):
    if not field:
        return None
    with field.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()

pages = sorted(Page.objects.values_list("pk", "content_type__model", "title", "url_path", "live"))
images = sorted((i.pk, i.file.name, digest(i.file)) for i in get_image_model().objects.all())
documents = sorted((d.pk, d.file.name, digest(d.file)) for d in get_document_model().objects.all())
contributions = sorted((c.pk, c.kind, c.text, digest(c.photo)) for c in Contribution.objects.all())
client = get_client(timeout=30)
client.indices.refresh(index=index_alias())
indexed = {hit["_id"]: hit["_source"]["title"] for hit in helpers.scan(client, index=index_alias(), _source=["title"])}
visible = {str(pk): title for pk, title in visible_entries().values_list("pk", "title")}
print("SNAPSHOT " + json.dumps({
    "pages": pages, "images": images, "documents": documents, "contributions": contributions,
    "index_equals_database": indexed == visible, "indexed": len(indexed), "visible": len(visible),
}))
"""


def stack_env():
    env_file = STACK / "env"
    if not env_file.exists():
        raise SystemExit("no .cache/stack/env: start the stack with `make stack` first")
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    for line in env_file.read_text().splitlines():
        key, _, value = line.partition("=")
        env[key] = value
    return env


def run(command, env=None, **kwargs):
    return subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True, **kwargs)  # noqa: S603


def psql_admin(sql, port):
    run(
        [
            "/usr/sbin/runuser",
            "-u",
            "postgres",
            "--",
            str(PG_BIN / "psql"),
            "-h",
            "/tmp",  # noqa: S108 -- the stack's socket: the postgres user by its own account (deploy/stack.sh)
            "-p",
            port,
            "-U",
            "postgres",
            "-qtAc",
            sql,
        ]
    )


def snapshot(env):
    result = run([sys.executable, "manage.py", "shell", "-c", SNAPSHOT], env=env, timeout=600)
    line = next(line for line in result.stdout.splitlines() if line.startswith("SNAPSHOT "))
    return json.loads(line.removeprefix("SNAPSHOT "))


def timed(title, action):
    started = time.monotonic()
    value = action()
    print(f"  {title}: {time.monotonic() - started:.1f} s", flush=True)
    return value


def main():
    env = stack_env()
    url = env["DATABASE_URL"]
    port = url.rsplit(":", 1)[1].split("/")[0]
    name = f"memoria_restore_{uuid.uuid4().hex[:6]}"
    restored_url = url.rsplit("/", 1)[0] + "/" + name
    with tempfile.TemporaryDirectory(prefix="memoria-backup-") as work:
        work = Path(work)
        dump, media_tar = work / "memoria.dump", work / "media.tar.gz"
        run([sys.executable, "manage.py", "shell", "-c", SEED], env=env)
        print("backup", flush=True)
        timed(
            "pg_dump --format=custom", lambda: run([str(PG_BIN / "pg_dump"), "--format=custom", f"--file={dump}", url])
        )

        def pack():
            with tarfile.open(media_tar, "w:gz") as tar:
                for key, arcname in (("MEDIA_ROOT", "media"), ("MEMORIA_PRIVATE_MEDIA_ROOT", "private-media")):
                    if Path(env[key]).exists():
                        tar.add(env[key], arcname=arcname)

        timed("media and private media (tar.gz)", pack)
        print(
            f"  sizes: database dump {dump.stat().st_size / 1e6:.1f} MB, media {media_tar.stat().st_size / 1e6:.1f} MB"
        )

        restored = {
            **env,
            "DATABASE_URL": restored_url,
            "MEDIA_ROOT": str(work / "restored" / "media"),
            "MEMORIA_PRIVATE_MEDIA_ROOT": str(work / "restored" / "private-media"),
            "MEMORIA_SEARCH_INDEX": f"memoria-restore-{uuid.uuid4().hex[:6]}",
            "STATIC_ROOT": str(work / "restored" / "static"),
        }
        print("restore", flush=True)
        try:
            psql_admin(f'CREATE DATABASE "{name}" OWNER memoria', port)
            timed(
                "pg_restore --no-owner",
                lambda: run(
                    [str(PG_BIN / "pg_restore"), "--no-owner", "--role=memoria", f"--dbname={restored_url}", str(dump)]
                ),
            )

            def unpack():
                with tarfile.open(media_tar) as tar:
                    tar.extractall(work / "restored", filter="data")

            timed("media unpacked", unpack)
            timed(
                "manage.py search_index rebuild",
                lambda: run(
                    [sys.executable, "manage.py", "search_index", "rebuild", "-v0"], env=restored, timeout=1800
                ),
            )
            print("compare", flush=True)
            original = timed("the original read", lambda: snapshot(env))
            copy = timed("the restored copy read", lambda: snapshot(restored))
        finally:
            psql_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', port)
            run(
                [
                    sys.executable,
                    "manage.py",
                    "shell",
                    "-c",
                    "from search.client import get_client, index_alias; c = get_client(); "
                    "names = c.indices.get(index=index_alias() + '*', allow_no_indices=True); "
                    "[c.indices.delete(index=n) for n in names]",
                ],
                env=restored,
            )
            shutil.rmtree(work / "restored", ignore_errors=True)
            run([sys.executable, "manage.py", "shell", "-c", UNSEED], env=env)

    checks = {}
    for key in ("pages", "images", "documents", "contributions"):
        checks[key] = original[key] == copy[key]
        print(
            f"  {key}: {len(original[key])} in the original, {len(copy[key])} restored, "
            f"{'the same' if checks[key] else 'DIFFERENT'}"
        )
    missing_files = [item for item in copy["images"] + copy["documents"] if item[2] is None]
    checks["files"] = not missing_files
    checks["index"] = copy["index_equals_database"]
    print(f"  files with their bytes: {'all' if not missing_files else f'{len(missing_files)} missing'}")
    print(
        f"  restored index: {copy['indexed']} documents for {copy['visible']} public entries, "
        f"{'equal to the database' if checks['index'] else 'NOT equal to the database'}"
    )
    print("backup and restore: " + ("PASS" if all(checks.values()) else "FAIL"))
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
