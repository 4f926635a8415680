"""The pages: the province's proposal form (typed input kept on refusal, 422), the DRC's confirmation page,
the publicity page, the public page (no login) and the pilot's result; every other role 404."""

import pytest
from django.test import Client
from django.urls import reverse

from naming.models import AcceptanceDecision, NamingPublicity
from reviews.models import Objection

from .conftest import REASONS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name, allowed",
    [
        ("naming:decision", {"province"}),
        ("naming:confirmations", {"province", "drc"}),
        ("naming:publicity", {"province"}),
    ],
)
def test_officer_pages_answer_404_to_everyone_else(name, allowed, request, review_round, client_for):
    for who in ("province", "drc", "finance", "city_ankang", "applicant_county", "expert"):
        response = client_for(request.getfixturevalue(who)).get(reverse(name, args=[review_round.pk]))
        assert response.status_code == (200 if who in allowed else 404), (who, response.status_code)


def test_propose_form_keeps_the_typed_input_when_refused(
    review_round, province, client_for, pilot, other_pilot
):
    client = client_for(province)
    page = client.get(reverse("naming:decision", args=[review_round.pk]))
    assert f"grade_{pilot.pk}" in page.content.decode() and "蓝田县人民政府" in page.content.decode()
    data = {
        f"grade_{pilot.pk}": "excellent",
        f"reason_{pilot.pk}": "综合得分92.5分，各项指标全部完成。",
        f"grade_{other_pilot.pk}": "fail",
    }
    response = client.post(reverse("naming:propose", args=[review_round.pk]), data)
    assert response.status_code == 422
    assert "综合得分92.5分，各项指标全部完成。" in response.content.decode()
    assert not AcceptanceDecision.objects.exists()
    data[f"reason_{other_pilot.pk}"] = REASONS["fail"]
    response = client.post(reverse("naming:propose", args=[review_round.pk]), data)
    assert response.status_code == 302
    decision = AcceptanceDecision.objects.get()
    assert {i["pilot"]: i["grade"] for i in decision.items} == {pilot.pk: "excellent", other_pilot.pk: "fail"}


def test_drc_sees_the_proposal_and_confirms_it(proposed, review_round, drc, client_for, pilot):
    client = client_for(drc)
    text = client.get(reverse("naming:confirmations", args=[review_round.pk])).content.decode()
    assert "石泉县人民政府" in text and "优秀" in text and REASONS["excellent"] in text
    assert reverse("naming:confirm", args=[review_round.pk]) in text
    client.post(reverse("naming:confirm", args=[review_round.pk]), {"opinion": "同意。"})
    assert AcceptanceDecision.objects.last().kind == AcceptanceDecision.Kind.CONFIRM


def test_province_may_return_but_not_confirm_from_the_page(proposed, review_round, province, client_for):
    client = client_for(province)
    text = client.get(reverse("naming:confirmations", args=[review_round.pk])).content.decode()
    assert reverse("naming:return", args=[review_round.pk]) in text
    assert reverse("naming:confirm", args=[review_round.pk]) not in text
    assert client.post(reverse("naming:confirm", args=[review_round.pk])).status_code == 404
    client.post(reverse("naming:return", args=[review_round.pk]), {"opinion": "理由需补充测算过程。"})
    assert AcceptanceDecision.objects.last().kind == AcceptanceDecision.Kind.RETURN


def test_publicity_forms_from_the_page(confirmed, review_round, province, client_for, pilot):
    client = client_for(province)
    response = client.post(
        reverse("naming:publicity_open", args=[review_round.pk]),
        {"start": "2026-09-01", "working_days": "5", "contact": ""},
    )
    assert response.status_code == 422 and not NamingPublicity.objects.exists()
    client.post(
        reverse("naming:publicity_open", args=[review_round.pk]),
        {"start": "2026-09-01", "working_days": "5", "contact": "应对气候变化处 029-87654321"},
    )
    assert NamingPublicity.objects.get().end.isoformat() == "2026-09-07"
    client.post(
        reverse("naming:objection_record", args=[review_round.pk]),
        {
            "pilot": pilot.pk,
            "received_on": "2026-09-03",
            "objector": "李某",
            "contact": "13900000000",
            "content": "数据存疑。",
        },
    )
    objection = Objection.objects.get()
    assert "数据存疑。" in client.get(reverse("naming:publicity", args=[review_round.pk])).content.decode()
    response = client.post(
        reverse("naming:publicity_conclude", args=[review_round.pk]), {"document_no": "陕环发〔2026〕48号"}
    )
    assert response.status_code == 422 and "尚有公示异议未处理完毕" in response.content.decode()
    assert "陕环发〔2026〕48号" in response.content.decode()  # the typed number is kept
    client.post(
        reverse("naming:objection_handle", args=[review_round.pk, objection.pk]),
        {"upheld": "0", "handling": "经核实，数据一致。"},
    )
    assert Objection.objects.get().outcome == Objection.Outcome.DISMISSED


