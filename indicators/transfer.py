"""Export and import of an acceptance system version's items (xlsx).

The export is a core.xlsx sheet (typed cells: points are numbers, text never runs as a formula). The
import reads a sheet in that same layout (title, scope, header on row 3, data from row 4) through a
django-import-export resource; every row is validated (catalogue code, category of this version, rule and
its parameters via AcceptanceItem.clean), and one bad row refuses the whole file with the sheet's row
numbers. The import itself is services.acceptance_items_import (non-frozen versions only, atomic)."""

from __future__ import annotations

import io
import json
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext
from import_export import fields, resources, widgets
from openpyxl import load_workbook

from core import xlsx
from core.errors import DomainError
from core.formats import colon, enumeration_comma, semicolon

from .models import AcceptanceCategory, AcceptanceItem, AcceptanceSystem, Indicator

YES, NO = "是", "否"


def headers() -> dict[str, str]:
    """Item attribute -> column header (Chinese, as the sheet prints it)."""
    return {
        "category": gettext("类别"),
        "indicator": gettext("指标代码"),
        "name": gettext("指标名称"),
        "unit": gettext("单位"),
        "points": gettext("分值"),
        "binding": gettext("约束性"),
        "rule": gettext("评分规则"),
        "params": gettext("规则参数"),
        "target_note": gettext("目标要求"),
        "reference": gettext("依据"),
    }


def params_text(params) -> str:
    return json.dumps(params, ensure_ascii=False) if params else ""


def items_sheet(system: AcceptanceSystem) -> xlsx.Sheet:
    h = headers()
    items = (
        AcceptanceItem.objects.filter(category__system=system)
        .select_related("category", "indicator")
        .order_by("category__order", "category__pk", "order", "pk")
    )
    rules = dict(AcceptanceItem.Rule.choices)
    columns = [
        xlsx.Column(h["category"], lambda i: gettext(i.category.name)),
        xlsx.Column(h["indicator"], lambda i: i.indicator.code),
        xlsx.Column(h["name"], lambda i: gettext(i.indicator.name), width=40),
        xlsx.Column(h["unit"], lambda i: i.indicator.unit),
        xlsx.Column(h["points"], lambda i: i.points, kind=xlsx.DECIMAL),
        xlsx.Column(h["binding"], lambda i: gettext(YES) if i.binding else gettext(NO)),
        xlsx.Column(h["rule"], lambda i: str(rules[i.rule])),
        xlsx.Column(h["params"], lambda i: params_text(i.params)),
        xlsx.Column(h["target_note"], lambda i: i.target_note, width=40),
        xlsx.Column(h["reference"], lambda i: i.reference),
    ]
    status = gettext("建议稿") if system.is_proposal else gettext("正式版")
    frozen = gettext("已冻结") if system.is_frozen else gettext("未冻结（可修改）")
    return xlsx.Sheet(
        name=gettext("%(kind)s第%(version)s版")
        % {"kind": system.get_kind_display(), "version": system.version},
        title=str(system),
        scope=f"{status} {frozen}",
        columns=columns,
        rows=items,
        notes=[
            gettext(
                '导入时按“序号”排序；“规则参数”为JSON，例如 {"target": 80} 或 {"tiers": [[1, 1], [3, 2]]}。'
            )
        ],
    )


# --- import ----------------------------------------------------------------------------------------------


class _CategoryWidget(widgets.Widget):
    def __init__(self, system):
        super().__init__()
        self.by_name = {c.name: c for c in AcceptanceCategory.objects.filter(system=system)}

    def clean(self, value, row=None, **kwargs):
        name = str(value or "").strip()
        if name not in self.by_name:
            raise ValueError(
                gettext("本版本没有类别“%(name)s”（可选：%(names)s）。")
                % {"name": name, "names": enumeration_comma().join(self.by_name)}
            )
        return self.by_name[name]


class _IndicatorWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        code = str(value or "").strip()
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is None:
            raise ValueError(gettext("指标库中没有代码为“%(code)s”的指标。") % {"code": code})
        return indicator


class _PointsWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool) or value is None or str(value).strip() == "":
            raise ValueError(gettext("请填写分值（数字）。"))
        try:
            return Decimal(str(value).strip())
        except InvalidOperation as error:
            raise ValueError(gettext("分值“%(v)s”不是数字。") % {"v": value}) from error


class _BindingWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if text in (YES, gettext(YES)):
            return True
        if text in ("", NO, gettext(NO)):
            return False
        raise ValueError(gettext("约束性应填“是”或“否”。"))


