"""Excel in and out for expert review: the expert pool (import and export share the columns, so an
export is also the import template) and the round's scores, aggregates and ranking."""

from urllib.parse import quote

import tablib
from django.http import HttpResponse
from django.utils import timezone
from import_export import fields

from core.resources import XLSX, ExportResource

from . import aggregation as agg
from .forms import ExpertRowForm
from .models import Expert, ReviewAssignment, Score

# Import column -> ExpertRowForm field. The export below writes the same headers.
EXPERT_COLUMNS = {
    "姓名": "name",
    "工作单位": "employer",
    "所在市（区）": "city",
    "所在县（市、区）": "county",
    "职称/职务": "title",
    "专业领域": "specialities",
    "手机": "phone",
    "电子邮箱": "email",
}
REQUIRED_COLUMNS = ("姓名", "工作单位", "手机")


class ExpertResource(ExportResource):
    """The expert pool as Excel; `rows_from` reads the same layout back, row by row through the form."""

    name = fields.Field(attribute="name", column_name="姓名")
    employer = fields.Field(attribute="employer", column_name="工作单位")
    city = fields.Field(attribute="review_unit__name", column_name="所在市（区）")
    county = fields.Field(attribute="division__name", column_name="所在县（市、区）")
    title = fields.Field(attribute="title", column_name="职称/职务")
    specialities = fields.Field(attribute="specialities", column_name="专业领域")
    phone = fields.Field(attribute="phone", column_name="手机")
    email = fields.Field(attribute="email", column_name="电子邮箱")
    active = fields.Field(column_name="在库")

    class Meta:
        model = Expert
        fields = ("name", "employer", "city", "county", "title", "specialities", "phone", "email", "active")
        export_order = fields

    def dehydrate_active(self, expert):
        return "是" if expert.active else "否"

    @classmethod
    def template_response(cls) -> HttpResponse:
        return cls.as_xlsx_response(Expert.objects.none(), filename="专家库导入模板.xlsx")

    @staticmethod
    def rows_from(content: bytes) -> tuple[list[tuple[int, dict]], list[str]]:
        """(valid rows as (Excel row number, cleaned fields), errors in Chinese naming each row).

        The caller imports nothing unless `errors` is empty."""
        try:
            dataset = tablib.Dataset().load(content, format="xlsx")
        except Exception:  # openpyxl raises many types for a damaged or foreign file
            return [], ["无法读取该文件，请使用导入模板（.xlsx）填写后上传。"]
        headers = [str(h or "").strip() for h in (dataset.headers or [])]
        missing = [c for c in REQUIRED_COLUMNS if c not in headers]
        if missing:
            return [], [f"文件缺少必填列：{'、'.join(missing)}（请使用导入模板）。"]
        rows, errors, phones = [], [], {}
        existing = set(Expert.objects.values_list("phone", flat=True))
        for number, values in enumerate(dataset, start=2):  # row 1 holds the headers
            raw = {EXPERT_COLUMNS[h]: v for h, v in zip(headers, values, strict=False) if h in EXPERT_COLUMNS}
            if all(v in (None, "") for v in raw.values()):
                continue
            data = {k: v if isinstance(v, int | float) else str(v or "").strip() for k, v in raw.items()}
            form = ExpertRowForm(data)
            who = f"第{number}行（{data.get('name') or '未填姓名'}）"
            if not form.is_valid():
                problems = [
                    f"{form.fields[field].label if field in form.fields else ''}：{message.rstrip('。')}"
                    for field, messages in form.errors.items()
                    for message in messages
                ]
                errors.append(f"{who}：{'；'.join(problems)}。")
                continue
            phone = form.cleaned_data["phone"]
            if phone in existing:
                errors.append(f"{who}：手机号{phone}的专家已在专家库中。")
            elif phone in phones:
                errors.append(f"{who}：手机号{phone}与第{phones[phone]}行重复。")
            else:
                phones[phone] = number
                rows.append((number, form.cleaned_data))
        return rows, errors


