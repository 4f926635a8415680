"""Aggregation of expert review scores (专家评审分数汇总) — pure Python, no ORM.

This module takes plain data (criteria, score sheets, expert totals) and returns plain data.  It never
touches the database; the caller loads the round's criteria and sheets and passes them in.

Number representation
---------------------
Everything is :class:`decimal.Decimal`, never ``float``:

* Scores are entered by experts as decimal numbers (e.g. ``8.5`` out of 10) and are published as
  decimal numbers; binary floating point would make ``0.1 + 0.2 != 0.3`` style artefacts visible in
  published tables and could turn a real tie into a non-tie (or vice versa).
* All arithmetic runs in a private decimal context (28 significant digits, ``ROUND_HALF_EVEN``), so
  results do not depend on whatever global decimal context the caller has set.
* Every Decimal returned by a public function is quantised to :data:`SCORE_QUANTUM` (4 decimal places,
  ``ROUND_HALF_UP`` — 四舍五入).  Four places are kept so that intermediate results carried between
  functions (e.g. an expert's weighted total feeding the item statistics) lose nothing visible at the
  published precision.
* Published / compared precision is :data:`PUBLISHED_QUANTUM` (2 decimal places, ``ROUND_HALF_UP``):
  :func:`rank` compares scores after rounding to 2 places, i.e. *ties are ties at the published
  precision* — two items that both show "80.00" are tied even if their 4-place values differ.

Inputs may be ``Decimal`` or ``int``; a ``float`` is accepted and converted through ``str()`` (so
``8.1`` becomes ``Decimal("8.1")``, not the binary expansion).  ``bool`` and non-finite values are
rejected.

Vocabulary
----------
* *criterion* (评审指标): ``code``, ``name``, ``weight`` (all weights total 100), ``scale_max`` (满分,
  e.g. 10 or 100) and ``allow_na`` (whether an expert may mark it 不适用).
* *sheet* (评分表): one expert's scores for one item, ``{criterion_code: value or None}`` where ``None``
  means the expert explicitly marked the criterion n/a.  n/a is **excluded**, never counted as zero.
* *total* (专家总分): an expert's weighted total for one item on a 0–100 scale.
"""

from __future__ import annotations

import decimal
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import TypedDict

from django.utils.translation import gettext, gettext_lazy

from core.formats import enumeration_comma, is_chinese, semicolon

__all__ = [
    "MAD_CONSISTENCY",
    "PUBLISHED_QUANTUM",
    "RANK_METHODS",
    "SCORE_QUANTUM",
    "Criterion",
    "InvalidCriteriaError",
    "InvalidSheetError",
    "ItemResult",
    "ItemStatistics",
    "RankedItem",
    "build_item_results",
    "disagreements",
    "expert_zscores",
    "item_statistics",
    "outlier_experts",
    "per_criterion_means",
    "publish",
    "quantise",
    "rank",
    "validate_criteria",
    "validate_sheet",
    "weighted_total",
    "zscore_normalised",
]

SCORE_QUANTUM = Decimal("0.0001")
"""Precision of every Decimal returned by this module (4 places)."""

PUBLISHED_QUANTUM = Decimal("0.01")
"""Published precision (2 places); ranking compares scores at this precision."""

MAD_CONSISTENCY = Decimal("1.4826")
"""Factor turning the median absolute deviation into a robust estimate of the standard deviation."""

TOTAL_SCALE = Decimal(100)
"""Expert totals and normalised scores read on a 0–100 scale."""

REQUIRED_WEIGHT_SUM = Decimal(100)

RANK_METHODS = frozenset({"mean", "trimmed_mean", "median", "zscore"})
"""Primary score choices for :func:`rank`."""

_SIMPLE_TIE_BREAK_KEYS = frozenset({"trimmed_mean", "median", "mean", "zscore", "min"})
_CRITERION_PREFIX = "criterion:"

METHOD_CHOICES = [
    ("mean", gettext_lazy("算术平均")),
    ("trimmed_mean", gettext_lazy("去掉最高分和最低分后平均")),
    ("median", gettext_lazy("中位数")),
    ("zscore", gettext_lazy("专家标准分（z分数）校正")),
]
"""The primary-score methods and their labels: the one owner. ReviewRound.aggregation_method takes its
choices from here, and the results, the exports and the tie-break notes below read the same labels."""

KEY_LABELS = {**dict(METHOD_CHOICES), "min": gettext_lazy("最低专家评分")}
"""Labels of the primary methods and of the tie-break keys that are not criteria."""

