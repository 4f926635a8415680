"""The scoring engine of the acceptance indicator systems (验收评价): pure functions, no writes.

`spec_of(system)` reads a version (AcceptanceSystem) into plain, frozen data; `score(spec, ...)` takes
that data and the per-item inputs and returns every item's score with its calculation written out in
Chinese, the category subtotals, the capped bonus and penalty, the vetoes raised, the binding
indicators not met, the total and the proposed grade with its reason.

Arithmetic is Decimal throughout. Rates are computed unrounded; every score (item, subtotal, bonus,
penalty, total) is rounded to 2 places with ROUND_HALF_UP; a rate is *shown* to 1 decimal place.

Rules (parameters in AcceptanceItem.params, checked by `validate_rule`):
- ratio_up: completion = actual ÷ target, score = min(completion, 100%) × points (0 below 0).
- ratio_down: completion = target ÷ actual (lower is better), same cap; actual ≤ 0 counts as 100%.
  The target comes from the input (the pilot's own target) or the default `{"target": x}`.
- threshold: full points if actual ≥ threshold (≤ for a lower-is-better indicator or
  `{"direction": "down"}`), else 0. The threshold is `{"threshold": x}` or the input target.
- tiered: `{"tiers": [[bound, points], ...]}` with ascending bounds and rising points, the last tier
  worth the item's points; the score is the points of the highest tier the actual reaches.
- qualitative: expert judgement within 0..points; no self-score (None) until an expert value is given.
- evidence: full points if the evidence is present, else 0.

A binding (约束性) item is met when it scores its full points; one not met, or a veto raised, makes the
grade 不通过 whatever the total (research.md §3.3 [P]).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext

from core.errors import DomainError
from core.formats import enumeration_comma, semicolon

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ONE = Decimal(1)
ZERO = Decimal(0)

RATIO_UP, RATIO_DOWN, THRESHOLD, TIERED, QUALITATIVE, EVIDENCE = (
    "ratio_up",
    "ratio_down",
    "threshold",
    "tiered",
    "qualitative",
    "evidence",
)
RULES = (RATIO_UP, RATIO_DOWN, THRESHOLD, TIERED, QUALITATIVE, EVIDENCE)
UP, DOWN = "up", "down"

EXCELLENT, PASS, FAIL = "excellent", "pass", "fail"


def grade_label(grade: str | None) -> str:
    return {EXCELLENT: gettext("优秀"), PASS: gettext("通过"), FAIL: gettext("不通过")}.get(
        grade, gettext("待定")
    )


class RuleError(DomainError):
    """A rule's parameters are invalid (raised by validate_rule)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="invalid")


# --- numbers ---------------------------------------------------------------------------------------------


