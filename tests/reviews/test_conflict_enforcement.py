"""A conflict of interest closes the application to the expert by every path: the application list and
detail, attachments, the submitted and draft PDFs, the versions page, the scoring page, the other
experts' scores; the officers' results, ranking and export are closed to every expert anyway. A rule
conflict an officer overrides (with a reason) opens them again; a declared conflict cannot be overridden.
"""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse

from applications.models import DraftPdf
from core.errors import DomainError
from reviews import services
from reviews.models import Conflict, ReviewAssignment, Score, ScoreVersion

from ..factories import PDF_BYTES, AttachmentFactory, item_of
from ..helpers import refused
from .expert_setup import form, in_review, make_pool_expert, pool_expert, scoring_round, sheet, task

pytestmark = pytest.mark.django_db

A = ReviewAssignment.State


@pytest.fixture
def world(expert, province):
    """石泉县's application under review; the pool expert and a colleague have both submitted scores."""
    make_pool_expert(expert)
    review_round = scoring_round(experts_per_item=3)
    application = in_review(review_round)
    attachment = AttachmentFactory(application=application)
    draft = DraftPdf.objects.create(application=application, requested_by=expert, token="d" * 32)
    draft.pdf.save("draft.pdf", ContentFile(PDF_BYTES))
    mine = task(review_round, expert, application)
    colleague = task(review_round, pool_expert("李慧"), application)
    for assignment in (mine, colleague):
        services.scores_save(
            assignment=assignment, by=assignment.expert, values=sheet(), opinion="同意推荐。", submit=True
        )
    mine.refresh_from_db()
    return {
        "round": review_round,
        "application": application,
        "attachment": attachment,
        "draft": draft,
        "assignment": mine,
        "expert": expert,
        "province": province,
    }


def reachable(client, w) -> dict[str, bool]:
    """Every path to the application or its scores, and whether it answered with the content."""
    pk = w["application"].pk
    gets = {
        "detail": reverse("applications:detail", args=[pk]),
        "attachment": reverse("applications:attachment_download", args=[pk, w["attachment"].pk]),
        "snapshot_pdf": reverse("applications:snapshot_pdf", args=[pk, 1]),
        "versions": reverse("applications:versions", args=[pk]),
        "draft_pdf_status": reverse("applications:draft_pdf_status", args=[pk]),
        "draft_pdf": reverse("applications:draft_pdf_download", args=[pk, w["draft"].pk]),
        "others": reverse("reviews:my_assignment_others", args=[w["assignment"].pk]),
    }
    found = {name: client.get(url).status_code == 200 for name, url in gets.items()}
    found["list"] = w["application"].organisation.name in client.get(reverse("applications:list")).text
    found["draft_pdf_request"] = (
        client.post(reverse("applications:draft_pdf_request", args=[pk])).status_code != 404
    )
    page = client.get(reverse("reviews:my_assignment", args=[w["assignment"].pk]))
    found["scoring_page"] = (
        page.status_code == 200
        and 'data-testid="score-form"' in page.text
        and reverse("applications:detail", args=[pk]) in page.text
    )
    found["others_on_page"] = page.status_code == 200 and "专家A" in page.text
    before = (Score.objects.count(), ScoreVersion.objects.count())
    response = client.post(
        reverse("reviews:my_assignment_scores", args=[w["assignment"].pk]),
        form({"feasibility": "9"}, reason="复核"),
    )
    found["score_post"] = response.status_code != 404
    if not found["score_post"]:
        assert (Score.objects.count(), ScoreVersion.objects.count()) == before
    return found


def conflict_by_rule(w) -> Conflict:
    return Conflict.objects.create(
        round=w["round"],
        expert=w["expert"],
        item=item_of(w["round"], w["application"]),
        kind=Conflict.Kind.SAME_CITY,
        source=Conflict.Source.RULE,
        detail="专家与申报单位同属安康市",
    )


def conflict_declared(w) -> Conflict:
    return Conflict.objects.create(
        round=w["round"],
        expert=w["expert"],
        item=item_of(w["round"], w["application"]),
        kind=Conflict.Kind.RELATIVE,
        source=Conflict.Source.DECLARED,
    )


def test_without_conflict_every_path_is_open(world, client_for):
    """The control: the paths below really lead to the application for an expert allowed to see it."""
    found = reachable(client_for(world["expert"]), world)
    assert found == dict.fromkeys(found, True)