NA_NOTE = gettext_lazy("尚无有效评分")
UNRESOLVED_TIE = gettext_lazy("仍并列，须由审定会议决定")

ExpertLabel = Hashable
ItemId = Hashable
SheetValue = Decimal | int | float | None
Sheet = Mapping[str, SheetValue]


# --------------------------------------------------------------------------------------------------
# Decimal helpers
# --------------------------------------------------------------------------------------------------


def _context() -> decimal.Context:
    """A fresh private context so the caller's global decimal settings never leak into results."""
    return decimal.Context(
        prec=28,
        rounding=ROUND_HALF_EVEN,
        traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
    )


def quantise(value: Decimal | None) -> Decimal | None:
    """Round to :data:`SCORE_QUANTUM` (4 places, ROUND_HALF_UP); ``None`` passes through."""
    if value is None:
        return None
    with decimal.localcontext(_context()):
        return value.quantize(SCORE_QUANTUM, rounding=ROUND_HALF_UP)


def publish(value: Decimal | None) -> Decimal | None:
    """Round to :data:`PUBLISHED_QUANTUM` (2 places, ROUND_HALF_UP) — the precision shown and compared."""
    if value is None:
        return None
    with decimal.localcontext(_context()):
        return value.quantize(PUBLISHED_QUANTUM, rounding=ROUND_HALF_UP)


def _one_place(value: Decimal) -> str:
    """Format with one decimal place for Chinese messages, e.g. ``Decimal("22") -> "22.0"``."""
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _plain(value: Decimal) -> str:
    """Format without trailing zeros or exponent, e.g. ``Decimal("20.0") -> "20"``."""
    text = format(value.normalize(), "f")
    return text


def _to_decimal(value: object) -> Decimal:
    """Convert an accepted numeric input to Decimal; raise ``TypeError``/``ValueError`` otherwise."""
    if isinstance(value, bool):
        raise TypeError(gettext("布尔值不是有效数值"))
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(str(value))
    else:
        raise TypeError(f"不是有效数值：{value!r}")
    if not result.is_finite():
        raise ValueError(f"不是有限数值：{value!r}")
    return result


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    n = len(ordered)
    middle = n // 2
    if n % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _population_sd(values: Sequence[Decimal]) -> Decimal:
    mu = _mean(values)
    return (sum(((v - mu) ** 2 for v in values), Decimal(0)) / len(values)).sqrt()


def _sample_sd(values: Sequence[Decimal]) -> Decimal:
    mu = _mean(values)
    return (sum(((v - mu) ** 2 for v in values), Decimal(0)) / (len(values) - 1)).sqrt()


# --------------------------------------------------------------------------------------------------
# Data types
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    """One review criterion (评审指标).

    ``weight`` and ``scale_max`` are converted to Decimal on construction (int, Decimal, or float via
    ``str``).  Use :func:`validate_criteria` to check a whole criteria set.
    """

    code: str
    name: str
    weight: Decimal
    scale_max: Decimal
    allow_na: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight", _to_decimal(self.weight))
        object.__setattr__(self, "scale_max", _to_decimal(self.scale_max))

    @property
    def label(self) -> str:
        """``「code 名称」`` as used in Chinese messages."""
        return (
            gettext("「%(code)s %(name)s」") % {"code": self.code, "name": self.name}
            if self.name
            else gettext("「%(code)s」") % {"code": self.code}
        )


class ItemStatistics(TypedDict):
    """Result of :func:`item_statistics`; every Decimal is quantised to 4 places."""

    n: int
    mean: Decimal | None
    median: Decimal | None
    trimmed_mean: Decimal | None
    min: Decimal | None
    max: Decimal | None
    range: Decimal | None
    stdev: Decimal | None


@dataclass(frozen=True)
class ItemResult:
    """Everything the ranking needs to know about one item (申报项目) in a round.

    * ``totals`` — ``((expert_label, total), ...)``: the weighted total (0–100) of every expert who
      produced one; an expert whose sheet was entirely n/a has no total and is listed in
      ``excluded_experts`` instead.
    * ``criterion_means`` — ``{code: mean raw score on that criterion's own scale, or None}`` (n/a
      excluded; ``None`` when every expert marked it n/a).
    * ``zscore`` — the item's **normalised score on the 0–100 scale** from :func:`zscore_normalised`
      (not a raw z value); ``None`` when not computed or the item has no totals.
    """

    item_id: ItemId
    totals: tuple[tuple[ExpertLabel, Decimal], ...] = ()
    criterion_means: Mapping[str, Decimal | None] = field(default_factory=dict)
    zscore: Decimal | None = None
    excluded_experts: tuple[ExpertLabel, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "totals", tuple((label, _to_decimal(total)) for label, total in self.totals))
        object.__setattr__(
            self,
            "criterion_means",
            {code: None if m is None else _to_decimal(m) for code, m in self.criterion_means.items()},
        )
        if self.zscore is not None:
            object.__setattr__(self, "zscore", _to_decimal(self.zscore))
        object.__setattr__(self, "excluded_experts", tuple(self.excluded_experts))

    @property
    def scored(self) -> bool:
        """True when at least one expert total exists."""
        return bool(self.totals)

    @property
    def statistics(self) -> ItemStatistics:
        """:func:`item_statistics` over this item's totals."""
        return item_statistics([total for _, total in self.totals])


