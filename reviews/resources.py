"""Excel in and out for expert review: the expert pool (import and export share the columns, so an
export is also the import template) and the round's scores, aggregates and ranking. Files are written by
core.xlsx; the pool's import reads them back here, row by row through the same form as the page."""

import io
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from core import xlsx
from core.formats import colon, enumeration_comma, semicolon

from . import aggregation as agg
from .forms import IMPORT_MAX_ROWS, ExpertRowForm, PlaceLookups
from .models import Expert, ReviewAssignment, Score

# Import column -> ExpertRowForm field. The export below writes the same headers (in the active language;
# the import reads either the Chinese header or its translation).
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
EXPERT_HEADERS = {
    "姓名": _("姓名"),
    "工作单位": _("工作单位"),
    "所在市（区）": _("所在市（区）"),
    "所在县（市、区）": _("所在县（市、区）"),
    "职称/职务": _("职称/职务"),
    "专业领域": _("专业领域"),
    "手机": _("手机"),
    "电子邮箱": _("电子邮箱"),
}
HEADER_SEARCH_ROWS = 10  # the header row is found among the first rows (an export has title rows above)
IMPORT_MAX_COLUMNS = 30  # cells read per row: the template has 10 columns


def _expert_status(expert) -> str:
    """The pool page's words for an expert."""
    return gettext("在库") if expert.active else gettext("已停用")


EXPERT_EXPORT_COLUMNS = [
    xlsx.Column(EXPERT_HEADERS["姓名"], lambda e: e.name),
    xlsx.Column(EXPERT_HEADERS["工作单位"], lambda e: e.employer),
    xlsx.Column(EXPERT_HEADERS["所在市（区）"], lambda e: e.review_unit.name if e.review_unit_id else ""),
    xlsx.Column(EXPERT_HEADERS["所在县（市、区）"], lambda e: e.division.name if e.division_id else ""),
    xlsx.Column(EXPERT_HEADERS["职称/职务"], lambda e: e.title),
    xlsx.Column(EXPERT_HEADERS["专业领域"], lambda e: e.specialities),
    xlsx.Column(EXPERT_HEADERS["手机"], lambda e: e.phone),  # text: a phone number is not a quantity
    xlsx.Column(EXPERT_HEADERS["电子邮箱"], lambda e: e.email),
    xlsx.Column(_("状态"), _expert_status),
]


def _over_the_row_limit() -> str:
    return gettext("文件超过%(max)s行的上限（表头以下），请分成多个文件导入，每个文件不超过%(max)s行。") % {
        "max": IMPORT_MAX_ROWS
    }


def _row_tags(xml: bytes) -> int:
    return xml.count(b"<row") + xml.count(b":row ") + xml.count(b":row>")


