"""What an application still lacks before it can be submitted, in the applicant's words.

Used by the submit guard and by the form to list the remaining items next to the submit button.
"""

from django.utils.translation import gettext

from .models import Attachment, Contact


def missing_items(application) -> list[str]:
    missing = []
    if not application.declares_no_major_accident:
        missing.append(gettext("未作出“近3年未发生重大环境污染和生态破坏事故”声明"))
    attachments = {a.kind for a in application.attachments.all()}
    if Attachment.Kind.COMMITMENT_LETTER not in attachments:
        missing.append(gettext("未上传签字盖章的承诺书"))
    roles = {c.role for c in application.contacts.all()}
    if Contact.Role.LEADER not in roles or Contact.Role.CONTACT not in roles:
        missing.append(gettext("须填写单位负责人和联系人"))
    if not application.boundary_description.strip():
        missing.append(gettext("须填写边界范围说明"))
    if application.is_park and not application.statistical_boundary_clear:
        missing.append(gettext("园区须确认具有清晰的地理和统计边界"))
    years = {b.year: b for b in application.baselines.all()}
    for year in application.baseline_years:
        baseline = years.get(year)
        if baseline is None or baseline.gdp_100m is None or baseline.electricity_10k_kwh is None:
            missing.append(
                gettext("须填写%(year)s年基础数据（至少地区生产总值和全社会用电量）") % {"year": year}
            )
    base = years.get(application.batch.base_year)
    if base is not None and not base.energy_uses.exists():
        missing.append(
            gettext("须填写基准年（%(base_year)s年）分品种能源消费量")
            % {"base_year": application.batch.base_year}
        )
    if not application.targets.exists():
        missing.append(
            gettext("须填写至少一项%(target_year)s年目标指标")
            % {"target_year": application.batch.target_year}
        )
    if not application.projects.exists():
        missing.append(gettext("须填写至少一个重点项目"))
    if not application.work_foundation.strip():
        missing.append(gettext("须填写低碳工作基础与成效"))
    return missing
