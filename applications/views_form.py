"""The Annex 1 form, section by section. Each POST saves one section of a draft through a service;
an invalid POST re-renders what the user typed with the errors beside the fields."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from carbon.accounting import compute_inventory
from carbon.models import EmissionFactorSet
from core.actions import run
from core.errors import DomainError
from core.security import get_in_scope_or_404

from . import permissions, services
from .completeness import missing_by_section
from .forms import (
    ROW_LIMITS,
    BaselineForm,
    BasicInfoForm,
    ContactForm,
    EligibilitySectionForm,
    FundingForm,
    ProjectForm,
    TargetForm,
    display_rows,
    row_formset,
)
from .models import ApplicationTarget, Contact, FundingPlan, KeyProject
from .selectors import get_application_for_user

SECTIONS = [
    ("basic", _("基本情况与边界")),
    ("eligibility", _("申报资格与优先条件")),
    ("contacts", _("负责人与联系人")),
    ("baseline", _("基础数据（近3年）")),
    ("targets", _("目标指标")),
    ("projects", _("重点项目")),
    ("funding", _("资金筹措")),
    ("attachments", _("附件")),
    ("carbon", _("碳排放核算")),
]
SECTION_LABELS = dict(SECTIONS)
COMPUTED_SECTIONS = {"carbon"}  # worked out from the baseline data: nothing to fill in
SINGLE_FORMS = {"basic": BasicInfoForm, "eligibility": EligibilitySectionForm}
ROW_SECTIONS = {
    "contacts": (ContactForm, Contact, ["role", "name", "title", "unit", "mobile", "phone", "email"]),
    "targets": (
        TargetForm,
        ApplicationTarget,
        ["indicator", "custom_name", "base_value", "target_value", "is_binding"],
    ),
    "funding": (FundingForm, FundingPlan, ["year", "source", "amount", "use"]),
}


def _audit_label(section: str) -> str:
    """Audit entries are records: written in Chinese whatever the user's language."""
    with override("zh-hans"):
        return str(SECTION_LABELS[section])


def section_nav(application, current: str) -> list[dict]:
    """The sections with their completeness: ✓, what is missing, or "computed"."""
    missing = missing_by_section(application)
    return [
        {
            "code": code,
            "label": label,
            "current": code == current,
            "computed": code in COMPUTED_SECTIONS,
            "missing": missing.get(code, []),
        }
        for code, label in SECTIONS
    ]


def _editable_application(request, pk):
    """The application and whether this user may change it now. Opening a section of a frozen
    application shows it read-only, calmly; only an attempt to save it is refused with a message."""
    application = get_application_for_user(request.user, pk)
    if not permissions.can_edit_application(request.user, application):
        if request.method == "POST":
            messages.error(
                request,
                gettext("申报书当前状态为「%(state)s」，不能修改。")
                % {"state": application.get_state_display()},
            )
        return application, False
    return application, True


def _render_section(request, application, section, **context):
    return render(
        request,
        "applications/edit.html",
        {
            "application": application,
            "section": section,
            "section_label": SECTION_LABELS[section],
            "sections": SECTIONS,
            "nav": section_nav(application, section),
            "can_edit": permissions.can_edit_application(request.user, application),
            **context,
        },
    )


@login_required
def section_edit(request, pk: int, section: str):
    if section in SINGLE_FORMS:
        return _single_form(request, pk, section)
    if section in ROW_SECTIONS:
        return _row_section(request, pk, section)
    if section == "baseline":
        application = get_application_for_user(request.user, pk)
        return redirect("applications:baseline", pk=pk, year=application.batch.base_year)
    if section == "projects":
        return project_list(request, pk)
    if section == "attachments":
        return redirect("applications:detail", pk=pk)
    if section == "carbon":
        return carbon(request, pk)
    raise Http404


def _single_form(request, pk, section):
    application, editable = _editable_application(request, pk)
    form_class = SINGLE_FORMS[section]
    form = form_class(request.POST or None, instance=application)
    if request.method == "POST" and editable:
        if form.is_valid():
            try:
                services.application_update(
                    application=application,
                    by=request.user,
                    fields=form.application_fields() if section == "basic" else form.cleaned_data,
                    organisation_fields=form.organisation_fields() if section == "basic" else None,
                    section=_audit_label(section),
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, gettext("「%(section)s」已保存。") % {"section": SECTION_LABELS[section]}
                )
                return redirect("applications:section", pk=pk, section=section)
        else:
            messages.error(request, gettext("部分内容有误，请按提示修改后再保存；您填写的内容已保留。"))
    return _render_section(
        request, application, section, form=form, readonly=None if editable else display_rows(form)
    )


def _row_formset(section: str, application, data=None, initial=None):
    form, _model, _fields = ROW_SECTIONS[section]
    # One blank row to start an empty section; more are added in place.
    formset_class = row_formset(form, ROW_LIMITS[section], extra=0 if initial else 1)
    form_kwargs = {}
    if section == "targets":
        form_kwargs = {"base_year": application.batch.base_year, "target_year": application.batch.target_year}
    return formset_class(data, initial=initial, prefix=section, form_kwargs=form_kwargs)


def _with_one_more_row(data, section: str):
    """The posted formset with one more (blank) row: "增加一行" without JavaScript."""
    data = data.copy()
    key = f"{section}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    data[key] = str(min(total + 1, ROW_LIMITS[section]))
    return data