class _RuleWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        for code, label in AcceptanceItem.Rule.choices:
            if text in (code, str(label)):
                return code
        raise ValueError(
            gettext("评分规则“%(v)s”无效（可选：%(labels)s）。")
            % {
                "v": text,
                "labels": enumeration_comma().join(str(label) for _, label in AcceptanceItem.Rule.choices),
            }
        )


class _ParamsWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return {}
        try:
            params = json.loads(text)
        except ValueError as error:
            raise ValueError(gettext("规则参数不是有效的JSON。")) from error
        if not isinstance(params, dict):
            raise ValueError(gettext("规则参数应为JSON对象。"))
        return params


class _TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return str(value or "").strip()


class AcceptanceItemResource(resources.ModelResource):
    """The rows of one version (`system`): new items, validated by the model (clean_model_instances)."""

    def __init__(self, system: AcceptanceSystem):
        super().__init__()
        h = headers()
        specs = {
            "category": _CategoryWidget(system),
            "indicator": _IndicatorWidget(),
            "points": _PointsWidget(),
            "binding": _BindingWidget(),
            "rule": _RuleWidget(),
            "params": _ParamsWidget(),
            "target_note": _TextWidget(),
            "reference": _TextWidget(),
        }
        self.fields = {
            attribute: fields.Field(attribute=attribute, column_name=h[attribute], widget=widget)
            for attribute, widget in specs.items()
        }
        self.fields["order"] = fields.Field(
            attribute="order", column_name=gettext("序号"), widget=widgets.IntegerWidget()
        )

    class Meta:
        model = AcceptanceItem
        fields = ()
        force_init_instance = True
        clean_model_instances = True
        skip_diff = True
        use_transactions = False  # the service's transaction holds the whole import


def _dataset(content: bytes) -> tuple[tablib.Dataset, list[int]]:
    """The data rows of the sheet under the header row, and each one's row number in the sheet."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable upload is the user's error
        raise DomainError(gettext("无法读取该文件，请上传由本平台导出的 .xlsx 表格。")) from error
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    if len(rows) < xlsx.HEADER_ROW:
        raise DomainError(gettext("表格没有表头行（第%(n)s行）。") % {"n": xlsx.HEADER_ROW})
    header = [str(v).strip() if v is not None else "" for v in rows[xlsx.HEADER_ROW - 1]]
    required = [headers()[a] for a in ("category", "indicator", "points", "rule")]
    missing = [h for h in required if h not in header]
    if missing:
        raise DomainError(
            gettext("第%(n)s行缺少列：%(cols)s。")
            % {"n": xlsx.HEADER_ROW, "cols": enumeration_comma().join(missing)}
        )
    order = gettext("序号")
    if order not in header:  # a hand-made sheet without 序号: the rows' own order
        header.append(order)
    dataset, numbers = tablib.Dataset(headers=header), []
    for number, row in enumerate(rows[xlsx.HEADER_ROW :], start=xlsx.FIRST_DATA_ROW):
        values = (list(row) + [None] * len(header))[: len(header)]
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        if values[header.index(order)] is None:
            values[header.index(order)] = len(numbers) + 1
        dataset.append(values)
        numbers.append(number)
    if not numbers:
        raise DomainError(gettext("表格中没有数据行。"))
    return dataset, numbers


def read_items(system: AcceptanceSystem, content: bytes) -> int:
    """Create the items of the sheet in `system` (inside the caller's transaction); DomainError listing
    every bad row (sheet row numbers) if any row is invalid."""
    dataset, numbers = _dataset(content)
    resource = AcceptanceItemResource(system)
    result = resource.import_data(dataset, dry_run=False, raise_errors=False, collect_failed_rows=False)
    labels = {**headers(), "order": gettext("序号"), NON_FIELD_ERRORS: ""}
    problems = []
    for invalid in result.invalid_rows:
        parts = []
        for attribute, messages in invalid.error_dict.items():
            label = labels.get(attribute, attribute)
            text = "".join(messages)
            parts.append(f"{label}{colon()}{text}" if label else text)
        problems.append((numbers[invalid.number - 1], semicolon().join(parts)))
    for number, errors in result.row_errors():
        problems.append((numbers[number - 1], semicolon().join(str(e.error) for e in errors)))
    if problems or result.has_errors():
        lines = [gettext("第%(n)s行：%(error)s") % {"n": n, "error": text} for n, text in sorted(problems)]
        raise DomainError(gettext("导入未完成，请修改后重新上传：") + " ".join(lines))
    return len(numbers)