@dataclass(frozen=True)
class RankedItem:
    """One row of the ranking produced by :func:`rank`.

    * ``rank`` — competition rank (1, 2, 2, 4); ``None`` for an item nobody has scored yet.
    * ``primary_score`` — the primary score at the published precision (2 places).
    * ``tied`` — True when the item still shares its rank after the whole tie-break chain.
    * ``tied_with`` — ids of the other items sharing the same final rank.
    * ``tie_break_used`` — tie-break keys that actually split a group this item belonged to, in order.
    * ``note`` — Chinese explanation of every tie and tie-break decision (empty when none arose).
    """

    item_id: ItemId
    rank: int | None
    primary_score: Decimal | None
    tied: bool = False
    tied_with: tuple[ItemId, ...] = ()
    tie_break_used: tuple[str, ...] = ()
    note: str = ""


class InvalidCriteriaError(ValueError):
    """Raised when a calculation is asked for with an invalid criteria set; ``errors`` lists why."""

    def __init__(self, errors: list[str]):
        super().__init__(semicolon().join(errors))
        self.errors = errors


class InvalidSheetError(ValueError):
    """Raised when a calculation is asked for with an invalid sheet; ``errors`` lists why."""

    def __init__(self, errors: list[str]):
        super().__init__(semicolon().join(errors))
        self.errors = errors


# --------------------------------------------------------------------------------------------------
# 7. Validation
# --------------------------------------------------------------------------------------------------


def validate_criteria(criteria: Sequence[Criterion]) -> list[str]:
    """Check a criteria set; return Chinese error messages (empty list = valid).

    Rules: at least one criterion; non-empty, unique codes; every weight > 0; every ``scale_max`` > 0;
    the weights total exactly 100 (exact Decimal comparison, no tolerance).
    """
    errors: list[str] = []
    if not criteria:
        return [gettext("评审指标不能为空")]
    seen: set[str] = set()
    reported_duplicates: set[str] = set()
    for criterion in criteria:
        if not criterion.code:
            errors.append(gettext("指标「%(name)s」的代码不能为空") % {"name": criterion.name})
        elif criterion.code in seen and criterion.code not in reported_duplicates:
            errors.append(gettext("指标代码「%(code)s」重复") % {"code": criterion.code})
            reported_duplicates.add(criterion.code)
        seen.add(criterion.code)
        if criterion.weight <= 0:
            errors.append(
                gettext("指标%(label)s的权重必须大于0（当前为%(plain)s）")
                % {"label": criterion.label, "plain": _plain(criterion.weight)}
            )
        if criterion.scale_max <= 0:
            errors.append(
                gettext("指标%(label)s的满分必须大于0（当前为%(plain)s）")
                % {"label": criterion.label, "plain": _plain(criterion.scale_max)}
            )
    with decimal.localcontext(_context()):
        weight_sum = sum((c.weight for c in criteria), Decimal(0))
    if weight_sum != REQUIRED_WEIGHT_SUM:
        errors.append(gettext("各指标权重合计须为100（当前为%(plain)s）") % {"plain": _plain(weight_sum)})
    return errors