def _row_tags_over(content: bytes, limit: int) -> bool:
    """Whether a worksheet of the .xlsx has more than `limit` rows, counted as <row> tags in the
    unpacked XML, a chunk at a time, stopping as soon as the limit is passed (the file's unpacked size is
    bounded by ExpertImportForm). A damaged file counts nothing here: openpyxl then says it cannot read it."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for member in archive.namelist():
                if not (member.startswith("xl/worksheets/") and member.endswith(".xml")):
                    continue
                count, pending = 0, b""
                with archive.open(member) as stream:
                    while chunk := stream.read(1 << 20):
                        # Count up to the last "<": a tag is never cut in two between chunks.
                        pending += chunk
                        cut = pending.rfind(b"<")
                        done, pending = (pending[:cut], pending[cut:]) if cut > 0 else (b"", pending)
                        count += _row_tags(done)
                        if count > limit:
                            return True
                if count + _row_tags(pending) > limit:
                    return True
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return False


class ExpertResource:
    """The expert pool as Excel; `rows_from` reads the same layout back, row by row through the form."""

    @staticmethod
    def as_xlsx_response(experts, *, q: str = ""):
        scope = gettext("关键词：%(q)s") % {"q": q} if q else gettext("全部专家（在库与已停用）")
        sheet = xlsx.Sheet(
            name=_("评审专家库"),
            title=_("陕西省低碳近零碳试点示范建设评审专家库"),
            scope=scope,
            columns=EXPERT_EXPORT_COLUMNS,
            rows=experts,
        )
        return xlsx.xlsx_response(sheet, filename=gettext("评审专家库.xlsx"))

    @staticmethod
    def template_response():
        sheet = xlsx.Sheet(
            name=_("专家库导入模板"),
            title=_("评审专家库导入模板"),
            scope=_("自表头下一行起每行填写一位专家；姓名、工作单位、手机必填；序号和状态列不导入"),
            columns=EXPERT_EXPORT_COLUMNS,
            rows=[],
            dated=False,
        )
        return xlsx.xlsx_response(sheet, filename=gettext("专家库导入模板.xlsx"))

    @staticmethod
    def rows_from(content: bytes) -> tuple[list[tuple[int, dict]], list[str]]:
        """(valid rows as (Excel row number, cleaned fields), errors in Chinese naming each row).

        The header row is the first of the top rows that holds the required columns, so an exported
        pool (title rows above the header) or a plain sheet (header in row 1) both import.
        The caller imports nothing unless `errors` is empty."""
        # Read as a stream (read_only) and stop past the row limit: a sheet of 200,000 rows is refused
        # after reading a thousand, not parsed whole. openpyxl itself scans a whole sheet that does not
        # state its size (no <dimension>) when it opens it, so the rows are counted first, in bytes.
        limit = HEADER_SEARCH_ROWS + IMPORT_MAX_ROWS
        if _row_tags_over(content, limit + 1):
            return [], [_over_the_row_limit()]
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            table = []
            for row in book.worksheets[0].iter_rows(values_only=True, max_col=IMPORT_MAX_COLUMNS):
                table.append(tuple(row))
                if len(table) > limit:
                    break
            book.close()
        except Exception:  # openpyxl raises many types for a damaged or foreign file
            return [], [gettext("无法读取该文件，请使用导入模板（.xlsx）填写后上传。")]
        names = {str(label): source for source, label in EXPERT_HEADERS.items()} | {
            source: source for source in EXPERT_COLUMNS
        }
        header_at, headers = 0, []
        for index, row in enumerate(table[:HEADER_SEARCH_ROWS]):
            found = [names.get(str(h or "").strip(), "") for h in row]
            if all(c in found for c in REQUIRED_COLUMNS):
                header_at, headers = index, found
                break
        else:
            first = [names.get(str(h or "").strip(), "") for h in (table[0] if table else ())]
            missing = [c for c in REQUIRED_COLUMNS if c not in first]
            columns = enumeration_comma().join(str(EXPERT_HEADERS[c]) for c in missing)
            return [], [gettext("文件缺少必填列：%(columns)s（请使用导入模板）。") % {"columns": columns}]
        if len(table) - header_at - 1 > IMPORT_MAX_ROWS:
            return [], [_over_the_row_limit()]
        rows, errors, phones, lookups = [], [], {}, PlaceLookups()
        existing = set(Expert.objects.values_list("phone", flat=True))
        for number, values in enumerate(table[header_at + 1 :], start=header_at + 2):  # Excel row numbers
            raw = {EXPERT_COLUMNS[h]: v for h, v in zip(headers, values, strict=False) if h in EXPERT_COLUMNS}
            if all(v in (None, "") for v in raw.values()):
                continue
            data = {k: v if isinstance(v, int | float) else str(v or "").strip() for k, v in raw.items()}
            form = ExpertRowForm(data, lookups=lookups)
            who = gettext("第%(number)s行（%(name)s）") % {
                "number": number,
                "name": data.get("name") or gettext("未填姓名"),
            }
            if not form.is_valid():
                problems = [
                    f"{form.fields[field].label if field in form.fields else ''}{colon()}{message.rstrip('。.')}"
                    for field, messages in form.errors.items()
                    for message in messages
                ]
                errors.append(
                    gettext("%(who)s：%(problems)s。") % {"who": who, "problems": semicolon().join(problems)}
                )
                continue
            phone = form.cleaned_data["phone"]
            if phone in existing:
                errors.append(
                    gettext("%(who)s：手机号%(phone)s的专家已在专家库中。") % {"who": who, "phone": phone}
                )
            elif phone in phones:
                errors.append(
                    gettext("%(who)s：手机号%(phone)s与第%(row)s行重复。")
                    % {"who": who, "phone": phone, "row": phones[phone]}
                )
            else:
                phones[phone] = number
                rows.append((number, form.cleaned_data))
        return rows, errors


# The round's workbook -----------------------------------------------------------------------------
def _n(value) -> Decimal | None:
    """A figure at the published precision (2 places), as the panel shows it."""
    return agg.publish(value)


def _stat(key):
    return lambda row: _n(row.statistics[key])


def ranking_sheet(results) -> xlsx.Sheet:
    criteria_columns = [
        xlsx.Column(
            gettext("%(name)s均分（满分%(max)s）") % {"name": criterion.name, "max": criterion.scale_max},
            lambda row, i=i: _n(row.criterion_means[i][1]),
            kind=xlsx.DECIMAL,
        )
        for i, criterion in enumerate(results.criteria)
    ]
    columns = [
        xlsx.Column(
            _("名次"), lambda row: row.ranked.rank if row.ranked and row.ranked.rank else None, kind=xlsx.INT
        ),
        xlsx.Column(_("并列"), lambda row: gettext("是") if row.ranked and row.ranked.tied else ""),
        xlsx.Column(_("申报单位"), lambda row: row.name),
        xlsx.Column(
            _("所属市（区）"),
            lambda row: (
                row.item.organisation.review_unit.name if row.item.organisation.review_unit_id else ""
            ),
        ),
        xlsx.Column(_("有效评分专家数"), lambda row: row.statistics["n"], kind=xlsx.INT),
        xlsx.Column(_("应评专家数"), lambda row: row.expected, kind=xlsx.INT),
        xlsx.Column(
            gettext("主得分（%(method)s）") % {"method": results.method_label},
            lambda row: _n(row.primary),
            kind=xlsx.DECIMAL,
        ),
        xlsx.Column(_("算术平均"), _stat("mean"), kind=xlsx.DECIMAL),
        xlsx.Column(_("中位数"), _stat("median"), kind=xlsx.DECIMAL),
        xlsx.Column(_("去掉最高最低后平均"), _stat("trimmed_mean"), kind=xlsx.DECIMAL),
        xlsx.Column(_("专家z分数校正"), lambda row: _n(row.result.zscore), kind=xlsx.DECIMAL),
        xlsx.Column(_("最低"), _stat("min"), kind=xlsx.DECIMAL),
        xlsx.Column(_("最高"), _stat("max"), kind=xlsx.DECIMAL),
        xlsx.Column(_("极差"), _stat("range"), kind=xlsx.DECIMAL),
        xlsx.Column(_("标准差"), _stat("stdev"), kind=xlsx.DECIMAL),
        *criteria_columns,
        xlsx.Column(_("各专家加权总分"), _expert_totals, width=40),
        xlsx.Column(_("分歧提示"), lambda row: "；".join(row.flags), width=30),
        xlsx.Column(_("排名说明"), lambda row: row.ranked.note if row.ranked else "", width=30),
    ]
    sheet = _round_sheet(results, _("汇总与排名"), _("评分汇总与排名"), columns, results.rows)
    sheet.notes = [results.error] if results.error else []
    return sheet


def _round_sheet(results, name, what, columns, rows) -> xlsx.Sheet:
    """A sheet of the round's workbook: titled with the round's name, scoped by its batch and method."""
    return xlsx.Sheet(
        name=name,
        title=gettext("%(round)s %(what)s") % {"round": results.review_round.name, "what": what},
        scope=_round_scope(results),
        columns=columns,
        rows=rows,
    )


def _expert_totals(row) -> str:
    return "；".join(
        f"{e.label} {gettext('全部不适用') if e.total is None else agg.publish(e.total)}" for e in row.experts
    )


def _round_scope(results) -> str:
    review_round = results.review_round
    parts = [
        gettext("批次：%(batch)s") % {"batch": review_round.batch.name},
        gettext("计分方法：%(method)s") % {"method": results.method_label},
    ]
    if results.tie_break_labels:
        parts.append(gettext("同分排序：%(rules)s") % {"rules": "、".join(results.tie_break_labels)})
    return gettext("；").join(parts)


def _expert_labels(results) -> dict[int, str]:
    """The experts' names as the panel shows them (made unique when two share a name)."""
    return {e.expert_id: e.label for row in results.rows for e in row.experts}


