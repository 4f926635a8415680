"""Every write of the showcase. One shape: permission, guard, row lock, change (a transition through
core.transitions.perform_transition), audit entry, notices (outbox rows in the transaction, e-mails queued
after the commit)."""

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from core.actors import system_user
from core.audit import record
from core.errors import ActionNotPermitted, DomainError
from core.notifications import notify
from core.transitions import perform_transition
from core.uploads import new_token, sniff
from organisations.models import Role
from organisations.roles import users_with_role
from pilots.models import Pilot
from pilots.recipients import pilot_staff

from . import permissions, selectors
from .models import ShowcaseCase, ShowcaseDecision, ShowcaseFigure, ShowcasePage, ShowcaseVersion

MAX_FIGURES = 8
MAX_CASES = 6
PHOTO_TYPES = {"image/png", "image/jpeg"}


def _lock_pilot(pilot) -> Pilot:
    return (
        Pilot.objects.select_for_update(of=("self",))
        .select_related("organisation", "organisation__review_unit", "batch")
        .get(pk=pilot.pk)
    )


def _copy_into(target: ShowcaseVersion, source: ShowcaseVersion) -> None:
    target.title, target.summary = source.title, source.summary
    target.save(update_fields=["title", "summary"])
    ShowcaseFigure.objects.bulk_create(
        ShowcaseFigure(
            version=target,
            actual_id=f.actual_id,
            order=f.order,
            year=f.year,
            name=f.name,
            unit=f.unit,
            value=f.value,
        )
        for f in source.figures.all()
    )
    # The stored photo is shared with the earlier version: stored files are never overwritten (random names).
    ShowcaseCase.objects.bulk_create(
        ShowcaseCase(
            version=target,
            source_id=c.source_id,
            order=c.order,
            year=c.year,
            title=c.title,
            text=c.text,
            token=c.token,
            extension=c.extension,
            photo=c.photo.name,
            photo_type=c.photo_type,
        )
        for c in source.cases.all()
    )


def _copy_photo(case: ShowcaseCase, source) -> None:
    """Copy the report case's photo (checked again by its content) so that a later change of the report
    does not change what the province approved; a missing or unreadable file is left out."""
    if not source.photo:
        return
    try:
        with source.photo.open("rb") as handle:
            content_type, extension = sniff(handle)
            if content_type not in PHOTO_TYPES:
                return
            case.token, case.extension, case.photo_type = new_token(), extension, content_type
            case.photo.save(f"{case.token}{extension}", File(handle), save=False)
    except (OSError, ValidationError):
        case.token = case.extension = case.photo_type = ""


def showcase_draft(*, pilot: Pilot, by) -> ShowcaseVersion:
    """The page's open version (draft, submitted or returned), or a new draft: the first one empty, a later
    one a copy of the latest version (the published one stays public until the new one is approved)."""
    with transaction.atomic():
        locked = _lock_pilot(pilot)
        if not permissions.can_edit_showcase(by, locked):
            if locked.state != Pilot.State.ACCEPTED:
                raise DomainError(gettext("只有已通过验收并命名的试点单位可以编制示范展示页。"))
            raise ActionNotPermitted()
        page, created = ShowcasePage.objects.get_or_create(pilot=locked, defaults={"created_by": by})
        existing = page.versions.filter(state__in=ShowcaseVersion.OPEN_STATES).first()
        if existing is not None:
            return existing
        latest = page.versions.order_by("-number").first()
        version = ShowcaseVersion.objects.create(
            page=page, number=(latest.number + 1) if latest else 1, created_by=by
        )
        if latest is not None:
            _copy_into(version, latest)
        record(
            version,
            actor=by,
            action="create",
            label=gettext_noop("编制示范展示页"),
            data={"copied_from": latest.number if latest else None},
        )
    return version