def validate_sheet(sheet: Sheet, criteria: Sequence[Criterion]) -> list[str]:
    """Check one expert's sheet against the criteria; return Chinese error messages (empty = valid).

    Rules, reported in criteria order and then unknown codes in sheet order:

    * every criterion must be present — either a value or an explicit ``None`` (n/a);
    * ``None`` (n/a) only where ``criterion.allow_na`` is True;
    * a value must be a finite number (Decimal, int or float; not bool) with ``0 <= value <= scale_max``;
    * codes not in the criteria set are rejected.
    """
    errors: list[str] = []
    known = {c.code for c in criteria}
    for criterion in criteria:
        if criterion.code not in sheet:
            errors.append(
                gettext("指标%(label)s未评分（既无分值，也未标注不适用）") % {"label": criterion.label}
            )
            continue
        raw = sheet[criterion.code]
        if raw is None:
            if not criterion.allow_na:
                errors.append(gettext("指标%(label)s不允许标注为不适用") % {"label": criterion.label})
            continue
        try:
            value = _to_decimal(raw)
        except (TypeError, ValueError):
            errors.append(f"指标{criterion.label}的评分不是有效数值：{raw!r}")
            continue
        if value < 0 or value > criterion.scale_max:
            errors.append(
                gettext("指标%(label)s的评分%(plain)s超出范围0–%(plain2)s")
                % {"label": criterion.label, "plain": _plain(value), "plain2": _plain(criterion.scale_max)}
            )
    for code in sheet:
        if code not in known:
            errors.append(gettext("评分表包含未知指标「%(code)s」") % {"code": code})
    return errors


def _require_valid(sheet: Sheet, criteria: Sequence[Criterion]) -> None:
    criteria_errors = validate_criteria(criteria)
    if criteria_errors:
        raise InvalidCriteriaError(criteria_errors)
    sheet_errors = validate_sheet(sheet, criteria)
    if sheet_errors:
        raise InvalidSheetError(sheet_errors)


# --------------------------------------------------------------------------------------------------
# 1. Weighted total
# --------------------------------------------------------------------------------------------------


def weighted_total(sheet: Sheet, criteria: Sequence[Criterion]) -> Decimal | None:
    """An expert's total for one item on a 0–100 scale, n/a criteria re-weighted away.

    Formula, with A = the criteria the expert did *not* mark n/a::

        total = 100 × Σ_{i∈A} w_i · (s_i / max_i)  /  Σ_{i∈A} w_i

    So n/a does not count as zero: the remaining criteria's weights are scaled up to fill 100.  With no
    n/a at all Σ w_i = 100 and this is the plain weighted sum.  Returns ``None`` when every criterion
    is n/a (A is empty).  The result is quantised to 4 places.

    Raises :class:`InvalidCriteriaError` / :class:`InvalidSheetError` (both ``ValueError``) if
    :func:`validate_criteria` / :func:`validate_sheet` report anything — a bad sheet is never scored.
    """
    _require_valid(sheet, criteria)
    with decimal.localcontext(_context()):
        numerator = Decimal(0)
        weight_used = Decimal(0)
        for criterion in criteria:
            raw = sheet[criterion.code]
            if raw is None:
                continue
            numerator += criterion.weight * _to_decimal(raw) / criterion.scale_max
            weight_used += criterion.weight
        if weight_used == 0:
            return None
        return quantise(numerator / weight_used * TOTAL_SCALE)


# --------------------------------------------------------------------------------------------------
# 6. Per-criterion means
# --------------------------------------------------------------------------------------------------


def per_criterion_means(sheets: Iterable[Sheet], criteria: Sequence[Criterion]) -> dict[str, Decimal | None]:
    """Mean raw score per criterion over the given sheets (usually all sheets for one item).

    ``mean_i = Σ s_i / k_i`` over the k_i sheets that gave criterion i a value (n/a excluded), on the
    criterion's own scale (0..scale_max).  ``None`` when every sheet marked it n/a, or there are no
    sheets.  Each sheet is validated first (see :func:`weighted_total` for the exceptions).
    """
    sheets = list(sheets)
    for sheet in sheets:
        _require_valid(sheet, criteria)
    result: dict[str, Decimal | None] = {}
    with decimal.localcontext(_context()):
        for criterion in criteria:
            values = [_to_decimal(s[criterion.code]) for s in sheets if s[criterion.code] is not None]
            result[criterion.code] = quantise(_mean(values)) if values else None
    return result


# --------------------------------------------------------------------------------------------------
# 2. Item statistics
# --------------------------------------------------------------------------------------------------


