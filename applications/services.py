"""Writes for batches and applications. Every state change goes through core.transitions."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_noop

from core.audit import record
from core.errors import ActionNotPermitted, DomainError
from core.formats import chinese_date, enumeration_comma, in_chinese, semicolon
from core.notifications import notify
from core.transitions import perform_transition
from indicators.models import IndicatorSet
from indicators.selectors import current_indicator_set
from indicators.services import indicator_set_freeze
from organisations.models import Organisation, Role
from organisations.roles import scope_of, users_with_role

from . import permissions
from .models import Application, Batch


def applicant_users(application: Application):
    return users_with_role(Role.APPLICANT, organisation=application.organisation_id)


def city_officers(application: Application):
    return users_with_role(Role.CITY_OFFICER, review_unit=application.organisation.review_unit_id)


def province_officers():
    return users_with_role(Role.PROVINCE_OFFICER)


def finance_officers():
    return users_with_role(Role.FINANCE_OFFICER)


def _notify_after(recipients_of, kind: str, title_of):
    """A side effect: notify after the transition (runs inside the same transaction as the change)."""

    def effect(application: Application) -> None:
        notify(
            recipients_of(application),
            kind=kind,
            title=in_chinese(title_of)(application),  # notices are written in Chinese (inbox and e-mail)
            url=reverse("applications:detail", args=[application.pk]),
        )

    return effect


def _transition(
    application: Application, name: str, *, by, reason: str = "", changes=None, notices=(), rule: str = ""
):
    with transaction.atomic():
        application = perform_transition(
            Application, application.pk, name, by=by, reason=reason, changes=changes, rule=rule
        )
        for recipients_of, kind, title_of in notices:
            _notify_after(recipients_of, kind, title_of)(application)
    return application


# Batches ----------------------------------------------------------------------------------------
def batch_create(*, by, **fields) -> Batch:
    if not permissions.can_manage_batches(by):
        raise ActionNotPermitted()
    with transaction.atomic():
        batch = Batch.objects.create(**fields)
        record(batch, actor=by, action="create", label=gettext_noop("创建申报批次"), to_state=batch.state)
    return batch


def batch_update(*, batch: Batch, by, fields: dict) -> Batch:
    """Change a batch's dates or details (audited, field by field); a closed batch is final."""
    if not permissions.can_manage_batches(by):
        raise ActionNotPermitted()
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        if locked.state == Batch.State.CLOSED:
            raise DomainError(gettext("批次已结束，不能再修改。"))
        changed = _changed(locked, fields)
        if changed:
            locked.save(update_fields=list(changed))
            record(
                locked, actor=by, action="edit", label=gettext_noop("修改申报批次"), data={"changed": changed}
            )
    return locked


def opening_notice_title(batch: Batch) -> str:
    """The "已开放申报" notice: stored Chinese text, with the batch's own deadline."""
    deadline = batch.application_deadline
    return f"{batch.name}已开放申报，截止日期{chinese_date(deadline)}"


def opening_notice_key(batch: Batch) -> str:
    return f"batch_opened:{batch.pk}"


def batch_transition(*, batch: Batch, name: str, by, reason: str = "") -> Batch:
    allowed = {"open", "close_applications", "start_provincial_review", "start_publicity", "publish", "close"}
    if name not in allowed:
        raise DomainError(gettext("未知的操作。"))
    with transaction.atomic():
        batch = perform_transition(Batch, batch.pk, name, by=by, reason=reason)
        if name == "open":
            notify(
                users_with_role(Role.APPLICANT),
                kind="batch_opened",
                title=opening_notice_title(batch),
                url=reverse("dashboard:dashboard"),
                dedupe_key=opening_notice_key(batch),
            )
    return batch


