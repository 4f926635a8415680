"""The form's section pages: a calm read-only view once submitted, required marks, each section's
completeness in the navigation, and repeating rows added and removed in place (htmx, or a submit button
without JavaScript) with a hard cap on the number of rows."""

import re

import pytest
from django.urls import reverse

from applications import services
from applications.models import Contact

from ..factories import ApplicationFactory, complete_application, county

pytestmark = pytest.mark.django_db


def section(client, application, code):
    response = client.get(reverse("applications:section", args=[application.pk, code]), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def nav_item(body, code):
    match = re.search(rf'<li[^>]*data-section="{code}"[^>]*>(.*?)</li>\s*(?=<li|</ol>)', body, re.S)
    assert match, code
    return match.group(1)


def test_a_submitted_application_opens_read_only_without_an_error(applicant_county, client_for):
    application = complete_application(organisation=county("610922"))
    services.application_submit(application=application, by=applicant_county)
    client = client_for(applicant_county)

    body = section(client, application, "basic")
    assert "不能修改" not in body and 'class="error"' not in body
    assert 'data-testid="readonly-note"' in body and "内容已冻结" in body
    assert "以县域行政区划为边界。" in body  # the submitted content, as text
    assert 'name="boundary_description"' not in body and "保存" not in body.split("section-nav")[-1]

    contacts = section(client, application, "contacts")
    assert "王建国" in contacts and "李明" in contacts
    assert 'name="contacts-TOTAL_FORMS"' not in contacts and "增加一行" not in contacts
    detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "填写/修改" not in detail


def test_required_fields_are_marked_visibly_and_for_assistive_technology(applicant_county, client_for):
    draft = ApplicationFactory(organisation=county("610922"))
    body = section(client_for(applicant_county), draft, "basic")
    label = re.search(r'<label for="id_credit_code">(.*?)</label>', body, re.S).group(1)
    assert "统一社会信用代码" in label and 'class="req"' in label
    assert re.search(r'<input[^>]*name="credit_code"[^>]*aria-required="true"', body)
    optional = re.search(r'<label for="id_boundary_description">(.*?)</label>', body, re.S).group(1)
    assert 'class="req"' not in optional
    assert not re.search(r'<textarea[^>]*name="boundary_description"[^>]*aria-required', body)


def test_navigation_shows_each_section_s_completeness(applicant_county, client_for):
    draft = ApplicationFactory(organisation=county("610922"))
    client = client_for(applicant_county)
    body = section(client, draft, "basic")
    assert "缺 1 项" in nav_item(body, "contacts") and "须填写单位负责人和联系人" in nav_item(
        body, "contacts"
    )
    assert "缺 2 项" in nav_item(body, "basic")  # the boundary and the work foundation
    assert "须填写至少一个重点项目" in nav_item(body, "projects")
    assert "✓" in nav_item(body, "funding")  # optional, nothing missing
    carbon = nav_item(body, "carbon")
    assert "系统自动计算" in carbon and "缺" not in carbon and "✓" not in carbon

    complete = complete_application(organisation=county("610921"))
    from ..factories import member

    body = section(client_for(member("applicant", complete.organisation)), complete, "contacts")
    for code in ("basic", "eligibility", "contacts", "baseline", "targets", "projects", "attachments"):
        assert "✓" in nav_item(body, code) and "缺" not in nav_item(body, code), code


def test_the_carbon_section_offers_nothing_to_fill_in(applicant_county, client_for):
    draft = ApplicationFactory(organisation=county("610922"))
    client = client_for(applicant_county)
    detail = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    carbon = nav_item(detail, "carbon")
    assert "系统自动计算" in carbon and "填写/修改" not in carbon
    assert "填写/修改" in nav_item(detail, "contacts")
    body = section(client, draft, "carbon")
    assert '<form method="post"' not in body.split('class="edit-main"')[1]


def management(body, section):
    return int(re.search(rf'name="{section}-TOTAL_FORMS" value="(\d+)"', body).group(1))


def test_rows_start_with_one_blank_row_and_no_raw_formset_look(applicant_county, client_for):
    draft = ApplicationFactory(organisation=county("610922"))
    client = client_for(applicant_county)
    body = section(client, draft, "contacts")
    assert management(body, "contacts") == 1
    assert "---------" not in body and "保存后会再出现两行空白" not in body
    assert "请选择" in body

    Contact.objects.create(
        application=draft, role="leader", name="王建国", title="县长", mobile="13800000000"
    )
    Contact.objects.create(application=draft, role="contact", name="李明", title="科长", mobile="13900000000")
    body = section(client, draft, "contacts")
    assert management(body, "contacts") == 2  # no blank rows offered in advance
    assert "第 3 条" not in body


def test_add_row_partial_has_the_next_prefix_and_moves_the_counter(applicant_county, client_for):
    draft = ApplicationFactory(organisation=county("610922"))
    client = client_for(applicant_county)
    url = reverse("applications:section_row", args=[draft.pk, "contacts"])
    body = client.get(url, {"index": 2}, HTTP_HX_REQUEST="true").content.decode()
    assert 'name="contacts-2-name"' in body and 'name="contacts-2-DELETE"' in body
    assert "__prefix__" not in body
    assert re.search(r'name="contacts-TOTAL_FORMS" value="3"[^>]*hx-swap-oob="true"', body)
    assert re.search(r'id="add-row-contacts"[^>]*\?index=3', body, re.S)
    assert client.get(url, {"index": 10}).status_code == 204  # at the cap (10 contacts) nothing is added
    assert client.get(url, {"index": "x"}).status_code == 404


def test_add_row_without_javascript_keeps_what_was_typed(applicant_county, client_for):
    draft = ApplicationFactory(organisation=county("610922"))
    client = client_for(applicant_county)
    url = reverse("applications:section", args=[draft.pk, "contacts"])
    data = {
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-role": "leader",
        "contacts-0-name": "王建国",
        "contacts-0-title": "县长",
        "contacts-0-mobile": "13800000000",
        "add_row": "1",
    }
    body = client.post(url, data).content.decode()
    assert management(body, "contacts") == 2 and 'name="contacts-1-name"' in body
    assert 'value="王建国"' in body
    assert not Contact.objects.filter(application=draft).exists()  # adding a row saves nothing


def test_a_forged_form_count_is_capped(applicant_county, client_for):
    draft = ApplicationFactory(organisation=county("610922"))
    client = client_for(applicant_county)
    url = reverse("applications:section", args=[draft.pk, "contacts"])
    data = {"contacts-TOTAL_FORMS": "1000000", "contacts-INITIAL_FORMS": "0"}
    for i in range(11):
        data |= {
            f"contacts-{i}-role": "contact",
            f"contacts-{i}-name": f"联系人{i}",
            f"contacts-{i}-title": "科员",
        }
        data[f"contacts-{i}-mobile"] = "13900000000"
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and "最多只能填写10行" in body
    assert body.count('data-testid="row"') <= 10
    assert not Contact.objects.filter(application=draft).exists()


def test_removing_a_row_in_place_deletes_it_on_save(applicant_county, client_for):
    draft = ApplicationFactory(organisation=county("610922"))
    client = client_for(applicant_county)
    url = reverse("applications:section", args=[draft.pk, "contacts"])
    rows = [("leader", "王建国"), ("contact", "李明"), ("contact", "赵六")]
    data = {"contacts-TOTAL_FORMS": "3", "contacts-INITIAL_FORMS": "0", "contacts-2-DELETE": "on"}
    for i, (role, name) in enumerate(rows):
        data |= {f"contacts-{i}-role": role, f"contacts-{i}-name": name, f"contacts-{i}-title": "x"}
        data[f"contacts-{i}-mobile"] = "13900000000"
    client.post(url, data)
    assert sorted(Contact.objects.filter(application=draft).values_list("name", flat=True)) == [
        "李明",
        "王建国",
    ]


def test_target_rows_name_the_batch_s_years(applicant_county, client_for):
    from ..factories import BatchFactory

    batch = BatchFactory(name="2027年第三批", year=2027, base_year=2025, target_year=2029)
    draft = ApplicationFactory(batch=batch, organisation=county("610922"))
    body = section(client_for(applicant_county), draft, "targets")
    assert "2029年目标值" in body and "基准年（2025年）值" in body and "2025年目标" not in body