def item_statistics(totals: Sequence[Decimal]) -> ItemStatistics:
    """Descriptive statistics of the expert totals of one item (all Decimals quantised to 4 places).

    * ``n`` — number of totals;
    * ``mean`` = Σx / n;
    * ``median`` — middle value, or the mean of the two middle values when n is even;
    * ``trimmed_mean`` — when n ≥ 3, drop exactly one highest and one lowest value and take the mean
      of the remaining n − 2; **when n < 3 nothing is dropped and it equals ``mean``**;
    * ``min``, ``max``, ``range`` = max − min;
    * ``stdev`` — *sample* standard deviation √(Σ(x − mean)² / (n − 1)); ``None`` when n < 2.

    With n = 0 every statistic is ``None``.
    """
    values = [_to_decimal(t) for t in totals]
    n = len(values)
    if n == 0:
        return ItemStatistics(
            n=0, mean=None, median=None, trimmed_mean=None, min=None, max=None, range=None, stdev=None
        )
    with decimal.localcontext(_context()):
        ordered = sorted(values)
        mean = _mean(ordered)
        trimmed = _mean(ordered[1:-1]) if n >= 3 else mean
        return ItemStatistics(
            n=n,
            mean=quantise(mean),
            median=quantise(_median(ordered)),
            trimmed_mean=quantise(trimmed),
            min=quantise(ordered[0]),
            max=quantise(ordered[-1]),
            range=quantise(ordered[-1] - ordered[0]),
            stdev=quantise(_sample_sd(ordered)) if n >= 2 else None,
        )


# --------------------------------------------------------------------------------------------------
# 3. Per-expert z-score normalisation
# --------------------------------------------------------------------------------------------------


def _raw_zscores(
    totals_by_expert_item: Mapping[tuple[ExpertLabel, ItemId], Decimal],
) -> dict[tuple[ExpertLabel, ItemId], Decimal]:
    by_expert: dict[ExpertLabel, dict[ItemId, Decimal]] = {}
    for (expert, item), total in totals_by_expert_item.items():
        by_expert.setdefault(expert, {})[item] = _to_decimal(total)
    z: dict[tuple[ExpertLabel, ItemId], Decimal] = {}
    for expert, scores in by_expert.items():
        values = list(scores.values())
        mu = _mean(values)
        sigma = _population_sd(values)
        for item, x in scores.items():
            # One item only, or identical totals: the expert expressed no preference → z = 0.
            z[(expert, item)] = Decimal(0) if sigma == 0 else (x - mu) / sigma
    return z


def expert_zscores(
    totals_by_expert_item: Mapping[tuple[ExpertLabel, ItemId], Decimal],
) -> dict[tuple[ExpertLabel, ItemId], Decimal]:
    """Each expert's z-score for each item they scored: ``z = (x − μ_e) / σ_e`` (4 places).

    μ_e and σ_e are the mean and **population** standard deviation of all totals expert *e* gave in
    the round (see :func:`zscore_normalised` for why).  z = 0 when σ_e = 0 (one item only, or
    identical totals).
    """
    with decimal.localcontext(_context()):
        return {key: quantise(value) for key, value in _raw_zscores(totals_by_expert_item).items()}


def zscore_normalised(
    totals_by_expert_item: Mapping[tuple[ExpertLabel, ItemId], Decimal],
) -> dict[ItemId, Decimal]:
    """Per-expert z-score normalisation across the round, mapped back onto the 0–100 scale.

    Input: ``{(expert, item): total}`` for every total in the round.  For every expert *e*::

        z_{e,j} = (x_{e,j} − μ_e) / σ_e

    over all items *j* that *e* scored, and for every item *j* scored by experts E_j::

        normalised_j = grand_mean + grand_sd × mean_{e∈E_j}(z_{e,j})

    where grand_mean / grand_sd are the mean and population sd of **all raw totals of the round**, so
    the result reads on the familiar 0–100 scale.  A systematically harsh or lenient expert (every
    total shifted by a constant) therefore has exactly the same z values as a neutral one — the shift
    disappears.

    Choices (documented on purpose):

    * σ_e and grand_sd are **population** standard deviations (divide by n): an expert's totals in the
      round are the complete set of what they scored, not a sample, and with population sd each
      expert's z values have mean 0 and variance exactly 1, consistent with mapping back by grand_sd.
    * If an expert scored only one item, or gave every item the same total (σ_e = 0), their z for those
      items is **0**: they neither push an item up nor down.  That 0 still counts in the item's mean z
      (it pulls the item towards grand_mean); it is not dropped.
    * If every total in the round is identical, grand_sd = 0 and every item gets grand_mean.

    Returns ``{item: normalised score}`` quantised to 4 places; ``{}`` for an empty round.
    """
    if not totals_by_expert_item:
        return {}
    with decimal.localcontext(_context()):
        raw = [_to_decimal(t) for t in totals_by_expert_item.values()]
        grand_mean = _mean(raw)
        grand_sd = _population_sd(raw)
        z_by_item: dict[ItemId, list[Decimal]] = {}
        for (_expert, item), z in _raw_zscores(totals_by_expert_item).items():
            z_by_item.setdefault(item, []).append(z)
        return {item: quantise(grand_mean + grand_sd * _mean(zs)) for item, zs in z_by_item.items()}


