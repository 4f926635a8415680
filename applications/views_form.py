"""The Annex 1 form, section by section. Each POST saves one section of a draft through a service;
an invalid POST re-renders what the user typed with the errors beside the fields."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from core.actions import run
from core.errors import DomainError
from reports.carbon import compute_inventory
from reports.models import EmissionFactorSet

from . import permissions, services
from .forms import (
    BaselineForm,
    BasicInfoForm,
    ContactFormSet,
    EligibilitySectionForm,
    FundingFormSet,
    ProjectForm,
    TargetFormSet,
)
from .models import ApplicationTarget, Contact, FundingPlan, KeyProject
from .selectors import get_application_for_user

SECTIONS = [
    ("basic", gettext_lazy("基本情况与边界")),
    ("eligibility", gettext_lazy("申报资格与优先条件")),
    ("contacts", gettext_lazy("负责人与联系人")),
    ("baseline", gettext_lazy("基础数据（近3年）")),
    ("targets", gettext_lazy("目标指标")),
    ("projects", gettext_lazy("重点项目")),
    ("funding", gettext_lazy("资金筹措")),
    ("attachments", gettext_lazy("附件")),
    ("carbon", gettext_lazy("碳排放核算")),
]
SECTION_LABELS = dict(SECTIONS)
SINGLE_FORMS = {"basic": BasicInfoForm, "eligibility": EligibilitySectionForm}
ROW_SECTIONS = {
    "contacts": (ContactFormSet, Contact, ["role", "name", "title", "unit", "mobile", "phone", "email"]),
    "targets": (
        TargetFormSet,
        ApplicationTarget,
        ["indicator", "custom_name", "base_value", "target_value", "is_binding"],
    ),
    "funding": (FundingFormSet, FundingPlan, ["year", "source", "amount", "use"]),
}
EXTRA_ROWS = 2


def _editable_application(request, pk):
    application = get_application_for_user(request.user, pk)
    if not permissions.can_edit_application(request.user, application):
        messages.error(
            request,
            gettext("申报书当前状态为「%(state)s」，不能修改。") % {"state": application.get_state_display()},
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
                    fields=form.cleaned_data,
                    section=SECTION_LABELS[section],
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    gettext("「%(SECTION_LABELS)s」已保存。") % {"SECTION_LABELS": SECTION_LABELS[section]},
                )
                return redirect("applications:section", pk=pk, section=section)
        else:
            messages.error(request, gettext("部分内容有误，请按提示修改后再保存；您填写的内容已保留。"))
    return _render_section(request, application, section, form=form)


def _row_section(request, pk, section):
    application, editable = _editable_application(request, pk)
    formset_class, model, fields = ROW_SECTIONS[section]
    rows = model.objects.filter(application=application)
    initial = [{f: getattr(row, f) for f in fields} for row in rows]
    formset_class.extra = EXTRA_ROWS
    formset = formset_class(request.POST or None, initial=initial, prefix=section)
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
                    section=SECTION_LABELS[section],
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    gettext("「%(SECTION_LABELS)s」已保存（%(len)s条）。")
                    % {"SECTION_LABELS": SECTION_LABELS[section], "len": len(kept)},
                )
                return redirect("applications:section", pk=pk, section=section)
        else:
            messages.error(request, gettext("部分内容有误，请按提示修改后再保存；您填写的内容已保留。"))
    return _render_section(request, application, section, formset=formset)


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
        request, application, "baseline", form=form, year=year, years=application.baseline_years
    )


@login_required
def project_list(request, pk: int):
    application = get_application_for_user(request.user, pk)
    projects = application.projects.all()
    return _render_section(request, application, "projects", projects=projects)


@login_required
def project_edit(request, pk: int, project_pk: int | None = None):
    application, editable = _editable_application(request, pk)
    project = get_object_or_404(KeyProject, pk=project_pk, application=application) if project_pk else None
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
    return _render_section(request, application, "projects", form=form, project=project)


@login_required
@require_POST
def project_delete(request, pk: int, project_pk: int):
    application = get_application_for_user(request.user, pk)
    project = get_object_or_404(KeyProject, pk=project_pk, application=application)
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
