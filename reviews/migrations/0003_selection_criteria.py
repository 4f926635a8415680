from decimal import Decimal

from django.db import migrations

LEVELS = [
    {"range": "9–10", "text": "优：充分满足，有突出亮点"},
    {"range": "7–8", "text": "良：较好满足，个别方面有待加强"},
    {"range": "5–6", "text": "中：基本满足，存在明显不足"},
    {"range": "0–4", "text": "差：不满足或材料缺失"},
]
# The work plan selects pilots that are 积极性高、特色鲜明、可行性高、有复制推广价值; a real panel also
# looks at the starting point, the targets and the expected effect. Weights total 100 (our proposal).
CRITERIA = [
    ("foundation", "工作基础", "低碳工作基础与成效、统计核算能力、已有规划政策", "15", False),
    ("commitment", "积极性高", "组织领导、工作机制、地方配套资金与政策支持力度", "15", False),
    ("distinctiveness", "特色鲜明", "路径与场景的地方特色，与资源禀赋和产业结构的契合度", "15", False),
    ("targets", "目标科学", "目标的先进性与可达性，约束性指标设置是否合理", "15", False),
    ("feasibility", "可行性高", "重点项目成熟度、资金落实、实施计划与保障措施", "20", False),
    ("effect", "减排成效", "预计二氧化碳减排量及减污降碳协同效益，测算依据是否充分", "10", True),
    ("replicability", "复制推广价值", "模式、机制与技术在全省同类地区的推广价值", "10", False),
]


def load(apps, schema_editor):
    CriteriaSet = apps.get_model("reviews", "CriteriaSet")
    Criterion = apps.get_model("reviews", "Criterion")
    criteria_set, _ = CriteriaSet.objects.get_or_create(
        name="低碳近零碳试点遴选评分标准", version=1,
        defaults={"purpose": "selection", "description": "依据陕环发〔2023〕48号“积极性高、特色鲜明、可行性高、有复制推广价值”的遴选要求设置；满分100分。"},
    )
    for order, (code, name, description, weight, allow_na) in enumerate(CRITERIA):
        Criterion.objects.update_or_create(
            criteria_set=criteria_set, code=code,
            defaults={"name": name, "description": description, "weight": Decimal(weight), "scale_max": 10,
                      "levels": LEVELS, "allow_na": allow_na, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_expert_review")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