# --------------------------------------------------------------------------------------------------
# 4. Disagreement flags
# --------------------------------------------------------------------------------------------------


def _outliers(
    totals: Sequence[tuple[ExpertLabel, Decimal]], outlier_k: Decimal
) -> list[tuple[ExpertLabel, Decimal, Decimal, Decimal, Decimal, Decimal]]:
    """(label, x, median, |x − median|, limit, MAD) for every outlier, in input order."""
    values = [_to_decimal(t) for _, t in totals]
    if not values:
        return []
    median = _median(values)
    mad = _median([abs(v - median) for v in values])
    if mad == 0:
        return []
    limit = _to_decimal(outlier_k) * MAD_CONSISTENCY * mad
    found = []
    for (label, _), x in zip(totals, values, strict=True):
        deviation = abs(x - median)
        if deviation > limit:
            found.append((label, x, median, deviation, limit, mad))
    return found


def outlier_experts(
    totals: Sequence[tuple[ExpertLabel, Decimal]], *, outlier_k: Decimal = Decimal(2)
) -> list[ExpertLabel]:
    """Labels of the experts whose total is an outlier for this item (input order).

    Outlier rule: ``|x − median| > k × 1.4826 × MAD`` where ``MAD = median(|x_i − median|)``.
    1.4826 × MAD estimates the standard deviation robustly (the outlier itself cannot inflate it).
    When MAD = 0 (more than half the experts agree exactly) no expert is reported — only the range
    rule of :func:`disagreements` applies then.
    """
    with decimal.localcontext(_context()):
        return [found[0] for found in _outliers(totals, outlier_k)]


def disagreements(
    totals: Sequence[tuple[ExpertLabel, Decimal]],
    *,
    range_threshold: Decimal = Decimal(20),
    outlier_k: Decimal = Decimal(2),
) -> list[str]:
    """Chinese reasons why the experts disagree about one item (empty list = no flag).

    ``totals`` is ``[(expert_label, total), ...]``.  Two independent rules:

    1. Range: ``max − min > range_threshold`` →
       ``"专家评分极差22.0分，超过阈值20分"``.
    2. Outliers: for every expert with ``|x − median| > outlier_k × 1.4826 × MAD``
       (``MAD = median(|x_i − median|)``), one message naming the expert, e.g.
       ``"专家戊的评分65.0分偏离中位数80.0分达15.0分，超过阈值3.0分（2×1.4826×MAD，MAD=1.0分）"``.
       When MAD = 0 the outlier rule is skipped and only the range rule applies.

    Both comparisons are strict (a range of exactly the threshold is not flagged).  The range message
    comes first, then the outlier messages in input order.  Use :func:`outlier_experts` for the labels.
    """
    reasons: list[str] = []
    if not totals:
        return reasons
    with decimal.localcontext(_context()):
        values = [_to_decimal(t) for _, t in totals]
        threshold = _to_decimal(range_threshold)
        spread = max(values) - min(values)
        if spread > threshold:
            reasons.append(
                gettext("专家评分极差%(one_place)s分，超过阈值%(plain)s分")
                % {"one_place": _one_place(spread), "plain": _plain(threshold)}
            )
        k = _to_decimal(outlier_k)
        for label, x, median, deviation, limit, mad in _outliers(totals, k):
            reasons.append(
                gettext(
                    "专家%(label)s的评分%(one_place)s分偏离中位数%(one_place2)s分达%(one_place3)s分，超过阈值%(one_place4)s分（%(plain)s×1.4826×MAD，MAD=%(one_place5)s分）"
                )
                % {
                    "label": label,
                    "one_place": _one_place(x),
                    "one_place2": _one_place(median),
                    "one_place3": _one_place(deviation),
                    "one_place4": _one_place(limit),
                    "plain": _plain(k),
                    "one_place5": _one_place(mad),
                }
            )
    return reasons


# --------------------------------------------------------------------------------------------------
# Building ItemResults from sheets
# --------------------------------------------------------------------------------------------------


