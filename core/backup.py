"""Backup and restore of a portal: the database (pg_dump / pg_restore on PostgreSQL, the sqlite3 backup
API on SQLite), the media (private uploads and generated PDFs) and a manifest that makes the copy
checkable: every table's row count, every file's path, size and SHA-256, the portal version and git
commit, and the migrations applied. `manage.py backup <dir>` / `manage.py restore <dir>` call these;
docs/deployment.md "Backup and restore" says when and where.

On PostgreSQL the row counts and the dump come from one snapshot (pg_export_snapshot, pg_dump
--snapshot), so the manifest describes exactly what was dumped even while the portal is in use.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tomllib
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction

MANIFEST = "manifest.json"
MEDIA_DIR = "media"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that must not go on; the message says why (for the operator)."""


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def portal_version() -> dict:
    with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
        version = tomllib.load(handle).get("project", {}).get("version", "")
    commit = os.environ.get("PORTAL_GIT_COMMIT", "")
    if not commit:
        try:
            commit = subprocess.run(
                ["git", "rev-parse", "HEAD"],
                cwd=settings.BASE_DIR,
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            commit = "unknown"
    return {"version": version, "git_commit": commit}


def table_counts(connection) -> dict[str, int]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")  # noqa: S608 (names from the catalogue)
            counts[name] = cursor.fetchone()[0]
    return counts


def applied_migrations(connection) -> dict[str, list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _pg_env(db: dict) -> tuple[list[str], dict]:
    args = ["--no-password"]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[:2000]}")


def _copy_media(source: Path, target: Path) -> list[dict]:
    files = []
    if not source.exists():
        return files
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = path.relative_to(source).as_posix()
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        # The checksum is of the copy: what the manifest vouches for is what the backup holds.
        files.append(
            {"path": relative, "size": destination.stat().st_size, "sha256": file_digest(destination)}
        )
    return files


def backup(directory: Path, *, using: str = "default") -> dict:
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: a backup goes into a new directory.")
    directory.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    db = connection.settings_dict
    manifest: dict = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "portal": portal_version(),
        "database": {"vendor": connection.vendor},
    }
    if connection.vendor == "postgresql":
        dump = directory / PG_DUMP_FILE
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            manifest["tables"] = table_counts(connection)
            manifest["migrations"] = applied_migrations(connection)
            args, env = _pg_env(db)
            _run(
                [
                    "pg_dump",
                    *args,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                ]
                + ["--file", str(dump), db["NAME"]],
                env,
            )
    elif connection.vendor == "sqlite":
        dump = directory / SQLITE_FILE
        connection.ensure_connection()
        target = sqlite3.connect(dump)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        copy = sqlite3.connect(dump)
        try:
            counts = {}
            for (name,) in copy.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
                if name.startswith("sqlite_"):
                    continue
                counts[name] = copy.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            manifest["tables"] = counts
            manifest["migrations"] = {}
            for app, name in copy.execute("SELECT app, name FROM django_migrations ORDER BY app, name"):
                manifest["migrations"].setdefault(app, []).append(name)
        finally:
            copy.close()
    else:
        raise BackupError(f"Unsupported database: {connection.vendor}")
    manifest["database"].update({"file": dump.name, "size": dump.stat().st_size, "sha256": file_digest(dump)})
    manifest["media"] = _copy_media(Path(settings.MEDIA_ROOT), directory / MEDIA_DIR)
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


# Restore ---------------------------------------------------------------------------------------------
def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST
    if not path.exists():
        raise BackupError(f"No {MANIFEST} in {directory}: not a portal backup.")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def check_files(directory: Path, manifest: dict) -> list[str]:
    """Every difference between the backup's files and its manifest (empty when they match)."""
    directory = Path(directory)
    problems = []
    database = manifest["database"]
    dump = directory / database["file"]
    if not dump.exists():
        problems.append(f"missing: {database['file']}")
    elif dump.stat().st_size != database["size"] or file_digest(dump) != database["sha256"]:
        problems.append(f"checksum differs: {database['file']}")
    listed = set()
    for entry in manifest["media"]:
        listed.add(entry["path"])
        path = directory / MEDIA_DIR / entry["path"]
        if not path.is_file():
            problems.append(f"missing: media/{entry['path']}")
        elif path.stat().st_size != entry["size"] or file_digest(path) != entry["sha256"]:
            problems.append(f"checksum differs: media/{entry['path']}")
    media = directory / MEDIA_DIR
    if media.exists():
        for path in media.rglob("*"):
            if path.is_file() and path.relative_to(media).as_posix() not in listed:
                problems.append(f"not in the manifest: media/{path.relative_to(media).as_posix()}")
    return problems


def _unknown_migrations(manifest: dict) -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in on_disk
    ]


def restore(directory: Path, *, using: str = "default", force: bool = False) -> dict:
    """Restore into a fresh database and media directory; refuses a backup whose files do not match
    its manifest, and a non-empty target unless `force`. Returns the counts found after restoring."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    problems = check_files(directory, manifest)
    if problems:
        raise BackupError("The backup does not match its manifest:\n" + "\n".join(problems))
    unknown = _unknown_migrations(manifest)
    if unknown and not force:
        raise BackupError(
            "The backup has migrations this code does not know (restore with the portal version "
            f"{manifest['portal']}): " + ", ".join(unknown[:20])
        )
    connection = connections[using]
    if connection.vendor != manifest["database"]["vendor"]:
        raise BackupError(
            f"The backup is of a {manifest['database']['vendor']} database; the target is {connection.vendor}."
        )
    media_root = Path(settings.MEDIA_ROOT)
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
    media_used = media_root.exists() and any(media_root.iterdir())
    if (existing or media_used) and not force:
        raise BackupError(
            "The target is not empty"
            + (f" (database: {len(existing)} tables)" if existing else "")
            + (f" (media: {media_root})" if media_used else "")
            + ": restore goes into a fresh database and storage; --force replaces what is there."
        )
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        connection.close()
        args, env = _pg_env(db)
        clean = ["--clean", "--if-exists"] if existing else []
        _run(
            ["pg_restore", *args, "--no-owner", "--no-privileges", "--exit-on-error", *clean]
            + ["--dbname", db["NAME"], str(directory / manifest["database"]["file"])],
            env,
        )
    else:
        connection.ensure_connection()
        source = sqlite3.connect(directory / manifest["database"]["file"])
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    if media_used:
        shutil.rmtree(media_root)
    media_root.mkdir(parents=True, exist_ok=True)
    source_media = directory / MEDIA_DIR
    for entry in manifest["media"]:
        target = media_root / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source_media / entry["path"], target)
    # Check what is now there against the manifest, so a restore reports what it did not bring back.
    counts = table_counts(connection)
    differences = [
        f"{table}: {manifest['tables'].get(table)} in the backup, {counts.get(table)} restored"
        for table in sorted(set(counts) | set(manifest["tables"]))
        if counts.get(table) != manifest["tables"].get(table)
    ]
    for entry in manifest["media"]:
        if file_digest(media_root / entry["path"]) != entry["sha256"]:
            differences.append(f"media/{entry['path']}: checksum differs after restore")
    if differences:
        raise BackupError("The restored portal differs from the backup:\n" + "\n".join(differences))
    return counts