# Applications: applicant ------------------------------------------------------------------------
def application_create(*, batch: Batch, organisation: Organisation, by) -> Application:
    if organisation.pk not in scope_of(by).orgs(Role.APPLICANT):
        raise ActionNotPermitted()
    if not batch.is_accepting:
        raise DomainError(gettext("该批次不在申报期内。"))
    duplicate = DomainError(gettext("本单位在该批次已有申报书，不能重复申报。"))
    with transaction.atomic():
        # Two "new application" clicks at once: the organisation's row serialises them, so the second
        # sees the first's application; the unique constraint stays the last word (savepoint below).
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        if Application.objects.filter(batch=batch, organisation=organisation).exists():
            raise duplicate
        try:
            with transaction.atomic():
                application = Application.objects.create(batch=batch, organisation=organisation)
        except IntegrityError:
            raise duplicate from None
        record(
            application,
            actor=by,
            action="create",
            label=gettext_noop("创建申报书"),
            to_state=application.state,
        )
    return application


def application_submit(*, application: Application, by) -> Application:
    """Submit (or resubmit): freeze a numbered snapshot and render its Annex 1 PDF after commit."""
    from core.queue import enqueue_on_commit
    from core.uploads import new_token

    from .models import ApplicationSnapshot
    from .snapshot import load_for_snapshot, serialize
    from .tasks import render_snapshot_pdf

    with transaction.atomic():
        application = _transition(
            application,
            "submit",
            by=by,
            notices=[
                (
                    city_officers,
                    "application_submitted",
                    lambda a: gettext("%(name)s提交了申报书，请审核") % {"name": a.organisation.name},
                )
            ],
        )
        snapshot = ApplicationSnapshot.objects.create(
            application=application,
            number=application.submission_count,
            data=serialize(load_for_snapshot(application.pk)),
            token=new_token(),
        )
        enqueue_on_commit(render_snapshot_pdf, snapshot.pk)
    return application


def application_withdraw(*, application: Application, by, reason: str = "") -> Application:
    return _transition(
        application,
        "withdraw",
        by=by,
        reason=reason,
        notices=[
            (
                city_officers,
                "application_withdrawn",
                lambda a: gettext("%(name)s撤回了申报书") % {"name": a.organisation.name},
            )
        ],
    )


# Applications: city bureau ----------------------------------------------------------------------
def application_return(*, application: Application, by, reason: str) -> Application:
    return _transition(
        application,
        "return_for_revision",
        by=by,
        reason=reason,
        notices=[
            (
                applicant_users,
                "application_returned",
                lambda a: gettext("您的申报书已被退回修改，请查看退回理由"),
            )
        ],
    )


def application_reject(*, application: Application, by, reason: str) -> Application:
    return _transition(
        application,
        "reject",
        by=by,
        reason=reason,
        notices=[
            (applicant_users, "application_rejected", lambda a: gettext("市级生态环境局未推荐您的申报书"))
        ],
    )


def application_recommend(*, application: Application, by, opinion: str, rank: int | None) -> Application:
    def set_recommendation(obj: Application) -> None:
        obj.city_opinion = (opinion or "").strip()
        obj.city_rank = rank

    return _transition(
        application,
        "recommend",
        by=by,
        reason=opinion,
        changes=set_recommendation,
        notices=[
            (applicant_users, "application_recommended", lambda a: gettext("市级生态环境局已推荐您的申报书"))
        ],
    )


def application_forward(*, application: Application, by, reason: str = "") -> Application:
    return _transition(
        application,
        "forward",
        by=by,
        reason=reason,
        notices=[
            (
                lambda a: province_officers(),
                "application_forwarded",
                lambda a: (
                    gettext("%(review_unit)s报送了%(name)s的申报书")
                    % {"review_unit": a.organisation.review_unit, "name": a.organisation.name}
                ),
            ),
            (
                applicant_users,
                "application_forwarded",
                lambda a: gettext("您的申报书已由市级报送省生态环境厅"),
            ),
        ],
    )


