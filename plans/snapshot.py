"""The frozen content of a plan at submission (a PlanVersion's JSON), and the differences between two.

The snapshot is plain JSON with labels (in Chinese, the source language), so a version stays readable if
the forms change later; the plan PDF of a version is rendered from it. The diff compares flattened
leaves ({path: (label, value)}) in the plan's order, as the applications' version comparison does
(applications.snapshot.diff is specific to the Annex 1 form, so it is not reused as such; the shown
table is the same partial, templates/applications/partials/changes.html).
"""

from decimal import Decimal

from django.utils.html import strip_tags
from django.utils.translation import gettext

from carbon.accounting import compute_inventory, q
from core.formats import in_chinese

from .models import Chapter, Plan


def _num(value) -> str:
    if value is None or value == "":
        return ""
    value = value if isinstance(value, Decimal) else Decimal(str(value))
    return format(value.normalize(), "f") if value == value.to_integral() else format(value.normalize(), "f")


def construction_years(plan: Plan) -> list[int]:
    """The years for which a path value is asked: from the year after the base year to the end of the
    construction period (the batch's construction_end, else its target year)."""
    batch = plan.pilot.batch
    end = batch.construction_end.year if batch.construction_end else batch.target_year
    return list(range(batch.base_year + 1, max(end, batch.base_year + 1) + 1))


def inventory_for(plan: Plan):
    """The base-year carbon inventory of the plan (carbon.accounting.compute_inventory), or None."""
    from carbon.models import EmissionFactorSet

    baseline = getattr(plan, "baseline", None)
    if baseline is None:
        return None
    factor_set = plan.factor_set or EmissionFactorSet.objects.filter(is_default=True).first()
    if factor_set is None:
        return None
    return compute_inventory(baseline, factor_set, energy_uses=list(baseline.energy_uses.all()))


@in_chinese  # labels are stored; the PDF prints them: Chinese whoever submits
def serialize(plan: Plan) -> dict:
    pilot = plan.pilot
    chapters = {c.key: c.body for c in plan.chapters.all()}
    inventory = inventory_for(plan)
    carbon = None
    if inventory is not None:
        carbon = {
            "factor_set": inventory.factor_set_name,
            "year": inventory.year,
            "total_t": str(q(inventory.total_t)),
            "energy_tce": str(q(inventory.energy_tce)),
            "co2_per_gdp": str(q(inventory.co2_per_gdp, "0.0001"))
            if inventory.co2_per_gdp is not None
            else "",
            "lines": [
                {
                    "label": line.label,
                    "quantity": str(line.quantity),
                    "unit": str(line.unit),
                    "factor": str(q(line.factor, "0.0001")),
                    "emissions_t": str(q(line.emissions_t)),
                }
                for line in inventory.lines
            ],
        }
    return {
        "plan_id": plan.pk,
        "pilot": pilot.organisation.name,
        "review_unit": pilot.organisation.review_unit.name if pilot.organisation.review_unit else "",
        "batch": pilot.batch.name,
        "base_year": pilot.batch.base_year,
        "years": construction_years(plan),
        "title": plan.title,
        "form": plan.form,
        "form_label": str(plan.get_form_display()),
        "document": plan.document_name if plan.form == Plan.Form.UPLOAD else "",
        "chapters": [
            {"key": key, "title": str(label), "body": chapters.get(key, "")}
            for key, label in Chapter.choices
            if plan.form == Plan.Form.ONLINE
        ],
        "targets": [
            {
                "code": t.indicator.code,
                "indicator": t.indicator.label,
                "unit": t.indicator.unit,
                "direction": t.indicator.direction,
                "binding": t.binding,
                "binding_label": gettext("约束性") if t.binding else gettext("预期性"),
                "base_value": _num(t.base_value),
                "values": {str(y): _num(v) for y, v in sorted((t.values or {}).items())},
                "data_source": t.data_source,
            }
            for t in plan.targets.select_related("indicator")
        ],
        "projects": [
            {
                "name": p.name,
                "task": str(p.get_task_display()),
                "location": p.location,
                "owner_unit": p.owner_unit,
                "content": p.content,
                "investment_by_year": p.investment_by_year,
                "milestones": p.milestones,
                "expected_reduction_t": _num(p.expected_reduction_t),
                "total_investment": _num(p.total_investment),
            }
            for p in plan.key_projects.all()
        ],
        "funding": [
            {"year": f.year, "source": str(f.get_source_display()), "amount": _num(f.amount), "use": f.use}
            for f in plan.funding.all()
        ],
        "carbon": carbon,
    }


