"""Scoped reads of dispatches: every query here is already limited to what the user may see."""

from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from core.formats import format_datetime
from core.templatetags.portal import num
from organisations.models import Role
from organisations.roles import scope_of

from .models import Answer, Dispatch, DispatchResponse
from .permissions import READERS

SUBMITTED = DispatchResponse.State.SUBMITTED


def _response_condition(user, prefix: str = "") -> Q:
    """The responses a user may see (prefix: the path to the response from the queried model)."""
    scope = scope_of(user)
    if scope.has(*READERS):
        return Q()
    condition = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    if scope.review_units:
        condition |= Q(**{f"{prefix}pilot__organisation__review_unit_id__in": scope.review_units})
    if scope.orgs(Role.APPLICANT):
        condition |= Q(**{f"{prefix}pilot__organisation_id__in": scope.orgs(Role.APPLICANT)})
    if scope.orgs(Role.AGENCY):
        condition |= Q(**{f"{prefix}pilot__delegated_agencies__in": scope.orgs(Role.AGENCY)})
    return condition


def dispatches_visible_to(user) -> QuerySet[Dispatch]:
    """The province sees every dispatch (drafts too), finance and the DRC every opened one; a city, a
    pilot or an agency those that concern a pilot of theirs."""
    scope = scope_of(user)
    if scope.has(Role.PROVINCE_OFFICER):
        return Dispatch.objects.all()
    opened = Dispatch.objects.exclude(state=Dispatch.State.DRAFTING)
    if scope.has(*READERS):
        return opened
    ids = DispatchResponse.objects.filter(_response_condition(user)).values("dispatch_id")
    return opened.filter(pk__in=ids)


def get_dispatch_for_user(user, pk) -> Dispatch:
    dispatch = dispatches_visible_to(user).filter(pk=pk).first()
    if dispatch is None:
        raise Http404(gettext("调度不存在"))
    return dispatch


def responses_visible_to(user, dispatch: Dispatch | None = None) -> QuerySet[DispatchResponse]:
    responses = DispatchResponse.objects.filter(_response_condition(user)).exclude(
        dispatch__state=Dispatch.State.DRAFTING
    )
    if dispatch is not None:
        responses = responses.filter(dispatch=dispatch)
    return responses.distinct().select_related("dispatch", "pilot__organisation__review_unit", "pilot__batch")


def get_response_for_user(user, pk) -> DispatchResponse:
    response = responses_visible_to(user).filter(pk=pk).first()
    if response is None:
        raise Http404(gettext("调度填报不存在"))
    return response


def is_overdue(dispatch: Dispatch, today=None) -> bool:
    return (today or timezone.localdate()) > dispatch.due_date


def with_answers(responses: QuerySet[DispatchResponse]) -> QuerySet[DispatchResponse]:
    """The responses with their answers in one more query (the answer table, the export)."""
    return responses.prefetch_related(
        Prefetch(
            "answers",
            queryset=Answer.objects.only("pk", "response_id", "question_id", "text_value", "number_value"),
        )
    )


FIGURE_CELL, TEXT_CELL = '<td class="num">{}</td>', "<td>{}</td>"


class AnswerRow(NamedTuple):
    """One row of the answer table, every cell already formatted: the template does one flat loop."""

    url: str
    name: str
    city: str
    state: str
    state_label: str
    late: bool
    excel: bool
    submitted: str
    cells: list  # [(is a figure, text)] in the order of the questions

    @property
    def cells_html(self) -> str:
        """The answer cells, escaped, in one string: 4 questions × 100 rows are 400 cells that the
        template would otherwise render node by node."""
        return mark_safe(  # noqa: S308 (each cell escaped by format_html)
            "".join(format_html(FIGURE_CELL if figure else TEXT_CELL, text) for figure, text in self.cells)
        )


def answer_table_page(responses: QuerySet[DispatchResponse]) -> QuerySet[DispatchResponse]:
    """The responses of the answer table with only the columns it shows (no dispatch, no batch)."""
    return (
        responses.select_related(None)
        .select_related("pilot__organisation__review_unit")
        .only(
            "pk",
            "state",
            "late",
            "source",
            "submitted_at",
            "pilot",
            "pilot__organisation",
            "pilot__organisation__name",
            "pilot__organisation__review_unit",
            "pilot__organisation__review_unit__name",
        )
    )


def answer_rows(responses, questions) -> list[AnswerRow]:
    """The rows of a page of `answer_table_page` responses: one more query (their answers, as values)."""
    responses = list(responses)
    answers: dict = {}
    for response_id, question_id, text_value, number_value in Answer.objects.filter(
        response__in=[r.pk for r in responses]
    ).values_list("response_id", "question_id", "text_value", "number_value"):
        answers[response_id, question_id] = (
            num(number_value, 2) if number_value is not None else Truncator(text_value or "").chars(60)
        )
    url = reverse("dispatches:response", args=[0])[:-2]  # ".../0/" -> ".../", the pk appended below
    figures = [(q.pk, q.is_figure) for q in questions]
    rows = []
    for response in responses:
        cells = [(figure, answers.get((response.pk, pk), "")) for pk, figure in figures]
        organisation = response.pilot.organisation
        unit = organisation.review_unit
        rows.append(
            AnswerRow(
                url=f"{url}{response.pk}/",
                name=organisation.name,
                city=unit.name if unit else "",
                state=response.state,
                state_label=response.get_state_display(),
                late=response.late,
                excel=response.source == "excel",
                submitted=format_datetime(response.submitted_at) if response.submitted_at else "",
                cells=cells,
            )
        )
    return rows


def late_condition(dispatch: Dispatch, today=None) -> Q:
    """Late: answered after the due date, or not answered once it has passed."""
    condition = Q(state=SUBMITTED, late=True)
    if is_overdue(dispatch, today):
        condition |= ~Q(state=SUBMITTED)
    return condition


@dataclass
class CityCompleteness:
    code: str
    name: str
    expected: int
    answered: int
    on_time: int

    @property
    def completeness(self) -> float:
        return self.answered / self.expected if self.expected else 0.0

    @property
    def timeliness(self) -> float:
        return self.on_time / self.expected if self.expected else 0.0


def completeness_by_city(
    responses: QuerySet[DispatchResponse],
) -> tuple[list[CityCompleteness], CityCompleteness]:
    """Per review unit: expected (pilots asked), answered (submitted), on time (submitted, first time, by
    the due date); and the total. One query."""
    rows = (
        responses.order_by()
        .values(
            "pilot__organisation__review_unit_id",
            "pilot__organisation__review_unit__name",
            "pilot__organisation__review_unit__order",
        )
        .annotate(
            expected=Count("pk", distinct=True),
            answered=Count("pk", filter=Q(state=SUBMITTED), distinct=True),
            on_time=Count("pk", filter=Q(state=SUBMITTED, late=False), distinct=True),
        )
        .order_by("pilot__organisation__review_unit__order", "pilot__organisation__review_unit_id")
    )
    cities = [
        CityCompleteness(
            code=r["pilot__organisation__review_unit_id"] or "",
            name=r["pilot__organisation__review_unit__name"] or gettext("（未归属）"),
            expected=r["expected"],
            answered=r["answered"],
            on_time=r["on_time"],
        )
        for r in rows
    ]
    total = CityCompleteness(
        code="",
        name=gettext("合计"),
        expected=sum(c.expected for c in cities),
        answered=sum(c.answered for c in cities),
        on_time=sum(c.on_time for c in cities),
    )
    return cities, total
