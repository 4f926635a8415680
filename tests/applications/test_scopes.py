"""Who sees which application, batch and attachment: permission functions, selectors and HTTP agree.

Out of scope is a 404, never a 403: an outsider gets no hint that the object exists.
"""

import pytest
from django.urls import reverse

from applications import permissions
from applications.models import Application, Batch
from applications.selectors import applications_visible_to
from core.models import AuditEntry

from ..conftest import PERSONAS
from ..factories import PDF_BYTES, ApplicationFactory, AttachmentFactory, BatchFactory, county, park

pytestmark = pytest.mark.django_db

S = Application.State
ALL_STATES = list(S)
# Written out here, not imported: the test states the rule independently of the code.
CITY_STATES = set(ALL_STATES) - {S.DRAFT}
PROVINCE_STATES = {
    S.FORWARDED,
    S.RETURNED_TO_CITY,
    S.IN_EXPERT_REVIEW,
    S.REVIEWED,
    S.SHORTLISTED,
    S.NOT_SELECTED,
    S.IN_PUBLICITY,
    S.SELECTED,
}
FINANCE_STATES = {S.REVIEWED, S.SHORTLISTED, S.NOT_SELECTED, S.IN_PUBLICITY, S.SELECTED}

# application key -> who always sees it (its own staff, the delegated agency) and its city officer
OWNERS = {"ankang": {"applicant_county", "agency"}, "xian": {"applicant_xian"}, "park": {"applicant_park"}}
CITY = {"ankang": "city_ankang", "xian": "city_xian", "park": "city_xian"}


def expected_visible(persona: str, key: str, state: str) -> bool:
    if persona in OWNERS[key]:
        return True
    if persona == CITY[key]:
        return state in CITY_STATES
    if persona == "province":
        return state in PROVINCE_STATES
    if persona == "finance":
        return state in FINANCE_STATES
    return False  # drc, expert, outsider, other applicants, the other city


@pytest.fixture
def batch(db):
    return BatchFactory()


@pytest.fixture
def apps_in(batch, agency_org):
    """The three applications (石泉县 of 安康, 蓝田县 and 西安高新区 of 西安), all in one state."""

    def make(state: str) -> dict[str, Application]:
        ankang = ApplicationFactory(batch=batch, organisation=county("610922"), state=state)
        ankang.delegated_agencies.add(agency_org)
        return {
            "ankang": ankang,
            "xian": ApplicationFactory(batch=batch, organisation=county("610122"), state=state),
            "park": ApplicationFactory(
                batch=batch, organisation=park("西安高新技术产业开发区管委会"), state=state
            ),
        }

    return make


@pytest.mark.parametrize("state", ALL_STATES)
def test_permission_and_selector_agree_with_the_rule_for_every_role(state, personas, apps_in):
    apps = apps_in(state)
    wrong = []
    for name, user in personas.items():
        visible = set(applications_visible_to(user).values_list("pk", flat=True))
        for key, application in apps.items():
            expected = expected_visible(name, key, state)
            if permissions.can_view_application(user, application) != expected:
                wrong.append(("permission", name, key))
            if (application.pk in visible) != expected:
                wrong.append(("selector", name, key))
    assert wrong == []


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.FORWARDED, S.REVIEWED])
def test_detail_page_answers_404_outside_scope(state, personas, apps_in, client_for):
    apps = apps_in(state)
    wrong = []
    for name, user in personas.items():
        client = client_for(user)
        for key, application in apps.items():
            response = client.get(reverse("applications:detail", args=[application.pk]))
            if expected_visible(name, key, state):
                if response.status_code != 200 or application.organisation.name not in response.text:
                    wrong.append((name, key, response.status_code))
            elif response.status_code != 404 or application.organisation.name in response.text:
                wrong.append((name, key, response.status_code))
    assert wrong == []


