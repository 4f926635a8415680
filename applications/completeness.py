"""What an application still lacks before it can be submitted, in the applicant's words, and in which
section of the form it is to be filled in.

Used by the submit guard, by the overview (the remaining items next to the submit button) and by the
section navigation (✓ or what is missing, per section).
"""

from django.utils.translation import gettext

from .models import Attachment, Contact


def missing_by_item(application) -> list[tuple[str, str]]:
    """(section code, what is missing), in the order of the form."""
    missing = []
    if not application.declares_no_major_accident:
        missing.append(("eligibility", gettext("未作出“近3年未发生重大环境污染和生态破坏事故”声明")))
    attachments = {a.kind for a in application.attachments.all()}
    if Attachment.Kind.COMMITMENT_LETTER not in attachments:
        missing.append(("attachments", gettext("未上传签字盖章的承诺书")))
    roles = {c.role for c in application.contacts.all()}
    if Contact.Role.LEADER not in roles or Contact.Role.CONTACT not in roles:
        missing.append(("contacts", gettext("须填写单位负责人和联系人")))
    if not application.boundary_description.strip():
        missing.append(("basic", gettext("须填写边界范围说明")))
    if application.is_park and not application.statistical_boundary_clear:
        missing.append(("basic", gettext("园区须确认具有清晰的地理和统计边界")))
    years = {b.year: b for b in application.baselines.all()}
    for year in application.baseline_years:
        baseline = years.get(year)
        if baseline is None or baseline.gdp_100m is None or baseline.electricity_10k_kwh is None:
            missing.append(
                (
                    "baseline",
                    gettext("须填写%(year)s年基础数据（至少地区生产总值和全社会用电量）") % {"year": year},
                )
            )
    base_year = application.batch.base_year
    base = years.get(base_year)
    if base is not None and not base.energy_uses.exists():
        missing.append(
            ("baseline", gettext("须填写基准年（%(year)s年）分品种能源消费量") % {"year": base_year})
        )
    if not application.targets.exists():
        missing.append(
            ("targets", gettext("须填写至少一项%(year)s年目标指标") % {"year": application.batch.target_year})
        )
    if not application.projects.exists():
        missing.append(("projects", gettext("须填写至少一个重点项目")))
    if not application.work_foundation.strip():
        missing.append(("basic", gettext("须填写低碳工作基础与成效")))
    return missing


def missing_items(application) -> list[str]:
    return [message for _section, message in missing_by_item(application)]


def missing_by_section(application) -> dict[str, list[str]]:
    by_section: dict[str, list[str]] = {}
    for section, message in missing_by_item(application):
        by_section.setdefault(section, []).append(message)
    return by_section
