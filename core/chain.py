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


def _parse_float(text: str):
    value = float(text)
    return int(value) if value.is_integer() else value


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


CHUNK = 10000


def verify(model) -> Verdict:
    """Walk the chain of `model` in id order, up to the head read first (entries appended meanwhile are
    left for the next run). Streams plain tuples, never model instances: on PostgreSQL a server-side
    cursor reads the JSON as text and the time already in its canonical form (a million entries in
    about half a minute, docs/security.md); elsewhere a chunked values_list."""
    from django.db import connection

    from .models import ChainHead

    head = ChainHead.objects.filter(name=model.CHAIN).first()
    if head is None:
        return Verdict(model.CHAIN, ok=True, count=0)
    rows = (
        _rows_postgresql(model, head.last_id)
        if connection.vendor == "postgresql"
        else _rows(model, head.last_id)
    )
    created = model.CHAINED_FIELDS.index("created_at") + 3
    json_positions = [
        i
        for i, f in enumerate(model.CHAINED_FIELDS)
        if model._meta.get_field(f).get_internal_type() == "JSONField"
    ]
    expected, count, last_id = head.anchor_hash, 0, None
    sha, dumps, loads = hashlib.sha256, json.dumps, json.loads
    for row in rows:
        pk, prev_hash, stored = row[0], row[1], row[2]
        if prev_hash != expected:
            return Verdict(model.CHAIN, False, count, pk, _when(row[created]), "link", head.last_hash)
        values = list(row[3:])
        for i in json_positions:
            value = values[i]
            if isinstance(value, str):  # PostgreSQL's text: parsed straight into the normal form
                values[i] = loads(value, parse_float=_parse_float)
            elif value:
                values[i] = _normal(value)
        if isinstance(values[created - 3], datetime.datetime):
            values[created - 3] = _stamp(values[created - 3])
        text = dumps(values, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)
        if sha(f"{prev_hash}\n{text}".encode()).hexdigest() != stored:
            return Verdict(model.CHAIN, False, count, pk, _when(row[created]), "changed", head.last_hash)
        expected = stored
        last_id = pk
        count += 1
    if expected != head.last_hash or (head.last_id and last_id != head.last_id):
        # the newest entries were removed (or the head was rewritten)
        return Verdict(model.CHAIN, False, count, last_id, None, "tail", head.last_hash)
    return Verdict(model.CHAIN, ok=True, count=count, head_hash=head.last_hash)


def _when(value) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=_UTC)
    except (TypeError, ValueError):
        return None


def _rows(model, last_id):
    return (
        model.objects.filter(pk__lte=last_id)
        .order_by("pk")
        .values_list("pk", "prev_hash", "hash", *model.CHAINED_FIELDS)
        .iterator(chunk_size=CHUNK)
    )


def _rows_postgresql(model, last_id):
    from django.db import connection, transaction

    columns = []
    for name in model.CHAINED_FIELDS:
        field = model._meta.get_field(name)
        column = connection.ops.quote_name(field.column)
        kind = field.get_internal_type()
        if kind == "JSONField":
            columns.append(f"{column}::text")
        elif kind == "DateTimeField":  # the same text as _stamp()
            columns.append(f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""")
        else:
            columns.append(column)
    sql = (
        f"SELECT id, prev_hash, hash, {', '.join(columns)} FROM {connection.ops.quote_name(model._meta.db_table)} "
        "WHERE id <= %s ORDER BY id"
    )
    with transaction.atomic():
        connection.ensure_connection()
        with connection.connection.cursor(name="portal_verify_chain") as cursor:
            cursor.itersize = CHUNK
            cursor.execute(sql, [last_id])
            while True:
                batch = cursor.fetchmany(CHUNK)
                if not batch:
                    break
                yield from batch


def verify_all() -> list[Verdict]:
    from .models import AuditEntry, SecurityEvent

    return [verify(AuditEntry), verify(SecurityEvent)]
