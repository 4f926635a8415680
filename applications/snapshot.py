"""The frozen content of an application at submission, and the differences between two versions.

A snapshot is plain JSON with labels, so it stays readable even if the form changes later, and the
PDF of a submission is rendered from it (what was submitted, not what the row says today).
"""

from decimal import Decimal

from django.utils.translation import gettext

from carbon.accounting import compute_inventory, q
from core.formats import colon, in_chinese

from .models import AnnualBaseline, Application, KeyProject


def _value(obj, field):
    value = getattr(obj, field.name)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        # Plain notation: 1000.00 is "1000", never "1E+3".
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if value is None:
        return ""
    return str(value)


def _fields(obj, names):
    opts = obj._meta
    return [
        {"key": n, "label": str(opts.get_field(n).verbose_name), "value": _value(obj, opts.get_field(n))}
        for n in names
    ]


APPLICATION_FIELDS = [
    "pilot_level",
    "pilot_scope",
    "boundary_area_km2",
    "boundary_description",
    "statistical_boundary_clear",
    "enterprises_count",
    "above_scale_enterprises_count",
    "leading_industries",
    "declares_no_major_accident",
    "priority_eco_civilisation",
    "priority_two_mountains",
    "priority_low_carbon_city",
    "priority_eco_industrial_park",
    "priority_green_industrial_park",
    "priority_circular_park",
    "priority_other",
    "work_foundation",
    "existing_policies",
    "organisation_setup",
]
BASELINE_FIELDS = [
    f.name for f in AnnualBaseline._meta.concrete_fields if f.name not in ("id", "application", "year")
]


def load_for_snapshot(pk) -> Application:
    return (
        Application.objects.select_related(
            "batch", "organisation", "organisation__review_unit", "organisation__division", "factor_set"
        )
        .prefetch_related(
            "contacts",
            "baselines__energy_uses",
            "targets__indicator",
            "projects",
            "funding",
            "attachments",
            "organisation__host_divisions",
        )
        .get(pk=pk)
    )


@in_chinese  # the labels are stored, and the Annex 1 PDF prints them: Chinese whoever submits
def serialize(application: Application, factor_set=None) -> dict:
    """Everything the Annex 1 form shows, with labels, plus the computed carbon inventory."""
    from carbon.models import EmissionFactorSet, Fuel

    org = application.organisation
    factor_set = (
        factor_set or application.factor_set or EmissionFactorSet.objects.filter(is_default=True).first()
    )
    fuel_labels = dict(Fuel.choices)
    baselines = []
    for baseline in application.baselines.all():
        uses = list(baseline.energy_uses.all())
        entry = {
            "year": baseline.year,
            "fields": _fields(baseline, BASELINE_FIELDS),
            "energy": [
                {"fuel": u.fuel, "label": str(fuel_labels.get(u.fuel, u.fuel)), "quantity": str(u.quantity)}
                for u in uses
            ],
        }
        if factor_set is not None:
            inventory = compute_inventory(baseline, factor_set, energy_uses=uses)
            entry["carbon"] = {
                "factor_set": factor_set.name,
                "total_t": str(q(inventory.total_t)),
                "energy_tce": str(q(inventory.energy_tce)),
                "co2_per_gdp": str(q(inventory.co2_per_gdp, "0.0001"))
                if inventory.co2_per_gdp is not None
                else "",
                "co2_per_capita": str(q(inventory.co2_per_capita))
                if inventory.co2_per_capita is not None
                else "",
                "lines": [
                    {
                        "label": line.label,
                        "quantity": str(line.quantity),
                        "unit": line.unit,
                        "factor": str(q(line.factor, "0.0001")),
                        "note": line.factor_note,
                        "emissions_t": str(q(line.emissions_t)),
                    }
                    for line in inventory.lines
                ],
            }
        baselines.append(entry)
    return {
        "application_id": application.pk,
        "batch": application.batch.name,
        "base_year": application.batch.base_year,
        "target_year": application.batch.target_year,
        "organisation": {
            "name": org.name,
            "kind": org.get_kind_display(),
            "is_park": org.kind == org.Kind.PARK,
            "review_unit": org.review_unit.name if org.review_unit else "",
            "division": org.division.full_name if org.division else "",
            "park_level": org.get_park_level_display(),
            "park_kind": org.get_park_kind_display(),
            "host_divisions": "、".join(d.name for d in org.host_divisions.all()),
            "credit_code": org.credit_code,
            "address": org.address,
            "fenwei_priority": bool(org.review_unit and org.review_unit.is_fenwei_priority),
        },
        "application": _fields(application, APPLICATION_FIELDS),
        "contacts": [
            _fields(c, ["role", "name", "title", "unit", "mobile", "phone", "email"])
            for c in application.contacts.all()
        ],
        "baselines": baselines,
        "targets": [
            _fields(t, ["indicator", "custom_name", "base_value", "target_value", "is_binding"])
            for t in application.targets.all()
        ],
        "projects": [_fields(p, KeyProject.FORM_FIELDS) for p in application.projects.all()],
        "funding": [_fields(f, ["year", "source", "amount", "use"]) for f in application.funding.all()],
        "attachments": [
            {"kind": a.get_kind_display(), "name": a.original_name} for a in application.attachments.all()
        ],
    }


def _flatten(data: dict) -> dict[str, tuple[str, str]]:
    """{path: (human label, value)} for every leaf a person would compare."""
    flat: dict[str, tuple[str, str]] = {}
    basic = gettext("基本信息")
    organisation = data.get("organisation", {})
    for key, label in (("credit_code", gettext("统一社会信用代码")), ("address", gettext("通讯地址"))):
        if key in organisation:
            flat[f"organisation.{key}"] = (f"{basic} · {label}", organisation[key])
    for item in data.get("application", []):
        flat[f"application.{item['key']}"] = (f"{basic} · {gettext(item['label'])}", item["value"])
    for section, title in (
        ("contacts", gettext("联系人")),
        ("targets", gettext("目标指标")),
        ("projects", gettext("重点项目")),
        ("funding", gettext("资金筹措")),
    ):
        for index, row in enumerate(data.get(section, []), start=1):
            for item in row:
                flat[f"{section}.{index}.{item['key']}"] = (
                    f"{title}{index} · {gettext(item['label'])}",
                    item["value"],
                )
    for baseline in data.get("baselines", []):
        year = baseline["year"]
        data_title = gettext("%(year)s年基础数据") % {"year": year}
        energy_title = gettext("%(year)s年能源消费") % {"year": year}
        for item in baseline["fields"]:
            flat[f"baseline.{year}.{item['key']}"] = (
                f"{data_title} · {gettext(item['label'])}",
                item["value"],
            )
        for use in baseline["energy"]:
            flat[f"baseline.{year}.fuel.{use['fuel']}"] = (
                f"{energy_title} · {gettext(use['label'])}",
                use["quantity"],
            )
    for index, attachment in enumerate(data.get("attachments", []), start=1):
        flat[f"attachments.{index}"] = (
            gettext("附件%(n)s") % {"n": index},
            f"{attachment['kind']}{colon()}{attachment['name']}",
        )
    return flat


def diff(old: dict, new: dict) -> list[dict]:
    """Changed, added and removed fields between two snapshots, in form order."""
    before, after = _flatten(old), _flatten(new)
    changes = []
    for key in list(after) + [k for k in before if k not in after]:
        old_value = before.get(key, ("", ""))[1]
        new_value = after.get(key, ("", ""))[1]
        if old_value != new_value:
            label = (after.get(key) or before.get(key))[0]
            changes.append({"key": key, "label": label, "old": old_value, "new": new_value})
    return changes
