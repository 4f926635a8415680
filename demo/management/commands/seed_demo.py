"""Demo data for `make run`: real Shaanxi counties and parks, every stage with something in it.

Everything moves through the same services the portal uses, so each item carries a real audit trail.
The first batch's four confirmed members (商州区, 石泉县, 留坝县, 沣西新城) are real; the other pilots,
the later batches and all figures are illustrative.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from applications import services as app_services
from applications.models import Application, Attachment, Batch
from demo import acceptance as acceptance_demo
from demo import acceptance_review as acceptance_review_demo
from demo import awards as awards_demo
from demo import content as demo_content
from demo import dispatches as dispatches_demo
from demo import disqualification as disqualification_demo
from demo import followup as followup_demo
from demo import naming as naming_demo
from demo import plans as plans_demo
from demo import reports as demo_reports
from demo import showcase as showcase_demo
from organisations.models import Membership, Organisation, Role
from pilots import services as pilot_services
from pilots.models import Pilot
from reviews import publicity as review_publicity
from reviews import services as review_services
from reviews.models import CriteriaSet, Expert, ReviewAssignment, ReviewRound

DEMO_PASSWORD = "Shaanxi-2026"

# username, full name, organisation name, role, title, e-mail
PERSONAS = [
    ("shiquan", "王建国", "石泉县人民政府", Role.APPLICANT, "发改局低碳办主任", "shiquan@example.cn"),
    ("fengxi", "李晓燕", "西咸新区沣西新城管委会", Role.APPLICANT, "生态环境局科长", "fengxi@example.cn"),
    ("lantian", "赵磊", "蓝田县人民政府", Role.APPLICANT, "生态环境分局副局长", "lantian@example.cn"),
    ("agency", "周敏", "陕西秦岭绿碳环境咨询有限公司", Role.AGENCY, "项目经理", "agency@example.cn"),
    ("city_xian", "刘洋", "西安市生态环境局", Role.CITY_OFFICER, "应对气候变化处", "city.xian@example.cn"),
    (
        "city_ankang",
        "陈静",
        "安康市生态环境局",
        Role.CITY_OFFICER,
        "应对气候变化科",
        "city.ankang@example.cn",
    ),
    ("province", "张伟", "陕西省生态环境厅", Role.PROVINCE_OFFICER, "应对气候变化处", "province@example.cn"),
    ("finance", "孙丽", "陕西省财政厅", Role.FINANCE_OFFICER, "资源环境处", "finance@example.cn"),
    ("drc", "马强", "陕西省发展和改革委员会", Role.DRC_OFFICER, "资源节约和环境保护处", "drc@example.cn"),
    ("expert_wang", "王志刚", "西安交通大学", Role.EXPERT, "教授", "wang@example.cn"),
    ("expert_li", "李慧", "长安大学", Role.EXPERT, "副教授", "li@example.cn"),
    ("expert_zhang", "张明", "陕西省环境科学研究院", Role.EXPERT, "高级工程师", "zhang@example.cn"),
    ("auditor", "黄蓉", "陕西省生态环境厅", Role.AUDITOR, "安全审计员", "auditor@example.cn"),
]

FIRST_BATCH_COUNTIES = [
    # division code, final pilot state
    ("611002", Pilot.State.IN_ACCEPTANCE_REVIEW),  # 商州区 (confirmed member; named by demo/naming.py)
    ("610922", Pilot.State.IMPLEMENTING),  # 石泉县 (confirmed member)
    ("610729", Pilot.State.ACCEPTANCE_FORWARDED),  # 留坝县 (confirmed member)
    ("610204", Pilot.State.IN_ACCEPTANCE_REVIEW),  # 王益区 (results on publicity: demo/naming.py)
    ("610330", Pilot.State.ACCEPTANCE_REQUESTED),
    ("610430", Pilot.State.PLAN_FILED),
    ("610528", Pilot.State.IN_ACCEPTANCE_REVIEW),
    ("610632", Pilot.State.PLAN_SUBMITTED),
    ("610881", Pilot.State.ACCEPTANCE_FAILED),
    ("610926", Pilot.State.IMPLEMENTING),
    ("611026", Pilot.State.PLAN_RETURNED),
    ("610581", Pilot.State.DISQUALIFIED),
    ("610118", Pilot.State.IMPLEMENTING),
]
FIRST_BATCH_PARKS = [
    ("西咸新区沣西新城管委会", Pilot.State.IN_ACCEPTANCE_REVIEW),  # confirmed member; named by demo/naming.py
    ("西安高新技术产业开发区管委会", Pilot.State.IN_ACCEPTANCE_REVIEW),
    ("宝鸡高新技术产业开发区管委会", Pilot.State.IN_ACCEPTANCE_REVIEW),  # results on publicity
    ("杨凌农业高新技术产业示范区管委会", Pilot.State.PLAN_DRAFTING),
    ("渭南高新技术产业开发区管委会", Pilot.State.ACCEPTANCE_REQUESTED),
    ("榆林高新技术产业开发区管委会", Pilot.State.SELECTED),
    ("汉中经济技术开发区管委会", Pilot.State.IMPLEMENTING),
    ("安康高新技术产业开发区管委会", Pilot.State.ACCEPTANCE_FORWARDED),
]
# Paths through the pilot machine to reach each state.
PILOT_PATH = [
    "start_plan",
    "submit_plan",
    "file_plan",
    "record_local_approval",
    "request_acceptance",
    "forward_acceptance",
    "start_acceptance_review",
    "accept",
]
PATH_TO = {
    Pilot.State.SELECTED: [],
    Pilot.State.PLAN_DRAFTING: PILOT_PATH[:1],
    Pilot.State.PLAN_SUBMITTED: PILOT_PATH[:2],
    Pilot.State.PLAN_RETURNED: PILOT_PATH[:2] + ["return_plan"],
    Pilot.State.PLAN_FILED: PILOT_PATH[:3],
    Pilot.State.IMPLEMENTING: PILOT_PATH[:4],
    Pilot.State.ACCEPTANCE_REQUESTED: PILOT_PATH[:5],
    Pilot.State.ACCEPTANCE_FORWARDED: PILOT_PATH[:6],
    Pilot.State.IN_ACCEPTANCE_REVIEW: PILOT_PATH[:7],
    Pilot.State.ACCEPTED: PILOT_PATH[:8],
    Pilot.State.ACCEPTANCE_FAILED: PILOT_PATH[:7] + ["fail_acceptance"],
    Pilot.State.DISQUALIFIED: PILOT_PATH[:4] + ["disqualify"],
}
REASONS = {
    "return_plan": "重点工程减排量测算依据不足，请补充测算过程后重新报送。",
    "fail_acceptance": "单位GDP二氧化碳排放降低率未达到方案约束性目标，验收不通过。",
    "disqualify": "建设期满未提出验收申请，经省生态环境厅研究，取消试点资格。",
    "return_for_revision": "基准年能源消费数据与统计公报不一致，请核实后重新提交。",
    "reject": "近3年发生较大突发环境事件，不符合申报条件。",
    "return_to_city": "缺少市级推荐意见盖章件，请补充后重新报送。",
    "withdraw": "拟待碳排放核算完成后下一批次再申报。",
}

# Second batch (provincial review) and third batch (open): organisation, final application state.
SECOND_BATCH = [
    ("610122", Application.State.FORWARDED),  # 蓝田县 is the persona of the third batch; see below
    ("610124", Application.State.IN_EXPERT_REVIEW),
    ("610923", Application.State.REVIEWED),
    ("610921", Application.State.REVIEWED),
    ("610117", Application.State.RETURNED_TO_CITY),
    ("610925", Application.State.NOT_RECOMMENDED),
    ("陕西航天经济技术开发区管委会", Application.State.IN_EXPERT_REVIEW),
    ("西安经济技术开发区管委会", Application.State.FORWARDED),
    ("咸阳高新技术产业开发区管委会", Application.State.REVIEWED),
]
COUNTY_CALL = ["610323", "610326", "610423", "610523"]  # 岐山县, 眉县, 泾阳县, 大荔县
NEAR_ZERO_COUNTY_CALL = ["610722", "610723", "610725"]  # 城固县, 洋县, 勉县
PARK_BATCH = [
    "宝鸡高新技术产业开发区管委会",
    "咸阳高新技术产业开发区管委会",
    "渭南高新技术产业开发区管委会",
    "西咸新区秦汉新城管委会",
]
POOL_EXPERTS = [
    ("刘建军", "延安大学", "610600", "13700000011", "能源经济、区域碳排放"),
    ("韩梅", "陕西理工大学", "610700", "13700000012", "生态环境、碳汇"),
    ("高峰", "榆林学院", "610800", "13700000013", "煤化工节能降碳"),
    ("周涛", "宝鸡文理学院", "610300", "13700000014", "建筑节能、绿色建筑"),
]
THIRD_BATCH = [
    ("610122", Application.State.DRAFT),  # 蓝田县: the applicant persona "lantian"
    ("610924", Application.State.SUBMITTED),
    ("610929", Application.State.RETURNED),
    ("610111", Application.State.SUBMITTED),
    ("610927", Application.State.RECOMMENDED),
    ("610115", Application.State.RECOMMENDED),
    ("610981", Application.State.WITHDRAWN),
    ("610902", Application.State.NOT_RECOMMENDED),
    ("陕西航空经济技术开发区管委会", Application.State.SUBMITTED),
]
APP_PATH = ["submit", "recommend", "forward", "start_expert_review", "finish_review"]
APP_PATH_TO = {
    Application.State.DRAFT: [],
    Application.State.SUBMITTED: APP_PATH[:1],
    Application.State.RETURNED: APP_PATH[:1] + ["return_for_revision"],
    Application.State.WITHDRAWN: APP_PATH[:1] + ["withdraw"],
    Application.State.NOT_RECOMMENDED: APP_PATH[:1] + ["reject"],
    Application.State.RECOMMENDED: APP_PATH[:2],
    Application.State.FORWARDED: APP_PATH[:3],
    Application.State.RETURNED_TO_CITY: APP_PATH[:3] + ["return_to_city"],
    Application.State.IN_EXPERT_REVIEW: APP_PATH[:4],
    Application.State.REVIEWED: APP_PATH[:5],
    Application.State.SHORTLISTED: APP_PATH[:5] + ["propose", "confirm"],
    Application.State.NOT_SELECTED: APP_PATH[:5] + ["propose_decline", "confirm"],
    Application.State.SELECTED: APP_PATH[:5] + ["propose", "confirm", "publicise", "select"],
}
COMMITMENT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class Command(BaseCommand):
    help = "Load realistic demo data (idempotent: does nothing if the demo batches exist)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **options):
        if Batch.objects.filter(name__startswith="2023年第一批").exists():
            self.stdout.write("Demo data already loaded.")
            self._print_accounts()
            return
        # Demo notices are stored in the inbox; their e-mails are not printed during seeding.
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        if not Organisation.objects.filter(kind=Organisation.Kind.COUNTY).exists():
            raise CommandError("Reference data missing: run `manage.py migrate` first.")
        with transaction.atomic():
            self.users = self._personas()
            self.staff: dict[int, object] = {}
            self._first_batch()
            self._experts()
            self._second_batch()
            self._park_batch()
            self._county_call()
            self._near_zero_county_call()
            self._third_batch()
            self._expert_import()
            plans_demo.seed(self.stdout)
            demo_reports.seed(self.stdout)
            dispatches_demo.seed(self.stdout)
            followup_demo.seed(self.stdout)
            disqualification_demo.seed(self.stdout)
            acceptance_demo.seed(self.stdout)
            acceptance_review_demo.seed(self.stdout)
            naming_demo.seed(self.stdout)
            acceptance_demo.seed_recommendation(self.stdout)
            awards_demo.seed(self.stdout)
            showcase_demo.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_accounts()

    # People -------------------------------------------------------------------------------------
    def _personas(self) -> dict:
        # Hashing is deliberately slow; every demo account shares one password, so hash it once.
        self.password_hash = make_password(DEMO_PASSWORD)
        users = {}
        for username, full_name, org_name, role, title, email in PERSONAS:
            kind = {Role.AGENCY: Organisation.Kind.AGENCY, Role.EXPERT: Organisation.Kind.EXPERT_HOME}.get(
                role
            )
            organisation = Organisation.objects.filter(name=org_name).first()
            if organisation is None:
                organisation = Organisation.objects.create(name=org_name, kind=kind)
            user = self._new_user(username, email=email, password=DEMO_PASSWORD, full_name=full_name)
            Membership.objects.create(user=user, organisation=organisation, role=role, title=title)
            users[username] = user
        admin = self._new_user(
            "admin", email="admin@example.cn", full_name="系统管理员", is_staff=True, is_superuser=True
        )
        users["admin"] = admin
        return users

    def _new_user(self, username, password=None, **fields):
        return get_user_model().objects.create(username=username, password=self.password_hash, **fields)

    def _staff_of(self, organisation: Organisation):
        """Every applicant organisation in the demo gets one account so its steps have an actor."""
        for username, *_rest in PERSONAS:
            user = self.users[username]
            if user.memberships.filter(organisation=organisation, role=Role.APPLICANT).exists():
                return user
        if organisation.pk not in self.staff:
            user = self._new_user(
                f"org{organisation.pk}",
                password=DEMO_PASSWORD,
                full_name=f"{organisation.short_name or organisation.name}联络员",
            )
            Membership.objects.create(
                user=user, organisation=organisation, role=Role.APPLICANT, title="联络员"
            )
            self.staff[organisation.pk] = user
        return self.staff[organisation.pk]

    def _city_officer(self, organisation: Organisation):
        unit = organisation.review_unit
        officer = next(
            (
                self.users[u]
                for u in ("city_xian", "city_ankang")
                if self.users[u].memberships.filter(organisation__review_unit=unit).exists()
            ),
            None,
        )
        if officer is None:
            username = f"city{unit.code}"
            officer = get_user_model().objects.filter(username=username).first()
            if officer is None:
                officer = self._new_user(username, password=DEMO_PASSWORD, full_name=f"{unit.name}审核员")
                Membership.objects.create(
                    user=officer,
                    organisation=Organisation.objects.get(name=unit.bureau_name),
                    role=Role.CITY_OFFICER,
                )
        return officer

    # Organisations ------------------------------------------------------------------------------
    @staticmethod
    def _organisation(key: str) -> Organisation:
        if key.isdigit():
            return Organisation.objects.get(kind=Organisation.Kind.COUNTY, division_id=key)
        return Organisation.objects.get(name=key)

    # Applications -------------------------------------------------------------------------------
    def _application(self, batch: Batch, organisation: Organisation, target: str, rank: int) -> Application:
        applicant = self._staff_of(organisation)
        application = app_services.application_create(batch=batch, organisation=organisation, by=applicant)
        if organisation.name == "蓝田县人民政府" or organisation.name == "石泉县人民政府":
            application.delegated_agencies.add(Organisation.objects.get(name="陕西秦岭绿碳环境咨询有限公司"))
        path = APP_PATH_TO[target]
        if path or organisation.name == "蓝田县人民政府":
            demo_content.fill(application, applicant)
        if path:
            app_services.attachment_add(
                application=application,
                by=applicant,
                kind=Attachment.Kind.COMMITMENT_LETTER,
                title="承诺书",
                uploaded=ContentFile(COMMITMENT_PDF, name="承诺书.pdf"),
                content_type="application/pdf",
                extension=".pdf",
            )
        city = self._city_officer(organisation)
        province, finance = self.users["province"], self.users["finance"]
        for step in path:
            application.refresh_from_db()
            if step == "submit":
                app_services.application_submit(application=application, by=applicant)
            elif step == "recommend":
                app_services.application_recommend(
                    application=application,
                    by=city,
                    rank=rank,
                    opinion=f"{organisation.short_name or organisation.name}低碳工作基础较好，申报材料齐全，同意推荐。",
                )
            elif step == "forward":
                app_services.application_forward(application=application, by=city)
            elif step == "start_expert_review":
                app_services.application_start_expert_review(application=application, by=province)
            elif step == "finish_review":
                app_services.application_finish_review(application=application, by=province)
            elif step in ("propose", "propose_decline"):
                proposal = (
                    Application.Proposal.SHORTLIST if step == "propose" else Application.Proposal.DECLINE
                )
                app_services.application_propose_decision(
                    application=application, by=province, proposal=proposal, reason="依据专家评审排序。"
                )
            elif step == "confirm":
                app_services.application_confirm_decision(application=application, by=finance)
            elif step == "publicise":
                app_services.application_publicise(application=application, by=province)
            elif step == "select":
                application = app_services.application_select(application=application, by=province)
                pilot_services.pilot_create_for_selected(application=application, by=province)
            elif step == "withdraw":
                app_services.application_withdraw(application=application, by=applicant, reason=REASONS[step])
            elif step == "return_for_revision":
                app_services.application_return(application=application, by=city, reason=REASONS[step])
            elif step == "reject":
                app_services.application_reject(application=application, by=city, reason=REASONS[step])
            elif step == "return_to_city":
                app_services.application_return_to_city(
                    application=application, by=province, reason=REASONS[step]
                )
        application.refresh_from_db()
        assert application.state == target, (organisation, application.state, target)
        return application

    def _batch(self, name: str, year: int, base_year: int = 2022, target_year: int = 2025) -> Batch:
        province = self.users["province"]
        today = datetime.date.today()
        # Opened with dates in the future so that submissions pass the deadline guard; the real
        # dates are set afterwards.
        batch = app_services.batch_create(
            by=province,
            name=name,
            year=year,
            base_year=base_year,
            target_year=target_year,
            application_start=today,
            application_deadline=today + datetime.timedelta(days=60),
            forwarding_deadline=today + datetime.timedelta(days=75),
        )
        return app_services.batch_transition(batch=batch, name="open", by=province)

    def _finish_batch(self, batch: Batch, steps: list[str], **dates) -> None:
        Batch.objects.filter(pk=batch.pk).update(
            **{k: v for k, v in dates.items() if k.startswith("publicity")}
        )
        for step in steps:
            app_services.batch_transition(batch=batch, name=step, by=self.users["province"])
        Batch.objects.filter(pk=batch.pk).update(**dates)
        demo_content.restate_opening_notice(batch)

    def _first_batch(self) -> None:
        batch = self._batch("2023年第一批低碳近零碳试点", 2023)
        Batch.objects.filter(pk=batch.pk).update(document_no="陕环发〔2023〕48号")
        entries = [(c, s) for c, s in FIRST_BATCH_COUNTIES] + [(p, s) for p, s in FIRST_BATCH_PARKS]
        # 2023 was reviewed at a meeting, on paper: its selection round stands revealed (aggregated) while
        # the applications pass through review, so that "评审完成" finds its review done (reviews.guards),
        # and is decided afterwards. Its items are created as each application enters review.
        selection = ReviewRound.objects.create(
            name="2023年第一批试点遴选评审（会议评审，评分表纸质存档）",
            purpose=ReviewRound.Purpose.SELECTION,
            batch=batch,
            state=ReviewRound.State.AGGREGATED,
            criteria_set=CriteriaSet.objects.get(name="低碳近零碳试点遴选评分标准", version=1),
            criteria_frozen_at=datetime.datetime(2023, 8, 28, tzinfo=datetime.UTC),
            scoring_deadline=datetime.date(2023, 8, 30),
            experts_per_item=5,
        )
        for rank, (key, _state) in enumerate(entries, start=1):
            self._application(batch, self._organisation(key), Application.State.SELECTED, rank % 5 + 1)
        for key in ("610822", "610622"):  # 府谷县, 延川县: reviewed and not selected
            self._application(batch, self._organisation(key), Application.State.NOT_SELECTED, 3)
        ReviewRound.objects.filter(pk=selection.pk).update(state=ReviewRound.State.DECIDED)
        self._finish_batch(
            batch,
            ["close_applications", "start_provincial_review", "start_publicity", "publish"],
            application_start=datetime.date(2023, 7, 18),
            application_deadline=datetime.date(2023, 8, 15),
            forwarding_deadline=datetime.date(2023, 8, 25),
            publicity_start=datetime.date(2023, 9, 1),
            publicity_end=datetime.date(2023, 9, 7),
            publicity_contact="陕西省生态环境厅应对气候变化处 029-87654321",
            construction_end=datetime.date(2025, 12, 31),
        )
        # The notice and the published list as they stood at publication (2023年9月12日), before the
        # pilots moved on (a pilot disqualified since is named, with the reason, on a list requested later).
        batch.refresh_from_db()
        review_publicity.publicity_document_request(batch)
        review_publicity.pilot_list_document_request(batch, published_on=datetime.date(2023, 9, 12))
        for key, state in entries:
            pilot = Pilot.objects.get(batch=batch, organisation=self._organisation(key))
            self._move_pilot(pilot, acceptance_demo.stage_before(key, state))
        ReviewRound.objects.create(
            name="首批试点验收评审",
            purpose=ReviewRound.Purpose.ACCEPTANCE,
            batch=batch,
            scoring_deadline=datetime.date(2026, 12, 15),
            experts_per_item=3,
        )
        # Acceptance scoring is a later capability: the round exists (DRC and the province see it),
        # without expert tasks yet.

    def _move_pilot(self, pilot: Pilot, state: str) -> None:
        staff = self._staff_of(pilot.organisation)
        province = self.users["province"]
        city = self._city_officer(pilot.organisation)
        for step in PATH_TO[state]:
            pilot.refresh_from_db()
            if step in plans_demo.PLAN_STEPS:  # the plan and the pilot's plan stage move together
                plans_demo.plan_step(pilot, step, staff=staff, province=province)
            elif step == "request_acceptance":  # made in 2025, within the construction period
                acceptance_demo.replay_request(pilot, staff)
            elif step == "accept":
                grade = Pilot.Grade.EXCELLENT if "沣西" in pilot.organisation.name else Pilot.Grade.PASSED
                pilot_services.pilot_accept(
                    pilot=pilot, by=province, grade=grade, reason="专家评分达到验收要求。"
                )
            else:
                actor = {
                    "start_plan": staff,
                    "submit_plan": staff,
                    "request_acceptance": staff,
                    "forward_acceptance": city,
                }.get(step, province)
                pilot_services.pilot_transition(
                    pilot=pilot, name=step, by=actor, reason=REASONS.get(step, "")
                )
        pilot.refresh_from_db()
        assert pilot.state == state, (pilot, pilot.state, state)

    def _second_batch(self) -> None:
        """Provincial review in progress: experts declared, were assigned and are scoring."""
        batch = self._batch("2026年第二批低碳近零碳试点", 2026, base_year=2024, target_year=2028)
        in_review = {
            Application.State.IN_EXPERT_REVIEW,
            Application.State.REVIEWED,
            Application.State.SHORTLISTED,
        }
        for rank, (key, state) in enumerate(SECOND_BATCH, start=1):
            target = Application.State.FORWARDED if state in in_review else state
            self._application(batch, self._organisation(key), target, rank)
        self._finish_batch(
            batch,
            ["close_applications", "start_provincial_review"],
            application_start=datetime.date(2026, 6, 1),
            application_deadline=datetime.date(2026, 7, 31),
            forwarding_deadline=datetime.date(2026, 8, 31),
            construction_end=datetime.date(2028, 12, 31),
        )
        province = self.users["province"]
        selection = review_services.round_create(
            by=province,
            name="第二批试点遴选专家评审",
            purpose=ReviewRound.Purpose.SELECTION,
            batch=batch,
            criteria_set=self.criteria,
            experts_per_item=3,
            max_per_expert=10,
            scoring_deadline=datetime.date.today() + datetime.timedelta(days=10),
            aggregation_method="trimmed_mean",
            tie_break=["median", "criterion:feasibility", "min"],
        )
        targets = {self._organisation(key).pk: state for key, state in SECOND_BATCH if state in in_review}
        for application in batch.applications.filter(organisation_id__in=targets):
            app_services.application_start_expert_review(application=application, by=province)
        self._run_review(selection, declare_conflict_for="安康市")
        # Complete the sheets of the applications that are further on; leave the others part-scored.
        finished = [pk for pk, state in targets.items() if state != Application.State.IN_EXPERT_REVIEW]
        self._score(selection, organisation_ids=finished)
        partial = [pk for pk, state in targets.items() if state == Application.State.IN_EXPERT_REVIEW]
        self._score(selection, organisation_ids=partial, limit_per_item=1)
        # One more expert has confirmed a task and saved a draft sheet, without submitting yet.
        waiting = selection.assignments.filter(state=ReviewAssignment.State.ASSIGNED).order_by("pk").first()
        if waiting is not None:
            review_services.assignment_respond(assignment=waiting, by=waiting.expert, accept=True)
            first = selection.criteria_set.criteria.order_by("order").first()
            review_services.scores_save(
                assignment=waiting,
                by=waiting.expert,
                submit=False,
                opinion="",
                values={first.code: {"value": Decimal("7.5"), "na": False, "comment": ""}},
            )

    def _experts(self) -> None:
        """The expert pool: the three demo experts (in 西安) and four from other cities."""
        from organisations.models import ReviewUnit

        for username, phone in (
            ("expert_wang", "13700000001"),
            ("expert_li", "13700000002"),
            ("expert_zhang", "13700000003"),
        ):
            user = self.users[username]
            membership = user.memberships.get(role=Role.EXPERT)
            Expert.objects.create(
                user=user,
                name=user.full_name,
                employer=membership.organisation.name,
                phone=phone,
                email=user.email,
                title=membership.title,
                review_unit=ReviewUnit.objects.get(pk="610100"),
                specialities="碳排放核算、能源系统",
            )
        for name, employer, unit, phone, speciality in POOL_EXPERTS:
            expert = review_services.expert_create(
                by=self.users["province"],
                name=name,
                employer=employer,
                phone=phone,
                email=f"{phone}@example.cn",
                review_unit=ReviewUnit.objects.get(pk=unit),
                specialities=speciality,
                title="教授级高级工程师",
            )
            expert.user.password = self.password_hash
            expert.user.save(update_fields=["password"])
        self.criteria = CriteriaSet.objects.get(name="低碳近零碳试点遴选评分标准", version=1)

    def _expert_import(self) -> None:
        """Two more experts came in by an Excel import, after the rounds were set up: its progress page
        shows it done; their accounts await activation (no password yet)."""
        from organisations.models import ReviewUnit

        rows = [
            (
                2,
                {
                    "name": "孙丽",
                    "employer": "西安建筑科技大学",
                    "phone": "13700000021",
                    "email": "13700000021@example.cn",
                },
            ),
            (3, {"name": "马超", "employer": "长安大学", "phone": "13700000022", "email": ""}),
        ]
        for _number, fields in rows:
            fields.update(
                review_unit=ReviewUnit.objects.get(pk="610100"),
                division=None,
                employer_organisation=None,
                title="副教授",
                specialities="建筑节能、交通低碳",
            )
        job = review_services.expert_import_queue(
            by=self.users["province"], rows=rows, file_name="专家名单（补充）.xlsx"
        )
        while review_services.expert_import_batch(job.pk):  # what the task runs, here at once
            pass

    def _run_review(self, review_round, *, declare_conflict_for: str = "") -> None:
        """Freeze, declare (one expert declares a conflict), assign automatically, open scoring."""
        province = self.users["province"]
        review_services.round_transition(review_round=review_round, name="freeze_criteria", by=province)
        items = list(review_services.round_items(review_round))
        for expert in Expert.objects.filter(active=True).select_related("user").order_by("pk"):
            conflicts = []
            if expert.user == self.users["expert_zhang"] and declare_conflict_for:
                conflicts = [
                    (a.pk, "other", "曾为该单位提供碳排放核算咨询服务")
                    for a in items
                    if a.organisation.review_unit.name == declare_conflict_for
                ][:1]
            review_services.declaration_submit(review_round=review_round, by=expert.user, conflicts=conflicts)
        review_services.round_transition(review_round=review_round, name="close_declarations", by=province)
        review_services.assignment_auto(review_round=review_round, by=province)
        review_services.round_transition(review_round=review_round, name="open_scoring", by=province)

    def _score(self, review_round, *, organisation_ids, limit_per_item: int | None = None) -> None:
        criteria = list(review_round.criteria_set.criteria.all())
        done_per_item: dict[int, int] = {}
        assignments = (
            review_round.assignments.filter(
                item__application__organisation_id__in=organisation_ids, state=ReviewAssignment.State.ASSIGNED
            )
            .select_related("expert", "item__application__organisation")
            .order_by("item__application_id", "pk")
        )
        for assignment in assignments:
            count = done_per_item.get(assignment.item_id, 0)
            if limit_per_item is not None and count >= limit_per_item:
                continue
            done_per_item[assignment.item_id] = count + 1
            review_services.assignment_respond(assignment=assignment, by=assignment.expert, accept=True)
            values = {}
            for index, criterion in enumerate(criteria):
                seed = sum(
                    map(
                        ord,
                        f"{assignment.item.display_name}{criterion.code}{assignment.expert.username}",
                    )
                )
                values[criterion.code] = {"value": Decimal(50 + seed % 40) / 10, "na": False, "comment": ""}
                if criterion.allow_na and index % 2 == 0 and seed % 7 == 0:
                    values[criterion.code] = {
                        "value": None,
                        "na": True,
                        "comment": "申报材料未提供可核算的减排量",
                    }
            review_services.scores_save(
                assignment=assignment,
                by=assignment.expert,
                values=values,
                submit=True,
                opinion=f"{assignment.item.organisation.short_name or assignment.item.display_name}"
                "工作基础较好，目标设置合理，重点项目可行；建议进一步细化减排量测算依据。",
            )

    def _aggregated_round(self, batch_name: str, keys: list[str], round_name: str, *, dates: dict, **fields):
        """A special call whose applications were forwarded, scored by three experts each and
        aggregated. Returns the batch, the round and its rows in the order of the ranking."""
        from reviews.results import round_results

        batch = self._batch(batch_name, 2026, base_year=2024, target_year=2028)
        for rank, key in enumerate(keys, start=1):
            self._application(batch, self._organisation(key), Application.State.FORWARDED, rank)
        self._finish_batch(
            batch,
            ["close_applications", "start_provincial_review"],
            **dates,
            construction_end=datetime.date(2028, 12, 31),
        )
        province = self.users["province"]
        review_round = review_services.round_create(
            by=province,
            name=round_name,
            purpose=ReviewRound.Purpose.SELECTION,
            batch=batch,
            criteria_set=self.criteria,
            experts_per_item=3,
            max_per_expert=10,
            aggregation_method="trimmed_mean",
            **fields,
        )
        review_services.batch_start_expert_review(review_round=review_round, by=province)
        self._run_review(review_round)
        self._score(
            review_round, organisation_ids=list(batch.applications.values_list("organisation_id", flat=True))
        )
        review_round = review_services.round_transition(
            review_round=review_round, name="aggregate", by=province
        )
        ranked = sorted(
            (r for r in round_results(review_round).rows if r.ranked and r.ranked.rank),
            key=lambda r: r.ranked.rank,
        )
        return batch, review_round, ranked

    def _park_batch(self) -> None:
        """A special call for near-zero-carbon parks, reviewed, decided and now in publicity (公示)."""
        batch, review_round, ranked_rows = self._aggregated_round(
            "2026年省级近零碳园区专项",
            PARK_BATCH,
            "近零碳园区专项遴选评审",
            dates={
                "application_start": datetime.date(2026, 8, 1),
                "application_deadline": datetime.date(2026, 9, 15),
                "forwarding_deadline": datetime.date(2026, 9, 30),
            },
            scoring_deadline=datetime.date(2026, 11, 10),
            tie_break=["median", "criterion:feasibility"],
        )
        province, finance = self.users["province"], self.users["finance"]
        ranked = [row.item.application.pk for row in ranked_rows][: len(PARK_BATCH) - 1]
        review_services.decision_propose(review_round=review_round, by=province, shortlist=ranked, reasons={})
        review_services.decision_confirm(review_round=review_round, by=finance, opinion="同意。")
        review_services.round_transition(review_round=review_round, name="decide", by=province)
        Batch.objects.filter(pk=batch.pk).update(publicity_start=None, publicity_end=None)
        batch.refresh_from_db()
        review_publicity.publicity_open(
            batch=batch,
            by=province,
            start=datetime.date.today() - datetime.timedelta(days=1),
            working_days=5,
            contact="陕西省生态环境厅应对气候变化处 张伟 029-87654321",
            address="西安市未央区未央路 陕西省生态环境厅应对气候变化处（邮编710018）",
        )
        first = batch.applications.filter(state=Application.State.IN_PUBLICITY).order_by("pk").first()
        review_publicity.objection_record(
            application=first,
            by=province,
            received_on=datetime.date.today(),
            objector="某企业（署名）",
            contact="139****0000",
            content="反映该园区部分企业能耗数据与统计台账不一致，请予核实。",
        )

    def _county_call(self) -> None:
        """A county call, scored and aggregated. The finance department returned the ecology
        department's first proposal with its opinion; the proposal was revised and proposed again,
        and confirmed. Publicity is not open yet (the confirmed applications are 拟入选)."""
        _batch, review_round, ranked = self._aggregated_round(
            "2026年省级低碳县（区）专项",
            COUNTY_CALL,
            "县（区）专项遴选评审",
            dates={
                "application_start": datetime.date(2026, 7, 1),
                "application_deadline": datetime.date(2026, 8, 31),
                "forwarding_deadline": datetime.date(2026, 9, 15),
            },
            scoring_deadline=datetime.date(2026, 11, 20),
            tie_break=["median", "criterion:feasibility", "min"],
        )
        province, finance = self.users["province"], self.users["finance"]
        # The first proposal takes the top three; a county tied with the third (if any) needs a reason.
        third = ranked[2]
        reasons = {
            r.item.application.pk: f"与{third.name}并列第{third.ranked.rank}名，名额所限。"
            for r in ranked[3:]
            if r.ranked.rank == third.ranked.rank
        }
        if reasons:
            reasons[third.item.application.pk] = "并列名次中重点项目前期工作更为成熟。"
        review_services.decision_propose(
            review_round=review_round,
            by=province,
            shortlist=[r.item.application.pk for r in ranked[:3]],
            reasons=reasons,
        )
        review_services.decision_return(
            review_round=review_round,
            by=finance,
            opinion=f"{third.name}重点项目资金以申请省级资金为主，地方配套资金尚未落实，"
            "建议本期暂不列入，请研究后重新提出。",
        )
        review_services.decision_propose(
            review_round=review_round,
            by=province,
            shortlist=[r.item.application.pk for r in ranked[:2]],
            reasons={
                third.item.application.pk: "地方配套资金尚未落实，按省财政厅意见本期暂不列入，下一批次择优支持。"
            }
            | (
                {ranked[1].application.pk: "并列名次中地方配套资金已落实。"}
                if ranked[1].ranked.rank == third.ranked.rank
                else {}
            ),
            note="已按省财政厅意见研究，拟入选调整为排名前2位的2个县。",
        )
        review_services.decision_confirm(review_round=review_round, by=finance, opinion="同意。")

    def _near_zero_county_call(self) -> None:
        """A near-zero-carbon county call, scored and aggregated, whose proposal (following the ranking)
        waits for the finance department: the finance officer's to-do."""
        _batch, review_round, ranked = self._aggregated_round(
            "2026年省级近零碳县（区）专项",
            NEAR_ZERO_COUNTY_CALL,
            "近零碳县（区）专项遴选评审",
            dates={
                "application_start": datetime.date(2026, 8, 15),
                "application_deadline": datetime.date(2026, 9, 30),
                "forwarding_deadline": datetime.date(2026, 10, 15),
            },
            scoring_deadline=datetime.date(2026, 11, 25),
            tie_break=["median", "criterion:feasibility", "min"],
        )
        # The top two, with a reason for any county tied with the second (splitting a tie needs one).
        second = ranked[1]
        reasons = {
            r.item.application.pk: f"与{second.name}并列第{second.ranked.rank}名，名额所限。"
            for r in ranked[2:]
            if r.ranked.rank == second.ranked.rank
        }
        if reasons:
            reasons[second.item.application.pk] = "并列名次中地方配套资金已落实。"
        review_services.decision_propose(
            review_round=review_round,
            by=self.users["province"],
            shortlist=[r.item.application.pk for r in ranked[:2]],
            reasons=reasons,
        )

    def _third_batch(self) -> None:
        batch = self._batch("2027年第三批低碳近零碳试点", 2027, base_year=2025, target_year=2029)
        for rank, (key, state) in enumerate(THIRD_BATCH, start=1):
            self._application(batch, self._organisation(key), state, rank)
        Batch.objects.filter(pk=batch.pk).update(
            application_start=datetime.date(2026, 11, 1),
            application_deadline=datetime.date(2026, 12, 31),
            forwarding_deadline=datetime.date(2027, 1, 31),
            construction_end=datetime.date(2029, 12, 31),
        )
        demo_content.restate_opening_notice(batch)

    def _print_accounts(self) -> None:
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
        for username, full_name, org_name, role, _title, _email in PERSONAS:
            self.stdout.write(f"  {username:<14} {Role(role).label:<10} {org_name}（{full_name}）")
        for name, employer, _unit, phone, _speciality in POOL_EXPERTS:
            self.stdout.write(f"  zj{phone:<12} 评审专家       {employer}（{name}）")
        self.stdout.write(f"  {'admin':<14} 系统管理员")