def build_item_results(
    sheets_by_expert_item: Mapping[tuple[ExpertLabel, ItemId], Sheet],
    criteria: Sequence[Criterion],
    *,
    item_ids: Sequence[ItemId] | None = None,
) -> list[ItemResult]:
    """Turn the round's sheets ``{(expert, item): sheet}`` into :class:`ItemResult` objects.

    Per item: the experts' :func:`weighted_total` (an expert whose sheet is entirely n/a has no total
    and is recorded in ``excluded_experts``), :func:`per_criterion_means`, and the normalised score of
    :func:`zscore_normalised` computed over every total of the round.

    ``item_ids`` fixes the output order and lets items with no sheet yet appear (unscored); a sheet for
    an item not in ``item_ids`` raises ``ValueError``.  Without ``item_ids`` the order is first
    appearance in ``sheets_by_expert_item``.
    """
    order: list[ItemId] = list(item_ids) if item_ids is not None else []
    if item_ids is not None:
        known = set(order)
        unknown = [item for (_, item) in sheets_by_expert_item if item not in known]
        if unknown:
            raise ValueError(f"评分表对应的项目不在本轮项目清单中：{unknown!r}")
    else:
        seen: set[ItemId] = set()
        for _, item in sheets_by_expert_item:
            if item not in seen:
                seen.add(item)
                order.append(item)

    totals: dict[tuple[ExpertLabel, ItemId], Decimal] = {}
    excluded: dict[ItemId, list[ExpertLabel]] = {}
    sheets_by_item: dict[ItemId, list[Sheet]] = {}
    for (expert, item), sheet in sheets_by_expert_item.items():
        total = weighted_total(sheet, criteria)
        sheets_by_item.setdefault(item, []).append(sheet)
        if total is None:
            excluded.setdefault(item, []).append(expert)
        else:
            totals[(expert, item)] = total
    normalised = zscore_normalised(totals)

    totals_by_item: dict[ItemId, list[tuple[ExpertLabel, Decimal]]] = {}
    for (expert, item), total in totals.items():  # grouped once: a round has thousands of totals
        totals_by_item.setdefault(item, []).append((expert, total))

    results = []
    for item in order:
        item_totals = tuple(totals_by_item.get(item, ()))
        results.append(
            ItemResult(
                item_id=item,
                totals=item_totals,
                criterion_means=per_criterion_means(sheets_by_item.get(item, []), criteria),
                zscore=normalised.get(item),
                excluded_experts=tuple(excluded.get(item, [])),
            )
        )
    return results


# --------------------------------------------------------------------------------------------------
# 5. Ranking
# --------------------------------------------------------------------------------------------------


def _key_label(key: str) -> str:
    if key.startswith(_CRITERION_PREFIX):
        return gettext("指标%(key)s均分") % {"key": key[len(_CRITERION_PREFIX) :]}
    return str(KEY_LABELS[key])


def _check_tie_break(method: str, tie_break: Sequence[str]) -> None:
    if method not in RANK_METHODS:
        raise ValueError(f"未知的排序方法：{method!r}（可选：{', '.join(sorted(RANK_METHODS))}）")
    seen: set[str] = set()
    for key in tie_break:
        if key.startswith(_CRITERION_PREFIX):
            if not key[len(_CRITERION_PREFIX) :]:
                raise ValueError(f"决胜规则缺少指标代码：{key!r}")
        elif key not in _SIMPLE_TIE_BREAK_KEYS:
            raise ValueError(f"未知的决胜规则：{key!r}")
        if key == method:
            raise ValueError(f"决胜规则{key!r}与主排序方法相同，无法区分并列")
        if key in seen:
            raise ValueError(f"决胜规则{key!r}重复")
        seen.add(key)


def _score(item: ItemResult, key: str) -> Decimal | None:
    """The raw (unrounded) value of ``key`` for a scored item."""
    if key == "zscore":
        return item.zscore
    if key.startswith(_CRITERION_PREFIX):
        code = key[len(_CRITERION_PREFIX) :]
        if code not in item.criterion_means:
            raise ValueError(f"项目{item.item_id}没有指标「{code}」的均分数据，无法按{key!r}决胜")
        return item.criterion_means[code]
    return item.statistics[key]  # type: ignore[literal-required]


@dataclass
class _Entry:
    item: ItemResult
    primary: Decimal
    used: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


def _resolve(group: list[_Entry], keys: Sequence[str]) -> list[list[_Entry]]:
    """Split a tied group by the tie-break chain; return ordered subgroups (each still tied inside)."""
    if len(group) == 1 or not keys:
        return [group]
    key, rest = keys[0], keys[1:]
    label = _key_label(key)
    values = {id(e): publish(_score(e.item, key)) for e in group}
    if any(v is None for v in values.values()):
        for e in group:
            e.log.append(gettext("%(label)s（部分项目无数据，未采用）") % {"label": label})
        return _resolve(group, rest)
    distinct = sorted(set(values.values()), reverse=True)
    separated = len(distinct) > 1
    for e in group:
        e.log.append(
            gettext("%(label)s%(values)s（%(value)s）")
            % {
                "label": label,
                "values": values[id(e)],
                "value": gettext("已区分") if separated else gettext("未能区分"),
            }
        )
        if separated:
            e.used.append(key)
    if not separated:
        return _resolve(group, rest)
    subgroups: list[list[_Entry]] = []
    for value in distinct:
        subgroups.extend(_resolve([e for e in group if values[id(e)] == value], rest))
    return subgroups