def money(value: Decimal) -> Decimal:
    """A score as kept and shown: 2 places, ROUND_HALF_UP."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def num(value: Decimal) -> str:
    """A value as typed: 18.20 → 18.2, 100 → 100 (never 1E+2)."""
    text = format(value.normalize(), "f")
    return text


def pct(rate: Decimal) -> str:
    """A rate shown to 1 decimal place: 1.01111 → 101.1%."""
    return f"{(rate * 100).quantize(TENTH, rounding=ROUND_HALF_UP)}%"


def _decimal(value, *, what: str, name: str) -> Decimal:
    if isinstance(value, bool):
        raise RuleError(gettext("「%(name)s」：%(what)s应为数字。") % {"name": name, "what": what})
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as error:
        raise RuleError(gettext("「%(name)s」：%(what)s应为数字。") % {"name": name, "what": what}) from error
    if not result.is_finite():
        raise RuleError(gettext("「%(name)s」：%(what)s应为数字。") % {"name": name, "what": what})
    return result


# --- parameters ------------------------------------------------------------------------------------------

_ALLOWED_KEYS = {
    RATIO_UP: {"target"},
    RATIO_DOWN: {"target"},
    THRESHOLD: {"threshold", "direction"},
    TIERED: {"tiers"},
    QUALITATIVE: set(),
    EVIDENCE: set(),
}


def tiers_of(params: Mapping) -> list[tuple[Decimal, Decimal]]:
    return [(Decimal(str(b)), Decimal(str(p))) for b, p in params.get("tiers", [])]


def validate_rule(rule: str, params, points, *, binding: bool = False, name: str = "") -> None:
    """Raise RuleError (Chinese, naming the indicator) if the rule or its parameters are invalid."""
    points = _decimal(points, what=gettext("分值"), name=name)
    if points <= 0:
        raise RuleError(gettext("「%(name)s」：分值应大于0。") % {"name": name})
    if rule not in RULES:
        raise RuleError(gettext("「%(name)s」：未知的评分规则“%(rule)s”。") % {"name": name, "rule": rule})
    if not isinstance(params, dict):
        raise RuleError(gettext("「%(name)s」：规则参数应为JSON对象。") % {"name": name})
    unknown = sorted(set(params) - _ALLOWED_KEYS[rule])
    if unknown:
        raise RuleError(
            gettext("「%(name)s」：该评分规则不接受参数 %(keys)s。")
            % {"name": name, "keys": enumeration_comma().join(unknown)}
        )
    if binding and rule == QUALITATIVE:
        raise RuleError(gettext("「%(name)s」：专家评议项不能设为约束性指标。") % {"name": name})
    if (
        rule in (RATIO_UP, RATIO_DOWN)
        and "target" in params
        and _decimal(params["target"], what=gettext("默认目标值"), name=name) <= 0
    ):
        raise RuleError(gettext("「%(name)s」：比值法的目标值须大于0。") % {"name": name})
    if rule == THRESHOLD:
        if "threshold" in params:
            _decimal(params["threshold"], what=gettext("门槛值"), name=name)
        if params.get("direction", UP) not in (UP, DOWN):
            raise RuleError(gettext("「%(name)s」：达标方向应为 up 或 down。") % {"name": name})
    if rule == TIERED:
        _validate_tiers(params.get("tiers"), points, name)


def _validate_tiers(tiers, points: Decimal, name: str) -> None:
    if not isinstance(tiers, list) or not tiers:
        raise RuleError(gettext("「%(name)s」：分档法须至少设置一档（tiers）。") % {"name": name})
    previous = None
    for n, tier in enumerate(tiers, start=1):
        if not isinstance(tier, list | tuple) or len(tier) != 2:
            raise RuleError(gettext("「%(name)s」：第%(n)s档应为 [下限, 得分]。") % {"name": name, "n": n})
        bound = _decimal(tier[0], what=gettext("第%(n)s档下限") % {"n": n}, name=name)
        tier_points = _decimal(tier[1], what=gettext("第%(n)s档得分") % {"n": n}, name=name)
        if tier_points <= 0 or tier_points > points:
            raise RuleError(
                gettext("「%(name)s」：第%(n)s档得分 %(p)s 应在 0（不含）至本项分值 %(max)s 之间。")
                % {"name": name, "n": n, "p": num(tier_points), "max": num(points)}
            )
        if previous is not None:
            if bound <= previous[0]:
                raise RuleError(
                    gettext("「%(name)s」：各档下限应从低到高排列（第%(n)s档）。") % {"name": name, "n": n}
                )
            if tier_points <= previous[1]:
                raise RuleError(
                    gettext("「%(name)s」：各档得分应逐档提高（第%(n)s档）。") % {"name": name, "n": n}
                )
        previous = (bound, tier_points)
    if previous[1] != points:
        raise RuleError(
            gettext("「%(name)s」：最高档得分 %(p)s 应等于本项分值 %(max)s。")
            % {"name": name, "p": num(previous[1]), "max": num(points)}
        )


# --- the system as data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    code: str  # the catalogue indicator's code: the key of the inputs
    name: str
    category: str
    points: Decimal
    rule: str
    params: Mapping = field(default_factory=dict)
    binding: bool = False
    direction: str = UP
    unit: str = ""


@dataclass(frozen=True)
class CategorySpec:
    name: str
    points: Decimal


@dataclass(frozen=True)
class VetoSpec:
    code: str
    description: str


@dataclass(frozen=True)
class AdjustmentSpec:
    code: str
    kind: str  # bonus | penalty
    description: str
    max_points: Decimal


@dataclass(frozen=True)
class SystemSpec:
    name: str
    categories: tuple[CategorySpec, ...]
    items: tuple[ItemSpec, ...]
    vetoes: tuple[VetoSpec, ...] = ()
    adjustments: tuple[AdjustmentSpec, ...] = ()
    total_points: Decimal = Decimal(100)
    pass_score: Decimal = Decimal(80)
    excellent_score: Decimal = Decimal(90)
    bonus_cap: Decimal = Decimal(5)
    penalty_cap: Decimal = Decimal(5)
    version: int = 1
    is_proposal: bool = True


def spec_of(system) -> SystemSpec:
    """The version's data (4 queries whatever its size)."""
    from .models import AcceptanceItem

    categories = list(system.categories.order_by("order", "pk"))
    items = AcceptanceItem.objects.filter(category__system=system).select_related("indicator", "category")
    return SystemSpec(
        name=str(system),
        version=system.version,
        is_proposal=system.is_proposal,
        total_points=system.total_points,
        pass_score=system.pass_score,
        excellent_score=system.excellent_score,
        bonus_cap=system.bonus_cap,
        penalty_cap=system.penalty_cap,
        categories=tuple(CategorySpec(gettext(c.name), c.points) for c in categories),
        items=tuple(
            ItemSpec(
                code=i.indicator.code,
                name=gettext(i.indicator.name),
                unit=i.indicator.unit,
                category=gettext(i.category.name),
                points=i.points,
                rule=i.rule,
                params=dict(i.params or {}),
                binding=i.binding,
                direction=i.indicator.direction,
            )
            for i in items.order_by("category__order", "category__pk", "order", "pk")
        ),
        vetoes=tuple(VetoSpec(v.code, gettext(v.description)) for v in system.vetoes.order_by("order", "pk")),
        adjustments=tuple(
            AdjustmentSpec(a.code, a.kind, gettext(a.description), a.max_points)
            for a in system.adjustments.order_by("kind", "order", "pk")
        ),
    )


