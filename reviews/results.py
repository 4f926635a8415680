"""The officer's aggregation panel: a round's submitted sheets turned into totals, statistics,
normalised scores, disagreement flags and the ranking.

Reads only (a selector): five queries whatever the size of the round (criteria, items, assignments,
their experts, scores), plain rows rather than model instances where a row is all it needs. All the
maths is reviews.aggregation; this module loads the rows, labels them and says, in Chinese,
everything that was left out and why (an incomplete sheet, a missing expert, a tie-break rule that
cannot apply): nothing is decided silently.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils.translation import gettext

from core.errors import DomainError
from core.formats import enumeration_comma, semicolon

from . import aggregation as agg
from .models import Criterion, ReviewAssignment, ReviewItem, ReviewRound, Score

A = ReviewAssignment.State
REVEALED_STATES = (ReviewRound.State.AGGREGATED, ReviewRound.State.DECIDED)
# The Annex 1 narrative, a few kilobytes per application, which no reader of the results uses
# (the panel, the decision and confirmation pages, the Excel export, decision_propose).
UNUSED_APPLICATION_TEXT = tuple(
    f"application__{name}"
    for name in (
        "boundary_description",
        "work_foundation",
        "existing_policies",
        "organisation_setup",
        "city_opinion",
    )
)


class ItemKey(int):
    """How the aggregation knows an item: the item's pk (two subjects may share a name), so hashing and
    comparing stay C-level int operations, read as the item's name in the ranking's notes (“与X并列”)."""

    def __new__(cls, pk: int, name: str):
        key = super().__new__(cls, pk)
        key.name = name
        return key

    def __str__(self) -> str:
        return self.name

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        return format(self.name, spec)


METHOD_LABELS = dict(agg.METHOD_CHOICES)  # owned by reviews.aggregation (the model's choices)


def tie_break_label(key: str, criteria_names: dict[str, str] | None = None) -> str:
    """A tie-break key as the officer reads it: “中位数”, “指标「可行性高」均分”."""
    if key.startswith("criterion:"):
        code = key.split(":", 1)[1]
        return gettext("指标「%(get)s」均分") % {"get": (criteria_names or {}).get(code, code)}
    return str(agg.KEY_LABELS.get(key, key))


@dataclass
class ExpertTotal:
    expert_id: int
    label: str
    total: Decimal | None  # None: every criterion marked 不适用 (the expert has no total)
    zscore: Decimal | None = None
    outlier: bool = False


@dataclass
class ItemRow:
    item: ReviewItem
    name: str
    result: agg.ItemResult
    statistics: agg.ItemStatistics
    ranked: agg.RankedItem | None = None
    experts: list[ExpertTotal] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    submitted: int = 0
    pending: int = 0
    expected: int = 0
    criterion_means: list[tuple[Criterion, Decimal | None]] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return max(self.expected - self.submitted, 0)

    @property
    def primary(self) -> Decimal | None:
        return self.ranked.primary_score if self.ranked else None


@dataclass
class RoundResults:
    review_round: ReviewRound
    criteria: list[Criterion]
    rows: list[ItemRow]
    method: str
    tie_break: list[str]
    warnings: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def method_label(self) -> str:
        return str(METHOD_LABELS.get(self.method, self.method))

    @property
    def tie_break_labels(self) -> list[str]:
        names = {c.code: c.display_name for c in self.criteria}
        return [tie_break_label(k, names) for k in self.tie_break]

    @property
    def complete(self) -> bool:
        return all(r.pending == 0 and r.missing == 0 for r in self.rows)

    @property
    def ranked_ids(self) -> list[int]:
        """Item ids in ranking order (unscored last)."""
        return [r.item.pk for r in self.rows]

    def row_for(self, item_id: int) -> ItemRow | None:
        return next((r for r in self.rows if r.item.pk == item_id), None)


def _labels(experts) -> dict[int, str]:
    """Display names of the experts, made unique (two experts may share a name)."""
    labels: dict[int, str] = {}
    used: dict[str, int] = {}
    for expert in sorted(experts, key=lambda e: e.pk):
        name = expert.display_name
        used[name] = used.get(name, 0) + 1
        labels[expert.pk] = (
            name if used[name] == 1 else gettext("%(name)s（%(used)s）") % {"name": name, "used": used[name]}
        )
    return labels


def round_results(review_round: ReviewRound) -> RoundResults:
    from .services import round_items

    criteria = list(Criterion.objects.filter(criteria_set_id=review_round.criteria_set_id))
    specs = [c.as_spec() for c in criteria]
    items = list(round_items(review_round).defer(*UNUSED_APPLICATION_TEXT).order_by("pk"))
    # Tuples, not instances: a round of 300 items has 1,500 assignments, and building them (each with
    # its expert's whole user row) took longer than all the statistics. The experts are loaded once.
    assignments = list(
        ReviewAssignment.objects.filter(round=review_round)
        .exclude(state=A.DECLINED)
        .values_list("pk", "expert_id", "item_id", "state", named=True)
    )
    experts = get_user_model().objects.filter(pk__in={a.expert_id for a in assignments})
    scores = Score.objects.filter(assignment__round=review_round, assignment__state=A.SUBMITTED).values_list(
        "assignment_id", "criterion_id", "value", "is_na"
    )

    by_code = {c.pk: c.code for c in criteria}
    key_of = {item.pk: ItemKey(item.pk, item.display_name) for item in items}
    labels = _labels(experts)
    submitted = {a.pk: a for a in assignments if a.state == A.SUBMITTED and a.item_id in key_of}
    raw: dict[int, dict[str, Decimal | None]] = {pk: {} for pk in submitted}
    for assignment_id, criterion_id, value, is_na in scores:
        if assignment_id in raw and criterion_id in by_code:
            raw[assignment_id][by_code[criterion_id]] = None if is_na else value

    warnings: list[str] = []
    sheets: dict[tuple[int, str], dict] = {}
    for pk, sheet in raw.items():
        a = submitted[pk]
        problems = agg.validate_sheet(sheet, specs) if specs else [gettext("本轮未设置评分标准")]
        if problems:
            warnings.append(
                gettext("%(labels)s对%(name_of)s的评分表未计入：%(join)s")
                % {
                    "labels": labels[a.expert_id],
                    "name_of": key_of[a.item_id].name,
                    "join": semicolon().join(problems),
                }
            )
            continue
        sheets[(a.expert_id, key_of[a.item_id])] = sheet

    keys = [key_of[item.pk] for item in items]
    if specs:
        results = agg.build_item_results(sheets, specs, item_ids=keys)
    else:
        results = [agg.ItemResult(item_id=key) for key in keys]
    totals = {(e, r.item_id): t for r in results for e, t in r.totals}
    zscores = agg.expert_zscores(totals)

    method, tie_break, error = review_round.aggregation_method, list(review_round.tie_break or []), ""
    try:
        ranking = agg.rank(results, method, tie_break)
    except ValueError as exc:
        error = gettext("同分排序规则无法适用（%(exc)s），以下排名未使用同分排序规则。") % {"exc": exc}
        ranking = agg.rank(results, method)
    ranked_by_key = {r.item_id: r for r in ranking}

    counts: dict[int, list[int]] = {}
    for a in assignments:
        counts.setdefault(a.item_id, [0, 0])[0 if a.state == A.SUBMITTED else 1] += 1

    rows = []
    for item, result in zip(items, results, strict=True):
        experts = [
            ExpertTotal(expert_id=e, label=labels[e], total=t, zscore=zscores.get((e, result.item_id)))
            for e, t in result.totals
        ] + [ExpertTotal(expert_id=e, label=labels[e], total=None) for e in result.excluded_experts]
        outliers = set(agg.outlier_experts(result.totals))
        for expert in experts:
            expert.outlier = expert.expert_id in outliers
        done, pending = counts.get(item.pk, [0, 0])
        row = ItemRow(
            item=item,
            name=result.item_id.name,
            result=result,
            statistics=result.statistics,
            ranked=ranked_by_key.get(result.item_id),
            experts=sorted(experts, key=lambda e: e.label),
            submitted=done,
            pending=pending,
            expected=review_round.experts_per_item,
            criterion_means=[(c, result.criterion_means.get(c.code)) for c in criteria],
        )
        row.flags = agg.disagreements(
            [(labels[e], t) for e, t in result.totals],
            range_threshold=review_round.disagreement_threshold,
        )
        if result.excluded_experts:
            names = enumeration_comma().join(labels[e] for e in result.excluded_experts)
            row.flags.append(gettext("%(names)s的各项评分均为“不适用”，未计入总分") % {"names": names})
        if row.submitted < row.expected:
            row.flags.append(
                gettext("仅%(submitted)s位专家提交评分（应为%(expected)s位）")
                % {"submitted": row.submitted, "expected": row.expected}
            )
        rows.append(row)
    order = {r.item_id: i for i, r in enumerate(ranking)}
    rows.sort(key=lambda r: order[r.result.item_id])
    return RoundResults(
        review_round=review_round,
        criteria=criteria,
        rows=rows,
        method=method,
        tie_break=tie_break,
        warnings=warnings,
        error=error,
    )


@dataclass
class ProgressRow:
    item: ReviewItem
    submitted: int = 0
    pending: int = 0
    expected: int = 0

    @property
    def missing(self) -> int:
        return max(self.expected - self.submitted - self.pending, 0)


def round_progress(review_round: ReviewRound) -> list[ProgressRow]:
    """Who has submitted, per item, without any score (before the scores are revealed)."""
    from .services import round_items

    rows = {
        item.pk: ProgressRow(item=item, expected=review_round.experts_per_item)
        for item in round_items(review_round).order_by(*ReviewItem.BY_CITY_AND_NAME)
    }
    states = ReviewAssignment.objects.filter(round=review_round, item_id__in=list(rows)).exclude(
        state=A.DECLINED
    )
    for item_id, state in states.values_list("item_id", "state"):
        row = rows[item_id]
        if state == A.SUBMITTED:
            row.submitted += 1
        else:
            row.pending += 1
    return list(rows.values())


# Acceptance review ------------------------------------------------------------------------------------
# An acceptance round's panel: per pilot and indicator the submitted experts' scores aggregated with the
# round's method, then the indicator system applied (indicators.scoring) with the vetoes raised (found
# by an expert on a submitted sheet, or declared by the pilot), the binding indicators (met or not from
# the self-evaluation's facts) and the bonus/penalty claims with their caps: the proposed grade, why,
# and the calculation.

PER_INDICATOR_METHODS = ("mean", "trimmed_mean", "median")  # zscore has no per-indicator meaning: mean


@dataclass(frozen=True)
class Outcome:
    """The proposed outcome of one pilot's acceptance review (read by the decision, naming)."""

    total: Decimal | None
    grade: str | None  # indicators.scoring: excellent | pass | fail; None while indicators are pending
    reason: str
    calculation: str

    @property
    def grade_label(self) -> str:
        from indicators.scoring import grade_label

        return grade_label(self.grade)


