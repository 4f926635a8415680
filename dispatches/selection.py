"""Which pilots a dispatch concerns: resolved from its criteria when it opens, then fixed."""

from django.db.models import QuerySet
from django.utils import translation

from core.formats import colon
from organisations.models import Organisation
from pilots.models import Pilot

# Pilots that no longer build anything are not asked.
FINISHED = (Pilot.State.ACCEPTED, Pilot.State.DISQUALIFIED)
KINDS = (Organisation.Kind.COUNTY, Organisation.Kind.PARK)


def resolve_pilots(dispatch) -> QuerySet[Pilot]:
    pilots = Pilot.objects.exclude(state__in=FINISHED)
    scope = dispatch.scope
    if scope == "batch":
        pilots = pilots.filter(batch_id=dispatch.scope_batch_id)
    elif scope == "kind":
        pilots = pilots.filter(organisation__kind=dispatch.scope_kind)
    elif scope == "city":
        pilots = pilots.filter(organisation__review_unit_id=dispatch.scope_review_unit_id)
    return pilots.order_by("organisation__review_unit__order", "organisation__name", "pk")


def selection_record(dispatch) -> dict:
    """The criteria as applied, in Chinese (stored on the dispatch when it opens)."""
    with translation.override("zh-hans"):
        record = {"scope": dispatch.scope, "label": str(dispatch.get_scope_display())}
        if dispatch.scope == "batch" and dispatch.scope_batch_id:
            record.update(batch=dispatch.scope_batch_id, batch_name=dispatch.scope_batch.name)
        elif dispatch.scope == "kind":
            record.update(
                kind=dispatch.scope_kind, kind_label=str(Organisation.Kind(dispatch.scope_kind).label)
            )
        elif dispatch.scope == "city" and dispatch.scope_review_unit_id:
            record.update(
                review_unit=dispatch.scope_review_unit_id, review_unit_name=dispatch.scope_review_unit.name
            )
        record["excluded_states"] = list(FINISHED)
    return record


def selection_text(dispatch) -> str:
    """「按批次：2023年第一批」 in the active language (the names are data, the words are translated)."""
    detail = ""
    if dispatch.scope == "batch" and dispatch.scope_batch_id:
        detail = dispatch.scope_batch.name
    elif dispatch.scope == "kind" and dispatch.scope_kind:
        detail = str(Organisation.Kind(dispatch.scope_kind).label)
    elif dispatch.scope == "city" and dispatch.scope_review_unit_id:
        detail = dispatch.scope_review_unit.name
    label = str(dispatch.get_scope_display())
    return f"{label}{colon()}{detail}" if detail else label