def test_city_officer_of_ankang_gets_404_for_a_xian_application(apps_in, city_ankang, client_for):
    xian = apps_in(S.SUBMITTED)["xian"]
    assert client_for(city_ankang).get(reverse("applications:detail", args=[xian.pk])).status_code == 404


def test_drafts_are_invisible_to_city_and_province(apps_in, city_ankang, province, finance):
    draft = apps_in(S.DRAFT)["ankang"]
    for user in (city_ankang, province, finance):
        assert not permissions.can_view_application(user, draft)
        assert not applications_visible_to(user).filter(pk=draft.pk).exists()


def test_expert_sees_no_applications_even_those_under_expert_review(apps_in, expert, client_for):
    from ..factories import ReviewAssignmentFactory

    application = apps_in(S.IN_EXPERT_REVIEW)["ankang"]
    ReviewAssignmentFactory(expert=expert, application=application, round__batch=application.batch)
    assert not applications_visible_to(expert).exists()
    response = client_for(expert).get(reverse("applications:list"))
    assert application.organisation.name not in response.text
    assert client_for(expert).get(reverse("applications:detail", args=[application.pk])).status_code == 404


def test_list_page_shows_only_the_users_scope(apps_in, city_ankang, applicant_xian, client_for):
    apps = apps_in(S.SUBMITTED)
    page = client_for(city_ankang).get(reverse("applications:list")).text
    assert "石泉县人民政府" in page
    assert "蓝田县人民政府" not in page and "西安高新技术产业开发区管委会" not in page
    page = client_for(applicant_xian).get(reverse("applications:list")).text
    assert "蓝田县人民政府" in page and "石泉县人民政府" not in page
    assert apps  # the objects exist; they are just out of scope


# Actions out of scope: 404, and nothing changes --------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "key", "state", "url_name", "kwargs", "data"),
    [
        (
            "city_ankang",
            "xian",
            S.SUBMITTED,
            "applications:action",
            {"name": "return_for_revision"},
            {"reason": "x"},
        ),
        ("city_ankang", "xian", S.SUBMITTED, "applications:recommend", {}, {"opinion": "同意", "rank": 1}),
        ("city_xian", "ankang", S.RECOMMENDED, "applications:action", {"name": "forward"}, {}),
        ("applicant_xian", "ankang", S.DRAFT, "applications:action", {"name": "submit"}, {}),
        (
            "applicant_xian",
            "ankang",
            S.DRAFT,
            "applications:section",
            {"section": "eligibility"},
            {"pilot_level": "near_zero"},
        ),
        ("province", "ankang", S.SUBMITTED, "applications:action", {"name": "start_expert_review"}, {}),
        ("finance", "ankang", S.FORWARDED, "applications:action", {"name": "publicise"}, {}),
        ("expert", "ankang", S.IN_EXPERT_REVIEW, "applications:action", {"name": "finish_review"}, {}),
        ("drc", "ankang", S.REVIEWED, "applications:action", {"name": "publicise"}, {}),
        ("outsider", "ankang", S.SUBMITTED, "applications:action", {"name": "withdraw"}, {}),
    ],
)
def test_actions_out_of_scope_answer_404_and_change_nothing(
    persona, key, state, url_name, kwargs, data, request, apps_in, client_for
):
    user = request.getfixturevalue(persona)
    application = apps_in(state)[key]
    audit_before = AuditEntry.objects.count()
    response = client_for(user).post(reverse(url_name, kwargs={"pk": application.pk, **kwargs}), data)
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == state
    assert application.pilot_level == Application.PilotLevel.LOW_CARBON
    assert AuditEntry.objects.count() == audit_before


def test_action_in_scope_goes_through(apps_in, city_xian, client_for):
    xian = apps_in(S.SUBMITTED)["xian"]
    response = client_for(city_xian).post(
        reverse("applications:action", args=[xian.pk, "return_for_revision"]), {"reason": "数据不一致"}
    )
    assert response.status_code == 302
    xian.refresh_from_db()
    assert xian.state == S.RETURNED