# Applications: province and finance -------------------------------------------------------------
def application_return_to_city(*, application: Application, by, reason: str) -> Application:
    return _transition(
        application,
        "return_to_city",
        by=by,
        reason=reason,
        notices=[
            (
                city_officers,
                "application_returned_to_city",
                lambda a: gettext("省厅退回了%(name)s的申报书") % {"name": a.organisation.name},
            )
        ],
    )


def application_start_expert_review(*, application: Application, by) -> Application:
    return _transition(application, "start_expert_review", by=by)


def application_finish_review(*, application: Application, by, rule: str = "") -> Application:
    """By an officer, or automatically (by=system_user(), rule=...) when every sheet is in."""
    return _transition(application, "finish_review", by=by, rule=rule)


def application_propose_decision(
    *, application: Application, by, proposal: str, reason: str = ""
) -> Application:
    """The ecology department proposes; the finance department confirms (joint decision)."""
    if not permissions.can_run_selection(by, application):
        raise ActionNotPermitted()
    if proposal not in Application.Proposal.values:
        raise DomainError(gettext("无效的入选建议。"))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state != Application.State.REVIEWED:
            raise DomainError(gettext("只有评审完成的申报书可以提出入选建议。"))
        locked.decision_proposal = proposal
        locked.decision_proposed_by = by
        locked.save(update_fields=["decision_proposal", "decision_proposed_by", "updated_at"])
        record(
            locked,
            actor=by,
            action="propose_decision",
            label=gettext_noop("提出入选建议"),
            reason=reason,
            data={"proposal": proposal, "internal": True},
        )
        notify(
            finance_officers(),
            kind="decision_proposed",
            title=f"省生态环境厅对{locked.organisation.name}提出了入选建议，请会签",
            url=reverse("applications:detail", args=[locked.pk]),
        )
    return locked


def application_confirm_decision(*, application: Application, by) -> Application:
    """The finance department confirms whatever the ecology department proposed (read from the
    database, not from the caller's possibly stale copy)."""
    proposal = Application.objects.values_list("decision_proposal", flat=True).get(pk=application.pk)
    name = "shortlist" if proposal == Application.Proposal.SHORTLIST else "decline"
    return _transition(
        application,
        name,
        by=by,
        notices=[
            (
                applicant_users,
                "selection_outcome",
                lambda a: gettext("遴选结果：%(state)s") % {"state": a.get_state_display()},
            )
        ],
    )


def application_publicise(*, application: Application, by) -> Application:
    return _transition(application, "publicise", by=by)


def application_select(*, application: Application, by) -> Application:
    """Publicity over without an upheld objection: the application is selected. The pilot it becomes is
    created by pilots.services.pilot_create_for_selected, in the same transaction (reviews.publicity)."""
    return _transition(
        application,
        "select",
        by=by,
        notices=[(applicant_users, "selected", lambda a: gettext("恭喜！贵单位已入选陕西省低碳近零碳试点"))],
    )


def application_uphold_objection(*, application: Application, by, reason: str) -> Application:
    return _transition(
        application,
        "uphold_objection",
        by=by,
        reason=reason,
        notices=[(applicant_users, "selection_outcome", lambda a: gettext("公示期间异议成立，贵单位未入选"))],
    )


# Application content (drafts) -------------------------------------------------------------------
def _lock_editable(application: Application, by) -> Application:
    locked = Application.objects.select_for_update().select_related("organisation").get(pk=application.pk)
    if not permissions.can_edit_application(by, locked):
        if locked.is_editable:
            raise ActionNotPermitted()
        raise DomainError(
            gettext("申报书当前状态为「%(state)s」，已冻结，不能修改。")
            % {"state": locked.get_state_display()}
        )
    return locked