@dataclass
class IndicatorRow:
    criterion: Criterion
    binding: bool
    self_score: object  # reviews.self_scores.SelfScore | None
    scores: list[tuple[str, Decimal]]  # (expert label, value) of the submitted sheets
    aggregated: Decimal | None
    departures: list[str] = field(default_factory=list)  # expert labels whose score departs (explained)

    @property
    def met(self) -> bool | None:
        return None if self.self_score is None else self.self_score.met


@dataclass
class VetoRow:
    code: str
    description: str
    source: str  # "自评申报" or the expert's label
    note: str = ""


@dataclass
class AcceptanceRow:
    item: ReviewItem
    name: str
    indicators: list[IndicatorRow]
    outcome: Outcome
    vetoes: list[VetoRow]
    binding_unmet: list[str]
    adjustments: list  # indicators.scoring.AdjustmentScore
    has_self_evaluation: bool
    submitted: int
    expected: int
    visits: list = field(default_factory=list)  # on one pilot's page
    visit_count: int = 0
    error: str = ""

    @property
    def missing(self) -> int:
        return max(self.expected - self.submitted, 0)


@dataclass
class AcceptancePanel:
    review_round: ReviewRound
    system: object  # indicators.AcceptanceSystem
    spec: object  # indicators.scoring.SystemSpec
    criteria: list[Criterion]
    rows: list[AcceptanceRow]
    method: str

    @property
    def method_label(self) -> str:
        shown = self.method if self.method in PER_INDICATOR_METHODS else "mean"
        return str(METHOD_LABELS.get(shown, shown))


