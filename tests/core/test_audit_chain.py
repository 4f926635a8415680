"""The audit trail is tamper-evident: every entry is chained to the one before it, `verify_audit` (and
the auditor's page) names the first broken link, whether a row was edited or removed behind the
application's back, and two concurrent writers on PostgreSQL leave an unbroken chain."""

import threading
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from core.audit import record
from core.chain import seal, verify
from core.models import AuditEntry, ChainHead, SecurityEvent
from core.security import record_security_event

from ..factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _entries(n: int) -> list[AuditEntry]:
    """n entries, sealed as they would be once their transaction commits (a test's never does)."""
    application = ApplicationFactory()
    actor = UserFactory()
    made = [
        record(
            application,
            actor=actor,
            action="edit",
            label="修改申报书",
            reason=f"第{i}次",
            data={"i": i, "x": 1.5},
        )
        for i in range(n)
    ]
    seal(AuditEntry)
    return list(AuditEntry.objects.filter(pk__in=[e.pk for e in made]).order_by("seq"))


@contextmanager
def behind_the_back(table: str):
    """A cursor that writes past the append-only triggers, as someone with the database would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            trigger = f"{table}_no_update"
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks on the table
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
            yield cursor
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
        else:
            cursor.execute(f"DROP TRIGGER {table}_no_update")
            cursor.execute(f"DROP TRIGGER {table}_no_delete")
            yield cursor


def test_an_entry_is_sealed_after_its_commit_not_before(db, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entry = record(application, actor=None, action="edit", label="修改")
        assert AuditEntry.objects.get(pk=entry.pk).seq is None  # nothing locked while the transaction runs
        record(application, actor=None, action="edit", label="修改")
    assert len(callbacks) == 1  # one seal per transaction, whatever the number of entries
    sealed = AuditEntry.objects.get(pk=entry.pk)
    assert sealed.seq is not None and len(sealed.hash) == 64


def test_the_seal_is_the_only_update_the_database_lets_through(db):
    [entry] = _entries(1)
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET hash = %s WHERE id = %s", ["0" * 64, entry.pk])
    application = ApplicationFactory()
    fresh = record(application, actor=None, action="edit", label="修改")
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET seq = 999999, reason = 'x' WHERE id = %s", [fresh.pk])


def test_an_untouched_trail_verifies(db):
    entries = _entries(5)
    verdict = verify(AuditEntry)
    assert verdict.ok and verdict.count >= 5
    assert entries[1].prev_hash == entries[0].hash and len(entries[0].hash) == 64
    assert ChainHead.objects.get(name="audit").last_hash == entries[-1].hash


def test_a_row_edited_behind_the_application_is_caught_at_that_row(db):
    entries = _entries(5)
    with behind_the_back("core_auditentry") as cursor:
        cursor.execute("UPDATE core_auditentry SET reason = %s WHERE id = %s", ["改过了", entries[2].pk])
    verdict = verify(AuditEntry)
    assert not verdict.ok and verdict.broken_id == entries[2].pk and verdict.problem == "changed"
    assert verdict.broken_at == AuditEntry.objects.get(pk=entries[2].pk).created_at


def test_a_changed_json_value_is_caught(db):
    entries = _entries(3)
    with behind_the_back("core_auditentry") as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET data = %s WHERE id = %s", ['{"i": 1, "x": 2.5}', entries[1].pk]
        )
    verdict = verify(AuditEntry)
    assert not verdict.ok and verdict.broken_id == entries[1].pk


def test_a_row_deleted_in_the_middle_is_caught_at_the_next_one(db):
    entries = _entries(5)
    with behind_the_back("core_auditentry") as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[2].pk])
    verdict = verify(AuditEntry)
    assert not verdict.ok and verdict.broken_id == entries[3].pk and verdict.problem == "link"


def test_the_newest_row_deleted_is_caught(db):
    entries = _entries(3)
    with behind_the_back("core_auditentry") as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[-1].pk])
    verdict = verify(AuditEntry)
    assert not verdict.ok and verdict.problem == "tail" and verdict.broken_id == entries[-2].pk


def test_a_rehashed_row_still_breaks_the_link_to_the_next(db):
    """Recomputing the edited row's own hash is not enough: the next row points at the old one."""
    from core.chain import digest

    entries = _entries(4)
    target = entries[1]
    values = [getattr(target, f) for f in AuditEntry.CHAINED_FIELDS]
    values[AuditEntry.CHAINED_FIELDS.index("reason")] = "伪造"
    forged = digest(target.prev_hash, values)
    with behind_the_back("core_auditentry") as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET reason = %s, hash = %s WHERE id = %s", ["伪造", forged, target.pk]
        )
    verdict = verify(AuditEntry)
    assert not verdict.ok and verdict.broken_id == entries[2].pk and verdict.problem == "link"


def test_security_events_are_chained_and_verified_the_same_way(db):
    events = [record_security_event("login", username=f"u{i}") for i in range(4)]
    assert verify(SecurityEvent).ok  # seals them, then checks
    with behind_the_back("core_securityevent") as cursor:
        cursor.execute("UPDATE core_securityevent SET username = 'someone' WHERE id = %s", [events[1].pk])
    verdict = verify(SecurityEvent)
    assert not verdict.ok and verdict.broken_id == events[1].pk


def test_verify_audit_command_reports_ok_with_the_count_or_the_first_broken_link(db):
    entries = _entries(3)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    count = AuditEntry.objects.count()
    assert f"audit: OK, {count} entries" in out.getvalue()
    with behind_the_back("core_auditentry") as cursor:
        cursor.execute("UPDATE core_auditentry SET object_repr = 'x' WHERE id = %s", [entries[1].pk])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=out)
    assert f"audit: BROKEN at entry {entries[1].pk}" in out.getvalue()


def test_the_sqlite_triggers_refuse_update_and_delete(db, settings):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: the PostgreSQL trigger is tested in test_audit.py")
    settings.PORTAL_AUDIT_ALLOW_FLUSH = False  # as outside the test suite
    [entry] = _entries(1)
    for sql in ("UPDATE core_auditentry SET reason = 'x'", "DELETE FROM core_auditentry"):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_leave_an_unbroken_chain(require_postgres):
    application = ApplicationFactory()
    actor = UserFactory()
    start = threading.Barrier(2)
    errors = []
    per_writer = 25

    def writer(name):
        try:
            start.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    record(application, actor=actor, action="edit", label="修改申报书", reason=f"{name}-{i}")
                    record_security_event("export", username=name, summary=f"{name}-{i}")
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    audit, security = verify(AuditEntry), verify(SecurityEvent)
    assert audit.ok and audit.count == AuditEntry.objects.count() >= 2 * per_writer
    assert security.ok and security.count == SecurityEvent.objects.count() >= 2 * per_writer
    reasons = list(
        AuditEntry.objects.filter(reason__contains="-").order_by("pk").values_list("reason", flat=True)
    )
    assert {r[0] for r in reasons} == {"a", "b"} and len(reasons) == 2 * per_writer
