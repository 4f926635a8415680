"""The expert import is bounded and runs as a task (issue 11): a 1 MB file of 200,000 rows ran for over
ten minutes, a valid 1,000-row import hashed a password per account and held the database. Now size and
rows are limited (stated on the page, checked before the workbook is parsed), every row is checked first
(nothing imported on any error), and the import runs as a task in short batches, its progress in a row."""

import io
import zipfile
from unittest import mock

import openpyxl
import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse

from core.models import Notification, User
from reviews import services
from reviews.forms import IMPORT_MAX_ROWS
from reviews.models import Expert, ExpertImportJob
from reviews.resources import EXPERT_COLUMNS, ExpertResource
from reviews.tasks import import_experts

from ..helpers import audit_for

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(count: int, start: int = 0) -> list[list]:
    return [
        [
            f"专家{i}",
            "西北大学",
            "",
            "",
            "教授",
            "能源统计",
            str(13800000000 + i),
            f"e{i}@nwu.edu.cn" if i % 2 else "",
        ]
        for i in range(start, start + count)
    ]


def workbook(table: list[list], name="专家名单.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(EXPERT_COLUMNS))
    for row in table:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def post(client, file):
    return client.post(reverse("reviews:expert_import"), {"file": file})


def nothing_imported(users_before: int) -> None:
    assert not Expert.objects.exists()
    assert not ExpertImportJob.objects.exists()
    assert User.objects.count() == users_before


def test_the_page_states_the_limits(province, client_for):
    page = client_for(province).get(reverse("reviews:expert_import")).content.decode()
    limits = page.split('data-testid="import-limits"')[1].split("</p>")[0]
    assert "2 MB" in limits and f"{IMPORT_MAX_ROWS} 行" in limits


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(province, client_for):
    users = User.objects.count()
    big = SimpleUploadedFile("专家名单.xlsx", b"PK" + b"\0" * (2 * 1024 * 1024), content_type=XLSX)
    with mock.patch.object(ExpertResource, "rows_from") as parse:
        response = post(client_for(province), big)
    assert response.status_code == 422
    assert "文件不得超过 2 MB" in response.content.decode()
    parse.assert_not_called()
    nothing_imported(users)


def test_a_small_file_that_unpacks_to_a_huge_one_is_refused_before_it_is_parsed(province, client_for):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"\0" * (41 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    with mock.patch.object(ExpertResource, "rows_from") as parse:
        response = post(client_for(province), SimpleUploadedFile("专家名单.xlsx", buffer.getvalue()))
    assert response.status_code == 422
    assert "解压后超过 40 MB" in response.content.decode()
    parse.assert_not_called()


def test_a_file_over_the_row_limit_is_refused_without_reading_it_all(province, client_for):
    users = User.objects.count()
    file = workbook(rows(IMPORT_MAX_ROWS + 500))
    with mock.patch("reviews.resources.ExpertRowForm") as row_form:
        response = post(client_for(province), file)
    page = response.content.decode()
    assert response.status_code == 422
    assert f"文件超过{IMPORT_MAX_ROWS}行的上限" in page
    row_form.assert_not_called()  # refused on the count, before a single row is checked
    nothing_imported(users)


def test_a_sheet_over_the_limit_is_refused_before_openpyxl_opens_it(province):
    """openpyxl scans a whole sheet that does not state its size (no <dimension>, as here) on opening it:
    3 s for 150,000 rows. The rows are counted in the unpacked XML first, stopping past the limit."""
    content = workbook(rows(IMPORT_MAX_ROWS * 3)).read()
    with mock.patch("reviews.resources.load_workbook") as load:
        found, errors = ExpertResource.rows_from(content)
    assert found == [] and f"文件超过{IMPORT_MAX_ROWS}行的上限" in errors[0]
    load.assert_not_called()


def test_a_file_at_the_limit_is_read(province):
    found, errors = ExpertResource.rows_from(workbook(rows(IMPORT_MAX_ROWS)).read())
    assert errors == [] and len(found) == IMPORT_MAX_ROWS


def test_invalid_rows_are_all_reported_by_row_and_column_and_nothing_is_imported(province, client_for):
    users = User.objects.count()
    table = rows(5)
    table[1][6] = "1380000"  # row 3: the mobile number
    table[3][0] = ""  # row 5: the name
    response = post(client_for(province), workbook(table))
    page = response.content.decode()
    assert response.status_code == 422
    assert "文件中有错误，未导入任何专家" in page
    assert "第3行（专家1）：手机：请填写11位手机号码。" in page
    assert "第5行（未填姓名）：姓名：" in page
    nothing_imported(users)


def test_a_valid_import_runs_as_a_task_in_batches_to_done(
    province, client_for, django_capture_on_commit_callbacks
):
    count = services.IMPORT_BATCH_SIZE * 2 + 7  # three batches
    client = client_for(province)
    wrapped = mock.patch.object(services, "expert_import_batch", wraps=services.expert_import_batch)
    with wrapped as batch, django_capture_on_commit_callbacks(execute=True):
        response = post(client, workbook(rows(count)))
    assert batch.call_count == 3
    job = ExpertImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reviews:expert_import_job", args=[job.pk]
    )
    assert (job.state, job.total, job.done, job.created, job.errors) == ("done", count, count, count, [])
    assert job.finished_at is not None and job.created_by == province
    assert Expert.objects.count() == count
    users = User.objects.filter(username__startswith="zj138")
    assert users.count() == count
    assert not any(u.has_usable_password() for u in users)  # no hash computed per row
    # One audit entry for the import as a whole (queued, then done with its counts); each expert's history
    # names the import.
    entries = audit_for(job)
    assert list(entries.values_list("action", flat=True)) == [
        "reviews.expertimportjob.queue",
        "reviews.expertimportjob.import",
    ]
    assert entries.last().data == {"rows": count, "created": count, "refused": 0}
    assert entries.last().actor == province
    assert audit_for(Expert.objects.get(phone="13800000001")).filter(action="reviews.expert.import").exists()
    # Progress page: done, no more polling.
    page = client.get(reverse("reviews:expert_import_job", args=[job.pk])).content.decode()
    assert f"已处理 {count} / {count} 行，新增专家 {count} 位" in page and "hx-trigger" not in page


def test_the_task_is_idempotent(province):
    found, errors = ExpertResource.rows_from(workbook(rows(60)).read())
    job = services.expert_import_queue(by=province, rows=found, file_name="a.xlsx")
    import_experts.apply(args=[job.pk])
    import_experts.apply(args=[job.pk])  # a second delivery
    assert Expert.objects.count() == 60
    assert ExpertImportJob.objects.get(pk=job.pk).created == 60


def test_the_progress_page_polls_while_the_job_runs(province, client_for):
    found, _ = ExpertResource.rows_from(workbook(rows(70)).read())
    job = services.expert_import_queue(by=province, rows=found, file_name="a.xlsx")  # task not run
    client = client_for(province)
    url = reverse("reviews:expert_import_job", args=[job.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page and "排队中" in page
    services.expert_import_batch(job.pk)  # the first batch
    size = services.IMPORT_BATCH_SIZE
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="import-progress"') and "<html" not in partial
    assert f"已处理 {size} / 70 行" in partial and "导入中" in partial and 'hx-trigger="every 2s"' in partial


def test_new_accounts_get_an_activation_link_instead_of_a_password(province, client_for):
    found, _ = ExpertResource.rows_from(workbook(rows(2)).read())
    job = services.expert_import_queue(by=province, rows=found)
    import_experts.apply(args=[job.pk])
    with_email = Expert.objects.get(phone="13800000001").user
    without = Expert.objects.get(phone="13800000000").user
    notice = Notification.objects.get(recipient=with_email, kind="expert_activation")
    assert not Notification.objects.filter(recipient=without, kind="expert_activation").exists()
    match = resolve(notice.url)
    assert match.url_name == "password_reset_confirm"
    assert default_token_generator.check_token(with_email, match.kwargs["token"])
    # The officer sends it again (after adding an address) from the expert's page.
    User.objects.filter(pk=without.pk).update(email="e0@nwu.edu.cn")
    expert = Expert.objects.get(phone="13800000000")
    client_for(province).post(reverse("reviews:expert_activation", args=[expert.pk]))
    assert Notification.objects.filter(recipient=without, kind="expert_activation").exists()
    assert audit_for(expert).filter(action="reviews.expert.activation_send").exists()


def test_only_officers_see_an_import(province, expert, client_for):
    found, _ = ExpertResource.rows_from(workbook(rows(1)).read())
    job = services.expert_import_queue(by=province, rows=found)
    assert client_for(expert).get(reverse("reviews:expert_import_job", args=[job.pk])).status_code == 404
