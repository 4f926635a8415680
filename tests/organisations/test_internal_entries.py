"""core's `history` tag shows the internal audit entries (deliberations before a joint decision) to
provincial ecology and finance officers only, by the rule organisations registers with core.audit: core
itself imports no app and knows no roles."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core import audit
from core.templatetags.portal import history

from ..factories import BatchFactory

pytestmark = pytest.mark.django_db

SEES = {"province": True, "finance": True}


@pytest.fixture
def batch(province):
    batch = BatchFactory()
    audit.record(batch, actor=province, action="note", label="公开记录")
    audit.record(batch, actor=province, action="deliberate", label="内部商议", data={"internal": True})
    return batch


@pytest.mark.parametrize(
    "persona", ["province", "finance", "drc", "city_ankang", "applicant_county", "agency", "expert"]
)
def test_internal_entries_are_for_the_province_and_finance_only(persona, batch, request):
    user = request.getfixturevalue(persona)
    labels = [entry.action_label for entry in history(batch, user)]
    expected = ["公开记录", "内部商议"] if SEES.get(persona) else ["公开记录"]
    assert labels == expected, persona


def test_the_public_and_no_user_see_no_internal_entry(batch):
    assert [e.action_label for e in history(batch, AnonymousUser())] == ["公开记录"]
    assert [e.action_label for e in history(batch)] == ["公开记录"]


def test_without_a_registered_rule_core_shows_no_internal_entry(batch, province, monkeypatch):
    monkeypatch.setattr(audit, "_internal_visibility", [])
    assert [e.action_label for e in history(batch, province)] == ["公开记录"]
    assert audit.sees_internal_entries(province) is False
