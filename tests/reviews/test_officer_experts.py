"""The expert pool: import from Excel (every row checked like the form; one bad row and nothing is
imported, with the row named in Chinese), accounts for every expert, manual editing, export."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import User
from organisations.models import Membership, Role
from reviews import services
from reviews.models import Expert
from reviews.resources import EXPERT_COLUMNS, ExpertResource

from .. import export_checks
from ..helpers import audit_for

pytestmark = pytest.mark.django_db

HEADERS = list(EXPERT_COLUMNS)
ZHANG = [
    "张建华",
    "西北大学",
    "西安市",
    "长安区",
    "教授",
    "碳排放核算；能源统计",
    "13812345678",
    "zhang@nwu.edu.cn",
]
LI = ["李秀英", "安康学院", "安康市", "石泉县", "高级工程师", "生态环境规划", 13912345678, ""]


def workbook(*rows, headers=HEADERS) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "专家名单.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def upload(client, file):
    return client.post(reverse("reviews:expert_import"), {"file": file}, follow=True)


def test_good_rows_create_experts_with_accounts(province, client_for, django_capture_on_commit_callbacks):
    client = client_for(province)
    with django_capture_on_commit_callbacks(execute=True):  # the import task runs after the commit
        response = client.post(reverse("reviews:expert_import"), {"file": workbook(ZHANG, LI)})
    assert "已处理 2 / 2 行，新增专家 2 位" in client.get(response["Location"]).text
    zhang = Expert.objects.get(phone="13812345678")
    assert (zhang.name, zhang.employer, zhang.review_unit.name, zhang.division.name) == (
        "张建华",
        "西北大学",
        "西安市",
        "长安区",
    )
    assert zhang.specialities == "碳排放核算；能源统计" and zhang.email == "zhang@nwu.edu.cn"
    li = Expert.objects.get(phone="13912345678")  # a number cell in Excel
    assert li.division_id == "610922" and li.review_unit_id == "610900"
    for expert in (zhang, li):
        assert expert.user.username == f"zj{expert.phone}" and expert.user.is_active
        assert expert.user.full_name == expert.name
        assert Membership.objects.filter(user=expert.user, role=Role.EXPERT).exists()
        assert not expert.user.has_usable_password()  # none yet: set through the activation link
    assert audit_for(zhang).filter(action="reviews.expert.import").exists()


def test_a_bad_row_imports_nothing_and_names_the_row(province, client_for):
    users = User.objects.count()
    bad = list(LI)
    bad[6] = "1391234"
    response = upload(client_for(province), workbook(ZHANG, bad))
    assert "文件中有错误，未导入任何专家" in response.text
    assert "第3行（李秀英）：手机：请填写11位手机号码。" in response.text
    assert not Expert.objects.exists()
    assert User.objects.count() == users


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({2: "咸宁市"}, "第2行（张建华）：所在市（区）：“咸宁市”不是陕西省的市（区）。"),
        ({3: "石泉县"}, "第2行（张建华）：所在县（市、区）：“石泉县”不是西安市的县（市、区）。"),
        ({0: ""}, "第2行（未填姓名）：姓名：该字段是必填项。"),
        ({7: "zhang-at-nwu"}, "第2行（张建华）：电子邮箱："),
    ],
)
def test_each_field_is_checked_like_the_form(province, change, message):
    row = list(ZHANG)
    for index, value in change.items():
        row[index] = value
    rows, errors = ExpertResource.rows_from(workbook(row).read())
    assert rows == []
    assert len(errors) == 1 and errors[0].startswith(message), errors


def test_duplicate_phones_are_reported_within_the_file_and_against_the_pool(province):
    services.expert_create(by=province, name="王伟", employer="长安大学", phone="13812345678")
    again = list(LI)
    again[6] = "13912345678"
    rows, errors = ExpertResource.rows_from(workbook(ZHANG, LI, again).read())
    assert errors == [
        "第2行（张建华）：手机号13812345678的专家已在专家库中。",
        "第4行（李秀英）：手机号13912345678与第3行重复。",
    ]


def test_a_file_without_the_columns_or_not_excel_is_refused(province, client_for):
    page = upload(client_for(province), workbook(["张建华"], headers=["名字"])).text
    assert "文件缺少必填列：姓名、工作单位、手机" in page
    page = upload(client_for(province), SimpleUploadedFile("名单.csv", b"a,b\n1,2\n")).text
    assert "请上传 .xlsx 格式的 Excel 文件" in page
    page = upload(client_for(province), SimpleUploadedFile("名单.xlsx", b"not a zip")).text
    assert "无法读取该文件" in page
    assert not Expert.objects.exists()


def test_a_row_entered_by_hand_meanwhile_is_reported_and_the_others_imported(province):
    """The rows were checked in the request; the task adds them later, batch by batch. A mobile number
    entered by hand in between is refused for that row alone and reported in the job."""
    from reviews.models import ExpertImportJob
    from reviews.tasks import import_experts

    rows, errors = ExpertResource.rows_from(workbook(ZHANG, LI).read())
    assert errors == []
    job = services.expert_import_queue(by=province, rows=rows, file_name="专家名单.xlsx")
    services.expert_create(by=province, name="抢先录入", employer="某单位", phone="13912345678")
    import_experts.apply(args=[job.pk])
    job = ExpertImportJob.objects.get(pk=job.pk)
    assert (job.state, job.total, job.done, job.created) == ("done", 2, 2, 1)
    assert job.errors == ["第3行：手机号13912345678的专家已在专家库中。"]
    assert sorted(Expert.objects.values_list("name", flat=True)) == ["张建华", "抢先录入"]


def test_the_template_and_the_export_share_the_columns(province, client_for):
    services.expert_create(by=province, name="王伟", employer="长安大学", phone="13812345678")
    client = client_for(province)
    for url in (reverse("reviews:expert_template"), reverse("reviews:experts") + "?export=xlsx"):
        table = next(iter(export_checks.read_response(client.get(url)).values()))
        assert table.header[1 : 1 + len(HEADERS)] == HEADERS
    assert table.rows[0]["姓名"] == "王伟" and table.rows[0]["手机"] == "13812345678"


def test_the_officer_adds_and_deactivates_an_expert(province, client_for):
    client = client_for(province)
    data = {
        "name": "赵敏",
        "employer": "陕西师范大学",
        "phone": "13700001111",
        "email": "",
        "title": "副教授",
    }
    client.post(reverse("reviews:expert_new"), data)
    expert = Expert.objects.get(name="赵敏")
    assert expert.user.is_active
    client.post(
        reverse("reviews:expert_edit", args=[expert.pk]), data | {"title": "教授"}
    )  # "active" unticked
    expert.refresh_from_db()
    assert expert.title == "教授" and not expert.active and not expert.user.is_active
    assert audit_for(expert).filter(action="reviews.expert.edit").exists()
    page = client.post(reverse("reviews:expert_new"), data | {"phone": "1370000"}).text
    assert "请填写11位手机号码" in page


def test_import_errors_are_in_english_when_the_page_is(province):
    """The row errors were f-strings in Chinese: an English page showed 第2行（张建华）：手机号… ."""
    from django.utils import translation

    services.expert_create(by=province, name="王伟", employer="长安大学", phone="13812345678")
    again = list(LI)
    again[6] = "13912345678"
    with translation.override("en"):
        _, errors = ExpertResource.rows_from(workbook(ZHANG, LI, again).read())
        _, missing = ExpertResource.rows_from(workbook(["张建华"], headers=["名字"]).read())
        _, unreadable = ExpertResource.rows_from(b"not a zip")
    assert errors == [
        "Row 2 (张建华): an expert with mobile number 13812345678 is already in the pool.",
        "Row 4 (李秀英): mobile number 13912345678 repeats row 3.",
    ]
    assert missing == [
        "The file lacks required columns: Name, Employer, Mobile phone (use the import template)."
    ]
    assert unreadable == ["The file cannot be read: fill in the import template (.xlsx) and upload it."]