def check_system(spec: SystemSpec) -> list[str]:
    """What makes the version unusable, in Chinese (empty when it can be frozen and scored)."""
    errors = []
    if not spec.pass_score <= spec.excellent_score <= spec.total_points:
        errors.append(
            gettext("分数线应满足：通过分数线 %(p)s ≤ 优秀分数线 %(e)s ≤ 总分 %(t)s。")
            % {"p": num(spec.pass_score), "e": num(spec.excellent_score), "t": num(spec.total_points)}
        )
    category_sum = sum((c.points for c in spec.categories), ZERO)
    if category_sum != spec.total_points:
        errors.append(
            gettext("各类别分值之和 %(sum)s 不等于总分 %(total)s。")
            % {"sum": num(category_sum), "total": num(spec.total_points)}
        )
    for category in spec.categories:
        items = [i for i in spec.items if i.category == category.name]
        item_sum = sum((i.points for i in items), ZERO)
        if item_sum != category.points:
            errors.append(
                gettext("类别「%(cat)s」各指标分值之和 %(sum)s 不等于类别分值 %(points)s。")
                % {"cat": category.name, "sum": num(item_sum), "points": num(category.points)}
            )
    codes = [i.code for i in spec.items]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        errors.append(gettext("指标“%(code)s”在体系中出现多次。") % {"code": code})
    for item in spec.items:
        try:
            validate_rule(item.rule, dict(item.params), item.points, binding=item.binding, name=item.name)
        except RuleError as error:
            errors.append(error.message)
    return errors


# --- inputs and results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    actual: Decimal | None = None
    target: Decimal | None = None
    evidence: bool = False
    expert: Decimal | None = None


@dataclass(frozen=True)
class ItemScore:
    code: str
    name: str
    category: str
    points: Decimal
    rule: str
    binding: bool
    self_score: Decimal | None  # what the engine computes; None for a qualitative item
    score: Decimal | None  # the score counted: the self-score, or the expert value; None if pending
    met: bool | None  # full points reached (None while pending)
    calculation: str


@dataclass(frozen=True)
class CategoryScore:
    name: str
    points: Decimal
    subtotal: Decimal
    pending: int


@dataclass(frozen=True)
class AdjustmentScore:
    code: str
    kind: str
    description: str
    claimed: Decimal
    applied: Decimal
    calculation: str


@dataclass(frozen=True)
class Result:
    items: tuple[ItemScore, ...]
    categories: tuple[CategoryScore, ...]
    adjustments: tuple[AdjustmentScore, ...]
    base: Decimal  # sum of the items' scores
    bonus: Decimal  # after the per-item and overall caps
    penalty: Decimal
    total: Decimal
    vetoes: tuple[str, ...]  # descriptions of the vetoes raised
    binding_unmet: tuple[str, ...]  # names of binding items not met
    pending: tuple[str, ...]  # qualitative items awaiting the expert value
    grade: str | None  # excellent | pass | fail; None while items are pending (and nothing fails)
    reason: str
    calculation: str

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)