def _aggregate(values: list[Decimal], method: str) -> Decimal | None:
    """The experts' scores of one indicator by the round's method, as reviews.aggregation.item_statistics
    computes it (4 places), shown and counted to 2 places. Only the one statistic needed: the panel
    aggregates 2,500 indicators for 100 pilots."""
    from indicators.scoring import money

    n = len(values)
    if not n:
        return None
    ordered = sorted(values)
    if method == "median":
        middle = n // 2
        value = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    elif method == "trimmed_mean" and n >= 3:
        value = sum(ordered[1:-1]) / (n - 2)
    else:  # mean, a trimmed mean of fewer than 3 scores, zscore (no per-indicator meaning)
        value = sum(ordered) / n
    return money(agg.quantise(value))


def _quoted(names) -> str:
    return enumeration_comma().join(gettext("「%(name)s」") % {"name": n} for n in names)


def _judged(spec):
    """The system as the review applies it: the experts score every indicator, so within the engine
    each category is one expert-judged item worth the category's points, whose value is the sum of its
    indicators' aggregated scores (the engine then adds the categories, applies the bonus/penalty caps,
    the vetoes and the grade lines). Binding indicators are judged on the self-evaluation's facts, and
    the indicators still unscored are named, in _outcome."""
    from dataclasses import replace

    from indicators import scoring

    return replace(
        spec,
        items=tuple(
            scoring.ItemSpec(
                code=f"category-{n}",
                name=category.name,
                category=category.name,
                points=category.points,
                rule=scoring.QUALITATIVE,
            )
            for n, category in enumerate(spec.categories)
        ),
    )


