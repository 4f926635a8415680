"""A pilot's figures shown against its target path (the plans engineer's ledger and status rule).

Only figure questions on a catalogue indicator that the pilot's current ledger version holds are
compared; the path value is the one of the dispatch's year (`Dispatch.year`). The status is computed
by plans.status.target_status, never typed.
"""

from dataclasses import dataclass
from decimal import Decimal

from plans.selectors import target_path
from plans.status import TargetStatus, target_status


@dataclass
class FigureAgainstTarget:
    question_id: int
    path_value: Decimal | None
    binding: bool
    ledger_version: int
    status: TargetStatus


def figures_against_targets(response, questions, answers: dict) -> dict[int, FigureAgainstTarget]:
    """{question pk: comparison} for the response's figure questions that have a path (3 queries)."""
    figures = [q for q in questions if q.is_figure and q.indicator_id]
    if not figures:
        return {}
    paths = target_path(response.pilot)
    year = response.dispatch.year
    result = {}
    for question in figures:
        path = paths.get(question.indicator.code)
        if path is None:
            continue
        answer = answers.get(question.pk)
        actual = answer.number_value if answer is not None else None
        path_value = path.value_for(year)
        result[question.pk] = FigureAgainstTarget(
            question_id=question.pk,
            path_value=path_value,
            binding=path.binding,
            ledger_version=path.ledger_version,
            status=target_status(
                direction=question.indicator.direction,
                actual=actual,
                path_value=path_value,
                base_value=path.base_value,
            ),
        )
    return result