def attachment_add(
    *, application: Application, by, kind: str, title: str, uploaded, content_type: str, extension: str
):
    from core.uploads import new_token

    from .models import Attachment

    with transaction.atomic():
        locked = _lock_editable(application, by)
        attachment = Attachment(
            application=locked,
            kind=kind,
            title=title,
            original_name=uploaded.name[:255],
            content_type=content_type,
            size=uploaded.size,
            token=new_token(),
            extension=extension,
            uploaded_by=by,
        )
        attachment.file.save("upload", uploaded, save=False)
        attachment.save()
        record(
            locked,
            actor=by,
            action="attachment_add",
            label=gettext_noop("上传附件"),
            data={"attachment": attachment.pk, "kind": kind, "name": attachment.original_name},
        )
    return attachment


def attachment_remove(*, attachment, by) -> None:
    with transaction.atomic():
        locked = _lock_editable(attachment.application, by)
        record(
            locked,
            actor=by,
            action="attachment_remove",
            label=gettext_noop("删除附件"),
            data={"attachment": attachment.pk, "kind": attachment.kind, "name": attachment.original_name},
        )
        stored = attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda: attachment.file.storage.delete(stored))


# Annex 1 sections -------------------------------------------------------------------------------
def _changed(obj, fields: dict) -> dict:
    changed = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            changed[name] = [None if old is None else str(old), None if value is None else str(value)]
            setattr(obj, name, value)
    return changed


def application_update(
    *, application: Application, by, fields: dict, section: str, organisation_fields: dict | None = None
) -> Application:
    """Save one section's fields of a draft; the audit entry lists what changed. `organisation_fields`
    (the credit code, the address) are the applicant organisation's own, asked in the form."""
    with transaction.atomic():
        locked = _lock_editable(application, by)
        changed = _changed(locked, fields)
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
        if organisation_fields:
            organisation = Organisation.objects.select_for_update().get(pk=locked.organisation_id)
            organisation_changed = _changed(organisation, organisation_fields)
            if organisation_changed:
                organisation.save(update_fields=list(organisation_changed))
                locked.organisation = organisation
                changed.update({f"organisation.{k}": v for k, v in organisation_changed.items()})
        if changed:
            record(
                locked,
                actor=by,
                action="edit",
                label=format_lazy("{}：{}", gettext_noop("修改申报书"), section),
                data={"changed": changed},
            )
    return locked


def application_replace_rows(*, application: Application, by, model, rows: list[dict], section: str) -> int:
    """Replace a repeating section (contacts, targets, funding) with the rows the user submitted."""
    with transaction.atomic():
        locked = _lock_editable(application, by)
        model.objects.filter(application=locked).delete()
        model.objects.bulk_create([model(application=locked, **row) for row in rows])
        record(
            locked,
            actor=by,
            action="edit",
            label=format_lazy("{}：{}", gettext_noop("修改申报书"), section),
            data={"rows": len(rows)},
        )
        if rows and model._meta.label == "applications.ApplicationTarget":
            _freeze_target_set()
    return len(rows)


def _freeze_target_set() -> None:
    """The set for application targets is in use from the first target saved: frozen then (an edit
    of the catalogue is a new version from there on)."""
    indicator_set = current_indicator_set(IndicatorSet.Purpose.APPLICATION_TARGETS)
    if indicator_set is not None and not indicator_set.frozen_at:
        indicator_set_freeze(indicator_set=indicator_set)


def baseline_save(*, application: Application, by, year: int, fields: dict, energy: dict):
    from .models import AnnualBaseline, EnergyUse

    if year not in application.baseline_years:
        raise DomainError(
            gettext("只能填写%(baseline_years)s—%(baseline_years2)s年的基础数据。")
            % {
                "baseline_years": application.baseline_years[0],
                "baseline_years2": application.baseline_years[-1],
            }
        )
    with transaction.atomic():
        locked = _lock_editable(application, by)
        baseline, _ = AnnualBaseline.objects.get_or_create(application=locked, year=year)
        changed = _changed(baseline, fields)
        baseline.save()
        baseline.energy_uses.exclude(fuel__in=list(energy)).delete()
        for fuel, quantity in energy.items():
            EnergyUse.objects.update_or_create(baseline=baseline, fuel=fuel, defaults={"quantity": quantity})
        Application.objects.filter(pk=locked.pk).update(updated_at=baseline_now())
        record(
            locked,
            actor=by,
            action="edit",
            label=format_lazy("{}：{}年{}", gettext_noop("修改申报书"), year, gettext_noop("基础数据")),
            data={"changed": changed, "energy": {k: str(v) for k, v in energy.items()}},
        )
    return baseline