@pytest.mark.parametrize("make_conflict", [conflict_by_rule, conflict_declared])
def test_a_conflicted_expert_reaches_nothing(world, client_for, make_conflict):
    make_conflict(world)
    found = reachable(client_for(world["expert"]), world)
    assert found == dict.fromkeys(found, False)
    # The task page shows the name and why, nothing else.
    page = client_for(world["expert"]).get(reverse("reviews:my_assignment", args=[world["assignment"].pk]))
    assert page.status_code == 200 and "利益冲突" in page.text and "工作基础" not in page.text


def test_a_conflict_declared_in_the_round_declaration_closes_everything(world, client_for):
    review_round = world["round"]
    expert = pool_expert("赵强")
    assignment = task(review_round, expert, world["application"], state=A.ASSIGNED, declared=False)
    services.declaration_submit(
        review_round=review_round,
        by=expert,
        conflicts=[(item_of(review_round, world["application"]).pk, Conflict.Kind.EMPLOYER, "")],
    )
    found = reachable(client_for(expert), {**world, "assignment": assignment, "expert": expert})
    assert found == dict.fromkeys(found, False)
    with refused(assignment):
        services.assignment_respond(assignment=assignment, by=expert, accept=True)


def test_a_recusal_closes_everything(world, client_for):
    review_round = world["round"]
    expert = pool_expert("赵强")
    assignment = task(review_round, expert, world["application"])
    services.assignment_respond(
        assignment=assignment, by=expert, accept=False, reason="本人曾任该县顾问", conflict_kind="other"
    )
    found = reachable(client_for(expert), {**world, "assignment": assignment, "expert": expert})
    assert found == dict.fromkeys(found, False)


def test_an_overridden_rule_conflict_opens_the_paths_again(world, client_for):
    conflict = conflict_by_rule(world)
    client = client_for(world["expert"])
    assert not any(reachable(client, world).values())
    services.conflict_override(conflict=conflict, by=world["province"], reason="专家已调离安康市三年")
    found = reachable(client, world)
    assert found == dict.fromkeys(found, True)


def test_a_declared_conflict_cannot_be_overridden(world, client_for):
    conflict = conflict_declared(world)
    with refused(conflict, match="专家本人声明的利益冲突不能排除"):
        services.conflict_override(conflict=conflict, by=world["province"], reason="工作需要")
    found = reachable(client_for(world["expert"]), world)
    assert found == dict.fromkeys(found, False)


def test_a_conflicted_expert_cannot_score_through_the_service(world):
    conflict_by_rule(world)
    assignment = world["assignment"]
    with refused(assignment, match="存在利益冲突，不能打分"):
        services.scores_save(
            assignment=assignment,
            by=world["expert"],
            values=sheet(feasibility=Decimal(9)),
            opinion="同意推荐。",
            submit=True,
            change_reason="复核",
        )


def test_a_conflicted_expert_cannot_be_assigned(world):
    review_round = world["round"]
    ReviewAssignment.objects.filter(round=review_round).delete()  # start the assignment afresh
    Score.objects.all().delete()
    other = in_review(review_round, "610122")
    conflict_declared(world)
    review_round.refresh_from_db()
    with pytest.raises(DomainError, match="存在利益冲突，不能分配"):
        services.assignment_create(
            review_round=review_round,
            expert=world["expert"],
            item=item_of(review_round, world["application"]),
            by=world["province"],
        )
    services.assignment_auto(review_round=review_round, by=world["province"])
    given = set(
        ReviewAssignment.objects.filter(expert=world["expert"]).values_list("item__application_id", flat=True)
    )
    assert world["application"].pk not in given and other.pk in given


# The officers' pages ------------------------------------------------------------------------------
OFFICER_PAGES = ["results", "decision", "score_sheets", "coverage", "conflicts", "confirmations"]


@pytest.mark.parametrize("conflicted", [False, True])
def test_results_ranking_and_export_are_closed_to_every_expert(world, client_for, conflicted):
    if conflicted:
        conflict_declared(world)
    pk = world["round"].pk
    urls = []
    for name in OFFICER_PAGES:
        try:
            urls.append(reverse(f"reviews:{name}", args=[pk]))
        except NoReverseMatch:  # the officer side names its pages; test those that exist
            continue
    if not urls:
        pytest.skip("the officers' result pages are not built yet")
    results = reverse("reviews:results", args=[pk])
    urls += [f"{results}?export=xlsx", f"{results}?format=xlsx"]
    client = client_for(world["expert"])
    answers = {url: client.get(url).status_code for url in urls}
    assert answers == dict.fromkeys(urls, 404)
    officer = client_for(world["province"])
    assert officer.get(results).status_code == 200  # the page exists: the 404 above is the refusal
