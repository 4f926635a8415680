"""What the review's public documents say: the publicity notice (公示) and the published pilot list.

The public pages and the PDFs are built from the same plain dictionaries (documents.md: title, basis,
the list as a table of 序号 / 申报单位 / 所属市（区） / 类型, the period as dates and working days, how to
object, contact, issuing department and date). The dictionaries are stored with each PDF request
(ReviewDocument.data), so a PDF shows the list as it stood when it was requested.
"""

import datetime

from django.utils import timezone

from applications.models import Application, Batch
from core import formats
from core.workdays import is_workday
from organisations.models import Organisation

ISSUER = "陕西省生态环境厅"
BASIS = "《陕西省低碳近零碳试点示范建设工作方案（2023-2025年）》（陕环发〔2023〕48号）"
PUBLICITY_TITLE = "关于陕西省低碳近零碳试点示范建设拟入选名单的公示"
PILOT_LIST_TITLE = "陕西省低碳近零碳试点示范建设试点名单"


def cn_date(value: datetime.date | None) -> str:
    """2026年9月1日, in Chinese whatever the reader's language: the notices are official documents."""
    return formats.chinese_date(value)


def period_text(start: datetime.date, end: datetime.date) -> str:
    """2026年9月1日至9月7日 — the year is not repeated when the period stays within it."""
    return formats.chinese_period(start, end)


def count_workdays(start: datetime.date, end: datetime.date) -> tuple[int, bool]:
    """(working days from start to end inclusive, whether the holiday calendar lacked a year)."""
    day, count, approximate = start, 0, False
    while day <= end:
        workday, unknown = is_workday(day)
        count += workday
        approximate |= unknown
        day += datetime.timedelta(days=1)
    return count, approximate


def kind_label(organisation: Organisation) -> str:
    return "园区" if organisation.kind == Organisation.Kind.PARK else "县（区）"


def _row(index: int, application: Application) -> dict:
    organisation = application.organisation
    return {
        "index": index,
        "name": organisation.name,
        "city": organisation.review_unit.name if organisation.review_unit_id else "",
        "kind": kind_label(organisation),
        "level": str(application.get_pilot_level_display()),
    }


def _ordered(applications):
    return applications.select_related("organisation", "organisation__review_unit").order_by(
        "organisation__review_unit__order", "organisation__kind", "organisation__name"
    )


def publicity_rows(batch: Batch) -> list[dict]:
    """The applicants on the publicity list now: in publicity, or selected once it was confirmed."""
    states = [Application.State.IN_PUBLICITY, Application.State.SELECTED]
    return [_row(i, a) for i, a in enumerate(_ordered(batch.applications.filter(state__in=states)), 1)]


def publicity_notice(batch: Batch, rows: list[dict] | None = None) -> dict:
    """The publicity notice of a batch, as JSON-safe data (dates as ISO strings)."""
    start, end = batch.publicity_start, batch.publicity_end
    working_days, approximate = count_workdays(start, end) if start and end else (0, False)
    return {
        "title": PUBLICITY_TITLE,
        "batch": batch.name,
        "document_no": batch.document_no,
        "basis": (
            f"根据{BASIS}，经申报单位申报、市级生态环境部门审核推荐、省级专家评审，"
            f"省生态环境厅会同省财政厅研究，提出{batch.name}拟入选名单，现予以公示。"
        ),
        "rows": publicity_rows(batch) if rows is None else rows,
        "start": start.isoformat() if start else "",
        "end": end.isoformat() if end else "",
        "period": period_text(start, end) if start and end else "",
        "working_days": working_days,
        "approximate_calendar": approximate,
        "objection": (
            "公示期间，如有异议，请以书面形式向省生态环境厅反映。单位提出异议的须加盖公章，"
            "个人提出异议的须署真实姓名并提供联系方式；匿名异议不予受理。"
            f"异议受理截止时间为{cn_date(end)}。"
        ),
        "contact": batch.publicity_contact,
        "address": batch.objection_address,
        "issuer": ISSUER,
        "issued_on": cn_date(start),
    }


def publication_date(batch: Batch) -> datetime.date | None:
    """The day the batch's pilot list was published, as the audit trail recorded it."""
    from django.contrib.contenttypes.models import ContentType

    from core.audit import action_code
    from core.models import AuditEntry

    published = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Batch),
            object_id=str(batch.pk),
            action__in=(action_code(Batch, "publish_list"), action_code(Batch, "publish")),
        )
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )
    return timezone.localdate(published) if published else None


