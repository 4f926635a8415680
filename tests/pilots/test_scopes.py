"""Who sees and acts on which pilot: permission function, selector and HTTP agree for every role."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from organisations.models import Organisation, Role
from pilots import permissions
from pilots.models import Pilot
from pilots.selectors import pilots_visible_to

from ..factories import BatchFactory, MembershipFactory, OrganisationFactory, PilotFactory, county

pytestmark = pytest.mark.django_db

# pilot key -> personas that see it; province, finance and DRC see every pilot.
VISIBLE = {
    "ankang": {"applicant_county", "agency", "city_ankang", "province", "finance", "drc"},
    "xian": {"applicant_xian", "city_xian", "province", "finance", "drc"},
}


@pytest.fixture
def pilots(agency_org):
    batch = BatchFactory(state="published")
    ankang = PilotFactory(batch=batch, organisation=county("610922"), state=Pilot.State.IMPLEMENTING)
    ankang.delegated_agencies.add(agency_org)
    xian = PilotFactory(batch=batch, organisation=county("610122"), state=Pilot.State.IMPLEMENTING)
    return {"ankang": ankang, "xian": xian}


def test_permission_selector_and_detail_page_agree_for_every_role(personas, pilots, client_for):
    wrong = []
    for name, user in personas.items():
        listed = set(pilots_visible_to(user).values_list("pk", flat=True))
        client = client_for(user)
        for key, pilot in pilots.items():
            expected = name in VISIBLE[key]
            if permissions.can_view_pilot(user, pilot) != expected:
                wrong.append(("permission", name, key))
            if (pilot.pk in listed) != expected:
                wrong.append(("selector", name, key))
            response = client.get(reverse("pilots:detail", args=[pilot.pk]))
            if response.status_code != (200 if expected else 404):
                wrong.append(("http", name, key, response.status_code))
            elif expected and pilot.organisation.name not in response.text:
                wrong.append(("content", name, key))
    assert wrong == []


def test_a_pilot_delegated_to_two_of_the_user_s_agencies_is_listed_once(pilots, agency, agency_org):
    """The agency condition is an EXISTS, not a join: no duplicate rows and no DISTINCT to count them."""
    second = OrganisationFactory(name="西安碳达峰技术服务中心", kind=Organisation.Kind.AGENCY)
    MembershipFactory(user=agency, organisation=second, role=Role.AGENCY)
    pilots["ankang"].delegated_agencies.add(second)
    visible = pilots_visible_to(agency)
    assert list(visible.values_list("pk", flat=True)) == [pilots["ankang"].pk]
    assert visible.count() == 1
    assert "DISTINCT" not in str(visible.query)


def test_pilot_list_shows_only_the_scope(pilots, city_ankang, client_for):
    page = client_for(city_ankang).get(reverse("pilots:list")).text
    assert "石泉县人民政府" in page
    assert "蓝田县人民政府" not in page


def test_only_the_pilots_own_staff_act_for_it(personas, pilots):
    for name, user in personas.items():
        assert permissions.can_act_for_pilot(user, pilots["ankang"]) == (name == "applicant_county"), name
        assert permissions.can_screen_pilot(user, pilots["ankang"]) == (name == "city_ankang"), name
        assert permissions.can_manage_pilots(user, pilots["ankang"]) == (name == "province"), name


@pytest.mark.parametrize(
    ("persona", "state", "action", "data"),
    [
        ("city_xian", Pilot.State.ACCEPTANCE_REQUESTED, "forward_acceptance", {}),
        ("applicant_xian", Pilot.State.IMPLEMENTING, "request_acceptance", {}),
        (
            "applicant_xian",
            Pilot.State.PLAN_FILED,
            "record_local_approval",
            {"body": "常务会", "issued_on": "2024-03-15"},
        ),
        ("expert", Pilot.State.PLAN_SUBMITTED, "file_plan", {}),
        ("outsider", Pilot.State.SELECTED, "start_plan", {}),
    ],
)
def test_pilot_actions_out_of_scope_answer_404(persona, state, action, data, request, pilots, client_for):
    pilot = pilots["ankang"]
    Pilot.objects.filter(pk=pilot.pk).update(state=state)
    before = AuditEntry.objects.count()
    user = request.getfixturevalue(persona)
    response = client_for(user).post(reverse("pilots:action", args=[pilot.pk, action]), data)
    assert response.status_code == 404
    pilot.refresh_from_db()
    assert pilot.state == state
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("persona", "state", "action"),
    [
        ("applicant_county", Pilot.State.IMPLEMENTING, "request_acceptance"),
        ("city_ankang", Pilot.State.ACCEPTANCE_REQUESTED, "forward_acceptance"),
        ("city_ankang", Pilot.State.ACCEPTANCE_REQUESTED, "return_acceptance"),
        ("province", Pilot.State.ACCEPTANCE_FORWARDED, "start_acceptance_review"),
        ("province", Pilot.State.IN_ACCEPTANCE_REVIEW, "accept"),
        ("province", Pilot.State.IN_ACCEPTANCE_REVIEW, "fail_acceptance"),
    ],
)
def test_the_acceptance_stages_have_no_bare_button(persona, state, action, request, pilots, client_for):
    """Each acceptance stage runs through its procedure (the self-evaluation and the city's decision rows,
    the review round, the two-key decision after publicity), never the pilot page's action URL: even the
    user the transition allows gets 404 there, and nothing changes."""
    pilot = pilots["ankang"]
    Pilot.objects.filter(pk=pilot.pk).update(state=state)
    user = request.getfixturevalue(persona)
    page = client_for(user).get(reverse("pilots:detail", args=[pilot.pk])).text
    assert f"/actions/{action}/" not in page
    response = client_for(user).post(
        reverse("pilots:action", args=[pilot.pk, action]), {"reason": "理由", "grade": "passed"}
    )
    assert response.status_code == 404
    pilot.refresh_from_db()
    assert pilot.state == state


def test_public_list_shows_only_published_batches(client, pilots):
    draft_batch_pilot = PilotFactory(
        batch=BatchFactory(state="provincial_review"), organisation=county("610902")
    )
    page = client.get(reverse("publicity:pilot_list")).text
    assert "石泉县人民政府" in page
    assert draft_batch_pilot.organisation.name not in page
