"""The joint decision as rows of its own: the ecology department proposes, the finance department
confirms (optional opinion) or returns the proposal (required opinion), the ecology department revises
and proposes again; nothing before the round's results exist. And the counters of the joint decision,
which the round hub, the proposal page and the finance page read from one selector."""

import re

import pytest
from django.urls import reverse

from applications.models import Application
from core.errors import ActionNotPermitted, DomainError
from core.models import Notification
from reviews import services
from reviews.models import ReviewRound, SelectionDecision
from reviews.selectors import decision_counts

from ..helpers import audit_for, refused
from .officer_setup import LANTIAN, R, in_review, make_round, scored_round

pytestmark = pytest.mark.django_db
S = Application.State
K = SelectionDecision.Kind


def fresh(application):
    return Application.objects.get(pk=application.pk)


def kinds(review_round):
    return list(SelectionDecision.objects.filter(round=review_round).values_list("kind", flat=True))


def test_finance_returns_with_an_opinion_ecology_revises_and_finance_confirms(province, finance, client_for):
    review_round, apps, _ = scored_round(tie_break=["median", "mean"])  # ranking X, Z, Y
    services.decision_propose(
        review_round=review_round, by=province, shortlist=[apps["X"].pk, apps["Z"].pk], reasons={}
    )
    proposal = SelectionDecision.objects.get(round=review_round)
    assert (proposal.kind, proposal.by) == (K.PROPOSE, province)
    assert [(i["name"], i["proposal"], i["rank"], i["departs"]) for i in proposal.items] == [
        (apps["X"].organisation.name, "shortlist", 1, False),
        (apps["Z"].organisation.name, "shortlist", 2, False),
        (apps["Y"].organisation.name, "decline", 3, False),
    ]

    # A return needs an opinion; a refused one changes nothing.
    with refused(review_round, match="须填写意见"):
        services.decision_return(review_round=review_round, by=finance, opinion="  ")
    finance_page = client_for(finance)
    opinion = "汉阴县专家评分极差过大，请复核后研究是否调整。"
    response = finance_page.post(
        reverse("reviews:decision_return", args=[review_round.pk]), {"opinion": opinion}, follow=True
    )
    assert "入选建议已退回省生态环境厅修改" in response.text
    returned = SelectionDecision.objects.get(round=review_round, kind=K.RETURN)
    assert (returned.by, returned.opinion, returned.proposal) == (finance, opinion, proposal)
    assert {fresh(a).decision_proposal for a in apps.values()} == {""}
    assert {fresh(a).state for a in apps.values()} == {S.REVIEWED}
    entry = audit_for(review_round).get(action="reviews.proposal.return")
    assert (entry.actor, entry.reason) == (finance, opinion)
    notice = Notification.objects.get(recipient=province, kind="decision_returned")
    assert notice.body == opinion and notice.url == reverse("reviews:decision", args=[review_round.pk])
    # Nothing is left to confirm until the ecology department proposes again.
    with pytest.raises(DomainError, match="没有可会签的内容"):
        services.decision_confirm(review_round=review_round, by=finance)

    # The ecology department sees the opinion and its last proposal, and revises it.
    office = client_for(province)
    page = office.get(reverse("reviews:decision", args=[review_round.pk])).text
    assert opinion in page and "提交入选建议" in page
    assert re.search(rf'value="{apps["Z"].pk}"\s+checked', page)  # the last proposal, pre-filled
    with pytest.raises(DomainError, match="须逐一说明理由"):
        services.decision_propose(
            review_round=review_round, by=province, shortlist=[apps["X"].pk, apps["Y"].pk], reasons={}
        )
    office.post(
        reverse("reviews:decision_propose", args=[review_round.pk]),
        {
            "shortlist": [apps["X"].pk, apps["Y"].pk],
            f"reason_{apps['Y'].pk}": "专家评分一致，示范带动作用强。",
            f"reason_{apps['Z'].pk}": "复核后专家评分分歧过大，暂不入选。",
            "note": "已按省财政厅意见复核汉阴县评分。",
        },
    )
    revised = SelectionDecision.objects.filter(round=review_round, kind=K.PROPOSE).last()
    assert revised.pk != proposal.pk and revised.opinion == "已按省财政厅意见复核汉阴县评分。"
    assert {i["name"]: i["departs"] for i in revised.items} == {
        apps["X"].organisation.name: False,
        apps["Z"].organisation.name: True,
        apps["Y"].organisation.name: True,
    }
    assert (fresh(apps["Y"]).decision_proposal, fresh(apps["Z"]).decision_proposal) == (
        "shortlist",
        "decline",
    )

    # Finance sees the ranking, the scores, the new reasons and the whole history, then confirms.
    page = finance_page.get(reverse("reviews:confirmations", args=[review_round.pk])).text
    assert "专家评分一致，示范带动作用强。" in page and "复核后专家评分分歧过大，暂不入选。" in page
    assert opinion in page and "已按省财政厅意见复核汉阴县评分。" in page  # the history stays visible
    assert "78.00" in page  # X's trimmed mean
    assert 'data-confirm="确认会签省生态环境厅的入选建议（共 3 项，其中拟入选 2 项）' in page
    finance_page.post(reverse("reviews:decision_confirm", args=[review_round.pk]), {"opinion": "同意。"})
    assert kinds(review_round) == [K.PROPOSE, K.RETURN, K.PROPOSE, K.CONFIRM]
    confirmed = SelectionDecision.objects.get(round=review_round, kind=K.CONFIRM)
    assert (confirmed.by, confirmed.opinion, confirmed.proposal) == (finance, "同意。", revised)
    assert {k: fresh(a).state for k, a in apps.items()} == {
        "X": S.SHORTLISTED,
        "Y": S.SHORTLISTED,
        "Z": S.NOT_SELECTED,
    }
    assert audit_for(review_round).get(action="reviews.proposal.confirm").reason == "同意。"
    assert Notification.objects.filter(recipient=province, kind="decision_confirmed").count() == 1


