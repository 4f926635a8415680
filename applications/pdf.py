"""Contexts for the Annex 1 form and the city's cover letter (templates under templates/pdf/).

The Annex 1 context is built from a snapshot's JSON (applications.snapshot.serialize), never from the
rows as they are today: the PDF shows what was submitted. Everything the template prints is prepared
here (numbers written per unit by applications.figures, as on the web pages; check boxes resolved,
tables pivoted), so the template only lays it out and the formatting can be tested without a PDF.
"""

import re
from decimal import Decimal

from django.utils import timezone

from core import formats

from .figures import figure, fmt, to_decimal, unit_of_label

__all__ = ["annex1_context", "cover_letter_context", "fmt", "to_decimal"]

CHECKED, UNCHECKED = "☑", "☐"
BLANK_DATE = "　　年　　月　　日"

PILOT_LEVELS = ["低碳试点", "近零碳试点"]
PILOT_SCOPES = ["全域", "部分区域"]
PRIORITY_FIELDS = [
    "priority_eco_civilisation",
    "priority_two_mountains",
    "priority_low_carbon_city",
    "priority_eco_industrial_park",
    "priority_green_industrial_park",
    "priority_circular_park",
]
TEXT_FIELDS = ["work_foundation", "existing_policies", "organisation_setup"]
FUND_FIELDS = [
    "fund_central",
    "fund_provincial",
    "fund_local",
    "fund_bonds",
    "fund_enterprise",
    "fund_green_finance",
    "fund_other",
]


def cn_date(value) -> str:
    """The document's dates are Chinese whatever the reader's language (core.formats owns the form)."""
    if value is None:
        return BLANK_DATE
    return formats.chinese_date(value)


def _strip_unit(label: str) -> str:
    """'中央资金（万元）' -> '中央资金'."""
    return label.split("（万元）")[0]


def _by_key(items: list[dict]) -> dict[str, dict]:
    return {item["key"]: item for item in items or []}


def _checkbox(options: list[str], value: str) -> list[dict]:
    return [{"label": option, "mark": CHECKED if option == value else UNCHECKED} for option in options]


def _baseline_fields() -> tuple[dict[str, str], dict[str, str]]:
    """Labels of the AnnualBaseline fields (rows of a blank form) and their units (figures.UNITS)."""
    from .models import AnnualBaseline
    from .snapshot import BASELINE_FIELDS

    fields = [AnnualBaseline._meta.get_field(name) for name in BASELINE_FIELDS]
    labels = {f.name: str(f.verbose_name) for f in fields if f.name != "data_source"}
    units = {name: unit_of_label(label) for name, label in labels.items()}
    return labels, units


