"""The pages per role: 404 outside the scope, what each list shows, exports, fixed query counts."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from followup import services
from followup.models import GuidanceGroup, GuidanceVisit, Visit, WorkPlan

from ..factories import PDF_BYTES, PilotFactory
from .conftest import THIS_YEAR, file_ledger, future, past

pytestmark = pytest.mark.django_db


def _visit(pilot, city, *, deadline, visit_date=None):
    return services.visit_create(
        pilot=pilot,
        by=city,
        visit_date=visit_date or past(40),
        people="督导组",
        findings="进度滞后",
        problems="节点未完成",
        rectification_deadline=deadline,
    )


def _work_plan(pilot, by):
    work_plan = services.work_plan_create(pilot=pilot, year=THIS_YEAR, by=by)
    return services.work_plan_save(
        work_plan=work_plan,
        by=by,
        summary="",
        tasks=[{"task": "编制清单", "responsible_unit": "分局", "deadline": future(30)}],
    )


def _group(province, pilot, *experts):
    group = services.group_create(name="第一帮扶指导组", year=THIS_YEAR, experts=experts, by=province)
    services.group_assign_pilot(group=group, pilot=pilot, by=province)
    return group


# Permissions ----------------------------------------------------------------------------------------
def test_another_citys_officer_gets_404_everywhere(
    pilot, applicant_county, city_ankang, city_xian, client_for
):
    work_plan = _work_plan(pilot, applicant_county)
    visit = _visit(pilot, city_ankang, deadline=future(10))
    client = client_for(city_xian)
    for url in (
        reverse("followup:work_plan_detail", args=[work_plan.pk]),
        reverse("followup:visit_detail", args=[visit.pk]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(reverse("followup:work_plan_action", args=[work_plan.pk, "acknowledge"]))
    assert response.status_code == 404
    assert (
        client.post(reverse("followup:visit_action", args=[visit.pk, "close"]), {"reason": "x"}).status_code
        == 404
    )
    assert client.get(reverse("followup:visit_list")).context["page"].paginator.count == 0
    assert client.get(reverse("followup:work_plan_list")).context["page"].paginator.count == 0


def test_agency_drafts_in_the_page_but_has_no_file_button(delegated, agency, client_for):
    client = client_for(agency)
    response = client.post(reverse("followup:work_plan_create"), {"pilot": delegated.pk, "year": THIS_YEAR})
    work_plan = WorkPlan.objects.get()
    assert response.url == reverse("followup:work_plan_edit", args=[work_plan.pk])
    data = {
        "summary": "思路",
        "tasks-TOTAL_FORMS": "2",
        "tasks-INITIAL_FORMS": "0",
        "tasks-0-task": "编制清单",
        "tasks-0-responsible_unit": "分局",
        "tasks-0-deadline": future(20).isoformat(),
        "tasks-1-task": "",
        "tasks-1-responsible_unit": "",
        "tasks-1-deadline": "",
    }
    client.post(reverse("followup:work_plan_edit", args=[work_plan.pk]), data)
    assert list(work_plan.tasks.values_list("task", flat=True)) == ["编制清单"]
    page = client.get(reverse("followup:work_plan_detail", args=[work_plan.pk])).content.decode()
    assert 'data-testid="action-file"' not in page
    client.post(reverse("followup:work_plan_action", args=[work_plan.pk, "file"]))
    work_plan.refresh_from_db()
    assert work_plan.state == WorkPlan.State.DRAFT


def test_a_task_row_with_an_error_rerenders_what_was_typed(pilot, applicant_county, client_for):
    work_plan = services.work_plan_create(pilot=pilot, year=THIS_YEAR, by=applicant_county)
    data = {
        "summary": "我的思路",
        "tasks-TOTAL_FORMS": "1",
        "tasks-INITIAL_FORMS": "0",
        "tasks-0-task": "完成光伏并网",
        "tasks-0-responsible_unit": "",
        "tasks-0-deadline": future(20).isoformat(),
    }
    response = client_for(applicant_county).post(
        reverse("followup:work_plan_edit", args=[work_plan.pk]), data
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "完成光伏并网" in page and "我的思路" in page and "该字段是必填项" in page
    assert not work_plan.tasks.exists()


def test_second_plan_for_a_year_refused_in_the_page(pilot, applicant_county, client_for):
    _work_plan(pilot, applicant_county)
    response = client_for(applicant_county).post(
        reverse("followup:work_plan_create"), {"pilot": pilot.pk, "year": THIS_YEAR}
    )
    assert response.status_code == 200
    assert "每个试点单位每年只能报送一份" in response.content.decode()
    assert WorkPlan.objects.count() == 1


def test_work_plan_page_shows_the_ledger_values_and_version(pilot, applicant_county, province, client_for):
    file_ledger(pilot, province, number=3)
    work_plan = _work_plan(pilot, applicant_county)
    page = (
        client_for(province).get(reverse("followup:work_plan_detail", args=[work_plan.pk])).content.decode()
    )
    assert "目标台账第3版" in page and "46.5" in page and "完成一期20兆瓦并网" in page
    assert 'data-testid="action-' not in page  # the province reads only


def test_visit_records_visible_to_pilot_and_city_with_overdue_shown(
    pilot, applicant_county, applicant_xian, city_ankang, province, client_for
):
    overdue = _visit(pilot, city_ankang, deadline=past(2))
    in_time = _visit(pilot, city_ankang, deadline=future(5))
    for user in (applicant_county, city_ankang, province):
        response = client_for(user).get(reverse("followup:visit_list"))
        rows = list(response.context["page"])
        assert {v.pk for v in rows} == {overdue.pk, in_time.pk}
        assert {v.pk: v.overdue for v in rows} == {overdue.pk: True, in_time.pk: False}
        assert response.content.decode().count('data-testid="overdue"') == 1
    detail = (
        client_for(applicant_county).get(reverse("followup:visit_detail", args=[overdue.pk])).content.decode()
    )
    assert "逾期未整改" in detail
    assert (
        client_for(applicant_xian).get(reverse("followup:visit_detail", args=[overdue.pk])).status_code == 404
    )
    filtered = client_for(province).get(reverse("followup:visit_list"), {"state": "overdue"})
    assert [v.pk for v in filtered.context["page"]] == [overdue.pk]


def test_visit_attachment_upload_checked_and_download_scoped(
    pilot, city_ankang, applicant_county, applicant_xian, client_for
):
    visit = _visit(pilot, city_ankang, deadline=future(5))
    client = client_for(city_ankang)
    fake = SimpleUploadedFile("照片.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    client.post(reverse("followup:visit_upload", args=[visit.pk]), {"file": fake})
    assert not visit.attachments.exists()
    real = SimpleUploadedFile("督导记录.pdf", PDF_BYTES, content_type="application/pdf")
    client.post(reverse("followup:visit_upload", args=[visit.pk]), {"file": real, "title": "签字记录"})
    attachment = visit.attachments.get()
    url = reverse("followup:visit_download", args=[visit.pk, attachment.pk])
    response = client_for(applicant_county).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Cache-Control"] == "private, no-store"
    assert client_for(applicant_xian).get(url).status_code == 404


def test_experts_see_only_their_groups_pilots(
    pilot, xian_pilot, province, expert_far, other_expert, applicant_county, city_ankang, client_for
):
    group = _group(province, pilot, expert_far)
    visit = services.guidance_visit_record(
        group=group,
        pilot=pilot,
        by=province,
        kind="visit",
        visit_date=past(2),
        experts=[expert_far],
        advice="意见",
    )
    member = client_for(expert_far.user)
    assert member.get(reverse("followup:group_detail", args=[group.pk])).status_code == 200
    assert member.get(reverse("followup:group_pilot", args=[group.pk, pilot.pk])).status_code == 200
    assert member.get(reverse("followup:group_pilot", args=[group.pk, xian_pilot.pk])).status_code == 404
    assert member.get(reverse("followup:guidance_visit_detail", args=[visit.pk])).status_code == 200
    assert (
        member.get(reverse("pilots:detail", args=[pilot.pk])).status_code == 404
    )  # nothing else of the pilot
    outsider = client_for(other_expert.user)
    for url in (
        reverse("followup:group_detail", args=[group.pk]),
        reverse("followup:group_pilot", args=[group.pk, pilot.pk]),
        reverse("followup:guidance_visit_detail", args=[visit.pk]),
    ):
        assert outsider.get(url).status_code == 404
    assert outsider.get(reverse("followup:group_list")).context["page"].paginator.count == 0
    # the pilot and its city see the record
    for user in (applicant_county, city_ankang):
        response = client_for(user).get(reverse("followup:guidance_visit_list"))
        assert [v.pk for v in response.context["page"]] == [visit.pk]


def test_conflicted_expert_refused_in_the_page_with_the_reason(
    pilot, province, expert_far, expert_same_city, client_for
):
    group = _group(province, pilot, expert_far)
    response = client_for(province).post(
        reverse("followup:group_add_expert", args=[group.pk]), {"expert": expert_same_city.pk}, follow=True
    )
    page = response.content.decode()
    assert "李安康" in page and "专家所在市（区）与申报单位相同" in page
    assert list(group.experts.all()) == [expert_far]


# Lists: fixed query counts, exports -----------------------------------------------------------------
def _pilots(n):
    from ..factories import county

    codes = ["610922", "610921", "610923", "610924"][:n]  # 安康 counties
    return [PilotFactory(organisation=county(code), batch__year=THIS_YEAR) for code in codes]


@pytest.mark.parametrize("n", [1, 4])
def test_list_pages_run_a_fixed_number_of_queries(
    n, province, city_ankang, expert_far, client_for, django_assert_num_queries
):
    from organisations.models import Role

    from ..factories import member

    pilots = _pilots(n)
    group = services.group_create(name="组", year=THIS_YEAR, experts=[expert_far], by=province)
    for p in pilots:
        staff = member(Role.APPLICANT, p.organisation, username=f"staff{p.pk}")
        _work_plan(p, staff)
        _visit(p, city_ankang, deadline=past(1))
        services.group_assign_pilot(group=group, pilot=p, by=province)
        services.guidance_visit_record(
            group=group,
            pilot=p,
            by=province,
            kind="visit",
            visit_date=past(1),
            experts=[expert_far],
            advice="意见",
        )
    client = client_for(province)
    # One more than on its own branch: the per-request check of the sign-in state (the password to change,
    # the second factor) that came with issue 11's authentication; the same whatever the number of rows.
    expected = {
        "followup:work_plan_list": 8,
        "followup:visit_list": 8,
        "followup:guidance_visit_list": 9,
        "followup:group_list": 9,
    }
    for name, count in expected.items():
        with django_assert_num_queries(count):
            response = client.get(reverse(name))
        assert response.context["page"].paginator.count == (1 if name == "followup:group_list" else n)


def test_exports_hold_the_rows_and_status_words(pilot, applicant_county, city_ankang, province, client_for):
    _work_plan(pilot, applicant_county)
    _visit(pilot, city_ankang, deadline=past(3))
    client = client_for(province)
    book = load_workbook(io.BytesIO(client.get(reverse("followup:visit_list"), {"export": "xlsx"}).content))
    sheet = book.active
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]
    assert len(rows) == 1 and rows[0][1] == "石泉县人民政府" and "逾期未整改" in rows[0]
    book = load_workbook(
        io.BytesIO(
            client.get(reverse("followup:work_plan_list"), {"export": "xlsx", "year": THIS_YEAR}).content
        )
    )
    rows = [[c.value for c in r] for r in book.active.iter_rows(min_row=4)]
    assert len(rows) == 1 and rows[0][3] == THIS_YEAR and rows[0][4] == 1 and "编制中" in rows[0]


def test_the_forms_of_each_role_do_what_they_say(
    pilot, applicant_county, city_ankang, province, expert_far, client_for
):
    city = client_for(city_ankang)
    assert city.get(reverse("followup:visit_create")).status_code == 200
    city.post(
        reverse("followup:visit_create"),
        {
            "pilot": pilot.pk,
            "visit_date": past(1).isoformat(),
            "people": "陈静",
            "findings": "进度正常",
            "problems": "台账不全",
            "rectification_deadline": future(20).isoformat(),
        },
    )
    visit = Visit.objects.get()
    assert (visit.people, visit.rectification_deadline) == ("陈静", future(20))
    # a problem without a deadline: the form comes back with what was typed and the reason
    response = city.post(
        reverse("followup:visit_create"),
        {
            "pilot": pilot.pk,
            "visit_date": past(1).isoformat(),
            "people": "陈静",
            "findings": "另一次",
            "problems": "有问题",
        },
    )
    assert "须规定整改时限" in response.content.decode() and "另一次" in response.content.decode()
    assert Visit.objects.count() == 1
    client_for(applicant_county).post(
        reverse("followup:visit_respond", args=[visit.pk]), {"response": "已补齐台账"}
    )
    city.post(reverse("followup:visit_action", args=[visit.pk, "close"]), {"reason": "核实"})
    visit.refresh_from_db()
    assert (visit.response, visit.state, visit.closing_note) == ("已补齐台账", "closed", "核实")

    prov = client_for(province)
    assert prov.get(reverse("followup:group_create")).status_code == 200
    prov.post(
        reverse("followup:group_create"), {"name": "帮扶一组", "year": THIS_YEAR, "experts": [expert_far.pk]}
    )
    group = GuidanceGroup.objects.get()
    prov.post(reverse("followup:group_assign_pilot", args=[group.pk]), {"pilot": pilot.pk})
    assert list(group.pilots.all()) == [pilot]
    expert = client_for(expert_far.user)
    assert expert.get(reverse("followup:guidance_visit_create", args=[group.pk])).status_code == 200
    expert.post(
        reverse("followup:guidance_visit_create", args=[group.pk]),
        {
            "pilot": pilot.pk,
            "kind": "visit",
            "visit_date": past(1).isoformat(),
            "experts": [expert_far.pk],
            "advice": "补充监测",
        },
    )
    guidance = GuidanceVisit.objects.get()
    assert (guidance.advice, guidance.recorded_by_id) == ("补充监测", expert_far.user_id)
    client_for(applicant_county).post(
        reverse("followup:guidance_visit_respond", args=[guidance.pk]), {"response": "已落实"}
    )
    guidance.refresh_from_db()
    assert guidance.response == "已落实"
    # the city may not create groups nor record guidance
    assert city.get(reverse("followup:group_create")).status_code == 404
    assert city.get(reverse("followup:guidance_visit_create", args=[group.pk])).status_code == 404


def test_todos_count_what_waits_for_each_role(pilot, applicant_county, city_ankang, city_xian, province):
    from followup.selectors import todos_for

    filed = _work_plan(pilot, applicant_county)
    services.work_plan_transition(work_plan=filed, name="file", by=applicant_county)
    _visit(pilot, city_ankang, deadline=past(1))  # overdue, not answered
    answered = _visit(pilot, city_ankang, deadline=future(9))
    services.visit_respond(visit=answered, by=applicant_county, response="已整改")
    assert todos_for(city_ankang) == {
        "work_plans_to_decide": 1,
        "work_plans_to_file": 0,
        "visits_to_rectify": 0,
        "visits_overdue": 1,
        "guidance_to_answer": 0,
    }
    assert todos_for(applicant_county)["visits_to_rectify"] == 1
    assert todos_for(applicant_county)["work_plans_to_file"] == 0
    services.work_plan_transition(work_plan=filed, name="return_plan", by=city_ankang, reason="细化")
    assert todos_for(applicant_county)["work_plans_to_file"] == 1
    assert set(todos_for(city_xian).values()) == {0}
    assert todos_for(province)["visits_overdue"] == 1


def test_saving_the_form_keeps_unchanged_tasks_and_drops_deleted_ones(pilot, applicant_county, client_for):
    work_plan = services.work_plan_create(pilot=pilot, year=THIS_YEAR, by=applicant_county)
    services.work_plan_save(
        work_plan=work_plan,
        by=applicant_county,
        summary="",
        tasks=[
            {"task": "任务甲", "responsible_unit": "甲局", "deadline": future(10)},
            {"task": "任务乙", "responsible_unit": "乙局", "deadline": future(20)},
        ],
    )
    client = client_for(applicant_county)
    page = client.get(reverse("followup:work_plan_edit", args=[work_plan.pk]))
    formset = page.context["formset"]
    data = {"summary": "思路", "tasks-TOTAL_FORMS": "3", "tasks-INITIAL_FORMS": "2"}
    for i, form in enumerate(formset.forms[:2]):
        for name in ("task", "responsible_unit"):
            data[f"tasks-{i}-{name}"] = form.initial[name]
        data[f"tasks-{i}-deadline"] = form.initial["deadline"].isoformat()
    data["tasks-1-DELETE"] = "on"
    data.update(
        {
            "tasks-2-task": "任务丙",
            "tasks-2-responsible_unit": "丙局",
            "tasks-2-deadline": future(30).isoformat(),
        }
    )
    client.post(reverse("followup:work_plan_edit", args=[work_plan.pk]), data)
    assert list(work_plan.tasks.values_list("task", flat=True)) == ["任务甲", "任务丙"]