def baseline_now():
    from django.utils import timezone

    return timezone.now()


def project_save(*, application: Application, by, fields: dict, project=None):
    from .models import KeyProject

    with transaction.atomic():
        locked = _lock_editable(application, by)
        if project is None:
            project = KeyProject.objects.create(application=locked, **fields)
            record(
                locked,
                actor=by,
                action="edit",
                label=gettext_noop("新增重点项目"),
                data={"project": project.name},
            )
        else:
            project = KeyProject.objects.select_for_update().get(pk=project.pk, application=locked)
            changed = _changed(project, fields)
            project.save()
            record(
                locked,
                actor=by,
                action="edit",
                label=gettext_noop("修改重点项目"),
                data={"project": project.name, "changed": changed},
            )
    return project


def project_delete(*, application: Application, by, project) -> None:
    with transaction.atomic():
        locked = _lock_editable(application, by)
        record(
            locked,
            actor=by,
            action="edit",
            label=gettext_noop("删除重点项目"),
            data={"project": project.name},
        )
        project.delete()


def application_update_eligibility(
    *, application: Application, by, pilot_level: str, declares_no_major_accident: bool
) -> Application:
    """The declaration of eligibility: one named step applicants (and the demo data) take."""
    return application_update(
        application=application,
        by=by,
        section=gettext("申报资格声明"),
        fields={"pilot_level": pilot_level, "declares_no_major_accident": declares_no_major_accident},
    )


DRAFT_PDF_PENDING = datetime.timedelta(minutes=2)


def draft_pdf_request(*, application: Application, by):
    """Queue a draft rendering (watermarked 草稿); the page polls until it is ready. A request while the
    user's previous draft is still being generated returns that one: it renders the data as it stands
    when a worker takes it, so a double click (or two tabs, on two web machines) renders it once."""
    from core.queue import enqueue_on_commit
    from core.uploads import new_token

    from .models import DraftPdf
    from .tasks import render_draft_pdf

    if not permissions.can_request_draft_pdf(by, application):
        raise ActionNotPermitted()
    with transaction.atomic():
        Application.objects.select_for_update().filter(pk=application.pk).first()  # one request at a time
        pending = DraftPdf.objects.filter(
            application=application,
            requested_by=by,
            pdf="",
            requested_at__gte=timezone.now() - DRAFT_PDF_PENDING,  # older: its task was lost, ask again
        ).first()
        if pending is not None:
            return pending
        draft = DraftPdf.objects.create(application=application, requested_by=by, token=new_token())
        record(application, actor=by, action="draft_pdf", label=gettext_noop("生成草稿PDF"))
        enqueue_on_commit(render_draft_pdf, draft.pk)
    return draft