def _outcome(spec, judged, inputs, vetoes, claims, binding_unmet, pending, method_label):
    """Apply the indicator system to the aggregated scores: (Result, Outcome)."""
    from indicators import scoring

    subtotals = {}
    for item in spec.items:
        if item.code in inputs:
            subtotals[item.category] = subtotals.get(item.category, scoring.ZERO) + inputs[item.code]
    result = scoring.score(
        judged,
        {
            i.code: scoring.ItemInput(expert=scoring.money(subtotals.get(i.category, scoring.ZERO)))
            for i in judged.items
        },
        vetoes=vetoes,
        claims=claims,
    )
    failures = []
    if result.vetoes:
        failures.append(gettext("触发一票否决项%(names)s") % {"names": _quoted(result.vetoes)})
    if binding_unmet:
        failures.append(gettext("约束性指标未完成%(names)s") % {"names": _quoted(binding_unmet)})
    if failures:
        grade = scoring.FAIL
        reason = gettext("不通过：%(why)s（无论得分多少）。") % {"why": semicolon().join(failures)}
    elif pending:
        grade = None
        reason = gettext("待定：尚有%(n)s项指标无专家评分%(names)s。") % {
            "n": len(pending),
            "names": _quoted(pending),
        }
    else:
        grade, reason = result.grade, result.reason
    calculation = semicolon().join(
        [gettext("各指标得分 = 已提交专家评分的%(method)s") % {"method": method_label}, result.calculation]
    )
    total = None if pending and not failures else result.total
    return result, Outcome(total=total, grade=grade, reason=reason, calculation=calculation)


