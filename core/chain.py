"""The hash chains of the audit trail and of the security events: tamper evidence.

Each entry stores `prev_hash` (the hash of the entry before it in its chain) and
`hash = SHA-256(prev_hash + "\\n" + canonical(entry))`, where `canonical` is a fixed JSON serialisation
of the entry's fields (`Model.CHAINED_FIELDS`). Changing a stored field changes the entry's hash, so
`verify` finds it; removing an entry leaves the next one pointing at a hash that is no longer there.

Appending locks the chain's head row (`ChainHead`, select_for_update) until the transaction commits:
entries of one chain are chained one at a time, in the order of their ids, whatever the number of web
and worker processes. A rolled-back transaction rolls back its entries and the head together.

The database still refuses UPDATE and DELETE on both tables (triggers, migrations 0002 and 0007):
the chain is what catches someone who disabled the triggers or wrote the file behind them.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

_UTC = datetime.UTC


def _normal(value):
    """JSON values as they come back from any database: an integral float is an int (jsonb stores 1e20
    as a number that reads back as an int), keys sorted by json.dumps."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {str(k): _normal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    return value


def _stamp(value: datetime.datetime) -> str:
    return value.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(values) -> str:
    """The canonical form of an entry's chained field values (in CHAINED_FIELDS order)."""
    out = []
    for value in values:
        if isinstance(value, datetime.datetime):
            out.append(_stamp(value))
        elif isinstance(value, dict | list | tuple | float):
            out.append(_normal(value))
        else:
            out.append(value)
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)


def digest(prev_hash: str, values) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical(values)}".encode()).hexdigest()


def _head(name: str):
    from .models import ChainHead

    head = ChainHead.objects.select_for_update().filter(name=name).first()
    if head is None:  # a database whose data migration did not run (a flushed test database)
        ChainHead.objects.get_or_create(name=name)
        head = ChainHead.objects.select_for_update().get(name=name)
    return head


def append(obj, save, *args, **kwargs) -> None:
    """Chain `obj` (a new AuditEntry or SecurityEvent) and insert it with `save(*args, **kwargs)`."""
    with transaction.atomic(using=kwargs.get("using")):
        head = _head(type(obj).CHAIN)
        if obj.created_at is None:
            obj.created_at = timezone.now()
        obj.prev_hash = head.last_hash
        obj.hash = digest(obj.prev_hash, [getattr(obj, f) for f in type(obj).CHAINED_FIELDS])
        save(*args, **kwargs)
        head.last_id = obj.pk
        head.last_hash = obj.hash
        head.save(update_fields=["last_id", "last_hash"])


def seal_bulk(model, objs: list) -> list:
    """Chain unsaved entries for a bulk_create (data generators, benchmarks). The caller inserts them
    right after, inside the same transaction, then calls `seal_bulk_done` with the saved rows."""
    head = _head(model.CHAIN)
    prev = head.last_hash
    now = timezone.now()
    for obj in objs:
        if obj.created_at is None:
            obj.created_at = now
        obj.prev_hash = prev
        obj.hash = prev = digest(prev, [getattr(obj, f) for f in model.CHAINED_FIELDS])
    return objs


def seal_bulk_done(model) -> None:
    head = _head(model.CHAIN)
    last = model.objects.order_by("-id").values_list("id", "hash").first()
    if last:
        head.last_id, head.last_hash = last
        head.save(update_fields=["last_id", "last_hash"])


@dataclass
class Verdict:
    chain: str
    ok: bool
    count: int
    broken_id: int | None = None
    broken_at: datetime.datetime | None = None
    problem: str = ""  # "changed": the entry's content changed; "link": an entry before it is missing
    head_hash: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"{self.chain}: OK, {self.count} entries, head {self.head_hash[:16]}"
        return (
            f"{self.chain}: BROKEN at entry {self.broken_id} ({self.broken_at and _stamp(self.broken_at)}): "
            f"{self.problem}; {self.count} entries checked before it"
        )


CHUNK = 5000


def verify(model) -> Verdict:
    """Walk the chain of `model` in id order, up to the head read first (entries appended meanwhile are
    left for the next run). Streams plain tuples (values_list, chunked): no model instances."""
    from .models import ChainHead

    head = ChainHead.objects.filter(name=model.CHAIN).first()
    if head is None:
        return Verdict(model.CHAIN, ok=True, count=0)
    fields = model.CHAINED_FIELDS
    expected = head.anchor_hash
    count = 0
    last_id = None
    rows = (
        model.objects.filter(pk__lte=head.last_id)
        .order_by("pk")
        .values_list("pk", "prev_hash", "hash", *fields)
        .iterator(chunk_size=CHUNK)
    )
    sha = hashlib.sha256
    created = fields.index("created_at") + 3
    for row in rows:
        pk, prev_hash, stored = row[0], row[1], row[2]
        if prev_hash != expected:
            return Verdict(model.CHAIN, False, count, pk, row[created], "link", head.last_hash)
        if sha(f"{prev_hash}\n{canonical(row[3:])}".encode()).hexdigest() != stored:
            return Verdict(model.CHAIN, False, count, pk, row[created], "changed", head.last_hash)
        expected = stored
        last_id = pk
        count += 1
    if expected != head.last_hash or (head.last_id and last_id != head.last_id):
        # the newest entries were removed (or the head was rewritten)
        return Verdict(model.CHAIN, False, count, last_id, None, "tail", head.last_hash)
    return Verdict(model.CHAIN, ok=True, count=count, head_hash=head.last_hash)


def verify_all() -> list[Verdict]:
    from .models import AuditEntry, SecurityEvent

    return [verify(AuditEntry), verify(SecurityEvent)]
