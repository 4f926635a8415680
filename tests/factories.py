"""factory_boy factories. Reference rows (divisions, review units, county governments, parks) come
from the data migration and are looked up, never created here."""

import datetime

import factory
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.utils import timezone

from applications.models import Application, Attachment, Batch
from core.models import Notification, User
from indicators.models import Indicator
from organisations.models import Membership, Organisation, Role
from pilots.models import Pilot
from reports.models import AnnualReport
from reviews.models import CriteriaSet, Criterion, ReviewAssignment, ReviewRound

PASSWORD = "pw-123456"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def county(code: str) -> Organisation:
    """The county government of a 6-digit division code (from the reference data)."""
    return Organisation.objects.get(kind=Organisation.Kind.COUNTY, division_id=code)


def park(name: str) -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.PARK, name=name)


def city_bureau(unit_code: str) -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.CITY_BUREAU, review_unit_id=unit_code)


def department(kind: str) -> Organisation:
    return Organisation.objects.get(kind=kind)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试技术服务机构{n}")
    kind = Organisation.Kind.AGENCY
    is_reference = False


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.APPLICANT


def member(role: str, organisation: Organisation, **user_fields) -> User:
    """A new user holding `role` in `organisation`."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def _future(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


class BatchFactory(factory.django.DjangoModelFactory):
    """An open batch whose deadlines are in the future (submission and forwarding are allowed)."""

    class Meta:
        model = Batch

    name = factory.Sequence(lambda n: f"测试批次{n}")
    year = 2026
    state = Batch.State.OPEN
    application_start = factory.LazyFunction(lambda: _future(-10))
    application_deadline = factory.LazyFunction(lambda: _future(30))
    forwarding_deadline = factory.LazyFunction(lambda: _future(45))
    construction_end = factory.LazyFunction(lambda: _future(700))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    batch = factory.SubFactory(BatchFactory)
    organisation = factory.LazyFunction(lambda: county("610922"))
    state = Application.State.DRAFT


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    application = factory.SubFactory(ApplicationFactory)
    kind = Attachment.Kind.COMMITMENT_LETTER
    title = "承诺书"
    original_name = "承诺书.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    token = factory.Sequence(lambda n: f"{n:032x}")
    extension = ".pdf"
    uploaded_by = factory.SubFactory(UserFactory)
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="upload.pdf"))


def complete_application(**kwargs) -> Application:
    """A draft that passes every completeness check of the submit guard (Annex 1 filled in,
    declaration made, commitment letter uploaded)."""
    from applications import models as m

    kwargs.setdefault("declares_no_major_accident", True)
    kwargs.setdefault("boundary_description", "以县域行政区划为边界。")
    kwargs.setdefault("statistical_boundary_clear", True)
    kwargs.setdefault("work_foundation", "已编制碳达峰实施方案，建立能源消费统计制度。")
    application = ApplicationFactory(**kwargs)
    AttachmentFactory(application=application)
    m.Contact.objects.create(
        application=application, role="leader", name="王建国", title="县长", mobile="13800000000"
    )
    m.Contact.objects.create(
        application=application, role="contact", name="李明", title="科长", mobile="13900000000"
    )
    for year in application.baseline_years:
        baseline = m.AnnualBaseline.objects.create(
            application=application, year=year, gdp_100m=100 + year % 10, electricity_10k_kwh=50000
        )
        if year == application.batch.base_year:
            m.EnergyUse.objects.create(baseline=baseline, fuel="raw_coal", quantity=1000)
    m.ApplicationTarget.objects.create(
        application=application, indicator=Indicator.objects.get(code="co2_intensity_drop"), target_value=18
    )
    m.KeyProject.objects.create(
        application=application,
        name="县城屋顶分布式光伏",
        task="energy",
        owner_unit="县发改局",
        content="建设屋顶光伏20兆瓦",
        start_year=2026,
        end_year=2027,
        total_investment=8000,
        expected_co2_reduction_t=15000,
    )
    missing = application.missing_for_submission()
    assert missing == [], f"complete_application() no longer fills everything the guard checks: {missing}"
    return application


class PilotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pilot

    batch = factory.SubFactory(BatchFactory, state=Batch.State.PUBLISHED)
    organisation = factory.LazyFunction(lambda: county("610922"))
    state = Pilot.State.SELECTED


class AnnualReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualReport

    pilot = factory.SubFactory(PilotFactory)
    year = 2025
    state = AnnualReport.State.DRAFT
    summary = "围绕四项任务推进试点建设，碳排放强度较基准年下降。"


class CriteriaSetFactory(factory.django.DjangoModelFactory):
    """A valid criteria set: weights total 100."""

    class Meta:
        model = CriteriaSet
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试评分标准{n}")
    purpose = ReviewRound.Purpose.SELECTION

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            Criterion.objects.create(criteria_set=obj, code="foundation", name="工作基础", weight=40, order=1)
            Criterion.objects.create(
                criteria_set=obj, code="feasibility", name="方案可行性", weight=60, order=2
            )


class ReviewRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewRound

    name = factory.Sequence(lambda n: f"测试评审轮次{n}")
    purpose = ReviewRound.Purpose.SELECTION
    batch = factory.SubFactory(BatchFactory, state=Batch.State.PROVINCIAL_REVIEW)
    state = ReviewRound.State.SETUP
    scoring_deadline = factory.LazyFunction(lambda: _future(20))
    criteria_set = factory.SubFactory(CriteriaSetFactory, purpose=factory.SelfAttribute("..purpose"))


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    class Params:
        # The subject: the assignment points at its item in the round (by default a draft application
        # of the round's batch, which no list of the round shows).
        application = factory.LazyAttribute(
            lambda o: ApplicationFactory(batch=o.round.batch, organisation=OrganisationFactory())
        )

    round = factory.SubFactory(ReviewRoundFactory)
    expert = factory.SubFactory(UserFactory)
    item = factory.LazyAttribute(lambda o: item_of(o.round, o.application))


def item_of(review_round, subject):
    """The review item of an application (or a pilot) in a round, created if the test built the
    round and the subject directly (the services create items when a round is set up and frozen)."""
    from pilots.models import Pilot
    from reviews.models import ReviewItem

    key = "pilot" if isinstance(subject, Pilot) else "application"
    return ReviewItem.objects.get_or_create(round=review_round, **{key: subject})[0]


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "test"
    title = factory.Sequence(lambda n: f"测试通知{n}")
    url = "/dashboard/"
