"""Demo of follow-up and guidance (issue 12), through the services, on the first batch's pilots:

- yearly work plans of 石泉县 (安康): 2024 acknowledged by the city, 2025 returned with a reason; of 鄠邑区
  (西安): 2025 filed, awaiting the city;
- an expert guidance group (王志刚, 李慧: experts of 西安, no conflict with 安康's pilots) assigned to 石泉县
  and 平利县, with a visit recorded and 石泉县's response;
- city follow-up visits of 安康 to 石泉县: one open with a rectification deadline still ahead, one open and
  overdue (reminded 7 and 1 days before its deadline, escalated to the city after it), one closed after
  rectification.

Called once by seed_demo after the batches exist (the plans demo, when there is one, runs first: the
targets and milestones of a work plan come from a filed plan's ledger, and are empty without one).
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from followup import services
from followup.reminders import visit_deadline_reminders
from organisations.models import Organisation, Role
from organisations.roles import users_with_role
from pilots.models import Pilot
from reviews.models import Expert

SHIQUAN, PINGLI, HUYI = "610922", "610926", "610118"
FIRST_BATCH = "2023年第一批低碳近零碳试点"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _user(username):
    return get_user_model().objects.get(username=username)


def _pilot(division_code: str) -> Pilot:
    return Pilot.objects.select_related("organisation", "batch").get(
        batch__name__startswith=FIRST_BATCH,
        organisation__kind=Organisation.Kind.COUNTY,
        organisation__division_id=division_code,
    )


def _staff(pilot: Pilot):
    return users_with_role(Role.APPLICANT, organisation=pilot.organisation)[0]


def _city(pilot: Pilot):
    return users_with_role(Role.CITY_OFFICER, review_unit=pilot.organisation.review_unit)[0]


def _work_plan(pilot, by, year, tasks, summary):
    work_plan = services.work_plan_create(pilot=pilot, year=year, by=by)
    rows = [{"task": t, "responsible_unit": unit, "deadline": deadline} for t, unit, deadline in tasks]
    return services.work_plan_save(work_plan=work_plan, by=by, summary=summary, tasks=rows)


def _work_plans(stdout) -> None:
    shiquan, huyi = _pilot(SHIQUAN), _pilot(HUYI)
    staff, city = _staff(shiquan), _city(shiquan)
    acknowledged = _work_plan(
        shiquan,
        staff,
        2024,
        [
            ("编制2023年度县域温室气体排放清单", "县生态环境分局", datetime.date(2024, 6, 30)),
            ("城关镇屋顶分布式光伏一期20兆瓦并网", "县发展和改革局", datetime.date(2024, 10, 31)),
            ("新增公共充电桩120个", "县住房和城乡建设局", datetime.date(2024, 11, 30)),
        ],
        "围绕能源、产业、生活、生态四项任务，把建设方案的2024年目标分解到责任单位。",
    )
    services.work_plan_transition(work_plan=acknowledged, name="file", by=staff)
    services.work_plan_transition(work_plan=acknowledged, name="acknowledge", by=city)

    returned = _work_plan(
        shiquan,
        staff,
        2025,
        [
            ("光伏二期30兆瓦开工", "县发展和改革局", datetime.date(2025, 9, 30)),
            ("完成汉江沿岸2000亩人工造林", "县林业局", datetime.date(2025, 12, 31)),
        ],
        "2025年重点推进光伏二期和碳汇能力提升。",
    )
    services.work_plan_transition(work_plan=returned, name="file", by=staff)
    services.work_plan_transition(
        work_plan=returned,
        name="return_plan",
        by=city,
        reason="任务未覆盖“低碳生活”一项，且各项任务未落实到季度节点，请补充后重新报送。",
    )

    huyi_staff = _staff(huyi)
    filed = _work_plan(
        huyi,
        huyi_staff,
        2025,
        [
            ("完成区级碳排放统计核算制度", "区统计局", datetime.date(2025, 6, 30)),
            ("工业园区余热利用改造", "区工业和信息化局", datetime.date(2025, 11, 30)),
        ],
        "以产业园区节能降碳为主线推进年度任务。",
    )
    services.work_plan_transition(work_plan=filed, name="file", by=huyi_staff)
    stdout.write("  followup: yearly work plans (acknowledged, returned, filed awaiting the city)")


def _guidance(stdout) -> None:
    province = _user("province")
    wang, li = (
        Expert.objects.get(user__username="expert_wang"),
        Expert.objects.get(user__username="expert_li"),
    )
    group = services.group_create(name="2025年第一专家帮扶指导组", year=2025, experts=[wang, li], by=province)
    shiquan, pingli = _pilot(SHIQUAN), _pilot(PINGLI)
    services.group_assign_pilot(group=group, pilot=shiquan, by=province)
    services.group_assign_pilot(group=group, pilot=pingli, by=province)
    visit = services.guidance_visit_record(
        group=group,
        pilot=shiquan,
        by=wang.user,
        kind="visit",
        visit_date=datetime.date(2025, 5, 20),
        experts=[wang, li],
        advice="1. 分行业能源消费数据来源不一，建议以统计部门数据为准并说明口径；\n"
        "2. 光伏二期并网前应与电网公司确认消纳方案；\n3. 碳汇项目补充监测计划。",
    )
    services.guidance_visit_respond(
        visit=visit,
        by=_staff(shiquan),
        response="已与县统计局统一能源数据口径；已向国网石泉县供电公司报送接入申请；碳汇监测计划6月底前完成。",
    )
    services.guidance_visit_record(
        group=group,
        pilot=pingli,
        by=province,
        kind="consultation",
        visit_date=datetime.date(2025, 6, 12),
        experts=[li],
        advice="建议将茶产业加工环节电能替代列入年度重点项目。",
    )
    stdout.write("  followup: an expert guidance group with visits and a pilot's response")


def _visits(stdout) -> None:
    shiquan = _pilot(SHIQUAN)
    city, staff = _city(shiquan), _staff(shiquan)
    today = datetime.date.today()
    closed = services.visit_create(
        pilot=shiquan,
        by=city,
        visit_date=datetime.date(2025, 4, 10),
        people="陈静、市生态环境局应对气候变化科2人",
        findings="年度工作方案任务推进总体有序，温室气体清单已完成初稿。",
        problems="清单中交通领域活动水平数据缺少来源说明。",
        rectification_deadline=datetime.date(2025, 5, 31),
    )
    services.visit_attachment_add(
        visit=closed,
        by=city,
        uploaded=SimpleUploadedFile("督导记录表.pdf", PDF, content_type="application/pdf"),
        content_type="application/pdf",
        extension=".pdf",
        title="督导记录表（签字）",
    )
    services.visit_respond(visit=closed, by=staff, response="已补充交通运输局燃料消费台账作为数据来源。")
    services.visit_close(visit=closed, by=city, note="经核查，数据来源说明已补齐，予以销号。")

    overdue = services.visit_create(
        pilot=shiquan,
        by=city,
        visit_date=datetime.date(2025, 9, 18),
        people="陈静、县发展和改革局1人",
        findings="光伏二期已完成备案。",
        problems="二期开工晚于年度工作方案节点。",
        rectification_deadline=datetime.date(2025, 11, 30),
    )
    services.visit_create(
        pilot=shiquan,
        by=city,
        visit_date=today - datetime.timedelta(days=14),
        people="陈静、市生态环境局应对气候变化科1人",
        findings="年度自评报告编制已启动。",
        problems="新增充电桩运营数据未接入统计。",
        rectification_deadline=today + datetime.timedelta(days=45),
    )
    # The overdue visit was reminded 7 and 1 days before its deadline and escalated to the city the day
    # after (the daily beat's rule, run here for those days).
    deadline = overdue.rectification_deadline
    for day in (deadline - datetime.timedelta(days=7), deadline - datetime.timedelta(days=1)):
        visit_deadline_reminders(today=day)
    visit_deadline_reminders(today=deadline + datetime.timedelta(days=1))
    stdout.write("  followup: city visits (open, overdue and escalated to the city, closed)")


def seed(stdout) -> None:
    _work_plans(stdout)
    _guidance(stdout)
    _visits(stdout)