def _input_number(value, *, what: str, name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return _decimal(value, what=what, name=name)
    except RuleError as error:
        raise DomainError(error.message) from error


def _ratio(item: ItemSpec, given: ItemInput) -> tuple[Decimal, bool, str]:
    actual = _input_number(given.actual, what=gettext("实际值"), name=item.name)
    target = _input_number(given.target, what=gettext("目标值"), name=item.name)
    if target is None and "target" in item.params:
        target = Decimal(str(item.params["target"]))
    if actual is None:
        raise DomainError(gettext("「%(name)s」：缺少实际值。") % {"name": item.name})
    if target is None:
        raise DomainError(gettext("「%(name)s」：比值法评分需要目标值。") % {"name": item.name})
    if target <= 0:
        raise DomainError(gettext("「%(name)s」：比值法的目标值须大于0。") % {"name": item.name})
    pts = num(item.points)
    if item.rule == RATIO_DOWN and actual <= 0:
        score = money(item.points)
        return (
            score,
            True,
            gettext("实际值 %(a)s ≤ 0，不高于目标值 %(t)s，完成率按100%%计，得分 = %(pts)s × 100%% = %(s)s")
            % {"a": num(actual), "t": num(target), "pts": pts, "s": score},
        )
    if item.rule == RATIO_UP:
        rate = actual / target
        formula = gettext("完成率 = 实际值 ÷ 目标值 = %(a)s ÷ %(t)s = %(r)s") % {
            "a": num(actual),
            "t": num(target),
            "r": pct(rate),
        }
    else:
        rate = target / actual
        formula = gettext("完成率 = 目标值 ÷ 实际值 = %(t)s ÷ %(a)s = %(r)s") % {
            "a": num(actual),
            "t": num(target),
            "r": pct(rate),
        }
    counted = max(min(rate, ONE), ZERO)
    score = money(counted * item.points)
    text = gettext("%(formula)s，得分 = min(%(r)s, 100%%) × %(pts)s = %(s)s") % {
        "formula": formula,
        "r": pct(rate),
        "pts": pts,
        "s": score,
    }
    if rate < 0:
        text += gettext("（完成率低于0按0计）")
    return score, rate >= ONE, text


def _threshold(item: ItemSpec, given: ItemInput) -> tuple[Decimal, bool, str]:
    actual = _input_number(given.actual, what=gettext("实际值"), name=item.name)
    if actual is None:
        raise DomainError(gettext("「%(name)s」：缺少实际值。") % {"name": item.name})
    bar = item.params.get("threshold")
    bar = (
        Decimal(str(bar))
        if bar is not None
        else _input_number(given.target, what=gettext("目标值"), name=item.name)
    )
    if bar is None:
        raise DomainError(gettext("「%(name)s」：达标法评分需要门槛值或目标值。") % {"name": item.name})
    direction = item.params.get("direction", item.direction)
    met = actual >= bar if direction == UP else actual <= bar
    score = money(item.points) if met else money(ZERO)
    sign = (">=" if met else "<") if direction == UP else ("<=" if met else ">")
    sign = {">=": "≥", "<=": "≤", "<": "<", ">": ">"}[sign]
    verdict = gettext("达标") if met else gettext("未达标")
    return (
        score,
        met,
        gettext("实际值 %(a)s %(sign)s 门槛值 %(b)s，%(verdict)s，得分 = %(s)s")
        % {"a": num(actual), "sign": sign, "b": num(bar), "verdict": verdict, "s": score},
    )


def _tiered(item: ItemSpec, given: ItemInput) -> tuple[Decimal, bool, str]:
    actual = _input_number(given.actual, what=gettext("实际值"), name=item.name)
    if actual is None:
        raise DomainError(gettext("「%(name)s」：缺少实际值。") % {"name": item.name})
    tiers = tiers_of(item.params)
    reached = [(n, bound, points) for n, (bound, points) in enumerate(tiers, start=1) if actual >= bound]
    if not reached:
        return (
            money(ZERO),
            False,
            gettext("实际值 %(a)s 未达到最低档（≥ %(b)s），得分 = 0.00")
            % {"a": num(actual), "b": num(tiers[0][0])},
        )
    n, bound, points = reached[-1]
    score = money(points)
    return (
        score,
        points == item.points,
        gettext("实际值 %(a)s 达到第%(n)s档（≥ %(b)s 得 %(p)s 分），得分 = %(s)s")
        % {"a": num(actual), "n": n, "b": num(bound), "p": num(points), "s": score},
    )


def _evidence(item: ItemSpec, given: ItemInput) -> tuple[Decimal, bool, str]:
    if given.evidence:
        score = money(item.points)
        return score, True, gettext("佐证材料齐全，得分 = %(s)s") % {"s": score}
    return money(ZERO), False, gettext("未提供佐证材料，得分 = 0.00")


_RULE_FUNCTIONS = {
    RATIO_UP: _ratio,
    RATIO_DOWN: _ratio,
    THRESHOLD: _threshold,
    TIERED: _tiered,
    EVIDENCE: _evidence,
}


def score_item(item: ItemSpec, given: ItemInput) -> ItemScore:
    """One item's score and its calculation; DomainError (naming the item) on a wrong input."""
    if item.rule == QUALITATIVE:
        expert = _input_number(given.expert, what=gettext("专家评分"), name=item.name)
        if expert is None:
            text = gettext("专家评议项，由专家在 0～%(pts)s 分内评定") % {"pts": num(item.points)}
            return ItemScore(
                item.code,
                item.name,
                item.category,
                item.points,
                item.rule,
                item.binding,
                None,
                None,
                None,
                text,
            )
        if expert < 0 or expert > item.points:
            raise DomainError(
                gettext("「%(name)s」：专家评分 %(v)s 超出本项分值范围 0～%(pts)s。")
                % {"name": item.name, "v": num(expert), "pts": num(item.points)}
            )
        score = money(expert)
        text = gettext("专家评定得分 = %(s)s（满分 %(pts)s）") % {"s": score, "pts": num(item.points)}
        return ItemScore(
            item.code,
            item.name,
            item.category,
            item.points,
            item.rule,
            item.binding,
            None,
            score,
            score == item.points,
            text,
        )
    if given.expert is not None:
        raise DomainError(gettext("「%(name)s」：只有专家评议项接受专家评分。") % {"name": item.name})
    score, met, text = _RULE_FUNCTIONS[item.rule](item, given)
    return ItemScore(
        item.code, item.name, item.category, item.points, item.rule, item.binding, score, score, met, text
    )


def _adjust(
    spec: SystemSpec, claims: Mapping[str, object]
) -> tuple[list[AdjustmentScore], Decimal, Decimal, list[str]]:
    by_code = {a.code: a for a in spec.adjustments}
    unknown = sorted(set(claims) - set(by_code))
    if unknown:
        raise DomainError(
            gettext("未知的加减分项：%(codes)s。") % {"codes": enumeration_comma().join(unknown)}
        )
    scores, lines = [], []
    sums = {"bonus": ZERO, "penalty": ZERO}
    for adjustment in spec.adjustments:
        if adjustment.code not in claims:
            continue
        claimed = _input_number(claims[adjustment.code], what=gettext("分值"), name=adjustment.description)
        if claimed is None:
            continue
        if claimed < 0:
            raise DomainError(gettext("「%(name)s」：加减分不能为负数。") % {"name": adjustment.description})
        applied = money(min(claimed, adjustment.max_points))
        text = gettext("申报 %(c)s 分，单项上限 %(m)s 分，计 %(a)s") % {
            "c": num(claimed),
            "m": num(adjustment.max_points),
            "a": applied,
        }
        sums[adjustment.kind] += applied
        scores.append(
            AdjustmentScore(adjustment.code, adjustment.kind, adjustment.description, claimed, applied, text)
        )
    bonus = money(min(sums["bonus"], spec.bonus_cap))
    penalty = money(min(sums["penalty"], spec.penalty_cap))
    if sums["bonus"]:
        lines.append(
            gettext("加分 = min(%(sum)s, 上限 %(cap)s) = %(v)s")
            % {"sum": money(sums["bonus"]), "cap": num(spec.bonus_cap), "v": bonus}
        )
    if sums["penalty"]:
        lines.append(
            gettext("减分 = min(%(sum)s, 上限 %(cap)s) = %(v)s")
            % {"sum": money(sums["penalty"]), "cap": num(spec.penalty_cap), "v": penalty}
        )
    return scores, bonus, penalty, lines


def score(
    spec: SystemSpec,
    inputs: Mapping[str, ItemInput],
    *,
    vetoes: Iterable[str] = (),
    claims: Mapping[str, object] | None = None,
) -> Result:
    """Score one pilot against the version `spec`.

    `inputs` maps an item's indicator code to its ItemInput (a missing entry is an empty input);
    `vetoes` are the codes of the veto items raised; `claims` maps bonus/penalty codes to the points
    claimed (each capped at its item's maximum, then each kind's sum at the system's cap)."""
    codes = {i.code for i in spec.items}
    unknown = sorted(set(inputs) - codes)
    if unknown:
        raise DomainError(gettext("未知的指标：%(codes)s。") % {"codes": enumeration_comma().join(unknown)})
    veto_by_code = {v.code: v for v in spec.vetoes}
    raised = list(dict.fromkeys(vetoes))
    unknown = sorted(set(raised) - set(veto_by_code))
    if unknown:
        raise DomainError(gettext("未知的否决项：%(codes)s。") % {"codes": enumeration_comma().join(unknown)})

    items = tuple(score_item(item, inputs.get(item.code, ItemInput())) for item in spec.items)
    categories = tuple(
        CategoryScore(
            c.name,
            c.points,
            money(sum((i.score for i in items if i.category == c.name and i.score is not None), ZERO)),
            sum(1 for i in items if i.category == c.name and i.score is None),
        )
        for c in spec.categories
    )
    base = money(sum((c.subtotal for c in categories), ZERO))
    adjustments, bonus, penalty, lines = _adjust(spec, claims or {})
    total = money(max(base + bonus - penalty, ZERO))
    calculation = gettext("基础得分 = %(parts)s = %(base)s") % {
        "parts": " + ".join(str(c.subtotal) for c in categories) or "0",
        "base": base,
    }
    lines.insert(0, calculation)
    lines.append(
        gettext("总分 = %(base)s + %(bonus)s − %(penalty)s = %(total)s")
        % {"base": base, "bonus": bonus, "penalty": penalty, "total": total}
    )

    veto_names = tuple(veto_by_code[c].description for c in [v.code for v in spec.vetoes] if c in raised)
    binding_unmet = tuple(i.name for i in items if i.binding and i.met is False)
    pending = tuple(i.name for i in items if i.score is None)
    grade, reason = _grade(spec, total, veto_names, binding_unmet, pending)
    return Result(
        items=items,
        categories=categories,
        adjustments=tuple(adjustments),
        base=base,
        bonus=bonus,
        penalty=penalty,
        total=total,
        vetoes=veto_names,
        binding_unmet=binding_unmet,
        pending=pending,
        grade=grade,
        reason=reason,
        calculation=semicolon().join(lines),
    )


def _quoted(names: Iterable[str]) -> str:
    return enumeration_comma().join(gettext("「%(name)s」") % {"name": n} for n in names)


def _grade(spec, total, vetoes, binding_unmet, pending) -> tuple[str | None, str]:
    failures = []
    if vetoes:
        failures.append(gettext("触发一票否决项%(names)s") % {"names": _quoted(vetoes)})
    if binding_unmet:
        failures.append(gettext("约束性指标未完成%(names)s") % {"names": _quoted(binding_unmet)})
    if failures:
        return FAIL, gettext("不通过：%(why)s（无论得分多少）。") % {"why": semicolon().join(failures)}
    if pending:
        return None, gettext("待定：尚有%(n)s项待专家评议%(names)s。") % {
            "n": len(pending),
            "names": _quoted(pending),
        }
    values = {"total": total, "pass": num(spec.pass_score), "excellent": num(spec.excellent_score)}
    if total >= spec.excellent_score:
        return EXCELLENT, gettext("优秀：总分 %(total)s ≥ 优秀分数线 %(excellent)s。") % values
    if total >= spec.pass_score:
        return PASS, gettext(
            "通过：总分 %(total)s ≥ 通过分数线 %(pass)s，低于优秀分数线 %(excellent)s。"
        ) % values
    return FAIL, gettext("不通过：总分 %(total)s 低于通过分数线 %(pass)s。") % values


def describe_params(rule: str, params: Mapping) -> str:
    """The parameters in words, for a page: 默认目标值 80; 门槛值 80（越小越好）; ≥1得1分；≥3得2分."""
    if rule in (RATIO_UP, RATIO_DOWN) and "target" in params:
        return gettext("默认目标值 %(t)s") % {"t": num(Decimal(str(params["target"])))}
    if rule == THRESHOLD:
        parts = []
        if "threshold" in params:
            parts.append(gettext("门槛值 %(t)s") % {"t": num(Decimal(str(params["threshold"])))})
        else:
            parts.append(gettext("门槛值为目标值"))
        if params.get("direction") == DOWN:
            parts.append(gettext("（不高于为达标）"))
        return "".join(parts)
    if rule == TIERED:
        return semicolon().join(
            gettext("≥%(b)s得%(p)s分") % {"b": num(bound), "p": num(points)}
            for bound, points in tiers_of(params)
        )
    return ""