def _baseline_tables(baselines: list[dict], base_year: int | None) -> dict:
    """Years as columns: the base year and the two before it, even when a year is missing."""
    expected = [base_year - 2, base_year - 1, base_year] if base_year else []
    years = sorted(set(expected) | {b["year"] for b in baselines})
    column_of = {year: index for index, year in enumerate(years)}
    labels, units = _baseline_fields()
    rows: dict[str, dict] = {}
    if not baselines:  # nothing filled in yet: the form's rows, blank
        rows = {key: {"label": label, "values": [""] * len(years)} for key, label in labels.items()}
    sources = [""] * len(years)
    for baseline in baselines:
        column = column_of[baseline["year"]]
        for item in baseline.get("fields", []):
            if item["key"] == "data_source":
                sources[column] = item["value"]
                continue
            row = rows.setdefault(item["key"], {"label": item["label"], "values": [""] * len(years)})
            row["values"][column] = figure(item["value"], units.get(item["key"], "quantity"))

    # Energy by fuel: the fuels any year reports, in the order of the fuel list (as the inventory).
    from carbon.accounting import unit_for
    from carbon.models import Fuel

    order = list(Fuel.values)

    fuels: dict[str, dict] = {}
    for baseline in baselines:
        for use in baseline.get("energy", []):
            row = fuels.setdefault(
                use["fuel"],
                {"label": use["label"], "unit": unit_for(use["fuel"]), "values": [""] * len(years)},
            )
            row["values"][column_of[baseline["year"]]] = figure(use["quantity"], "quantity")
    energy_rows = [
        fuels[f] for f in sorted(fuels, key=lambda f: order.index(f) if f in order else len(order))
    ]
    for key, label, unit in (
        ("electricity_10k_kwh", "电力（全社会用电量）", "万千瓦时"),
        ("purchased_heat_gj", "热力（外购）", "吉焦"),
    ):
        if key in rows and any(rows[key]["values"]):
            energy_rows.append({"label": label, "unit": unit, "values": rows[key]["values"]})

    summary_rows = []
    if any("carbon" in b for b in baselines):
        by_year = {b["year"]: b.get("carbon", {}) for b in baselines}
        for key, label, unit, kind in (
            ("energy_tce", "综合能源消费量（当量值）", "吨标准煤", "tce"),
            ("total_t", "二氧化碳排放总量", "吨二氧化碳", "co2"),
            ("co2_per_gdp", "单位GDP二氧化碳排放", "吨二氧化碳/万元", "intensity"),
        ):
            values = [figure(by_year.get(year, {}).get(key), kind) for year in years]
            summary_rows.append({"label": label, "unit": unit, "values": values})
    return {
        "years": years,
        "base_year": base_year,
        "baseline_rows": list(rows.values()),
        "data_sources": sources if any(sources) else [],
        "energy_rows": energy_rows,
        "summary_rows": summary_rows,
    }


def _carbon(baselines: list[dict], base_year: int | None) -> dict | None:
    base = next((b for b in baselines if b["year"] == base_year), baselines[-1] if baselines else None)
    if base is None or "carbon" not in base:
        return None
    carbon = base["carbon"]
    return {
        "year": base["year"],
        "factor_set": carbon.get("factor_set", ""),
        "total_t": figure(carbon.get("total_t"), "co2"),
        "energy_tce": figure(carbon.get("energy_tce"), "tce"),
        "co2_per_gdp": figure(carbon.get("co2_per_gdp"), "intensity"),
        "co2_per_capita": figure(carbon.get("co2_per_capita"), "co2"),
        "lines": [
            {
                "label": line["label"],
                "quantity": figure(line["quantity"], "quantity"),
                "unit": line["unit"],
                "factor": figure(line["factor"], "factor"),
                "note": line.get("note", ""),
                "emissions_t": figure(line["emissions_t"], "co2"),
            }
            for line in carbon.get("lines", [])
        ],
    }


def _contacts(rows: list[list[dict]]) -> list[dict]:
    """单位负责人 first, then the contact persons."""
    contacts = [{k: v["value"] for k, v in _by_key(row).items()} for row in rows]
    return sorted(contacts, key=lambda c: c.get("role") != "单位负责人")


def _targets(rows: list[list[dict]]) -> list[dict]:
    targets = []
    for row in rows:
        item = {k: v["value"] for k, v in _by_key(row).items()}
        name = item.get("custom_name") or item.get("indicator", "")
        if item.get("custom_name") and item.get("indicator") not in ("", "其他"):
            name = f"{item['indicator']}：{item['custom_name']}"
        unit = unit_of_label(name)
        targets.append(
            {
                "name": name,
                "base_value": figure(item.get("base_value"), unit),
                "target_value": figure(item.get("target_value"), unit),
                "kind": "约束性" if item.get("is_binding") == "是" else "预期性",
            }
        )
    return targets


FUND_LABELS = {
    "fund_central": "中央资金",
    "fund_provincial": "省级资金",
    "fund_local": "市县财政",
    "fund_bonds": "地方政府专项债",
    "fund_enterprise": "企业自筹/社会资本",
    "fund_green_finance": "绿色信贷/绿色债券",
    "fund_other": "其他",
}


