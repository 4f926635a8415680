"""Reference data: Shaanxi divisions, the 12 municipal review units, the provincial departments,
city bureaus, county governments and national development zones.

Used by the data migration and by `manage.py load_reference_data` (idempotent: it updates in place).
"""

import csv
import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# The 12 addressees of 陕环发〔2023〕48号: 10 设区市 + 韩城市 + 杨凌示范区.
HANCHENG = "610581"
YANGLING = "610403"
FENWEI_PRIORITY = {"610100", "610400", "610500"}  # 西安、咸阳、渭南 (work plan)
SPECIAL_UNITS = {
    HANCHENG: ("韩城市", "韩城市生态环境局"),
    YANGLING: ("杨凌示范区", "杨凌示范区生态环境局"),
}


def read_divisions() -> list[dict]:
    with open(FIXTURES / "shaanxi-divisions.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def review_unit_code_for(county_code: str, prefecture_code: str) -> str:
    if county_code in SPECIAL_UNITS:
        return county_code
    return prefecture_code


def county_government_name(row: dict, prefecture_name: str) -> str:
    # Districts share names across China; the city prefix is how their governments sign documents.
    if row["kind"] == "市辖区":
        return f"{prefecture_name}{row['name']}人民政府"
    return f"{row['name']}人民政府"


def load(apps=None, *, app_label: str = "organisations") -> dict:
    """Create or update all reference rows. Works in a migration (`apps`) or at run time.

    `app_label` is where the models live in that registry: `pilots` for the historical data migration
    pilots/0002 (the models moved to `organisations` in issue 9, without touching their tables)."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Division = apps.get_model(app_label, "Division")
    ReviewUnit = apps.get_model(app_label, "ReviewUnit")
    Organisation = apps.get_model(app_label, "Organisation")

    rows = read_divisions()
    by_code = {}
    for row in sorted(rows, key=lambda r: (r["level"] != "province", r["level"] != "prefecture", r["code"])):
        division, _ = Division.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": row["level"],
                "parent_id": row["parent_code"] or None,
                "kind": row["kind"],
            },
        )
        by_code[row["code"]] = division

    prefectures = [r for r in rows if r["level"] == "prefecture"]
    units = {}
    for order, row in enumerate(prefectures, start=1):
        units[row["code"]], _ = ReviewUnit.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "bureau_name": f"{row['name']}生态环境局",
                "is_fenwei_priority": row["code"] in FENWEI_PRIORITY,
                "order": order,
            },
        )
    for offset, (code, (name, bureau)) in enumerate(SPECIAL_UNITS.items(), start=len(prefectures) + 1):
        units[code], _ = ReviewUnit.objects.update_or_create(
            code=code,
            defaults={"name": name, "bureau_name": bureau, "is_fenwei_priority": False, "order": offset},
        )
    prefecture_names = {r["code"]: r["name"] for r in prefectures}
    for row in rows:
        if row["level"] != "county":
            continue
        unit = units[review_unit_code_for(row["code"], row["parent_code"])]
        unit.divisions.add(by_code[row["code"]])
        Organisation.objects.update_or_create(
            kind="county",
            division_id=row["code"],
            defaults={
                "name": county_government_name(row, prefecture_names[row["parent_code"]]),
                "short_name": row["name"],
                "review_unit": unit,
                "is_reference": True,
                "approved": True,
            },
        )

    for unit in units.values():
        Organisation.objects.update_or_create(
            name=unit.bureau_name,
            defaults={"kind": "city_bureau", "review_unit": unit, "is_reference": True, "approved": True},
        )
    for name, kind in [
        ("陕西省生态环境厅", "province_ecology"),
        ("陕西省财政厅", "province_finance"),
        ("陕西省发展和改革委员会", "province_drc"),
    ]:
        Organisation.objects.update_or_create(
            name=name,
            defaults={"kind": kind, "division_id": "610000", "is_reference": True, "approved": True},
        )

    zones = json.loads((FIXTURES / "development_zones.json").read_text(encoding="utf-8"))["zones"]
    created_zones = {}
    for zone in zones:
        organisation, _ = Organisation.objects.update_or_create(
            name=zone["name"],
            defaults={
                "kind": "park",
                "short_name": zone["short_name"],
                "park_level": zone["park_level"],
                "park_kind": zone["park_kind"],
                "review_unit": units[zone["review_unit"]],
                "division_id": zone["hosts"][0],
                "parent": created_zones.get(zone.get("parent")),
                "is_reference": True,
                "approved": True,
            },
        )
        organisation.host_divisions.set([by_code[c] for c in zone["hosts"]])
        created_zones[zone["name"]] = organisation
    return {"divisions": len(by_code), "review_units": len(units), "zones": len(created_zones)}