def _flatten(data: dict) -> dict[str, tuple[str, str]]:
    flat: dict[str, tuple[str, str]] = {}
    flat["title"] = (gettext("方案名称"), data.get("title", ""))
    flat["form"] = (gettext("编制方式"), data.get("form_label", ""))
    if data.get("document"):
        flat["document"] = (gettext("方案文本"), data["document"])
    for chapter in data.get("chapters", []):
        flat[f"chapter.{chapter['key']}"] = (chapter["title"], strip_tags(chapter["body"]).strip())
    for t in data.get("targets", []):
        title = gettext("目标指标 · %(name)s") % {"name": t["indicator"]}
        flat[f"target.{t['code']}.binding"] = (f"{title} · {gettext('属性')}", t["binding_label"])
        flat[f"target.{t['code']}.base"] = (f"{title} · {gettext('基准年值')}", t["base_value"])
        for year, value in t["values"].items():
            flat[f"target.{t['code']}.{year}"] = (f"{title} · {year}", value)
        flat[f"target.{t['code']}.source"] = (f"{title} · {gettext('数据来源')}", t["data_source"])
    for index, p in enumerate(data.get("projects", []), start=1):
        title = gettext("重点项目%(n)s") % {"n": index}
        for key, label in (
            ("name", gettext("项目名称")),
            ("task", gettext("所属试点任务")),
            ("location", gettext("建设地点")),
            ("content", gettext("建设内容与规模")),
            ("total_investment", gettext("总投资（万元）")),
            ("expected_reduction_t", gettext("预计年减排二氧化碳（吨）")),
        ):
            flat[f"project.{index}.{key}"] = (f"{title} · {label}", p.get(key, ""))
        for year, entry in sorted((p.get("investment_by_year") or {}).items()):
            flat[f"project.{index}.invest.{year}"] = (
                f"{title} · {gettext('%(year)s年投资') % {'year': year}}",
                f"{entry.get('amount', '')} {entry.get('source', '')}".strip(),
            )
        for year, milestone in sorted((p.get("milestones") or {}).items()):
            flat[f"project.{index}.milestone.{year}"] = (
                f"{title} · {gettext('%(year)s年节点') % {'year': year}}",
                milestone,
            )
    for index, f in enumerate(data.get("funding", []), start=1):
        flat[f"funding.{index}"] = (
            gettext("资金筹措%(n)s") % {"n": index},
            f"{f['year']} {f['source']} {f['amount']}",
        )
    carbon = data.get("carbon") or {}
    if carbon:
        flat["carbon.total"] = (gettext("基准年碳排放总量（吨）"), carbon.get("total_t", ""))
    return flat


def diff(old: dict, new: dict) -> list[dict]:
    """Changed, added and removed leaves between two snapshots, in the plan's order."""
    before, after = _flatten(old), _flatten(new)
    changes = []
    for key in list(after) + [k for k in before if k not in after]:
        old_value = before.get(key, ("", ""))[1]
        new_value = after.get(key, ("", ""))[1]
        if old_value != new_value:
            label = (after.get(key) or before.get(key))[0]
            changes.append({"key": key, "label": label, "old": old_value, "new": new_value})
    return changes
