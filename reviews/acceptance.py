"""Acceptance review (验收评审) on the shared engine: the services only an acceptance round has.

An acceptance round scores every pilot against one frozen version of an acceptance indicator system
(indicators.AcceptanceSystem, county or park): `round_use_acceptance_system` freezes the version and
builds the round's criteria from its items (one criterion per item, its points as the maximum and the
weight, so an expert's weighted total is the plain sum of the indicator scores). Conflicts,
declarations, assignment, reminders and the score sheet are the selection round's (reviews.services);
the sheet of an acceptance round also checks each score against the pilot's self-score
(`departure_errors`) and keeps the vetoes an expert finds raised (VetoFinding). Site visits and their
photos are recorded here; the panel is reviews.results.acceptance_panel.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from core.audit import record
from core.errors import ActionNotPermitted, DomainError
from core.formats import enumeration_comma
from core.uploads import new_token, validate_upload
from indicators.models import AcceptanceItem, AcceptanceSystem
from indicators.scoring import num

from .models import CriteriaSet, Criterion, ReviewItem, ReviewRound, SitePhoto, SiteVisit
from .permissions import can_record_site_visit
from .permissions import require_round_manager as _require_officer
from .self_scores import SelfScore

IMAGE_TYPES = {"image/jpeg", "image/png"}
MAX_PHOTOS_PER_UPLOAD = 10


def _kind_label(kind: str) -> str:
    return str(AcceptanceSystem.Kind(kind).label)


def system_kind_errors(review_round: ReviewRound, kind: str, pilots) -> str:
    """Why pilots cannot be under a round scored against a system of `kind` ("" when they can)."""
    other = [p for p in pilots if p.organisation.kind != kind]
    if not other:
        return ""
    return gettext("%(names)s不属于「%(kind)s」试点，不能按本轮的验收评价指标体系评审。") % {
        "names": enumeration_comma().join(p.organisation.name for p in other),
        "kind": _kind_label(kind),
    }


def round_use_acceptance_system(*, review_round: ReviewRound, system: AcceptanceSystem, by) -> ReviewRound:
    """Score an acceptance round against `system`: the version is frozen (refused with the reasons if it
    does not add up), and its items become the round's criteria (code = the indicator's code, maximum and
    weight = the item's points, description = the target note). Only while the round is being set up;
    every pilot already in the round must be of the system's kind (one round per kind)."""
    from indicators.services import acceptance_system_freeze

    _require_officer(by)
    with transaction.atomic():
        locked = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
        if locked.purpose != ReviewRound.Purpose.ACCEPTANCE:
            raise DomainError(gettext("只有验收评审使用验收评价指标体系。"))
        if locked.state != ReviewRound.State.SETUP:
            raise DomainError(gettext("评分标准已冻结，不能更换。"))
        pilots = [i.pilot for i in locked.items.select_related("pilot__organisation")]
        refused = system_kind_errors(locked, system.kind, pilots)
        if refused:
            raise DomainError(refused)
        system = acceptance_system_freeze(system=system, by=by)
        items = list(
            AcceptanceItem.objects.filter(category__system=system)
            .select_related("indicator", "category")
            .order_by("category__order", "category__pk", "order", "pk")
        )
        odd = [i for i in items if i.points != i.points.to_integral_value() or len(i.indicator.code) > 32]
        if odd:
            raise DomainError(
                gettext("指标%(names)s的分值不是整数或代码过长，评审暂不支持。")
                % {"names": enumeration_comma().join(gettext(i.indicator.name) for i in odd)}
            )
        criteria_set, created = CriteriaSet.objects.get_or_create(
            name=system.name,
            version=system.version,
            purpose=ReviewRound.Purpose.ACCEPTANCE,
            defaults={"description": system.description, "frozen_at": system.frozen_at},
        )
        if created:
            Criterion.objects.bulk_create(
                Criterion(
                    criteria_set=criteria_set,
                    code=item.indicator.code,
                    name=item.indicator.name,
                    description=item.target_note,
                    weight=item.points,
                    scale_max=int(item.points),
                    order=n,
                )
                for n, item in enumerate(items)
            )
        locked.acceptance_system = system
        locked.criteria_set = criteria_set
        locked.save(update_fields=["acceptance_system", "criteria_set"])
        record(
            locked,
            actor=by,
            action="acceptance_system",
            label=gettext_noop("选定验收评价指标体系"),
            data={"system": system.pk, "criteria_set": criteria_set.pk},
        )
    return locked


