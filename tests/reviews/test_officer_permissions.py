"""Who reaches the officers' review pages (everyone else gets a 404 and changes nothing), and the pages
run a fixed number of queries whatever the number of applications."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application, Batch
from organisations.models import Organisation
from reviews import publicity, services
from reviews.models import Conflict, Expert, ReviewAssignment

from ..factories import ApplicationFactory, item_of
from .officer_setup import R, make_round, pool_expert, scored_round, submitted

pytestmark = pytest.mark.django_db

MANAGE_PAGES = [
    "experts",
    "expert_new",
    "expert_import",
    "expert_template",
    "criteria",
    "criteria_new",
    "round_new",
]
ROUND_MANAGE_PAGES = ["round_edit", "conflicts", "coverage", "decision", "publicity"]
ROUND_RESULT_PAGES = ["results", "confirmations", "score_sheets"]


@pytest.fixture
def selection(expert):
    review_round, apps, experts = scored_round()
    # The expert persona holds a task in the round: the round itself is visible to them, its officer pages not.
    ReviewAssignment.objects.create(round=review_round, expert=expert, item=item_of(review_round, apps["Y"]))
    return review_round


def urls(review_round):
    result = {name: reverse(f"reviews:{name}") for name in MANAGE_PAGES}
    result["criteria_edit"] = reverse("reviews:criteria_edit", args=[review_round.criteria_set_id])
    result["expert_edit"] = reverse("reviews:expert_edit", args=[Expert.objects.first().pk])
    for name in ROUND_MANAGE_PAGES + ROUND_RESULT_PAGES:
        result[name] = reverse(f"reviews:{name}", args=[review_round.pk])
    return result


@pytest.mark.parametrize(
    "persona", ["city_ankang", "applicant_county", "expert", "agency", "outsider", "drc"]
)
def test_officer_pages_are_404_outside_the_provincial_ecology_department(
    persona, request, selection, client_for
):
    client = client_for(request.getfixturevalue(persona))
    statuses = {name: client.get(url).status_code for name, url in urls(selection).items()}
    assert statuses == dict.fromkeys(statuses, 404)


def test_the_provincial_officer_reaches_every_page(province, selection, client_for):
    client = client_for(province)
    statuses = {name: client.get(url).status_code for name, url in urls(selection).items()}
    assert statuses == dict.fromkeys(statuses, 200)


def test_finance_sees_the_selection_results_but_manages_nothing(finance, selection, client_for):
    client = client_for(finance)
    statuses = {name: client.get(url).status_code for name, url in urls(selection).items()}
    expected = {name: 200 if name in ROUND_RESULT_PAGES else 404 for name in statuses}
    assert statuses == expected
    assert "77.33" in client.get(reverse("reviews:results", args=[selection.pk])).text


def test_drc_does_not_see_selection_results(drc, selection, client_for):
    assert client_for(drc).get(reverse("reviews:results", args=[selection.pk])).status_code == 404
    assert client_for(drc).get(reverse("reviews:detail", args=[selection.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["city_ankang", "applicant_county", "expert", "outsider", "finance"])
def test_officer_actions_are_404_and_change_nothing(persona, request, selection, client_for):
    client = client_for(request.getfixturevalue(persona))
    application = selection.batch.applications.first()
    expert_user = Expert.objects.first().user
    conflict = Conflict.objects.create(
        round=selection,
        expert=expert_user,
        item=item_of(selection, application),
        kind="same_city",
        source="rule",
    )
    posts = {
        "assign": {"expert": expert_user.pk, "item": item_of(selection, application).pk},
        "assign_auto": {},
        "conflicts_refresh": {},
        "decision_propose": {"shortlist": [application.pk]},
        "publicity_open": {"start": "2026-12-01", "working_days": "5", "contact": "x"},
        "publicity_confirm": {},
        "score_sheets_request": {},
        "start_review": {},
    }
    for name, data in posts.items():
        assert client.post(reverse(f"reviews:{name}", args=[selection.pk]), data).status_code == 404, name
    url = reverse("reviews:conflict_override", args=[selection.pk, conflict.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert Conflict.objects.get(pk=conflict.pk).is_active
    assert Application.objects.get(pk=application.pk).decision_proposal == ""
    assert selection.batch.state == Batch.objects.get(pk=selection.batch_id).state


def test_only_finance_confirms(province, city_ankang, selection, client_for):
    application = selection.batch.applications.order_by("pk").first()
    services.decision_propose(
        review_round=selection,
        by=province,
        shortlist=list(selection.batch.applications.values_list("pk", flat=True)),
        reasons={},
    )
    for name in ("reviews:decision_confirm", "reviews:decision_return"):
        url = reverse(name, args=[selection.pk])
        assert client_for(city_ankang).post(url, {"opinion": "不同意。"}).status_code == 404
        page = client_for(province).post(url, {"opinion": "不同意。"}, follow=True).text
        assert "您没有执行此操作的权限" in page
    assert Application.objects.get(pk=application.pk).state == Application.State.REVIEWED
    assert Application.objects.get(pk=application.pk).decision_proposal == "shortlist"


def test_the_public_pages_need_no_login_but_show_only_publicised_batches(selection):
    assert Client().get(reverse("publicity:index")).status_code == 200
    assert Client().get(reverse("publicity:notice", args=[selection.batch_id])).status_code == 404
    assert Client().get(reverse("reviews:results", args=[selection.pk])).status_code == 302  # to login


# Fixed number of queries ----------------------------------------------------------------------------
def sized_round(n: int, province):
    """A revealed round of n applications, three experts, every sheet in, every proposal made."""
    review_round = make_round(state=R.AGGREGATED, experts_per_item=3, tie_break=["median", "mean"])
    counties = Organisation.objects.filter(kind=Organisation.Kind.COUNTY).order_by("name")[:n]
    applications = [
        ApplicationFactory(batch=review_round.batch, organisation=o, state=Application.State.IN_EXPERT_REVIEW)
        for o in counties
    ]
    experts = [pool_expert(f"{n}号组专家{i}") for i in range(3)]
    for i, application in enumerate(applications):
        for j, expert in enumerate(experts):
            submitted(review_round, expert, application, {"a": (i + j) % 10, "b": None if j == 1 else 5})
    Conflict.objects.create(
        round=review_round,
        expert=experts[0],
        item=item_of(review_round, applications[0]),
        kind="same_city",
        source="rule",
    )
    services.decision_propose(
        review_round=review_round, by=province, shortlist=[a.pk for a in applications], reasons={}
    )
    return review_round


def count_queries(client, url) -> int:
    client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


PAGES = [
    "detail",
    "results",
    "coverage",
    "decision",
    "confirmations",
    "conflicts",
    "score_sheets",
    "publicity",
]


def test_round_pages_run_a_fixed_number_of_queries(province, client_for):
    client = client_for(province)
    counts = {}
    for n in (3, 12):
        review_round = sized_round(n, province)
        counts[n] = {
            page: count_queries(client, reverse(f"reviews:{page}", args=[review_round.pk])) for page in PAGES
        }
        counts[n]["results.xlsx"] = count_queries(
            client, reverse("reviews:results", args=[review_round.pk]) + "?export=xlsx"
        )
        counts[n]["list"] = count_queries(client, reverse("reviews:list"))
        counts[n]["experts"] = count_queries(client, reverse("reviews:experts"))
        counts[n]["criteria"] = count_queries(client, reverse("reviews:criteria"))
    assert counts[3] == counts[12]


def test_the_public_notice_runs_a_fixed_number_of_queries(province):
    counts = []
    for n in (3, 12):
        review_round = sized_round(n, province)
        # as if the finance department had confirmed every proposal
        Application.objects.filter(batch=review_round.batch_id).update(state=Application.State.SHORTLISTED)
        batch = publicity.publicity_open(
            batch=review_round.batch,
            by=province,
            start=review_round.batch.application_start,
            contact="王工 029-1",
        )
        counts.append(count_queries(Client(), reverse("publicity:notice", args=[batch.pk])))
    assert counts[0] == counts[1]