# City forwarding --------------------------------------------------------------------------------
def city_rank_update(*, review_unit, batch: Batch, by, ranks: dict[int, int]) -> list[int]:
    """Rank the city's recommended applications in one go: `ranks` maps each application to the rank
    typed for it. Two applications cannot share a rank; gaps close up (1, 2, 5 is saved as 1, 2, 3).
    Returns the application ids in their new order."""
    if review_unit.pk not in scope_of(by).review_units:
        raise ActionNotPermitted()
    with transaction.atomic():
        recommended = {
            a.pk: a
            for a in Application.objects.select_for_update()
            .select_related("organisation")
            .filter(
                batch=batch,
                organisation__review_unit=review_unit,
                state__in=[Application.State.RECOMMENDED, Application.State.RETURNED_TO_CITY],
            )
        }
        if sorted(ranks) != sorted(recommended):
            raise DomainError(gettext("排序列表与已推荐的申报书不一致，请刷新页面后重试。"))
        if any(rank < 1 for rank in ranks.values()):
            raise DomainError(gettext("排序须为正整数。"), code="rank_invalid")
        sharing: dict[int, list[str]] = {}
        for pk, rank in sorted(
            ranks.items(), key=lambda item: (item[1], recommended[item[0]].organisation.name)
        ):
            sharing.setdefault(rank, []).append(recommended[pk].organisation.name)
        duplicates = {rank: names for rank, names in sharing.items() if len(names) > 1}
        if duplicates:
            details = semicolon().join(
                gettext("第%(rank)s位填写了%(n)s次（%(names)s）")
                % {"rank": rank, "n": len(names), "names": enumeration_comma().join(names)}
                for rank, names in sorted(duplicates.items())
            )
            raise DomainError(
                gettext("排序不能重复：%(details)s。请为每个申报单位填写不同的位次后再保存。")
                % {"details": details},
                code="rank_duplicate",
            )
        order = sorted(ranks, key=lambda pk: ranks[pk])
        for rank, pk in enumerate(order, start=1):
            if recommended[pk].city_rank != rank:
                Application.objects.filter(pk=pk).update(city_rank=rank)
        record(
            batch,
            actor=by,
            action="city_rank",
            label=format_lazy("{}：{}", gettext_noop("调整推荐排序"), review_unit.name),
            data={"order": order},
        )
    return order


def city_forward(
    *,
    review_unit,
    batch: Batch,
    by,
    document_no: str = "",
    letter_text: str = "",
    letter_upload=None,
    letter_content_type: str = "",
    letter_extension: str = ".pdf",
):
    """Send every recommended application of a review unit, with a cover letter, to the province.

    The letter is either uploaded (a stamped scan) or generated from `letter_text` as a PDF after
    commit. All applications move together or none does.
    """
    from core.queue import enqueue_on_commit
    from core.uploads import new_token

    from .models import CityForwarding
    from .tasks import render_forwarding_letter

    if review_unit.pk not in scope_of(by).review_units:
        raise ActionNotPermitted()
    if letter_upload is None and not letter_text.strip():
        raise DomainError(gettext("请上传盖章的报送函，或填写报送函正文由系统生成。"))
    with transaction.atomic():
        pending = list(
            Application.objects.select_for_update()
            .filter(
                batch=batch,
                organisation__review_unit=review_unit,
                state__in=[Application.State.RECOMMENDED, Application.State.RETURNED_TO_CITY],
            )
            .order_by("city_rank", "pk")
        )
        if not pending:
            raise DomainError(gettext("没有待报送的已推荐申报书。"))
        if any(a.city_rank is None for a in pending):
            raise DomainError(gettext("请先为全部已推荐的申报书确定市内排序。"))
        forwarding = CityForwarding.objects.create(
            batch=batch,
            review_unit=review_unit,
            document_no=document_no.strip(),
            letter_text=letter_text.strip(),
            forwarded_by=by,
            token=new_token(),
            extension=letter_extension if letter_upload else ".pdf",
            letter_is_generated=letter_upload is None,
        )
        if letter_upload is not None:
            forwarding.letter.save("letter", letter_upload, save=True)
        for application in pending:
            application_forward(
                application=application,
                by=by,
                reason=gettext("随%(bureau_name)s报送函报送") % {"bureau_name": review_unit.bureau_name},
            )
        forwarding.applications.set(pending)
        record(
            batch,
            actor=by,
            action="city_forward",
            label=format_lazy("{}：{}", gettext_noop("报送推荐名单"), review_unit.name),
            data={
                "forwarding": forwarding.pk,
                "applications": [a.pk for a in pending],
                "document_no": forwarding.document_no,
            },
        )
        if letter_upload is None:
            enqueue_on_commit(render_forwarding_letter, forwarding.pk)
    return forwarding
