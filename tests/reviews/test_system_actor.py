"""Automatic steps are recorded under the system actor, never credited to a person.

When the last expert submits, the application is marked reviewed by a rule of the portal: the audit
entry names the system user (who cannot log in and holds no role) and the rule, not an officer and not
the expert whose sheet happened to be the last one."""

import pytest

from applications import services as application_services
from applications.models import Application
from core.actors import SYSTEM_USERNAME, is_system, system_user
from core.errors import ActionNotPermitted
from core.models import User
from organisations.models import Membership
from reviews import services
from reviews.models import ReviewAssignment

from ..helpers import audit_for, refused
from .expert_setup import in_review, make_pool_expert, pool_expert, scoring_round, sheet, task

pytestmark = pytest.mark.django_db


def submit(assignment):
    return services.scores_save(
        assignment=assignment,
        by=assignment.expert,
        values=sheet(),
        opinion="材料翔实。",
        submit=True,
        change_reason="",
    )


def test_the_system_user_exists_cannot_log_in_and_holds_no_role(client):
    user = User.objects.get(username=SYSTEM_USERNAME)  # created by migration core 0003
    assert (user.is_active, user.has_usable_password(), user.display_name) == (False, False, "系统")
    assert not Membership.objects.filter(user=user).exists()
    assert system_user() == user and is_system(user)
    assert not client.login(username=SYSTEM_USERNAME, password="")


def test_the_automatic_finish_is_recorded_with_the_system_actor(expert, province):
    make_pool_expert(expert)
    review_round = scoring_round(experts_per_item=2)
    application = in_review(review_round)
    first = task(review_round, expert, application)
    last = task(review_round, pool_expert("李慧"), application)
    submit(first)
    submit(last)
    application.refresh_from_db()
    assert application.state == Application.State.REVIEWED
    entry = audit_for(application).get(action="applications.application.finish_review")
    assert entry.actor == system_user()
    assert entry.actor_id not in (province.pk, expert.pk, last.expert_id)
    assert entry.data["rule"] == "reviews.all_sheets_submitted"
    assert (entry.from_state, entry.to_state) == ("in_expert_review", "reviewed")
    # Every entry of the round's work that names a person names the expert who did it; none the officer.
    assert not audit_for(application).filter(actor=province).exists()
    assert ReviewAssignment.objects.filter(item__application=application, state="submitted").count() == 2


def test_no_officer_is_needed_for_the_automatic_finish(expert):
    """Before, with no province officer in the database, the item silently stayed in review."""
    make_pool_expert(expert)
    review_round = scoring_round(experts_per_item=1)
    application = in_review(review_round)
    Membership.objects.filter(role="province_officer").delete()
    submit(task(review_round, expert, application))
    application.refresh_from_db()
    assert application.state == Application.State.REVIEWED


def test_the_system_actor_must_name_its_rule_and_a_person_cannot_pass_one(expert, province):
    make_pool_expert(expert)
    review_round = scoring_round(experts_per_item=3)
    application = in_review(review_round)
    with refused(application, ActionNotPermitted):
        application_services.application_finish_review(application=application, by=system_user())
    with refused(application, ActionNotPermitted):
        application_services.application_finish_review(application=application, by=province, rule="x")


def test_a_rule_still_passes_the_guards(db):
    """The system skips the role check, not the state machine: a draft cannot be 'finished'."""
    from core.errors import TransitionRefused

    from ..factories import ApplicationFactory, BatchFactory, county

    draft = ApplicationFactory(batch=BatchFactory(), organisation=county("610922"))
    with refused(draft, TransitionRefused):
        application_services.application_finish_review(application=draft, by=system_user(), rule="test")
