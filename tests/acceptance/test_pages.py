"""The pages per role: 404 outside the scope, the numbers shown against the data, the list's fixed query
count and its export."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from acceptance import services
from acceptance.models import AcceptanceRequest
from indicators.models import AcceptanceSystem
from pilots.models import Pilot

from ..factories import PilotFactory, county
from .conftest import COUNTY_TOTAL, fill

pytestmark = pytest.mark.django_db


def test_pilot_page_shows_live_scores_and_blockers(draft, applicant_county, client_for):
    client = client_for(applicant_county)
    page = client.get(reverse("acceptance:edit", args=[draft.pk])).content.decode()
    assert "以下指标缺少实际值" in page and "未上传第三方碳核查报告" in page
    fill(draft, applicant_county)
    page = client.get(reverse("acceptance:edit", args=[draft.pk])).content.decode()
    assert str(COUNTY_TOTAL) in page
    assert "45 ÷ 50" in page  # coal_share's calculation
    assert 'data-testid="blockers"' not in page


def test_a_refused_save_keeps_the_typed_input(draft, applicant_county, client_for):
    line = draft.lines.get(item__indicator__code="coal_share")
    response = client_for(applicant_county).post(
        reverse("acceptance:edit", args=[draft.pk]), {f"actual-{line.pk}": "五十", "summary": "概述草稿"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "请输入数字" in page and 'value="五十"' in page and "概述草稿" in page
    line.refresh_from_db()
    assert line.actual is None


def test_scope_per_role(
    draft, applicant_county, applicant_xian, city_ankang, city_xian, province, client_for
):
    detail = reverse("acceptance:detail", args=[draft.pk])
    assert client_for(applicant_xian).get(detail).status_code == 404
    assert client_for(city_ankang).get(detail).status_code == 404  # a draft is the pilot's own
    fill(draft, applicant_county)
    services.request_submit(request=draft, by=applicant_county)
    assert client_for(city_ankang).get(detail).status_code == 200
    assert client_for(city_xian).get(detail).status_code == 404
    assert client_for(province).get(detail).status_code == 404  # not yet forwarded
    assert client_for(applicant_county).get(reverse("acceptance:edit", args=[draft.pk])).status_code == 302
    # Another city cannot decide (404), the pilot's city can.
    assert client_for(city_xian).post(reverse("acceptance:forward", args=[draft.pk])).status_code == 404
    response = client_for(city_ankang).post(reverse("acceptance:return", args=[draft.pk]), {"reason": ""})
    assert response.status_code == 422 and "退回须说明理由" in response.content.decode()
    response = client_for(city_ankang).post(
        reverse("acceptance:forward", args=[draft.pk]), {"reason": "同意"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == AcceptanceRequest.State.FORWARDED
    page = client_for(province).get(reverse("acceptance:list")).content.decode()
    assert "石泉县" in page and str(COUNTY_TOTAL) in page


ANKANG_COUNTIES = ["610921", "610922", "610923", "610924", "610925", "610926", "610927", "610928"]


def _requests(codes, user):
    system = AcceptanceSystem.objects.filter(kind="county").first()
    for code in codes:
        pilot = PilotFactory(organisation=county(code), state=Pilot.State.ACCEPTANCE_REQUESTED)
        AcceptanceRequest.objects.create(
            pilot=pilot, system=system, state=AcceptanceRequest.State.SUBMITTED, created_by=user, total="81.5"
        )


def test_city_list_runs_a_fixed_number_of_queries_and_exports(city_ankang, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(city_ankang)
    counts = {}
    for n, codes in ((2, ANKANG_COUNTIES[:2]), (7, ANKANG_COUNTIES[2:7])):
        _requests(codes, city_ankang)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("acceptance:list")).content.decode()
        assert page.count('data-testid="request-row"') == n
        counts[n] = len(queries)
        response = client.get(reverse("acceptance:list") + "?export=xlsx")
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [row for row in sheet.iter_rows(values_only=True) if row and 81.5 in row]
        assert len(rows) == n
    assert counts[2] == counts[7], counts


def test_upload_claim_and_download_through_the_pages(draft, applicant_county, applicant_xian, client_for):
    from acceptance.models import Attachment, Claim

    from .conftest import pdf

    client = client_for(applicant_county)
    line = draft.lines.get(item__indicator__code="leading_body")
    response = client.post(
        reverse("acceptance:upload", args=[draft.pk]),
        {"kind": "evidence", "line": line.pk, "file": pdf("领导小组文件.pdf")},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(request=draft, line=line)
    assert attachment.original_name == "领导小组文件.pdf"
    # A file that is not a PDF/image/Office document is refused by its content.
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        reverse("acceptance:upload", args=[draft.pk]),
        {"kind": "verification", "file": SimpleUploadedFile("核查报告.pdf", b"not a pdf")},
    )
    assert not Attachment.objects.filter(request=draft, kind="verification").exists()
    download = reverse("acceptance:download", args=[draft.pk, attachment.pk])
    assert client.get(download).status_code == 200
    assert client_for(applicant_xian).get(download).status_code == 404
    # A bonus claim through the form, with the evaluation page showing the applied points.
    response = client.post(
        reverse("acceptance:edit", args=[draft.pk]),
        {
            "claim-experience_promoted": "3",
            "claimx-experience_promoted": "经验入选省级典型案例",
            "summary": "",
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get(request=draft)
    assert (claim.adjustment.code, claim.points) == ("experience_promoted", 3)
    page = client.get(reverse("acceptance:edit", args=[draft.pk])).content.decode()
    assert "以下加减分申报缺少佐证材料" in page and "试点经验被省级以上推广" in page


def test_submit_through_the_page(draft, applicant_county, client_for):
    client = client_for(applicant_county)
    response = client.post(reverse("acceptance:submit", args=[draft.pk]), follow=True)
    assert "验收申请不能提交" in response.content.decode()
    fill(draft, applicant_county)
    response = client.post(reverse("acceptance:submit", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == AcceptanceRequest.State.SUBMITTED
    page = client.get(reverse("acceptance:detail", args=[draft.pk])).content.decode()
    assert str(COUNTY_TOTAL) in page


def test_the_pilot_sees_the_city_return_reason_on_its_page(draft, applicant_county, city_ankang, client_for):
    fill(draft, applicant_county)
    services.request_submit(request=draft, by=applicant_county)
    services.request_return(request=draft, by=city_ankang, reason="重点项目实际投资缺少审计报告。")
    page = client_for(applicant_county).get(reverse("acceptance:edit", args=[draft.pk])).content.decode()
    assert "重点项目实际投资缺少审计报告。" in page


def test_every_field_of_the_self_evaluation_form_has_an_accessible_name(draft, applicant_county, client_for):
    """Found by the browser path (axe-core: critical `label`, `select-name`): each typed figure, note,
    project field, claim and the upload's kind is named for a screen reader, after its indicator."""
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self):
            super().__init__()
            self.unnamed, self.named, self.depth = [], {}, 0

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "label":
                self.depth += 1
            if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
                if attrs.get("aria-label"):
                    self.named[attrs["name"]] = attrs["aria-label"]
                elif not self.depth:
                    self.unnamed.append(attrs.get("name"))

        def handle_endtag(self, tag):
            if tag == "label":
                self.depth -= 1

    fields = Fields()
    page = client_for(applicant_county).get(reverse("acceptance:edit", args=[draft.pk])).text
    fields.feed(page[page.index("<main") : page.index("</main>")])  # the page's own, not the menu's
    assert fields.unnamed == []
    line = draft.lines.get(item__indicator__code="coal_share")
    assert fields.named[f"actual-{line.pk}"] == f"{line.item.indicator.name}的实际值"


