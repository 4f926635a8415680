"""The self-evaluation computed from a request's lines (indicators.scoring does the arithmetic), and the
list of what blocks its submission. Pure: the caller passes the rows it has read."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext

from core.errors import DomainError
from core.formats import enumeration_comma
from indicators import scoring


@dataclass
class LineResult:
    line: object  # models.Line
    item: scoring.ItemSpec
    evidence: int  # number of evidence files
    self_score: Decimal | None = None
    met: bool | None = None
    calculation: str = ""
    error: str = ""


@dataclass
class Evaluation:
    lines: list[LineResult]
    result: scoring.Result | None = None  # None while some line cannot be computed
    blockers: list[str] = field(default_factory=list)

    @property
    def can_submit(self) -> bool:
        return not self.blockers


def _input(line, evidence: int) -> scoring.ItemInput:
    return scoring.ItemInput(actual=line.actual, target=line.target, evidence=evidence > 0)


def evaluate(
    spec: scoring.SystemSpec,
    lines,
    *,
    evidence_counts: dict[int, int],
    claims: dict[str, Decimal],
    claim_evidence: dict[str, int],
    vetoes: list[str],
    veto_declared: bool,
    has_verification: bool,
    projects=(),
) -> Evaluation:
    """Each line's self-score and calculation (or why it cannot be computed), the total, and the
    blockers in Chinese: missing actuals, missing evidence, unmet binding indicators, claims without
    evidence, the missing verification report and veto declaration, key projects without completion."""
    specs = {i.code: i for i in spec.items}
    results: list[LineResult] = []
    blockers: list[str] = []
    missing_actual, missing_evidence = [], []
    for line in lines:
        item = specs[line.item.indicator.code]
        count = evidence_counts.get(line.pk, 0)
        lr = LineResult(line=line, item=item, evidence=count)
        if item.rule == scoring.QUALITATIVE:
            lr.calculation = gettext("专家评议项，由专家在 0～%(pts)s 分内评定") % {
                "pts": scoring.num(item.points)
            }
        else:
            if line.actual is None and item.rule != scoring.EVIDENCE:
                missing_actual.append(item.name)
            try:
                scored = scoring.score_item(item, _input(line, count))
            except DomainError as error:
                lr.error = error.message
            else:
                lr.self_score, lr.met, lr.calculation = scored.self_score, scored.met, scored.calculation
        if not count:
            missing_evidence.append(item.name)
        results.append(lr)
    result = None
    if not any(r.error for r in results):
        inputs = {r.item.code: _input(r.line, r.evidence) for r in results}
        result = scoring.score(spec, inputs, vetoes=vetoes, claims=claims)
    if missing_actual:
        blockers.append(gettext("以下指标缺少实际值：%(names)s。") % {"names": _names(missing_actual)})
    for r in results:
        if r.error and r.item.name not in missing_actual:
            blockers.append(r.error)
    if missing_evidence:
        blockers.append(gettext("以下指标缺少佐证材料：%(names)s。") % {"names": _names(missing_evidence)})
    unmet = [r.item.name for r in results if r.item.binding and r.met is False]
    if unmet:
        blockers.append(gettext("以下约束性指标未完成，不能申请验收：%(names)s。") % {"names": _names(unmet)})
    without = [code for code in claims if not claim_evidence.get(code)]
    if without:
        labels = {a.code: a.description for a in spec.adjustments}
        blockers.append(
            gettext("以下加减分申报缺少佐证材料：%(names)s。") % {"names": _names(labels[c] for c in without)}
        )
    if not has_verification:
        blockers.append(gettext("未上传第三方碳核查报告。"))
    if not veto_declared:
        blockers.append(gettext("未作否决项声明。"))
    pending = [p.name for p in projects if not p.status or p.actual_investment is None]
    if pending:
        blockers.append(
            gettext("以下重点项目未填写完成情况或实际完成投资：%(names)s。") % {"names": _names(pending)}
        )
    return Evaluation(lines=results, result=result, blockers=blockers)


def _names(names) -> str:
    return enumeration_comma().join(gettext("「%(name)s」") % {"name": n} for n in names)