def test_public_page_lists_the_results_during_publicity_without_login(in_publicity, province):
    text = Client().get(reverse("naming:public")).content.decode()
    assert "石泉县人民政府" in text and "优秀" in text and "蓝田县人民政府" in text and "不通过" in text
    assert "应对气候变化处 029-87654321" in text


def test_public_page_is_empty_before_publicity(confirmed):
    text = Client().get(reverse("naming:public")).content.decode()
    assert "石泉县人民政府" not in text and "目前没有公示中的验收结果" in text


def test_result_page_of_another_pilot_is_404(review_round, client_for, applicant_xian, city_xian, pilot, drc):
    for user in (applicant_xian, city_xian, drc):
        assert client_for(user).get(reverse("naming:result", args=[pilot.pk])).status_code == 404


def test_dashboard_todos(proposed, review_round, drc, province, client_for):
    from dashboard.selectors import dashboard_for
    from naming import services

    keys = {t.key: t for t in dashboard_for(drc).tasks}
    assert keys["acceptance_to_confirm"].count == 1
    assert keys["acceptance_to_confirm"].url == reverse("naming:confirmations", args=[review_round.pk])
    services.decision_return(review_round=review_round, by=drc, opinion="请补充。")
    assert "acceptance_to_confirm" not in {t.key for t in dashboard_for(drc).tasks}
    assert {t.key: t.count for t in dashboard_for(province).tasks}["acceptance_returned"] == 1


def test_dashboard_publicity_to_close(in_publicity, province):
    from dashboard.selectors import dashboard_for

    task = {t.key: t for t in dashboard_for(province).tasks}["acceptance_publicity_to_close"]
    assert task.count == 1 and task.url == reverse("naming:publicity", args=[in_publicity.round_id])


def test_public_page_runs_a_fixed_number_of_queries(
    in_publicity, batch, province, drc, django_assert_num_queries
):
    from naming import services
    from reviews.models import ReviewRound

    from ..factories import PilotFactory, ReviewRoundFactory, county, item_of
    from .conftest import past, propose

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert Client().get(reverse("naming:public")).status_code == 200
        return len(captured)

    one = queries()
    second = ReviewRoundFactory(
        purpose=ReviewRound.Purpose.ACCEPTANCE, batch=batch, state=ReviewRound.State.AGGREGATED
    )
    pilots = [
        PilotFactory(batch=batch, organisation=county(code), state="in_acceptance_review")
        for code in ("610528", "611002", "610729")
    ]
    for p in pilots:
        item_of(second, p)
    propose(second, province, {p: "passed" for p in pilots})
    services.decision_confirm(review_round=second, by=drc)
    services.publicity_open(review_round=second, by=province, start=past(1), contact="029-87654321")
    text = Client().get(reverse("naming:public")).content.decode()
    assert "富平县人民政府" in text
    assert queries() == one


def test_admin_lists_are_read_only(in_publicity, admin_client):
    for model in ("acceptancedecision", "namingpublicity", "namingcertificate"):
        assert admin_client.get(reverse(f"admin:naming_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:naming_acceptancedecision_add")).status_code == 403


def test_round_list_shows_each_step_filters_exports_and_404s_others(
    proposed, review_round, batch, province, drc, client_for, finance, city_ankang
):
    import io

    from openpyxl import load_workbook

    from reviews.models import ReviewRound

    from ..factories import ReviewRoundFactory

    ReviewRoundFactory(name="第二组验收评审", purpose=ReviewRound.Purpose.ACCEPTANCE, batch=batch)
    client = client_for(drc)
    text = client.get(reverse("naming:list")).content.decode()
    assert "首批试点验收评审" in text and "待省发展改革委会签" in text and "第二组验收评审" in text
    assert "尚未提出建议" in text
    assert reverse("naming:confirmations", args=[review_round.pk]) in text
    filtered = client.get(reverse("naming:list"), {"step": "propose"}).content.decode()
    assert "首批试点验收评审" in filtered and "第二组验收评审" not in filtered
    export = client.get(reverse("naming:list"), {"step": "propose", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "首批试点验收评审" in values and "待省发展改革委会签" in values and "第二组验收评审" not in values
    assert (
        reverse("naming:decision", args=[review_round.pk])
        in client_for(province).get(reverse("naming:list")).content.decode()
    )
    for user in (finance, city_ankang):
        assert client_for(user).get(reverse("naming:list")).status_code == 404


def test_round_list_runs_a_fixed_number_of_queries(in_publicity, batch, province, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews.models import ReviewRound

    from ..factories import ReviewRoundFactory

    client = client_for(province)
    client.get(reverse("naming:list"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("naming:list")).status_code == 200
        return len(captured)

    one = queries()
    for n in range(3):
        ReviewRoundFactory(name=f"验收评审{n}", purpose=ReviewRound.Purpose.ACCEPTANCE, batch=batch)
    assert queries() == one


def test_home_page_links_the_acceptance_publicity(in_publicity):
    text = Client().get(reverse("dashboard:home")).content.decode()
    assert "首批试点验收评审验收结果公示" in text and reverse("naming:public") in text