def rank(items: Sequence[ItemResult], method: str, tie_break: Sequence[str] = ()) -> list[RankedItem]:
    """Rank items by a primary score, applying the published tie-break chain; nothing silently.

    * ``method`` ∈ {"mean", "trimmed_mean", "median", "zscore"} picks the primary score (see
      :func:`item_statistics`; "zscore" uses ``ItemResult.zscore``).  Higher is better.
    * Scores — primary and tie-break values alike — are compared **after rounding to 2 places**
      (ROUND_HALF_UP): ties are ties at the published precision.
    * Items with equal primary score are ties and share the same rank, *competition ranking*
      (1, 2, 2, 4) — unless separated by ``tie_break``, applied in order, each key only to the items
      still tied.  Keys: "trimmed_mean", "median", "mean", "zscore", "min" (higher minimum expert
      total wins) and "criterion:<code>" (the item's mean raw score on that criterion, n/a excluded).
      Higher wins for every key.  A key on which some item of the group has no value (e.g. every expert
      marked the criterion n/a) is not applied to that group, and the note says so.
    * Every separation is recorded in ``tie_break_used`` and the ``note``; items still tied after the
      chain keep the same rank, ``tied=True``, and a note listing the keys applied and ending
      "仍并列，须由审定会议决定".  Within a tie the listing order is the input order and means nothing.
    * Items with no totals come last, in input order, with ``rank=None`` and note "尚无有效评分".

    Raises ``ValueError`` for an unknown method/key, a key repeated or equal to ``method``, a
    "criterion:<code>" unknown to an item, or method "zscore" with a scored item lacking ``zscore``.
    """
    _check_tie_break(method, tie_break)
    scored: list[_Entry] = []
    unscored: list[ItemResult] = []
    for item in items:
        if not item.scored:
            unscored.append(item)
            continue
        primary = _score(item, method)
        if primary is None:
            raise ValueError(f"项目{item.item_id}缺少{_key_label(method)}，无法按{method!r}排序")
        scored.append(_Entry(item=item, primary=publish(primary)))

    # Group by published primary score, highest first; sorted() is stable so input order is kept.
    groups: list[list[_Entry]] = []
    for entry in sorted(scored, key=lambda e: e.primary, reverse=True):
        if groups and groups[-1][0].primary == entry.primary:
            groups[-1].append(entry)
        else:
            groups.append([entry])

    ranked: list[RankedItem] = []
    position = 1
    for group in groups:
        for subgroup in _resolve(group, tie_break):
            for entry in subgroup:
                ranked.append(_ranked_entry(entry, group, subgroup, position, bool(tie_break)))
            position += len(subgroup)
    for item in unscored:
        ranked.append(RankedItem(item_id=item.item_id, rank=None, primary_score=None, note=NA_NOTE))
    return ranked


def _ranked_entry(
    entry: _Entry, group: list[_Entry], subgroup: list[_Entry], position: int, has_chain: bool
) -> RankedItem:
    tied = len(subgroup) > 1
    note = ""
    if len(group) > 1:
        others = enumeration_comma().join(str(e.item.item_id) for e in group if e is not entry)
        parts = [
            gettext("主得分%(primary)s分与%(others)s并列") % {"primary": entry.primary, "others": others}
        ]
        if entry.log:
            parts.append(gettext("依次采用决胜规则：") + enumeration_comma().join(entry.log))
        elif not has_chain:
            parts.append(gettext("未设决胜规则"))
        if tied:
            still = enumeration_comma().join(str(e.item.item_id) for e in subgroup if e is not entry)
            parts.append(
                gettext("与%(still)s%(UNRESOLVED_TIE)s") % {"still": still, "UNRESOLVED_TIE": UNRESOLVED_TIE}
            )
        else:
            parts.append(gettext("名次由决胜规则确定"))
        note = semicolon().join(parts) + ("。" if is_chinese() else ".")
    return RankedItem(
        item_id=entry.item.item_id,
        rank=position,
        primary_score=entry.primary,
        tied=tied,
        tied_with=tuple(e.item.item_id for e in subgroup if e is not entry),
        tie_break_used=tuple(entry.used),
        note=note,
    )