def test_an_expert_with_a_task_on_the_pilot_reads_its_request_and_files(
    draft, applicant_county, city_ankang, province, client_for
):
    """Found by the browser path: the expert's task linked only the pilot page, and the request (evidence,
    verification report) answered 404 to the expert. Now its task links the forwarded request, which it
    may read with its files; an expert without a task on the pilot still gets 404."""
    import datetime

    from acceptance.models import Attachment
    from reviews import services as review_services
    from reviews.acceptance import round_use_acceptance_system
    from reviews.models import ReviewAssignment, ReviewRound

    from ..reviews.acceptance_setup import open_scoring
    from ..reviews.officer_setup import pool_expert

    fill(draft, applicant_county)
    services.request_submit(request=draft, by=applicant_county)
    services.request_forward(request=draft, by=city_ankang, reason="同意报省。")
    review_round = review_services.round_create(
        by=province,
        name="试点验收评审",
        purpose=ReviewRound.Purpose.ACCEPTANCE,
        batch=draft.pilot.batch,
        experts_per_item=1,
        max_per_expert=5,
        scoring_deadline=datetime.date.today() + datetime.timedelta(days=20),
        aggregation_method="mean",
    )
    review_services.round_add_pilots(review_round=review_round, pilots=[draft.pilot], by=province)
    round_use_acceptance_system(review_round=review_round, system=draft.system, by=province)
    scorer = pool_expert("李专家")
    open_scoring(review_round, province, [scorer])
    outsider = pool_expert("周专家")  # in the pool, no task on the pilot

    detail = reverse("acceptance:detail", args=[draft.pk])
    verification = Attachment.objects.get(request=draft, kind=Attachment.Kind.VERIFICATION)
    download = reverse("acceptance:download", args=[draft.pk, verification.pk])
    client = client_for(scorer)
    task = ReviewAssignment.objects.get(round=review_round, expert=scorer)
    assert (
        f'href="{detail}" data-testid="acceptance-request"'
        in client.get(reverse("reviews:my_assignment", args=[task.pk])).text
    )
    page = client.get(detail).text
    assert str(COUNTY_TOTAL) in page and 'data-testid="decide"' not in page
    assert client.get(download).status_code == 200
    for path in (detail, download):
        assert client_for(outsider).get(path).status_code == 404