def test_finance_cannot_act_before_the_round_has_results(finance, client_for):
    review_round, apps, _ = scored_round(state=R.SCORING)
    for service, opinion in ((services.decision_confirm, ""), (services.decision_return, "不同意。")):
        with refused(review_round, match="评审结果尚未产生"):
            service(review_round=review_round, by=finance, opinion=opinion)
    page = client_for(finance).get(reverse("reviews:confirmations", args=[review_round.pk])).text
    assert "评审结果尚未产生" in page
    assert "decision_confirm" not in page and "确认会签" not in page and "退回修改</button>" not in page
    assert "3/3" in page  # the scoring progress instead of "—" scores
    assert not SelectionDecision.objects.exists()


def test_finance_cannot_act_on_a_round_without_a_proposal(finance):
    review_round, apps, _ = scored_round()
    with refused(review_round, match="尚未提出入选建议"):
        services.decision_confirm(review_round=review_round, by=finance, opinion="")
    assert fresh(apps["X"]).state == S.IN_EXPERT_REVIEW


def test_only_the_finance_department_answers_a_proposal(province, drc):
    review_round, apps, _ = scored_round(tie_break=["median", "mean"])
    services.decision_propose(review_round=review_round, by=province, shortlist=[apps["X"].pk], reasons={})
    for user in (province, drc):
        with pytest.raises(ActionNotPermitted):
            services.decision_confirm(review_round=review_round, by=user)
        with pytest.raises(ActionNotPermitted):
            services.decision_return(review_round=review_round, by=user, opinion="不同意。")
    assert kinds(review_round) == [K.PROPOSE]


def test_a_pending_proposal_is_not_proposed_over(province):
    review_round, apps, _ = scored_round(tie_break=["median", "mean"])
    services.decision_propose(review_round=review_round, by=province, shortlist=[apps["X"].pk], reasons={})
    with pytest.raises(DomainError, match="正待省财政厅会签"):
        services.decision_propose(
            review_round=review_round, by=province, shortlist=[apps["X"].pk], reasons={}
        )
    assert kinds(review_round) == [K.PROPOSE]


def test_a_decided_rounds_proposal_page_is_read_only_with_its_columns_in_place(province, finance, client_for):
    review_round, apps, _ = scored_round(tie_break=["median", "mean"])
    services.decision_propose(review_round=review_round, by=province, shortlist=[apps["X"].pk], reasons={})
    services.decision_confirm(review_round=review_round, by=finance)
    services.round_transition(review_round=review_round, name="decide", by=province)
    page = client_for(province).get(reverse("reviews:decision", args=[review_round.pk])).text
    assert "提交入选建议" not in page and 'name="shortlist"' not in page
    assert "本轮已形成评审结论" in page
    table = page[page.index('data-testid="proposal-table"') :]
    table = table[: table.index("</table>")]
    headers = re.findall(r"<th>(.*?)</th>", table)
    assert headers == ["名次", "申报单位", "得分", "提示", "拟入选", "理由", "当前"]
    assert "colspan" not in table
    for key, proposal, state in (("X", "拟入选", "拟入选"), ("Y", "不予入选", "未入选")):
        row = table[table.index(f'data-testid="proposal-{apps[key].pk}"') :]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row[: row.index("</tr>")], re.S)
        assert len(cells) == len(headers)
        assert cells[4] == proposal and state in cells[6]
    assert "评审排名第3名" in table  # Y's recorded reason, in the 理由 column
    with pytest.raises(DomainError, match="已形成评审结论"):
        services.decision_propose(review_round=review_round, by=province, shortlist=[], reasons={})


