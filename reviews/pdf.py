"""Contexts for the review's PDFs (templates/pdf/score_sheet.html, templates/pdf/publicity_list.html).

Everything printed is prepared here, so the templates only lay it out and the content can be tested
without rendering a PDF.
"""

from decimal import Decimal

from django.utils import timezone

from . import aggregation
from .documents import cn_date, kind_label
from .models import Expert, ReviewAssignment, ReviewDocument, ReviewItem


def _score(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def score_sheet_context(document: ReviewDocument) -> dict:
    """One expert's submitted sheets in a round, one page per applicant, for signature."""
    review_round, user = document.round, document.expert
    expert = Expert.objects.filter(user=user).first()
    criteria = list(review_round.criteria_set.criteria.all()) if review_round.criteria_set_id else []
    specs = [c.as_spec() for c in criteria]
    assignments = (
        ReviewAssignment.objects.filter(
            round=review_round, expert=user, state=ReviewAssignment.State.SUBMITTED
        )
        .select_related(
            "item__application__organisation__review_unit", "item__pilot__organisation__review_unit"
        )
        .prefetch_related("scores")
        .order_by(*(f"item__{key}" for key in ReviewItem.BY_CITY_AND_NAME))
    )
    sheets = []
    for assignment in assignments:
        stored = {s.criterion_id: s for s in assignment.scores.all()}
        rows, sheet = [], {}
        for criterion in criteria:
            score = stored.get(criterion.pk)
            na = bool(score and score.is_na)
            value = None if score is None or na else score.value
            if score is not None and (na or value is not None):
                sheet[criterion.code] = value
            rows.append(
                {
                    "name": criterion.name,
                    "description": criterion.description,
                    "weight": _score(criterion.weight),
                    "scale": criterion.scale_max,
                    "score": "不适用" if na else _score(value),
                    "comment": score.comment if score else "",
                }
            )
        try:
            total = aggregation.weighted_total(sheet, specs)
        except ValueError:
            total = None
        organisation = assignment.item.organisation
        sheets.append(
            {
                "name": organisation.name,
                "city": organisation.review_unit.name if organisation.review_unit_id else "",
                "kind": kind_label(organisation),
                "rows": rows,
                "total": "" if total is None else f"{aggregation.publish(total)}",
                "opinion": assignment.overall_opinion,
                "submitted_on": cn_date(timezone.localtime(assignment.submitted_at).date())
                if assignment.submitted_at
                else "",
                "version": assignment.version,
            }
        )
    return {
        "title": "陕西省低碳近零碳试点示范建设专家评分表",
        "round": review_round.name,
        "batch": document.batch.name,
        "criteria_set": str(review_round.criteria_set) if review_round.criteria_set_id else "",
        "expert_name": expert.name if expert else user.display_name,
        "employer": expert.employer if expert else "",
        "expert_title": expert.title if expert else "",
        "sheets": sheets,
        "printed_on": cn_date(timezone.localdate()),
    }


def context_for(document: ReviewDocument) -> dict:
    if document.kind == ReviewDocument.Kind.SCORE_SHEET:
        return score_sheet_context(document)
    data = {**document.data, "kind": document.kind}
    # The title breaks where a reader would (GB/T 9704: a long title in two lines, a sense unit each).
    head, sep, tail = data.get("title", "").partition("示范建设")
    data["title_lines"] = [head + sep, tail] if sep and tail else [data.get("title", "")]
    return data