def showcase_save(
    *, version: ShowcaseVersion, by, title: str, summary: str, actual_ids: list[int], case_ids: list[int]
) -> ShowcaseVersion:
    """Save the text and the chosen report rows. A figure or case already chosen keeps the copy made when it
    was chosen; a newly chosen one is copied now."""
    title, summary = (title or "").strip(), (summary or "").strip()
    with transaction.atomic():
        locked = ShowcaseVersion.objects.select_for_update().select_related("page__pilot").get(pk=version.pk)
        pilot = locked.page.pilot
        if not permissions.can_edit_showcase(by, pilot):
            raise ActionNotPermitted()
        if not locked.is_editable:
            raise DomainError(
                gettext("示范展示页当前状态为「%(state)s」，不能修改。")
                % {"state": locked.get_state_display()},
                code="state",
            )
        if len(actual_ids) > MAX_FIGURES or len(case_ids) > MAX_CASES:
            raise DomainError(
                gettext("关键数据最多选择%(figures)s项，典型案例最多选择%(cases)s个。")
                % {"figures": MAX_FIGURES, "cases": MAX_CASES},
                code="too_many",
            )
        actuals = {a.pk: a for a in selectors.source_actuals(pilot).filter(pk__in=actual_ids)}
        cases = {c.pk: c for c in selectors.source_cases(pilot).filter(pk__in=case_ids)}
        if len(actuals) != len(set(actual_ids)) or len(cases) != len(set(case_ids)):
            raise DomainError(
                gettext("只能选择本单位已报送的年度自评报告中的数据和典型案例。"), code="source"
            )
        locked.title, locked.summary = title, summary
        locked.save(update_fields=["title", "summary"])
        kept_figures = {f.actual_id: f for f in locked.figures.all() if f.actual_id in actuals}
        locked.figures.exclude(pk__in=[f.pk for f in kept_figures.values()]).delete()
        for order, pk in enumerate(dict.fromkeys(actual_ids), start=1):
            if pk in kept_figures:
                ShowcaseFigure.objects.filter(pk=kept_figures[pk].pk).update(order=order)
                continue
            actual = actuals[pk]
            ShowcaseFigure.objects.create(
                version=locked,
                actual=actual,
                order=order,
                year=actual.report.year,
                name=actual.indicator.name,
                unit=actual.indicator.unit,
                value=actual.value,
            )
        kept_cases = {c.source_id: c for c in locked.cases.all() if c.source_id in cases}
        locked.cases.exclude(pk__in=[c.pk for c in kept_cases.values()]).delete()
        for order, pk in enumerate(dict.fromkeys(case_ids), start=1):
            if pk in kept_cases:
                ShowcaseCase.objects.filter(pk=kept_cases[pk].pk).update(order=order)
                continue
            case = cases[pk]
            copy = ShowcaseCase(
                version=locked,
                source=case,
                order=order,
                year=case.report.year,
                title=case.title,
                text=case.text,
            )
            _copy_photo(copy, case)
            copy.save()
        record(
            locked,
            actor=by,
            action="edit",
            label=gettext_noop("修改示范展示页"),
            data={"figures": len(actuals), "cases": len(cases)},
        )
    return locked


VERSION_TRANSITIONS = {"submit", "publish", "return_version", "unpublish"}
DECISION_KINDS = {
    "publish": ShowcaseDecision.Kind.PUBLISHED,
    "return_version": ShowcaseDecision.Kind.RETURNED,
    "unpublish": ShowcaseDecision.Kind.UNPUBLISHED,
}


def showcase_transition(*, version: ShowcaseVersion, name: str, by, reason: str = "") -> ShowcaseVersion:
    """Submit (the pilot or its agency), publish, return or unpublish (the province). Publishing supersedes
    the version public until then, in the same transaction (by the system actor, as its rule)."""
    if name not in VERSION_TRANSITIONS:
        raise DomainError(gettext("不支持的操作。"))
    with transaction.atomic():
        if name == "publish":
            if not permissions.can_decide_version(by, version):
                raise ActionNotPermitted()
            current = ShowcaseVersion.objects.filter(
                page_id=version.page_id, state=ShowcaseVersion.State.PUBLISHED
            ).first()
            if current is not None and current.pk != version.pk:
                perform_transition(
                    ShowcaseVersion,
                    current.pk,
                    "supersede",
                    by=system_user(),
                    rule="showcase.newer_version_published",
                    data={"by_version": version.number},
                )
        obj = perform_transition(ShowcaseVersion, version.pk, name, by=by, reason=reason)
        pilot = obj.page.pilot
        if name in DECISION_KINDS:
            ShowcaseDecision.objects.create(
                version=obj, kind=DECISION_KINDS[name], reason=reason.strip(), decided_by=by
            )
        _notify(obj, name, pilot, reason)
    return obj


def _notify(version: ShowcaseVersion, name: str, pilot: Pilot, reason: str) -> None:
    url = reverse("showcase:version_detail", args=[version.pk])
    if name == "submit":
        notify(
            users_with_role(Role.PROVINCE_OFFICER),
            kind="showcase.submitted",
            title=gettext("%(page)s已报送，请审核") % {"page": version},
            url=url,
        )
        return
    titles = {
        "publish": gettext("%(page)s已审核通过并发布"),
        "return_version": gettext("%(page)s已退回，请修改后重新报送"),
        "unpublish": gettext("%(page)s已从公开页面撤下"),
    }
    notify(
        pilot_staff(pilot),
        kind=f"showcase.{name}",
        title=titles[name] % {"page": version},
        body=reason,
        url=url,
    )
