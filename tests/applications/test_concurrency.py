"""Two people acting on the same application at the same moment: the row lock lets exactly one win.

PostgreSQL only: SQLite serialises whole-database writes and has no SELECT ... FOR UPDATE to test.
"""

import threading
import time
from unittest import mock

import pytest
from django.db import connection

from applications import services
from applications.models import Application
from core import transitions
from core.errors import ActionNotPermitted, DomainError
from core.models import AuditEntry, Notification

from ..factories import ApplicationFactory, BatchFactory, complete_application, county
from ..helpers import audit_for

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

S = Application.State


def race(*calls):
    """Run each call in its own thread (own DB connection), released together; return outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes[index] = "ok"
        except DomainError as error:
            outcomes[index] = error
        except Exception as error:  # surfaced by the assertions below
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a thread is still waiting on the lock"
    return outcomes


def slow_record(*args, **kwargs):
    # Hold the row lock a little longer, so the other thread surely arrives while it is held.
    time.sleep(0.3)
    return real_record(*args, **kwargs)


real_record = transitions.record


def test_return_and_recommend_at_once_exactly_one_wins(require_postgres, city_ankang, city_ankang_2):
    application = ApplicationFactory(batch=BatchFactory(), organisation=county("610922"), state=S.SUBMITTED)
    with mock.patch.object(transitions, "record", side_effect=slow_record):
        outcomes = race(
            lambda: services.application_return(application=application, by=city_ankang, reason="退回补充"),
            lambda: services.application_recommend(
                application=application, by=city_ankang_2, opinion="同意推荐", rank=1
            ),
        )
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    loser = next(o for o in outcomes if o != "ok")
    assert isinstance(loser, DomainError) and not isinstance(loser, ActionNotPermitted), loser
    assert "当前状态为" in loser.message
    entries = list(audit_for(application))
    assert len(entries) == 1
    winner = "return_for_revision" if outcomes[0] == "ok" else "recommend"
    assert entries[0].action == f"applications.application.{winner}"
    stored = Application.objects.get(pk=application.pk)
    assert stored.state == (S.RETURNED if winner == "return_for_revision" else S.RECOMMENDED)
    # The loser's changes (opinion and rank) did not leak into the row.
    if winner == "return_for_revision":
        assert stored.city_opinion == "" and stored.city_rank is None


def test_double_submission_counts_once(require_postgres, applicant_county, city_ankang):
    draft = complete_application(batch=BatchFactory(), organisation=county("610922"))
    with mock.patch.object(transitions, "record", side_effect=slow_record):
        outcomes = race(
            lambda: services.application_submit(application=draft, by=applicant_county),
            lambda: services.application_submit(application=draft, by=applicant_county),
        )
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    stored = Application.objects.get(pk=draft.pk)
    assert (stored.state, stored.submission_count) == (S.SUBMITTED, 1)
    assert AuditEntry.objects.filter(action="applications.application.submit").count() == 1
    assert Notification.objects.filter(kind="application_submitted").count() == 1


def test_two_new_application_clicks_at_once_give_one_application_and_a_message(require_postgres):
    """Two simultaneous "new application" POSTs: one application; the other is told 不能重复申报, never an
    IntegrityError."""
    from ..factories import member

    batch = BatchFactory()
    organisation = county("610922")
    applicant = member("applicant", organisation)
    outcomes = race(
        *[
            lambda: services.application_create(batch=batch, organisation=organisation, by=applicant)
            for _ in range(2)
        ]
    )
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    refusal = next(o for o in outcomes if o != "ok")
    assert isinstance(refusal, DomainError) and "不能重复申报" in refusal.message
    assert Application.objects.filter(batch=batch, organisation=organisation).count() == 1