def scores_sheet(results) -> xlsx.Sheet:
    """Every criterion score of every submitted sheet, with the expert's comment."""
    labels = _expert_labels(results)
    scores = (
        Score.objects.filter(
            assignment__round=results.review_round, assignment__state=ReviewAssignment.State.SUBMITTED
        )
        .select_related(
            "assignment__expert",
            "assignment__item__application__organisation",
            "assignment__item__pilot__organisation",
            "criterion",
        )
        .order_by(
            "assignment__item__application__organisation__name",
            "assignment__item__pilot__organisation__name",
            "assignment__expert_id",
            "criterion__order",
        )
    )
    columns = [
        xlsx.Column(_("申报单位"), lambda s: s.assignment.item.display_name),
        xlsx.Column(
            _("评审专家"), lambda s: labels.get(s.assignment.expert_id) or s.assignment.expert.display_name
        ),
        xlsx.Column(_("评分项"), lambda s: s.criterion.name),
        xlsx.Column(_("权重（分）"), lambda s: s.criterion.weight, kind=xlsx.DECIMAL),
        xlsx.Column(_("满分"), lambda s: s.criterion.scale_max, kind=xlsx.INT),
        xlsx.Column(_("得分"), lambda s: None if s.is_na else s.value, kind=xlsx.DECIMAL),
        xlsx.Column(_("不适用"), lambda s: gettext("是") if s.is_na else ""),
        xlsx.Column(_("评语"), lambda s: s.comment, width=50),
    ]
    return _round_sheet(results, _("评分明细"), _("评分明细"), columns, scores)


