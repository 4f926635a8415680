"""A dispatch answered by Excel: the pilot downloads its template, fills it with openpyxl and uploads it;
every refusal names the row and column, and nothing is half-imported."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dispatches.models import Answer, DispatchResponse

from ..factories import PDF_BYTES
from .conftest import make_dispatch, questions_of, response_of

pytestmark = pytest.mark.django_db

# Rows of the template: title, scope, header, then Q1, Q2, Q3; the value column is H.
Q1, Q2, Q3 = "H4", "H5", "H6"


def download(client, response) -> openpyxl.Workbook:
    result = client.get(reverse("dispatches:response_template", args=[response.pk]))
    assert result.status_code == 200
    assert result["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(result.content))


def upload(client, response, book: openpyxl.Workbook | bytes):
    if isinstance(book, openpyxl.Workbook):
        buffer = io.BytesIO()
        book.save(buffer)
        book = buffer.getvalue()
    file = SimpleUploadedFile("调度.xlsx", book, content_type="application/octet-stream")
    return client.post(reverse("dispatches:response_upload", args=[response.pk]), {"file": file})


def filled(book, **cells):
    ws = book.worksheets[0]
    for ref, value in cells.items():
        ws[ref] = value
    return book


def test_template_names_the_pilot_and_the_questions(client_for, applicant_county, dispatch, pilots):
    response = response_of(dispatch, pilots["shiquan"])
    book = download(client_for(applicant_county), response)
    ws = book.worksheets[0]
    assert ws.title == dispatch.title
    assert "石泉县人民政府" in ws["A2"].value
    assert [ws[f"B{r}"].value for r in (4, 5, 6)] == ["Q1", "Q2", "Q3"]
    assert ws["H3"].value == "填报值"
    assert ws.protection.sheet is True
    assert ws[Q1].protection.locked is False and ws["C4"].protection.locked is True
    key = book["key"]
    assert key.sheet_state == "veryHidden"
    assert key["A3"].value == str(response.key)


def test_dispatch_answered_by_excel_upload(client_for, applicant_county, dispatch, pilots):
    client = client_for(applicant_county)
    response = response_of(dispatch, pilots["shiquan"])
    book = filled(download(client, response), H4=31.25, H5=1500, H6="屋顶光伏二期已开工")
    result = upload(client, response, book)
    assert result.status_code == 302
    q1, q2, q3 = questions_of(dispatch)
    stored = {a.question_id: a for a in Answer.objects.filter(response=response)}
    assert stored[q1.pk].number_value == Decimal("31.25")
    assert stored[q2.pk].number_value == Decimal("1500")
    assert stored[q3.pk].text_value == "屋顶光伏二期已开工"
    response.refresh_from_db()
    assert response.source == DispatchResponse.Source.EXCEL
    assert response.state == DispatchResponse.State.DRAFT  # uploaded, then submitted by the pilot
    result = client_for(applicant_county).post(
        reverse("dispatches:response_action", args=[response.pk, "submit"])
    )
    response.refresh_from_db()
    assert response.state == DispatchResponse.State.SUBMITTED and not response.late


def test_the_downloaded_template_carries_saved_answers(client_for, applicant_county, dispatch, pilots):
    client = client_for(applicant_county)
    response = response_of(dispatch, pilots["shiquan"])
    book = filled(download(client, response), H4=12.5)
    text = book.worksheets[0][Q3]
    text.value, text.data_type = "=不是公式", "s"  # typed as text (Excel's quote prefix), not a formula
    assert upload(client, response, book).status_code == 302
    ws = download(client, response).worksheets[0]
    assert ws[Q1].value == 12.5
    assert ws[Q3].value == "=不是公式" and ws[Q3].data_type == "s"


REFUSALS = [
    ("formula", {"H4": 10, "H5": "=SUM(1,2)"}, ["第5行第H列", "公式"]),
    ("text in a number cell", {"H4": 10, "H5": "约一千二百万"}, ["第5行第H列", "不是数值"]),
    ("out of range", {"H4": 10, "H5": 60000}, ["第5行第H列", "超出合理范围", "0–50000"]),
    ("percentage out of range", {"H4": 130, "H5": 10}, ["第4行第H列", "超出合理范围"]),
    ("unknown question", {"B6": "Q9", "H6": "x"}, ["第6行第B列", "Q9"]),
]


@pytest.mark.parametrize(("case", "cells", "expected"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_upload_refused_with_row_and_column_and_nothing_saved(
    case, cells, expected, client_for, applicant_county, dispatch, pilots
):
    client = client_for(applicant_county)
    response = response_of(dispatch, pilots["shiquan"])
    result = upload(client, response, filled(download(client, response), **cells))
    assert result.status_code == 400
    page = result.content.decode()
    for text in expected:
        assert text in page, (case, text)
    assert "未保存任何数据" in page
    # The valid cell of the same file (Q1 = 10 in most cases) was not saved either.
    assert not Answer.objects.filter(response=response).exists()
    response.refresh_from_db()
    assert response.saved_at is None


def test_template_of_another_pilot_is_refused(client_for, applicant_county, applicant_xian, dispatch, pilots):
    other = response_of(dispatch, pilots["lantian"])
    book = filled(download(client_for(applicant_xian), other), H4=10, H5=10, H6="蓝田")
    mine = response_of(dispatch, pilots["shiquan"])
    result = upload(client_for(applicant_county), mine, book)
    assert result.status_code == 400
    page = result.content.decode()
    assert "其他试点单位" in page and "第3行第A列" in page
    assert not Answer.objects.exists()


def test_template_of_another_dispatch_is_refused(client_for, applicant_county, province, dispatch, pilots):
    second = make_dispatch(province, title="2026年第四季度试点建设进展调度")
    book = filled(download(client_for(applicant_county), response_of(second, pilots["shiquan"])), H4=10)
    result = upload(client_for(applicant_county), response_of(dispatch, pilots["shiquan"]), book)
    assert result.status_code == 400
    assert "另一次调度" in result.content.decode() and "第2行第A列" in result.content.decode()
    assert not Answer.objects.exists()


def test_workbook_not_made_by_the_portal_is_refused(client_for, applicant_county, dispatch, pilots):
    book = openpyxl.Workbook()
    book.active["H4"] = 10
    result = upload(client_for(applicant_county), response_of(dispatch, pilots["shiquan"]), book)
    assert result.status_code == 400
    assert "缺少模板标识" in result.content.decode()


def test_changed_header_is_refused_with_its_cell(client_for, applicant_county, dispatch, pilots):
    client = client_for(applicant_county)
    response = response_of(dispatch, pilots["shiquan"])
    result = upload(client, response, filled(download(client, response), H3="数值"))
    assert result.status_code == 400
    assert "第3行第H列" in result.content.decode()


def test_a_pdf_renamed_xlsx_is_refused(client_for, applicant_county, dispatch, pilots):
    result = upload(client_for(applicant_county), response_of(dispatch, pilots["shiquan"]), PDF_BYTES)
    assert result.status_code == 400
    assert "Excel" in result.content.decode()
    assert not Answer.objects.exists()


def test_too_many_rows_are_refused(client_for, applicant_county, dispatch, pilots):
    client = client_for(applicant_county)
    response = response_of(dispatch, pilots["shiquan"])
    result = upload(client, response, filled(download(client, response), H4=1, A501="x"))
    assert result.status_code == 400
    assert "500行" in result.content.decode()


def test_a_file_over_the_size_limit_is_refused(client_for, applicant_county, dispatch, pilots, monkeypatch):
    from dispatches import excel

    monkeypatch.setattr(excel, "MAX_BYTES", 100)
    client = client_for(applicant_county)
    response = response_of(dispatch, pilots["shiquan"])
    result = upload(client, response, filled(download(client, response), H4=1))
    assert result.status_code == 400
    assert "文件过大" in result.content.decode()


def test_portal_form_uses_the_same_validator(client_for, applicant_county, dispatch, pilots):
    """The same value refused by the import is refused by the form, next to the field, with what was typed."""
    response = response_of(dispatch, pilots["shiquan"])
    q1, q2, q3 = questions_of(dispatch)
    result = client_for(applicant_county).post(
        reverse("dispatches:response", args=[response.pk]),
        {f"q{q1.pk}": "22", f"q{q2.pk}": "约一千二百万", f"q{q3.pk}": "问题"},
    )
    assert result.status_code == 200
    page = result.content.decode()
    assert "「约一千二百万」不是数值" in page
    assert 'value="约一千二百万"' in page
    assert not Answer.objects.exists()