def _projects(rows: list[list[dict]]) -> tuple[list[dict], dict]:
    """The projects, and their funding as a matrix (one column per source any project uses; the labels
    come from the snapshot, FUND_LABELS only covers snapshots that lack one)."""
    projects = []
    totals = {"investment": Decimal(0), "reduction": Decimal(0), "saving": Decimal(0)}
    fund_totals = {key: Decimal(0) for key in FUND_FIELDS}
    labels = dict(FUND_LABELS)
    for row in rows:
        fields = _by_key(row)
        value = {k: v["value"] for k, v in fields.items()}
        amounts = {}
        for key in FUND_FIELDS:
            if key in fields:
                labels[key] = _strip_unit(fields[key]["label"])
            amounts[key] = to_decimal(value.get(key)) or Decimal(0)
            fund_totals[key] += amounts[key]
        totals["investment"] += to_decimal(value.get("total_investment")) or Decimal(0)
        totals["reduction"] += to_decimal(value.get("expected_co2_reduction_t")) or Decimal(0)
        totals["saving"] += to_decimal(value.get("expected_energy_saving_tce")) or Decimal(0)
        start, end = value.get("start_year", ""), value.get("end_year", "")
        projects.append(
            {
                "name": value.get("name", ""),
                "task": value.get("task", ""),
                "subtype": value.get("subtype", ""),
                "owner_unit": value.get("owner_unit", ""),
                "location": value.get("location", ""),
                "content": value.get("content", ""),
                "period": f"{start}-{end}年"
                if start and end and start != end
                else (f"{start}年" if start else ""),
                "status": value.get("status", ""),
                "total_investment": figure(value.get("total_investment"), "money"),
                "amounts": amounts,
                "reduction": figure(value.get("expected_co2_reduction_t"), "co2"),
                "saving": figure(value.get("expected_energy_saving_tce"), "tce"),
                "calculation_note": value.get("calculation_note", ""),
            }
        )
    columns = [key for key in FUND_FIELDS if fund_totals[key]]
    for project in projects:
        amounts = project.pop("amounts")
        project["funds"] = [figure(amounts[key], "money") for key in columns]
        project["funded"] = figure(sum(amounts.values(), Decimal(0)), "money")
    summary = {
        "investment": figure(totals["investment"], "money"),
        "reduction": figure(totals["reduction"], "co2"),
        "saving": figure(totals["saving"], "tce") if totals["saving"] else "",
        "fund_columns": [labels[key] for key in columns],
        "funds": [figure(fund_totals[key], "money") for key in columns],
        "funded": figure(sum(fund_totals.values(), Decimal(0)), "money"),
    }
    return projects, summary


def _funding(rows: list[list[dict]]) -> dict:
    lines, by_source, total = [], {}, Decimal(0)
    for row in rows:
        value = {k: v["value"] for k, v in _by_key(row).items()}
        amount = to_decimal(value.get("amount")) or Decimal(0)
        total += amount
        by_source[value.get("source", "")] = by_source.get(value.get("source", ""), Decimal(0)) + amount
        lines.append(
            {
                "year": value.get("year", ""),
                "source": value.get("source", ""),
                "amount": figure(amount, "money"),
                "use": value.get("use", ""),
            }
        )
    return {
        "lines": lines,
        "total": figure(total, "money"),
        "by_source": [
            {
                "source": source,
                "amount": figure(amount, "money"),
                "share": figure(amount / total * 100, "percent") if total else "",
            }
            for source, amount in by_source.items()
        ],
    }