def check_pilots_for_round(review_round: ReviewRound, pilots) -> None:
    """round_add_pilots' kind check: the pilots are of the round's system's kind, or (before a system is
    chosen) all of the same kind as the pilots already in the round."""
    if review_round.acceptance_system_id is not None:
        kind = review_round.acceptance_system.kind
    else:
        have = (
            ReviewItem.objects.filter(round_id=review_round.pk)
            .values_list("pilot__organisation__kind", flat=True)
            .first()
        )
        kind = have or (pilots[0].organisation.kind if pilots else None)
    if kind is None:
        return
    refused = system_kind_errors(review_round, kind, pilots)
    if refused:
        raise DomainError(refused)


# The score sheet --------------------------------------------------------------------------------------
def departure_limit(review_round: ReviewRound, criterion: Criterion) -> Decimal:
    """The largest departure from the self-score that needs no explanation (points × threshold %)."""
    return criterion.weight * review_round.departure_threshold / 100


def departs(review_round: ReviewRound, criterion: Criterion, value, own: SelfScore | None) -> bool:
    """The expert's value departs from the self-score by more than the round's threshold."""
    if value is None or own is None or own.value is None:
        return False
    return abs(value - own.value) > departure_limit(review_round, criterion)


def departure_errors(review_round: ReviewRound, criteria, rows: dict, self_items: dict) -> list[str]:
    """The indicators whose score departs from the self-score beyond the threshold without an explanation.

    rows: {code: (value, na, comment)}; self_items: {code: SelfScore} of the pilot's self-evaluation."""
    errors = []
    for criterion in criteria:
        value, _na, comment = rows.get(criterion.code, (None, False, ""))
        own = self_items.get(criterion.code)
        if departs(review_round, criterion, value, own) and not comment:
            errors.append(
                gettext(
                    "「%(name)s」评分%(value)s分与自评分%(own)s分相差超过该项分值的%(pct)s%%（%(limit)s分），"
                    "须说明理由。"
                )
                % {
                    "name": criterion.display_name,
                    "value": num(value),
                    "own": num(own.value),
                    "pct": num(review_round.departure_threshold),
                    "limit": num(departure_limit(review_round, criterion)),
                }
            )
    return errors


def veto_errors(review_round: ReviewRound, vetoes: dict) -> list[str]:
    """Unknown veto codes, or a veto found raised without a note. vetoes: {code: note}."""
    known = dict(review_round.acceptance_system.vetoes.values_list("code", "description"))
    errors = []
    for code, note in vetoes.items():
        if code not in known:
            errors.append(gettext("评分表包含未知的否决项，请刷新页面后重试。"))
        elif not (note or "").strip():
            errors.append(gettext("认定触发否决项「%(name)s」须填写说明。") % {"name": gettext(known[code])})
    return errors


# Site visits ------------------------------------------------------------------------------------------
def site_visit_add(*, item: ReviewItem, by, visited_on, place: str, notes: str, photos=()) -> SiteVisit:
    """Record a site visit to an acceptance item's pilot, with its photos (JPEG/PNG, checked by content).
    A refusal (a wrong photo, a missing field) stores nothing."""
    if item.pilot_id is None:
        raise DomainError(gettext("现场核查只用于验收评审。"))
    if not can_record_site_visit(by, item):
        raise ActionNotPermitted()
    place, notes = (place or "").strip(), (notes or "").strip()
    if visited_on is None or not place or not notes:
        raise DomainError(gettext("请填写核查日期、地点和核查记录。"))
    photos = list(photos)
    if len(photos) > MAX_PHOTOS_PER_UPLOAD:
        raise DomainError(gettext("每次最多上传%(n)s张照片。") % {"n": MAX_PHOTOS_PER_UPLOAD})
    checked = []
    for photo in photos:
        try:
            content_type, extension = validate_upload(photo)
        except ValidationError as error:
            raise DomainError(
                gettext("照片「%(name)s」：%(error)s")
                % {"name": photo.name, "error": " ".join(error.messages)}
            ) from error
        if content_type not in IMAGE_TYPES:
            raise DomainError(gettext("照片「%(name)s」：只接受 JPG、PNG 图片。") % {"name": photo.name})
        checked.append((photo, content_type, extension))
    with transaction.atomic():
        locked = ReviewRound.objects.select_for_update().get(pk=item.round_id)
        if locked.state == ReviewRound.State.DECIDED:
            raise DomainError(gettext("评审已形成结论，不能再添加现场核查记录。"))
        visit = SiteVisit.objects.create(
            item=item, visited_on=visited_on, place=place, notes=notes, created_by=by
        )
        for photo, content_type, extension in checked:
            row = SitePhoto(
                visit=visit,
                content_type=content_type,
                extension=extension,
                token=new_token(),
                uploaded_by=by,
            )
            row.image.save(f"{row.token}{extension}", photo, save=False)
            row.save()
        record(
            locked,
            actor=by,
            action="site_visit",
            label=gettext_noop("记录现场核查"),
            data={"item": item.pk, "visit": visit.pk, "photos": len(checked), "internal": True},
        )
    return visit
