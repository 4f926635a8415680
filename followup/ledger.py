"""What a yearly work plan takes from the pilot's filed construction plan: the year's targets from the
targets ledger (`plans.selectors.target_path`) and the year's milestones of the key projects
(`plans.selectors.key_projects`), as plain rows that the work plan keeps when it is filed (the ledger may
get a new version later; the filed work plan shows the version it was filed against)."""

from decimal import Decimal


def _value_for(values: dict, year: int):
    # Years may be ints (the interface) or strings (JSON); accept both.
    return values.get(year, values.get(str(year)))


def targets_for_year(pilot, year: int) -> tuple[list[dict], int | None]:
    """([{code, name, unit, binding, base_year, base_value, value}], ledger version or None)."""
    from plans.selectors import target_path

    rows = []
    version = None
    for code, path in target_path(pilot).items():
        version = path.ledger_version
        value = _value_for(path.values, year)
        rows.append(
            {
                "code": code,
                "name": path.indicator.name,
                "unit": path.indicator.unit,
                "binding": bool(path.binding),
                "base_year": path.base_year,
                "base_value": as_text(path.base_value),
                "value": as_text(value),
            }
        )
    return rows, version


def milestones_for_year(pilot, year: int) -> list[dict]:
    """[{project, task, location, milestone}] for the key projects with a milestone that year."""
    from plans.selectors import key_projects

    rows = []
    for project in key_projects(pilot):
        milestone = _value_for(project.milestones or {}, year)
        if milestone:
            rows.append(
                {
                    "project": project.name,
                    "task": str(project.get_task_display()) if hasattr(project, "get_task_display") else "",
                    "location": project.location,
                    "milestone": milestone,
                }
            )
    return rows


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)