def _entry_text(entry, what: str) -> str:
    when = cn_date(timezone.localdate(entry.created_at))
    return f"{when}{what}" + (f"（{entry.reason.rstrip('。')}）" if entry.reason else "")


def list_differences(batch: Batch, listed: set[int]) -> tuple[int, list[dict]]:
    """Who was on the publicity list but is not on the published pilot list, and why, from the records:
    an objection upheld during publicity, a withdrawal, a pilot later disqualified (取消试点资格).
    Returns (how many units the publicity list held, the differences)."""
    from django.contrib.contenttypes.models import ContentType

    from core.audit import action_code
    from core.models import AuditEntry
    from pilots.models import Pilot

    application_type = ContentType.objects.get_for_model(Application)
    ids = [str(pk) for pk in batch.applications.values_list("pk", flat=True)]
    publicised = set(
        AuditEntry.objects.filter(
            content_type=application_type, object_id__in=ids, action=action_code(Application, "publicise")
        ).values_list("object_id", flat=True)
    )
    missing = [
        a
        for a in _ordered(batch.applications.filter(pk__in=[int(pk) for pk in publicised]))
        if a.organisation_id not in listed
    ]
    if not missing:
        return len(publicised), []
    pilots = {p.application_id: p for p in Pilot.objects.filter(application__in=missing)}
    pilot_entries = {
        e.object_id: e
        for e in AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Pilot),
            object_id__in=[str(p.pk) for p in pilots.values()],
            to_state="disqualified",
        ).order_by("created_at", "id")
    }
    application_entries = {
        e.object_id: e
        for e in AuditEntry.objects.filter(
            content_type=application_type,
            object_id__in=[str(a.pk) for a in missing],
            from_state=Application.State.IN_PUBLICITY,
        ).order_by("created_at", "id")
    }
    differences = []
    for application in missing:
        pilot = pilots.get(application.pk)
        entry = pilot_entries.get(str(pilot.pk)) if pilot else None
        if entry is not None:
            why = _entry_text(entry, "取消试点资格")
        elif (entry := application_entries.get(str(application.pk))) is not None:
            why = _entry_text(entry, entry.action_label or "不予入选")
        else:
            why = f"现状态为“{application.get_state_display()}”"
        differences.append({"name": application.organisation.name, "why": why})
    return len(publicised), differences


def pilot_list(batch: Batch, *, published_on: datetime.date | None = None) -> dict:
    """The published list of a batch's pilots (the batch's part of the public pilot list).

    Dated the day the list was published (given, or as recorded in the audit trail), never the day the
    PDF happens to be generated; a unit that was on the publicity list and is not on this one is named
    with the reason recorded for it."""
    pilots = (
        batch.pilots.select_related("organisation", "organisation__review_unit", "application")
        .exclude(state="disqualified")
        .order_by("organisation__review_unit__order", "organisation__kind", "organisation__name")
    )
    rows = []
    for index, pilot in enumerate(pilots, 1):
        organisation = pilot.organisation
        rows.append(
            {
                "index": index,
                "name": organisation.name,
                "city": organisation.review_unit.name if organisation.review_unit_id else "",
                "kind": kind_label(organisation),
                "level": str(dict(Application.PilotLevel.choices).get(pilot.pilot_level, "")),
            }
        )
    published_on = published_on or publication_date(batch) or timezone.localdate()
    publicised, differences = list_differences(batch, {p.organisation_id for p in pilots})
    notes = []
    if differences:
        notes.append(
            f"{batch.name}拟入选名单公示{publicised}个单位，本名单{len(rows)}个，"
            f"差异{len(differences)}个：" + "；".join(f"{d['name']}，{d['why']}" for d in differences) + "。"
        )
    return {
        "title": f"{PILOT_LIST_TITLE}（{batch.name}）",
        "batch": batch.name,
        "document_no": batch.document_no,
        "basis": (
            f"根据{BASIS}，经申报、审核推荐、专家评审和公示，"
            f"现将{batch.name}陕西省低碳近零碳试点示范建设试点名单公布如下。"
        ),
        "rows": rows,
        "differences": differences,
        "notes": notes,
        "issuer": ISSUER,
        "published_on": published_on.isoformat(),
        "issued_on": cn_date(published_on),
    }