def _counter_round():
    """A round whose applications stand at every step of the joint decision."""
    review_round = make_round(state=R.AGGREGATED)
    steps = [
        ("610922", S.IN_EXPERT_REVIEW, ""),
        ("610921", S.REVIEWED, ""),  # reviewed, not proposed yet: nothing for finance
        (LANTIAN, S.REVIEWED, "shortlist"),  # waiting for finance
        ("610204", S.SHORTLISTED, "shortlist"),
        ("610330", S.IN_PUBLICITY, "shortlist"),
        ("610430", S.NOT_SELECTED, "decline"),
        ("610528", S.NOT_SELECTED, "shortlist"),  # upheld objection after its confirmation
    ]
    for division, state, proposal in steps:
        application = in_review(review_round, division, state=state)
        Application.objects.filter(pk=application.pk).update(decision_proposal=proposal)
    return review_round


def test_the_hub_and_the_decision_pages_count_the_same_from_the_data(province, finance, client_for):
    review_round = _counter_round()
    counts = decision_counts(review_round)
    assert {k: counts[k] for k in ("items", "undecided", "awaiting_confirmation", "awaiting_shortlist")} == {
        "items": 7,
        "undecided": 2,
        "awaiting_confirmation": 1,
        "awaiting_shortlist": 1,
    }
    assert (counts["confirmed"], counts["confirmed_shortlist"], counts["confirmed_decline"]) == (4, 3, 1)
    text = "待会签 1 项，已会签 4 项（拟入选 3 项），尚未提出建议 2 项"
    hub = client_for(province).get(reverse("reviews:detail", args=[review_round.pk])).text
    assert text in hub  # the old hub said 待会签 2 项 (every reviewed one), 已确认拟入选 1 项
    for user, name in ((province, "reviews:decision"), (finance, "reviews:confirmations")):
        assert text in client_for(user).get(reverse(name, args=[review_round.pk])).text
    assert text in client_for(finance).get(reverse("reviews:detail", args=[review_round.pk])).text


def test_decision_counts_take_two_queries(django_assert_num_queries):
    review_round = _counter_round()
    review_round = ReviewRound.objects.get(pk=review_round.pk)
    with django_assert_num_queries(2):
        decision_counts(review_round)


def test_the_pages_read_the_reasons_from_the_decision_rows(province, finance, client_for):
    """A proposal row written without any audit entry: its reasons are what both pages show."""
    review_round, apps, _ = scored_round(tie_break=["median", "mean"])
    items = []
    for key, proposal in (("X", "shortlist"), ("Z", "decline"), ("Y", "decline")):
        Application.objects.filter(pk=apps[key].pk).update(state=S.REVIEWED, decision_proposal=proposal)
        items.append(
            {
                "application": apps[key].pk,
                "name": apps[key].organisation.name,
                "proposal": proposal,
                "reason": f"记录于决定行的理由{key}",
                "rank": None,
                "score": "",
                "departs": key == "Z",
            }
        )
    SelectionDecision.objects.create(round=review_round, kind=K.PROPOSE, by=province, items=items)
    page = client_for(finance).get(reverse("reviews:confirmations", args=[review_round.pk])).text
    assert all(f"记录于决定行的理由{key}" in page for key in "XYZ")
    assert page.count("偏离排名</span>") == 1
    assert (
        "记录于决定行的理由X"
        in client_for(province).get(reverse("reviews:decision", args=[review_round.pk])).text
    )


def test_no_application_is_proposed_or_confirmed_on_its_own(province, finance, city_xian, client_for):
    """The proposal and its confirmation are joint decisions on the whole round, recorded as rows: the
    application page offers no per-application 拟入选 / 会签 and the old action answers 404, changing
    nothing; it links to the round's decision page (ecology) or confirmation page (finance)."""
    review_round, apps, _ = scored_round(tie_break=["median", "mean"])
    services.decision_propose(review_round=review_round, by=province, shortlist=[apps["X"].pk], reasons={})
    x = fresh(apps["X"])
    finance_client = client_for(finance)
    page = finance_client.get(reverse("applications:detail", args=[x.pk])).text
    assert 'data-testid="joint-decision"' in page
    assert f'action="{reverse("applications:action", args=[x.pk, "shortlist"])}"' not in page
    response = finance_client.post(reverse("applications:action", args=[x.pk, "shortlist"]))
    assert response.status_code == 404
    assert fresh(x).state == S.REVIEWED and kinds(review_round) == [K.PROPOSE]

    target = reverse("reviews:batch_decision", args=[x.batch_id])
    assert finance_client.get(target)["Location"] == reverse("reviews:confirmations", args=[review_round.pk])
    office = client_for(province).get(target)
    assert office["Location"] == reverse("reviews:decision", args=[review_round.pk])
    assert client_for(city_xian).get(target).status_code == 404
