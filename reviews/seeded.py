"""The texts of the seeded selection criteria set (migration 0003_selection_criteria), registered as
translatable messages so that the English interface shows them in English.

Criteria are data: an officer may edit them or create a new version. Their texts are shown through
`gettext` (`Criterion.display_name`, `display_description`, `CriteriaSet.__str__`): a seeded text has
its English translation in the catalog, a text an officer typed is shown as typed. This needs no
schema change (no name_en column to keep in step) and keeps PDFs, which render in Chinese, unchanged.
"""

from django.utils.translation import gettext_noop

SEEDED_TEXTS = [
    gettext_noop("低碳近零碳试点遴选评分标准"),
    gettext_noop(
        "依据陕环发〔2023〕48号“积极性高、特色鲜明、可行性高、有复制推广价值”的遴选要求设置；满分100分。"
    ),
    gettext_noop("工作基础"),
    gettext_noop("低碳工作基础与成效、统计核算能力、已有规划政策"),
    gettext_noop("积极性高"),
    gettext_noop("组织领导、工作机制、地方配套资金与政策支持力度"),
    gettext_noop("特色鲜明"),
    gettext_noop("路径与场景的地方特色，与资源禀赋和产业结构的契合度"),
    gettext_noop("目标科学"),
    gettext_noop("目标的先进性与可达性，约束性指标设置是否合理"),
    gettext_noop("可行性高"),
    gettext_noop("重点项目成熟度、资金落实、实施计划与保障措施"),
    gettext_noop("减排成效"),
    gettext_noop("预计二氧化碳减排量及减污降碳协同效益，测算依据是否充分"),
    gettext_noop("复制推广价值"),
    gettext_noop("模式、机制与技术在全省同类地区的推广价值"),
    gettext_noop("优：充分满足，有突出亮点"),
    gettext_noop("良：较好满足，个别方面有待加强"),
    gettext_noop("中：基本满足，存在明显不足"),
    gettext_noop("差：不满足或材料缺失"),
]