def annex1_context(data: dict, *, draft: bool, version: int | None, submitted_at) -> dict:
    org = data.get("organisation", {})
    fields = _by_key(data.get("application", []))
    app = {key: item["value"] for key, item in fields.items()}
    labels = {key: item["label"] for key, item in fields.items()}
    is_park = bool(org.get("is_park"))
    baselines = sorted(data.get("baselines", []), key=lambda b: b["year"])
    base_year = data.get("base_year")
    target_year = data.get("target_year")  # the batch's (2025 for 2023-2025, 2029 for the 2027 batch)
    projects, project_totals = _projects(data.get("projects", []))

    priorities = [
        {"label": labels[key], "mark": CHECKED if app.get(key) == "是" else UNCHECKED}
        for key in PRIORITY_FIELDS
        if key in labels
    ]
    return {
        "data": data,
        "draft": draft,
        "version": version,
        "submitted_on": cn_date(submitted_at) if submitted_at else "",
        "filled_on": cn_date(submitted_at) if submitted_at else BLANK_DATE,
        "generated_on": cn_date(timezone.now()),
        "org": org,
        "is_park": is_park,
        "app": app,
        "labels": labels,
        "pilot_levels": _checkbox(PILOT_LEVELS, app.get("pilot_level", "")),
        "pilot_scopes": _checkbox(PILOT_SCOPES, app.get("pilot_scope", "")),
        "target_year": target_year,
        "area": figure(app.get("boundary_area_km2"), "area"),
        "enterprises": figure(app.get("enterprises_count"), "count"),
        "above_scale_enterprises": figure(app.get("above_scale_enterprises_count"), "count"),
        "boundary_clear": CHECKED if app.get("statistical_boundary_clear") == "是" else UNCHECKED,
        "no_accident": CHECKED if app.get("declares_no_major_accident") == "是" else UNCHECKED,
        "fenwei": CHECKED if org.get("fenwei_priority") else UNCHECKED,
        "not_fenwei": UNCHECKED if org.get("fenwei_priority") else CHECKED,
        "priorities": priorities,
        "priority_other": app.get("priority_other", ""),
        "contacts": _contacts(data.get("contacts", [])),
        **_baseline_tables(baselines, base_year),
        "carbon": _carbon(baselines, base_year),
        "targets": _targets(data.get("targets", [])),
        "projects": projects,
        "project_totals": project_totals,
        "funding": _funding(data.get("funding", [])),
        "texts": [
            {"label": labels[key], "paragraphs": _paragraphs(app.get(key, ""))}
            for key in TEXT_FIELDS
            if key in labels
        ],
        "boundary_paragraphs": _paragraphs(app.get("boundary_description", "")),
        "attachments": data.get("attachments", []),
        "CHECKED": CHECKED,
        "UNCHECKED": UNCHECKED,
    }


# Pango never breaks a line inside "2023-2025" (UAX #14: HY × NU), so a run such as "（2023-2025年）》"
# cannot start at the end of a line and leaves a gap of several characters in CJK text. A zero-width
# space after such a hyphen allows the break; it is invisible and not extracted as text.
_YEAR_RANGE = re.compile(r"(?<=\d)-(?=\d)")


def _paragraphs(text: str) -> list[str]:
    return [_YEAR_RANGE.sub("-\u200b", line.strip()) for line in (text or "").splitlines() if line.strip()]


def _kind_label(application) -> str:
    org = application.organisation
    kind = "园区" if org.kind == org.Kind.PARK else "县（市、区）"
    return f"{kind}·{application.get_pilot_level_display()}"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cover_letter_context(forwarding) -> dict:
    applications = list(forwarding.applications.select_related("organisation").order_by("city_rank", "pk"))
    rows = [
        {
            "rank": application.city_rank or index,
            "name": application.organisation.name,
            "kind": _kind_label(application),
            "opinion": _short(application.city_opinion) or "推荐",
        }
        for index, application in enumerate(applications, start=1)
    ]
    return {
        "forwarding": forwarding,
        "applications": applications,
        "rows": rows,
        "paragraphs": _paragraphs(forwarding.letter_text),
        "issued_on": cn_date(forwarding.forwarded_at),
        "bureau": forwarding.review_unit.bureau_name,
        "batch": forwarding.batch.name,
    }