def acceptance_panel(
    review_round: ReviewRound, *, with_visits: bool = True, item_id=None, item_ids=None
) -> AcceptancePanel:
    """The acceptance round's panel, in a fixed number of queries whatever its size: every item's rows, one
    item's with `item_id`, or a page's with `item_ids`. A pilot's outcome depends on its own scores only
    (the grade lines are absolute, there is no ranking), so a page computes only its own pilots."""
    from indicators.scoring import spec_of

    from .models import SiteVisit, VetoFinding
    from .self_scores import self_evaluations_for
    from .services import round_items

    system = review_round.acceptance_system
    if system is None:
        raise DomainError(gettext("本轮尚未选定验收评价指标体系。"))
    spec = spec_of(system)
    binding = {i.code for i in spec.items if i.binding}
    veto_text = {v.code: v.description for v in spec.vetoes}
    criteria = list(Criterion.objects.filter(criteria_set_id=review_round.criteria_set_id))
    items = round_items(review_round).order_by(*ReviewItem.BY_CITY_AND_NAME)
    assignments = ReviewAssignment.objects.filter(round=review_round)
    if item_id is not None:
        item_ids = [item_id]
    if item_ids is not None:
        item_ids = list(item_ids)
        items, assignments = items.filter(pk__in=item_ids), assignments.filter(item_id__in=item_ids)
    items = list(items)
    assignments = list(
        assignments.exclude(state=A.DECLINED).values_list("pk", "expert_id", "item_id", "state", named=True)
    )
    labels = _labels(get_user_model().objects.filter(pk__in={a.expert_id for a in assignments}))
    submitted = {a.pk: a for a in assignments if a.state == A.SUBMITTED}
    sheet_filter = {"assignment__round": review_round, "assignment__state": A.SUBMITTED}
    if item_ids is not None:
        sheet_filter["assignment__item_id__in"] = item_ids
    by_criterion = {c.pk: c.code for c in criteria}
    values: dict[tuple[int, str], list[tuple[str, Decimal, str]]] = {}
    for assignment_id, criterion_id, value, comment in Score.objects.filter(
        **sheet_filter, value__isnull=False
    ).values_list("assignment_id", "criterion_id", "value", "comment"):
        a = submitted.get(assignment_id)
        if a is not None and criterion_id in by_criterion:
            values.setdefault((a.item_id, by_criterion[criterion_id]), []).append(
                (labels[a.expert_id], value, comment)
            )
    found: dict[int, list[VetoRow]] = {}
    for assignment_id, code, note in VetoFinding.objects.filter(**sheet_filter).values_list(
        "assignment_id", "code", "note"
    ):
        a = submitted.get(assignment_id)
        if a is not None and code in veto_text:
            found.setdefault(a.item_id, []).append(VetoRow(code, veto_text[code], labels[a.expert_id], note))
    visits: dict[int, list] = {}
    visit_counts: dict[int, int] = {}
    if with_visits and item_id is not None:  # one pilot's page: the visits with their photos
        for visit in SiteVisit.objects.filter(item_id=item_id).prefetch_related("photos"):
            visits.setdefault(visit.item_id, []).append(visit)
        visit_counts = {item_id: len(visits.get(item_id, []))}
    elif with_visits:  # the panel: how many
        visits_of = SiteVisit.objects.filter(item__round=review_round)
        if item_ids is not None:
            visits_of = visits_of.filter(item_id__in=item_ids)
        visit_counts = dict(
            visits_of.values_list("item_id").annotate(n=Count("pk")).values_list("item_id", "n")
        )
    evaluations = self_evaluations_for([i.pilot_id for i in items])
    counts: dict[int, int] = {}
    for a in submitted.values():
        counts[a.item_id] = counts.get(a.item_id, 0) + 1

    method = review_round.aggregation_method
    judged = _judged(spec)
    limits = {c.code: c.weight * review_round.departure_threshold / 100 for c in criteria}
    departure_text = gettext("%(label)s：%(comment)s")
    own_veto = gettext("自评申报")
    panel = AcceptancePanel(review_round, system, spec, criteria, [], method)
    for item in items:
        own = evaluations.get(item.pilot_id)
        own_items = own.items if own else {}
        indicators, inputs = [], {}
        for criterion in criteria:
            given = values.get((item.pk, criterion.code), [])
            self_score = own_items.get(criterion.code)
            aggregated = _aggregate([v for _l, v, _c in given], method)
            if aggregated is not None:
                inputs[criterion.code] = aggregated
            limit = limits[criterion.code]
            indicators.append(
                IndicatorRow(
                    criterion=criterion,
                    binding=criterion.code in binding,
                    self_score=self_score,
                    scores=[(label, value) for label, value, _c in given],
                    aggregated=aggregated,
                    departures=[
                        departure_text % {"label": label, "comment": comment}
                        for label, value, comment in given
                        if self_score is not None
                        and self_score.value is not None
                        and abs(value - self_score.value) > limit
                    ],
                )
            )
        vetoes = list(found.get(item.pk, []))
        if own:
            vetoes += [VetoRow(c, veto_text[c], own_veto) for c in own.vetoes if c in veto_text]
        binding_unmet = [row.criterion.display_name for row in indicators if row.binding and row.met is False]
        row = AcceptanceRow(
            item=item,
            name=item.display_name,
            indicators=indicators,
            outcome=Outcome(None, None, "", ""),
            vetoes=vetoes,
            binding_unmet=binding_unmet,
            adjustments=[],
            has_self_evaluation=own is not None,
            submitted=counts.get(item.pk, 0),
            expected=review_round.experts_per_item,
            visits=visits.get(item.pk, []),
            visit_count=visit_counts.get(item.pk, 0),
        )
        try:
            pending = [r.criterion.display_name for r in indicators if r.aggregated is None]
            result, row.outcome = _outcome(
                spec,
                judged,
                inputs,
                [v.code for v in vetoes],
                dict(own.claims) if own else {},
                binding_unmet,
                pending,
                panel.method_label,
            )
            row.adjustments = list(result.adjustments)
        except DomainError as error:
            row.error = error.message
            row.outcome = Outcome(None, None, error.message, "")
        panel.rows.append(row)
    return panel


def acceptance_outcomes(review_round: ReviewRound) -> dict[int, Outcome]:
    """The proposed outcome of every pilot of an acceptance round: {pilot id: Outcome} (empty for a round
    without an indicator system)."""
    if review_round.acceptance_system_id is None:
        return {}
    panel = acceptance_panel(review_round, with_visits=False)
    return {row.item.pilot_id: row.outcome for row in panel.rows}