class ScoreResource(ExportResource):
    """Every criterion score of every submitted sheet, with the expert's comment."""

    application = fields.Field(
        attribute="assignment__application__organisation__name", column_name="申报单位"
    )
    expert = fields.Field(column_name="评审专家")
    criterion = fields.Field(attribute="criterion__name", column_name="评分项")
    weight = fields.Field(column_name="权重（分）")
    scale = fields.Field(attribute="criterion__scale_max", column_name="满分")
    value = fields.Field(column_name="得分")
    na = fields.Field(column_name="不适用")
    comment = fields.Field(attribute="comment", column_name="评语")

    class Meta:
        model = Score
        fields = ("application", "expert", "criterion", "weight", "scale", "value", "na", "comment")
        export_order = fields

    @staticmethod
    def for_round(review_round):
        return (
            Score.objects.filter(
                assignment__round=review_round, assignment__state=ReviewAssignment.State.SUBMITTED
            )
            .select_related("assignment__expert", "assignment__application__organisation", "criterion")
            .order_by(
                "assignment__application__organisation__name", "assignment__expert_id", "criterion__order"
            )
        )

    def dehydrate_expert(self, score):
        return score.assignment.expert.display_name

    def dehydrate_weight(self, score):
        return float(score.criterion.weight)

    def dehydrate_value(self, score):
        return "" if score.is_na or score.value is None else float(score.value)

    def dehydrate_na(self, score):
        return "是" if score.is_na else ""


def _n(value):
    published = agg.publish(value)
    return "" if published is None else float(published)


def ranking_dataset(results) -> tablib.Dataset:
    criteria = results.criteria
    headers = [
        "名次",
        "并列",
        "申报单位",
        "所属市（区）",
        "有效评分专家数",
        "应评专家数",
        f"主得分（{results.method_label}）",
        "算术平均",
        "中位数",
        "去掉最高最低后平均",
        "专家z分数校正",
        "最低",
        "最高",
        "极差",
        "标准差",
        *[f"{c.name}均分（满分{c.scale_max}）" for c in criteria],
        "各专家加权总分",
        "分歧提示",
        "排名说明",
    ]
    data = tablib.Dataset(headers=headers, title="汇总与排名")
    for row in results.rows:
        stats, ranked = row.statistics, row.ranked
        data.append(
            [
                ranked.rank if ranked and ranked.rank else "",
                "是" if ranked and ranked.tied else "",
                row.name,
                row.application.organisation.review_unit.name
                if row.application.organisation.review_unit_id
                else "",
                stats["n"],
                row.expected,
                _n(row.primary),
                _n(stats["mean"]),
                _n(stats["median"]),
                _n(stats["trimmed_mean"]),
                _n(row.result.zscore),
                _n(stats["min"]),
                _n(stats["max"]),
                _n(stats["range"]),
                _n(stats["stdev"]),
                *[_n(mean) for _, mean in row.criterion_means],
                "；".join(
                    f"{e.label} {'全部不适用' if e.total is None else agg.publish(e.total)}"
                    for e in row.experts
                ),
                "；".join(row.flags),
                ranked.note if ranked else "",
            ]
        )
    return data


def opinions_dataset(review_round) -> tablib.Dataset:
    data = tablib.Dataset(
        headers=["申报单位", "评审专家", "综合意见", "评分版本", "提交时间"], title="专家综合意见"
    )
    assignments = (
        ReviewAssignment.objects.filter(round=review_round, state=ReviewAssignment.State.SUBMITTED)
        .select_related("expert", "application__organisation")
        .order_by("application__organisation__name", "expert_id")
    )
    for a in assignments:
        submitted = timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else ""
        data.append(
            [a.application.organisation.name, a.expert.display_name, a.overall_opinion, a.version, submitted]
        )
    return data


def round_workbook_response(review_round, results) -> HttpResponse:
    """Three sheets: the aggregates and ranking, every criterion score with comments, the opinions."""
    scores = ScoreResource().export(queryset=ScoreResource.for_round(review_round))
    scores.title = "评分明细"
    book = tablib.Databook([ranking_dataset(results), scores, opinions_dataset(review_round)])
    response = HttpResponse(book.export("xlsx"), content_type=XLSX)
    filename = f"{review_round.name}-评分汇总与排名.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
