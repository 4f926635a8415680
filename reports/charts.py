"""Charts of the annual reports: per pilot, CO₂ emissions (total) and intensity by year against the
target path of its ledger.

The figures are those of the carbon accounting (reports.accounting): one factor set for every year (the
base year's vintage, so that grid decarbonisation is not counted as local effort), the base year from the
plan's base-year data (or the application's baseline), then each report submitted or received. The path
is the ledger's 单位GDP二氧化碳排放降低率 (co2_intensity_drop, % below the base year) for each year, turned
into an intensity: base intensity × (1 − path value / 100). The accessible table and the chart read the
same rows (the chart script reads the table itself).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from . import accounting, ledger
from .models import AnnualReport

INTENSITY_PATH = "co2_intensity_drop"
SHOWN = (AnnualReport.State.SUBMITTED, AnnualReport.State.RECEIVED)


@dataclass
class EmissionsRow:
    year: int
    is_base: bool
    total_t: Decimal
    co2_per_gdp: Decimal | None
    path_drop: Decimal | None = None  # the ledger's path value for the year (% below the base year)
    path_intensity: Decimal | None = None
    report: AnnualReport | None = None


def path_intensity(base_intensity: Decimal | None, drop: Decimal | None) -> Decimal | None:
    """The intensity the path asks for: the base year's, less the path's reduction rate."""
    if drop is None or not base_intensity:
        return None
    return base_intensity * (1 - Decimal(drop) / 100)


def emission_rows(base, base_year: int, inventories, path) -> list[EmissionsRow]:
    """The base year (if its data is there) then (report, inventory) pairs, each with the path's value."""
    base_intensity = base.co2_per_gdp if base is not None else None
    rows = []
    if base is not None:
        drop = path.value_for(base_year) if path is not None else None
        rows.append(
            EmissionsRow(
                year=base_year,
                is_base=True,
                total_t=base.total_t,
                co2_per_gdp=base_intensity,
                path_drop=drop,
                path_intensity=path_intensity(base_intensity, drop),
            )
        )
    for report, inv in inventories:
        drop = path.value_for(report.year) if path is not None else None
        rows.append(
            EmissionsRow(
                year=report.year,
                is_base=False,
                total_t=inv.total_t,
                co2_per_gdp=inv.co2_per_gdp,
                path_drop=drop,
                path_intensity=path_intensity(base_intensity, drop),
                report=report,
            )
        )
    return rows


def chart_data(rows: list[EmissionsRow]) -> dict:
    """The series of the report page's chart (json_script), rounded as displayed."""

    def r(value, places):
        return float(round(value, places)) if value else None

    return {
        "years": [row.year for row in rows],
        "totals": [float(round(row.total_t, 1)) for row in rows],
        "intensities": [r(row.co2_per_gdp, 4) for row in rows],
        "path_intensity": [r(row.path_intensity, 4) for row in rows],
        "labels": {
            "total": gettext("二氧化碳排放总量（吨）"),
            "intensity": gettext("单位GDP二氧化碳排放（吨/万元）"),
            "path": gettext("目标路径（强度）"),
        },
    }


@dataclass
class PilotEmissions:
    factor_set: object
    base_year: int
    rows: list[EmissionsRow]
    path: object  # plans TargetPath of co2_intensity_drop, or None


def pilot_emissions(pilot, reports) -> PilotEmissions | None:
    """The emissions of `pilot` by year for the given reports (those the viewer may see; only submitted and
    received ones are counted), or None when there is no factor set to compute with."""
    sets = accounting.factor_sets()
    base = accounting.base_activity(pilot)
    base_year = base.year if base is not None else pilot.batch.base_year
    chosen = accounting.factor_set_for(base_year, sets)
    if chosen is None:
        return None
    shown = sorted((r for r in reports if r.state in SHOWN), key=lambda r: r.year)
    inventories = [(r, accounting.inventory(accounting.report_activity(r), chosen)) for r in shown]
    path = ledger.target_path(pilot).get(INTENSITY_PATH)
    base_inventory = accounting.inventory(base, chosen) if base is not None else None
    return PilotEmissions(
        factor_set=chosen,
        base_year=base_year,
        rows=emission_rows(base_inventory, base_year, inventories, path),
        path=path,
    )
