"""The hash chains of the audit trail and of the security events: tamper evidence.

Each entry stores `seq` (its place in its chain), `prev_hash` (the hash of the entry before it) and
`hash = SHA-256(prev_hash + "\\n" + canonical(entry))`, where `canonical` is a fixed JSON serialisation
of the entry's fields (`Model.CHAINED_FIELDS`). Changing a stored field changes the entry's hash, so
`verify` finds it; removing an entry leaves a gap in `seq` and the next one pointing at a hash that is
no longer there.

An entry is inserted unsealed and sealed right after its transaction commits (`seal`, on_commit): the
chain's head row (`ChainHead`) is locked (select_for_update) only for that moment, entries are chained
one at a time in commit order whatever the number of web and worker processes, and a rolled-back
transaction leaves nothing to chain.

The database refuses UPDATE and DELETE on both tables (triggers, migrations 0002 and 0007), except the
one update that seals a row (seq, prev_hash and hash set once, nothing else changed): the chain is what
catches someone who disabled the triggers or wrote the file behind them.
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
    """Insert a new AuditEntry or SecurityEvent (with `save`), unsealed, and seal it right after the
    transaction commits. The chain's lock is taken only then, for a moment: holding it from the insert to
    the commit would serialise every audited transaction (and make two that wait on each other deadlock)."""
    if obj.created_at is None:
        obj.created_at = timezone.now()
    obj.seq, obj.prev_hash, obj.hash = None, "", ""
    save(*args, **kwargs)
    sealer = _SEALERS[type(obj).CHAIN]
    connection = transaction.get_connection(kwargs.get("using"))
    if not any(item[1] is sealer for item in connection.run_on_commit):
        transaction.on_commit(sealer, using=kwargs.get("using"), robust=True)


def seal(model) -> int:
    """Chain the committed entries of `model` not chained yet, in id order, under the chain's lock:
    each gets the next `seq`, the previous hash and its own. Returns how many. Called after every commit
    that wrote entries, by the nightly verification, and by `verify` itself (so nothing committed is left
    out); a crash between a commit and its seal is caught up by the next one."""
    with transaction.atomic():
        head = _head(model.CHAIN)
        pending = list(
            model.objects.filter(seq__isnull=True)
            .order_by("pk")
            .values_list("pk", *model.CHAINED_FIELDS)[:SEAL_BATCH]
        )
        if not pending:
            return 0
        seq, prev, sealed = head.last_seq, head.last_hash, []
        for row in pending:
            seq += 1
            digest_ = digest(prev, row[1:])
            sealed.append(model(pk=row[0], seq=seq, prev_hash=prev, hash=digest_))
            prev = digest_
        model.objects.bulk_update(sealed, ["seq", "prev_hash", "hash"], batch_size=1000)
        head.last_seq, head.last_hash = seq, prev
        head.save(update_fields=["last_seq", "last_hash"])
    return len(pending) + (seal(model) if len(pending) == SEAL_BATCH else 0)


SEAL_BATCH = 5000


def _sealer(chain: str):
    def run() -> None:
        from .models import AuditEntry, SecurityEvent

        seal({"audit": AuditEntry, "security": SecurityEvent}[chain])

    return run


_SEALERS = {"audit": _sealer("audit"), "security": _sealer("security")}


def seal_all() -> None:
    from .models import AuditEntry, SecurityEvent

    seal(AuditEntry)
    seal(SecurityEvent)


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

    seal(model)  # what is committed and not chained yet (normally nothing)
    head = ChainHead.objects.filter(name=model.CHAIN).first()
    if head is None:
        return Verdict(model.CHAIN, ok=True, count=0)
    rows = (
        _rows_postgresql(model, head.last_seq)
        if connection.vendor == "postgresql"
        else _rows(model, head.last_seq)
    )
    created = model.CHAINED_FIELDS.index("created_at") + 3
    json_positions = [
        i
        for i, f in enumerate(model.CHAINED_FIELDS)
        if model._meta.get_field(f).get_internal_type() == "JSONField"
    ]
    expected, expected_seq, count, last_id = head.anchor_hash, head.anchor_seq + 1, 0, None
    sha, dumps, loads = hashlib.sha256, json.dumps, json.loads
    for row in rows:
        pk, prev_hash, stored = row[0], row[1], row[2]
        if prev_hash != expected or row[-1] != expected_seq:
            return Verdict(model.CHAIN, False, count, pk, _when(row[created]), "link", head.last_hash)
        values = list(row[3:-1])
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
        expected, expected_seq = stored, expected_seq + 1
        last_id = pk
        count += 1
    if expected != head.last_hash or expected_seq != head.last_seq + 1:
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


def _rows(model, last_seq):
    return (
        model.objects.filter(seq__lte=last_seq)
        .order_by("seq")
        .values_list("pk", "prev_hash", "hash", *model.CHAINED_FIELDS, "seq")
        .iterator(chunk_size=CHUNK)
    )


def _rows_postgresql(model, last_seq):
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
        f"SELECT id, prev_hash, hash, {', '.join(columns)}, seq FROM {connection.ops.quote_name(model._meta.db_table)} "
        "WHERE seq <= %s ORDER BY seq"
    )
    with transaction.atomic():
        connection.ensure_connection()
        with connection.connection.cursor(name="portal_verify_chain") as cursor:
            cursor.itersize = CHUNK
            cursor.execute(sql, [last_seq])
            while True:
                batch = cursor.fetchmany(CHUNK)
                if not batch:
                    break
                yield from batch


def verify_all() -> list[Verdict]:
    from .models import AuditEntry, SecurityEvent

    return [verify(AuditEntry), verify(SecurityEvent)]
