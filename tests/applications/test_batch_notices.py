"""The "已开放申报" notice states the batch's own deadline, and the demo leaves no notice of a call
that closed long ago."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from applications import services
from applications.models import Batch
from core.models import Notification
from tests.factories import BatchFactory


@pytest.mark.django_db
def test_opening_notice_states_the_batch_deadline(province, applicant_county):
    batch = BatchFactory(
        state=Batch.State.DRAFT,
        application_deadline=datetime.date(2026, 12, 31),
        forwarding_deadline=datetime.date(2027, 1, 31),
    )
    services.batch_transition(batch=batch, name="open", by=province)
    notice = Notification.objects.get(kind="batch_opened", recipient=applicant_county)
    assert notice.title == f"{batch.name}已开放申报，截止日期2026年12月31日"


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_inbox_has_true_opening_notices_only_for_open_calls():
    call_command("seed_demo", stdout=StringIO())
    titles = list(Notification.objects.filter(kind="batch_opened").values_list("title", flat=True))
    third = Batch.objects.get(name__startswith="2027年第三批")
    assert third.application_deadline == datetime.date(2026, 12, 31)
    assert titles, "applicants are told that the open call is open"
    assert set(titles) == {f"{third.name}已开放申报，截止日期2026年12月31日"}
    assert not any("2023年" in t for t in titles)
