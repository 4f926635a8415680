"""Backup and restore: a populated portal is backed up (pg_dump + media + manifest), restored by
`manage.py restore` in another process into a second, fresh database and an empty media directory, and
every table's row count and every file's checksum compared. A backup whose files do not match its
manifest, and a non-empty target, are refused."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from applications import tasks as application_tasks
from core import backup
from core.models import IssuedDocument

from ..applications.test_pdf import build_application, make_snapshot
from ..factories import AttachmentFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def populated(db):
    """Applications with their content and uploads, and a signed Annex 1 PDF in the registry."""
    application, _ = build_application("county")
    build_application("county", code="610921", batch=application.batch)
    AttachmentFactory(application=application)
    snapshot = make_snapshot(application)
    assert application_tasks.render_snapshot_pdf(snapshot.pk) is True
    assert IssuedDocument.objects.count() == 1
    return application


def media_checksums(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): backup.file_digest(p) for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture
def second_database(require_postgres):
    """A fresh, empty PostgreSQL database beside the test database; dropped afterwards."""
    db = connection.settings_dict
    name = f"{db['NAME']}_restore"
    server = {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    yield url, {**server, "dbname": name}
    with psycopg.connect(**server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restore_in_another_process(directory: Path, database_url: str, media_root: Path, *extra: str):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "PORTAL_SIGNING_FILE"}},
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(directory), *extra],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_populated_portal_comes_back_whole_in_a_fresh_database_and_storage(
    populated, second_database, tmp_path
):
    url, params = second_database
    directory = tmp_path / "backup"
    call_command("backup", str(directory))
    original_counts = backup.table_counts(connection)
    original_files = media_checksums(Path(settings.MEDIA_ROOT))
    assert len(original_files) >= 3  # uploads and the signed PDF

    manifest = json.loads((directory / backup.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["tables"] == original_counts
    assert {f["path"]: f["sha256"] for f in manifest["media"]} == original_files
    assert manifest["portal"]["git_commit"] and manifest["portal"]["version"]
    assert "0005_issued_documents" in manifest["migrations"]["core"]
    assert (
        manifest["tables"]["core_issueddocument"] == 1 and manifest["tables"]["applications_application"] == 2
    )

    media = tmp_path / "restored-media"
    result = restore_in_another_process(directory, url, media)
    assert result.returncode == 0, result.stderr

    with psycopg.connect(**params) as restored:
        tables = [
            r[0]
            for r in restored.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        restored_counts = {t: restored.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        # The registry row still points at the restored signed file.
        path, sha = restored.execute("SELECT storage_path, sha256 FROM core_issueddocument").fetchone()
    assert restored_counts == original_counts
    assert media_checksums(media) == original_files
    assert backup.file_digest(media / path) == sha

    # Restoring again over the now non-empty database is refused without --force.
    again = restore_in_another_process(directory, url, tmp_path / "other-media")
    assert again.returncode != 0 and "not empty" in again.stderr


def test_a_backup_whose_files_do_not_match_its_manifest_is_refused(populated, tmp_path, settings):
    directory = tmp_path / "backup"
    call_command("backup", str(directory))
    manifest = json.loads((directory / backup.MANIFEST).read_text(encoding="utf-8"))
    victim = directory / backup.MEDIA_DIR / manifest["media"][0]["path"]
    victim.write_bytes(victim.read_bytes() + b"x")
    (directory / backup.MEDIA_DIR / "extra.pdf").write_bytes(b"%PDF-1.7")
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(directory))
    message = str(refused.value)
    assert f"checksum differs: media/{manifest['media'][0]['path']}" in message
    assert "not in the manifest: media/extra.pdf" in message


def test_restore_refuses_a_non_empty_database_without_force(populated, tmp_path, settings):
    directory = tmp_path / "backup"
    call_command("backup", str(directory))
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(directory))


def test_backup_refuses_a_directory_in_use(populated, tmp_path):
    (tmp_path / "old.txt").write_text("something")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path))


def test_the_embedded_sqlite_portal_round_trips_too(tmp_path):
    """`make run`'s SQLite portal: backup with the sqlite3 backup API, restore into a new file."""

    def manage(*args, database: Path, media: Path):
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "PORTAL_SIGNING_FILE"}},
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_MEDIA_ROOT": str(media),
        }
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    original, media = tmp_path / "portal.sqlite3", tmp_path / "media"
    (media / "applications" / "1").mkdir(parents=True)
    (media / "applications" / "1" / "letter.pdf").write_bytes(b"%PDF-1.7 letter")
    manage("migrate", "--noinput", "-v0", database=original, media=media)
    manage("backup", str(tmp_path / "backup"), database=original, media=media)
    manifest = json.loads((tmp_path / "backup" / backup.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["database"]["file"] == backup.SQLITE_FILE and manifest["tables"]["django_migrations"] > 0

    restored, restored_media = tmp_path / "restored.sqlite3", tmp_path / "restored-media"
    manage("restore", str(tmp_path / "backup"), database=restored, media=restored_media)
    import sqlite3

    def counts(path: Path) -> dict[str, int]:
        with sqlite3.connect(path) as db:
            names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return {n: db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}

    assert counts(restored) == counts(original)
    assert media_checksums(restored_media) == media_checksums(media)