def _row_section(request, pk, section):
    application, editable = _editable_application(request, pk)
    _form, model, fields = ROW_SECTIONS[section]
    rows = model.objects.filter(application=application)
    initial = [{f: getattr(row, f) for f in fields} for row in rows]
    if request.method == "POST" and editable and "add_row" in request.POST:
        formset = _row_formset(section, application, _with_one_more_row(request.POST, section), initial)
        return _render_section(request, application, section, formset=formset, row_limit=ROW_LIMITS[section])
    formset = _row_formset(section, application, request.POST or None, initial)
    if request.method == "POST" and editable:
        if formset.is_valid():
            kept = []
            for row_form in formset.forms:
                data = row_form.cleaned_data
                if not data or data.get("DELETE"):
                    continue  # an untouched blank row, or a row marked for deletion
                kept.append({f: data.get(f) for f in fields})
            try:
                services.application_replace_rows(
                    application=application,
                    by=request.user,
                    model=model,
                    rows=kept,
                    section=_audit_label(section),
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    gettext("「%(section)s」已保存（%(n)s条）。")
                    % {"section": SECTION_LABELS[section], "n": len(kept)},
                )
                return redirect("applications:section", pk=pk, section=section)
        else:
            messages.error(request, gettext("部分内容有误，请按提示修改后再保存；您填写的内容已保留。"))
    readonly = None if editable else [display_rows(form) for form in formset.initial_forms]
    return _render_section(
        request, application, section, formset=formset, readonly_rows=readonly, row_limit=ROW_LIMITS[section]
    )


@login_required
def section_row(request, pk: int, section: str):
    """htmx partial: one blank row of a repeating section, with the right prefix index, and the
    formset's TOTAL_FORMS and the "add" button moved on by one (out-of-band swaps)."""
    application, editable = _editable_application(request, pk)
    if section not in ROW_SECTIONS or not editable:
        raise Http404
    try:
        index = int(request.GET.get("index", ""))
    except ValueError:
        raise Http404 from None
    limit = ROW_LIMITS[section]
    if not 0 <= index < limit:
        return HttpResponse(status=204)  # the limit is reached: nothing is added
    form = _row_formset(section, application).empty_form
    form.prefix = f"{section}-{index}"
    return render(
        request,
        "applications/partials/row.html",
        {
            "application": application,
            "section": section,
            "form": form,
            "number": index + 1,
            "total": index + 1,
            "row_limit": limit,
            "oob": True,
        },
    )


@login_required
def baseline_edit(request, pk: int, year: int):
    application, editable = _editable_application(request, pk)
    if year not in application.baseline_years:
        raise Http404
    baseline = application.baselines.filter(year=year).prefetch_related("energy_uses").first()
    energy = {u.fuel: u.quantity for u in baseline.energy_uses.all()} if baseline else {}
    form = BaselineForm(request.POST or None, instance=baseline, energy=energy)
    if request.method == "POST" and editable:
        if form.is_valid():
            fields = {name: form.cleaned_data.get(name) for name in form._meta.fields}
            try:
                services.baseline_save(
                    application=application, by=request.user, year=year, fields=fields, energy=form.energy()
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, gettext("%(year)s年基础数据已保存。") % {"year": year})
                return redirect("applications:baseline", pk=pk, year=year)
        else:
            messages.error(request, gettext("部分内容有误，请按提示修改后再保存；您填写的内容已保留。"))
    return _render_section(
        request,
        application,
        "baseline",
        form=form,
        year=year,
        years=application.baseline_years,
        readonly=None if editable else display_rows(form),
    )


@login_required
def project_list(request, pk: int):
    application = get_application_for_user(request.user, pk)
    projects = application.projects.all()
    return _render_section(request, application, "projects", projects=projects)


@login_required
def project_edit(request, pk: int, project_pk: int | None = None):
    application, editable = _editable_application(request, pk)
    project = (
        get_in_scope_or_404(KeyProject.objects.filter(application=application), pk=project_pk)
        if project_pk
        else None
    )
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and editable:
        if form.is_valid():
            try:
                services.project_save(
                    application=application,
                    by=request.user,
                    project=project,
                    fields={n: form.cleaned_data.get(n) for n in form._meta.fields},
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, gettext("重点项目已保存。"))
                return redirect("applications:section", pk=pk, section="projects")
        else:
            messages.error(request, gettext("部分内容有误，请按提示修改后再保存；您填写的内容已保留。"))
    return _render_section(
        request,
        application,
        "projects",
        form=form,
        project=project,
        readonly=None if editable else display_rows(form),
    )


@login_required
@require_POST
def project_delete(request, pk: int, project_pk: int):
    application = get_application_for_user(request.user, pk)
    project = get_in_scope_or_404(KeyProject.objects.filter(application=application), pk=project_pk)
    run(
        request,
        services.project_delete,
        success=gettext("重点项目已删除。"),
        application=application,
        by=request.user,
        project=project,
    )
    return redirect("applications:section", pk=pk, section="projects")


@login_required
def carbon(request, pk: int):
    """The baseline inventory per year, with every factor shown (for applicants and reviewers)."""
    application = get_application_for_user(request.user, pk)
    factor_set = application.factor_set or EmissionFactorSet.objects.filter(is_default=True).first()
    factor_set = EmissionFactorSet.objects.prefetch_related("fuel_factors").get(pk=factor_set.pk)
    inventories = [
        compute_inventory(baseline, factor_set, energy_uses=list(baseline.energy_uses.all()))
        for baseline in application.baselines.prefetch_related("energy_uses")
    ]
    return _render_section(request, application, "carbon", inventories=inventories, factor_set=factor_set)
