"""Reads of plans and the targets ledger. The functions at the top are the interface other apps use
(reports, dispatches, followup): keep their names and shapes stable."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from indicators.models import Indicator

from .models import ChangeRequest, DueKind, KeyProject, LedgerTarget, LedgerVersion, Plan


@dataclass
class TargetPath:
    """One indicator's yearly target path from the current ledger version."""

    indicator: Indicator
    binding: bool
    base_year: int
    base_value: Decimal
    values: dict[int, Decimal] = field(default_factory=dict)
    ledger_version: int = 1
    data_source: str = ""

    def value_for(self, year: int) -> Decimal | None:
        return self.values.get(year)


def _path_values(raw: dict) -> dict[int, Decimal]:
    return {
        int(year): Decimal(str(value))
        for year, value in sorted((raw or {}).items())
        if value not in (None, "")
    }


def current_ledger_version(pilot) -> LedgerVersion | None:
    return LedgerVersion.objects.filter(pilot=pilot).order_by("-number").first()


def target_path(pilot) -> dict[str, TargetPath]:
    """{indicator code: TargetPath} from the pilot's current ledger version ({} if no plan is filed).
    Two queries."""
    version = current_ledger_version(pilot)
    if version is None:
        return {}
    return _paths_of_version(version)


def _paths_of_version(version: LedgerVersion, targets=None) -> dict[str, TargetPath]:
    if targets is None:
        targets = (
            LedgerTarget.objects.filter(version=version).select_related("indicator").order_by("order", "pk")
        )
    return {
        t.indicator.code: TargetPath(
            indicator=t.indicator,
            binding=t.binding,
            base_year=t.base_year,
            base_value=t.base_value,
            values=_path_values(t.values),
            ledger_version=version.number,
            data_source=t.data_source,
        )
        for t in targets
    }


def key_projects(pilot) -> list[KeyProject]:
    """The filed plan's key projects (as changed by approved change requests); [] before filing."""
    return list(
        KeyProject.objects.filter(plan__pilot=pilot, plan__state=Plan.State.FILED).order_by("order", "pk")
    )


def due_date(pilot, kind: str, year: int) -> datetime.date:
    """The due date of `kind` (DueKind) for `year`, after any approved extension.

    The annual self-assessment report is due on the batch's due month/day of that year (Batch.
    annual_report_due_month / _day, default 10 December); an approved extension request for (kind, year)
    replaces it with its new date (the most recently approved one wins)."""
    if kind != DueKind.ANNUAL_REPORT:
        raise ValueError(f"unknown due kind {kind!r}")
    extension = (
        ChangeRequest.objects.filter(
            pilot=pilot,
            kind=ChangeRequest.Kind.EXTENSION,
            state=ChangeRequest.State.APPROVED,
            due_kind=kind,
            due_year=year,
        )
        .order_by("-decision__decided_at", "-pk")
        .values_list("new_due_date", flat=True)
        .first()
    )
    if extension:
        return extension
    batch = pilot.batch
    month = getattr(batch, "annual_report_due_month", None) or 12
    day = getattr(batch, "annual_report_due_day", None) or 10
    return datetime.date(year, month, day)