def test_in_scope_but_not_permitted_is_refused_with_a_message(apps_in, applicant_county, client_for):
    """The applicant sees its submitted application but cannot recommend it: a message, no change."""
    ankang = apps_in(S.SUBMITTED)["ankang"]
    client = client_for(applicant_county)
    response = client.post(
        reverse("applications:recommend", args=[ankang.pk]), {"opinion": "好", "rank": 1}, follow=True
    )
    assert response.status_code == 200
    assert "您没有执行此操作的权限" in response.text
    ankang.refresh_from_db()
    assert ankang.state == S.SUBMITTED


# Attachments ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("applicant_county", True),
        ("agency", True),
        ("city_ankang", True),
        ("applicant_xian", False),
        ("applicant_park", False),
        ("city_xian", False),
        ("province", False),  # submitted, not yet forwarded
        ("finance", False),
        ("drc", False),
        ("expert", False),
        ("outsider", False),
    ],
)
def test_attachment_download_follows_the_application_scope(persona, allowed, request, apps_in, client_for):
    user = request.getfixturevalue(persona)
    ankang = apps_in(S.SUBMITTED)["ankang"]
    attachment = AttachmentFactory(application=ankang)
    response = client_for(user).get(
        reverse("applications:attachment_download", args=[ankang.pk, attachment.pk])
    )
    if allowed:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
    else:
        assert response.status_code == 404


def test_attachment_cannot_be_fetched_through_another_application(apps_in, applicant_xian, client_for):
    """The attachment id of 石泉县 under 蓝田县's own application URL: still 404."""
    apps = apps_in(S.DRAFT)
    attachment = AttachmentFactory(application=apps["ankang"])
    url = reverse("applications:attachment_download", args=[apps["xian"].pk, attachment.pk])
    assert client_for(applicant_xian).get(url).status_code == 404


# Batch management -----------------------------------------------------------------------------------
def test_only_the_province_manages_batches(personas, batch):
    for name, user in personas.items():
        assert permissions.can_manage_batches(user, batch) == (name == "province"), name


def test_batch_pages_answer_404_to_everyone_but_the_province(personas, client_for):
    batch = BatchFactory(name="2027年第三批测试批次", state=Batch.State.DRAFT)
    wrong = []
    for name, user in personas.items():
        client = client_for(user)
        for url in (
            reverse("applications:batch_list"),
            reverse("applications:batch_detail", args=[batch.pk]),
            reverse("applications:batch_create"),
        ):
            response = client.get(url)
            if name == "province":
                if response.status_code != 200:
                    wrong.append((name, url, response.status_code))
            elif response.status_code != 404 or batch.name in response.text:
                wrong.append((name, url, response.status_code))
    assert wrong == []
    assert batch.name in client_for(personas["province"]).get(reverse("applications:batch_list")).text


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "province"])
def test_batch_actions_answer_404_to_non_province(persona, request, client_for):
    batch = BatchFactory(state=Batch.State.OPEN)
    user = request.getfixturevalue(persona)
    response = client_for(user).post(
        reverse("applications:batch_action", args=[batch.pk, "close_applications"])
    )
    assert response.status_code == 404
    batch.refresh_from_db()
    assert batch.state == Batch.State.OPEN


def test_province_batch_action_goes_through(province, client_for):
    batch = BatchFactory(state=Batch.State.OPEN)
    client_for(province).post(reverse("applications:batch_action", args=[batch.pk, "close_applications"]))
    batch.refresh_from_db()
    assert batch.state == Batch.State.CITY_SCREENING


@pytest.mark.parametrize("persona", ["city_ankang", "province", "expert", "outsider", "agency"])
def test_only_applicants_may_open_the_create_page(persona, request, batch, client_for):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("applications:create") + f"?batch={batch.pk}").status_code == 404