def opinions_sheet(results) -> xlsx.Sheet:
    labels = _expert_labels(results)
    assignments = (
        ReviewAssignment.objects.filter(round=results.review_round, state=ReviewAssignment.State.SUBMITTED)
        .select_related("expert", "item__application__organisation", "item__pilot__organisation")
        .order_by("item__application__organisation__name", "item__pilot__organisation__name", "expert_id")
    )
    columns = [
        xlsx.Column(_("申报单位"), lambda a: a.item.display_name),
        xlsx.Column(_("评审专家"), lambda a: labels.get(a.expert_id) or a.expert.display_name),
        xlsx.Column(_("综合意见"), lambda a: a.overall_opinion, width=60),
        xlsx.Column(_("评分版本"), lambda a: a.version, kind=xlsx.INT),
        xlsx.Column(_("提交时间"), lambda a: a.submitted_at, kind=xlsx.DATETIME),
    ]
    return _round_sheet(results, _("专家综合意见"), _("专家综合意见"), columns, assignments)


def round_workbook_response(review_round, results):
    """Three sheets: the aggregates and ranking, every criterion score with comments, the opinions."""
    return xlsx.xlsx_response(
        [ranking_sheet(results), scores_sheet(results), opinions_sheet(results)],
        filename=gettext("%(round)s-评分汇总与排名.xlsx") % {"round": review_round.name},
    )


# Acceptance review -----------------------------------------------------------------------------------
def _acceptance_sheet(panel, name, what, columns, rows) -> xlsx.Sheet:
    return xlsx.Sheet(
        name=name,
        title=gettext("%(round)s %(what)s") % {"round": panel.review_round.name, "what": what},
        scope=semicolon().join(
            [
                gettext("批次：%(batch)s") % {"batch": panel.review_round.batch.name},
                gettext("指标体系：%(system)s") % {"system": panel.system},
                gettext("各指标汇总方法：%(method)s") % {"method": panel.method_label},
            ]
        ),
        columns=columns,
        rows=rows,
    )


def acceptance_outcomes_sheet(panel) -> xlsx.Sheet:
    columns = [
        xlsx.Column(_("试点单位"), lambda r: r.name),
        xlsx.Column(_("已提交评分专家数"), lambda r: r.submitted, kind=xlsx.INT),
        xlsx.Column(_("应评专家数"), lambda r: r.expected, kind=xlsx.INT),
        xlsx.Column(_("总分"), lambda r: r.outcome.total, kind=xlsx.DECIMAL),
        xlsx.Column(_("拟定等次"), lambda r: r.outcome.grade_label),
        xlsx.Column(_("理由"), lambda r: r.outcome.reason, width=50),
        xlsx.Column(
            _("否决情形"),
            lambda r: semicolon().join(f"{v.description}（{v.source}）" for v in r.vetoes),
            width=30,
        ),
        xlsx.Column(_("未完成的约束性指标"), lambda r: enumeration_comma().join(r.binding_unmet), width=30),
        xlsx.Column(_("计算过程"), lambda r: r.outcome.calculation, width=80),
    ]
    return _acceptance_sheet(panel, _("验收结果"), _("验收评审结果"), columns, panel.rows)


def acceptance_indicators_sheet(panel) -> xlsx.Sheet:
    rows = [(row, indicator) for row in panel.rows for indicator in row.indicators]
    columns = [
        xlsx.Column(_("试点单位"), lambda p: p[0].name),
        xlsx.Column(_("验收指标"), lambda p: p[1].criterion.display_name, width=30),
        xlsx.Column(_("约束性"), lambda p: gettext("是") if p[1].binding else ""),
        xlsx.Column(_("分值"), lambda p: p[1].criterion.weight, kind=xlsx.DECIMAL),
        xlsx.Column(
            _("自评分"),
            lambda p: p[1].self_score.value if p[1].self_score is not None else None,
            kind=xlsx.DECIMAL,
        ),
        xlsx.Column(_("专家汇总得分"), lambda p: p[1].aggregated, kind=xlsx.DECIMAL),
        xlsx.Column(
            _("各专家评分"),
            lambda p: semicolon().join(f"{label} {agg.publish(value)}" for label, value in p[1].scores),
            width=40,
        ),
        xlsx.Column(_("偏离自评分的说明"), lambda p: semicolon().join(p[1].departures), width=50),
    ]
    return _acceptance_sheet(panel, _("指标得分"), _("各指标得分"), columns, rows)


def acceptance_workbook_response(review_round, panel):
    return xlsx.xlsx_response(
        [acceptance_outcomes_sheet(panel), acceptance_indicators_sheet(panel)],
        filename=gettext("%(round)s-验收评审结果.xlsx") % {"round": review_round.name},
    )
