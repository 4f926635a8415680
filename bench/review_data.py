"""The expert-review benchmark data set (issue #5): one batch in provincial review with 300 applications
in expert review, 60 pool experts and a selection round with 5 experts per application.

What is written directly (bulk_create), because the aggregation panel and the assignment do not read it:
- the applicant organisations: the county governments and parks of the reference data, plus parks
  attached to a county round-robin (so they spread over the 12 review units like the counties do);
- the applications, complete and forwarded, in state in_expert_review, with the Annex 1 text of the
  application row itself at bench/bench_data.py's sizes (the panel's query reads the whole row: boundary,
  work foundation, policies, organisation, the city's opinion and rank) but none of its child rows
  (baselines, projects, funding, attachments), which the panel never reads;
- 60 experts: a user, an Expert profile and an expert-role membership each, spread over the cities
  (universities in 西安, local institutes in the other cities, provincial institutes without a city),
  two of them working for a technical agency that drafted some applications and two for an applicant;
- after assignment, every sheet: one Score row per criterion, a ScoreVersion, the assignment submitted.

What goes through the services (reviews.services), as an officer and the experts would do it:
round_create, round_transition freeze_criteria (which runs the conflict rules: conflicts_propose),
declaration_submit for each of the 60 experts (a few declaring conflicts), round_transition
close_declarations, then (in review_bench.py, timed) assignment_auto, round_transition open_scoring and,
after the sheets, round_transition aggregate.

Values come from a fixed seed, so two runs load the same data.
"""

import datetime
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from applications.models import Application, Batch
from bench.bench_data import _text  # the same kind of prose as the application-pages benchmark
from organisations.models import Membership, Organisation, ReviewUnit, Role
from reviews import aggregation
from reviews import services as review_services
from reviews.models import (
    Conflict,
    CriteriaSet,
    Criterion,
    Declaration,
    Expert,
    ReviewAssignment,
    ReviewRound,
    Score,
    ScoreVersion,
)

PASSWORD = "Bench-Review-2026"
CRITERIA_SET = ("低碳近零碳试点遴选评分标准", 1)  # seeded by reviews/migrations/0003_selection_criteria.py
S = Application.State
A = ReviewAssignment.State

THEMES = [
    "现代农业",
    "食品工业",
    "装备制造",
    "新材料",
    "循环经济",
    "物流",
    "文化旅游",
    "电子信息",
    "能源化工",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林"
GIVEN = [
    "建华",
    "晓东",
    "海燕",
    "志强",
    "丽娟",
    "文博",
    "国庆",
    "红梅",
    "永刚",
    "静",
    "磊",
    "敏",
    "卫东",
    "秀英",
]
XIAN_EMPLOYERS = [
    "西安交通大学",
    "西北大学",
    "长安大学",
    "西安建筑科技大学",
    "陕西师范大学",
    "西北工业大学",
    "西安科技大学",
    "西安理工大学",
]
PROVINCIAL_EMPLOYERS = [
    "陕西省环境科学研究院",
    "陕西省节能技术服务中心",
    "陕西省气候中心",
    "陕西省工程咨询院",
]
LOCAL_EMPLOYER = "{city}生态环境技术中心"
AGENCIES = ["陕西绿碳环境咨询有限公司", "西安低碳规划设计研究院有限公司"]
OPINIONS = [
    "工作基础扎实，重点项目较成熟，建议加强碳排放统计核算能力建设。",
    "目标设置基本合理，资金筹措需进一步落实，特色不够突出。",
    "路径清晰、特色鲜明，具有较好的复制推广价值。",
    "材料较完整，减排测算依据不足，建议补充项目级测算过程。",
    "组织保障有力，地方配套资金落实，可行性较高。",
]


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


# Organisations, batch, applications ------------------------------------------------------------
def _applicant_organisations(n: int) -> list[Organisation]:
    existing = list(
        Organisation.objects.filter(
            kind__in=[Organisation.Kind.COUNTY, Organisation.Kind.PARK], review_unit__isnull=False
        ).order_by("pk")
    )
    counties = [o for o in existing if o.kind == Organisation.Kind.COUNTY]
    new = []
    for i in range(max(0, n - len(existing))):
        county = counties[i % len(counties)]
        cycle, theme = divmod(i // len(counties), len(THEMES))
        name = THEMES[theme] + (f"{cycle + 1}区" if cycle else "")
        place = county.name.removesuffix("人民政府")
        new.append(
            Organisation(
                name=f"{place}{name}产业园区管委会",
                short_name=f"{county.short_name or place}{name}园区",
                kind=Organisation.Kind.PARK,
                division_id=county.division_id,
                review_unit_id=county.review_unit_id,
                park_level=Organisation.ParkLevel.PROVINCIAL if i % 4 == 0 else Organisation.ParkLevel.OTHER,
                park_kind=Organisation.ParkKind.INDUSTRIAL,
                credit_code=f"1161{i:014d}",
                approved=True,
            )
        )
    Organisation.objects.bulk_create(new)
    through = Organisation.host_divisions.through
    through.objects.bulk_create(
        [through(organisation_id=o.pk, division_id=o.division_id) for o in new if o.division_id]
    )
    return (existing + new)[:n]


def _batch() -> Batch:
    start = datetime.date(2026, 6, 1)
    return Batch.objects.create(
        name="2026年第五批低碳近零碳试点",
        year=2026,
        state=Batch.State.PROVINCIAL_REVIEW,
        document_no="陕环发〔2026〕44号",
        base_year=2025,
        target_year=2028,
        application_start=start,
        application_deadline=start + datetime.timedelta(days=60),
        forwarding_deadline=start + datetime.timedelta(days=90),
        publicity_start=start + datetime.timedelta(days=120),
        publicity_end=start + datetime.timedelta(days=127),
        construction_end=datetime.date(2028, 12, 31),
    )


def _applications(rng: random.Random, batch: Batch, organisations: list[Organisation]) -> list[Application]:
    ranks: dict[str, int] = {}
    apps = []
    for org in organisations:
        park = org.kind == Organisation.Kind.PARK
        short = org.short_name or org.name
        ranks[org.review_unit_id] = ranks.get(org.review_unit_id, 0) + 1
        submitted = _aware(batch.application_start + datetime.timedelta(days=rng.randint(10, 58)))
        apps.append(
            Application(
                batch=batch,
                organisation=org,
                state=S.IN_EXPERT_REVIEW,
                pilot_level=Application.PilotLevel.NEAR_ZERO
                if rng.random() < 0.2
                else Application.PilotLevel.LOW_CARBON,
                declares_no_major_accident=True,
                pilot_scope="whole",
                boundary_area_km2=Decimal(
                    str(round(rng.uniform(20, 80) if park else rng.uniform(600, 2800), 2))
                ),
                boundary_description=f"{short}{'规划控制范围' if park else '行政区划全域'}，统计口径清晰。"
                + _text(rng, 60, 240),
                statistical_boundary_clear=True,
                enterprises_count=rng.randint(300, 1500) if park else None,
                work_foundation=_text(rng, 600, 1500),
                existing_policies=_text(rng, 200, 800),
                organisation_setup=_text(rng, 200, 600),
                submitted_at=submitted,
                submission_count=1,
                city_opinion=f"{short}低碳工作基础较好，申报材料齐全，" + _text(rng, 30, 120) + "同意推荐。",
                city_rank=ranks[org.review_unit_id],
                forwarded_at=submitted + datetime.timedelta(days=rng.randint(15, 30)),
            )
        )
    Application.objects.bulk_create(apps)
    return apps


# People -----------------------------------------------------------------------------------------
def _officer():
    User = get_user_model()
    province = User.objects.create(
        username="bench_review_province", full_name="省厅处室评审管理员", password=make_password(PASSWORD)
    )
    Membership.objects.create(
        user=province,
        organisation=Organisation.objects.get(kind=Organisation.Kind.PROVINCE_ECOLOGY),
        role=Role.PROVINCE_OFFICER,
    )
    return province


def _expert_homes(rng, n_experts: int, applicants: list[Organisation], agencies: list[Organisation]) -> list:
    """(employer name, employer organisation or None, review unit id or None, division id or None) × n.

    A third of the experts in 西安 (the universities), a tenth at provincial institutes (no city), the
    rest spread over the other review units; two work for a technical agency, two for an applicant."""
    units = list(ReviewUnit.objects.order_by("order", "code").prefetch_related("divisions"))
    counties = {u.pk: [d.pk for d in u.divisions.all() if d.level == "county"] or [None] for u in units}
    xian = next(u for u in units if u.pk == "610100")
    others = [u for u in units if u.pk != xian.pk]
    n_xian, n_provincial, n_agency, n_applicant = n_experts // 3, max(1, n_experts // 10), 2, 2
    homes = []
    for i in range(n_xian):
        homes.append((XIAN_EMPLOYERS[i % len(XIAN_EMPLOYERS)], None, xian.pk, rng.choice(counties[xian.pk])))
    for i in range(n_provincial):
        homes.append((PROVINCIAL_EMPLOYERS[i % len(PROVINCIAL_EMPLOYERS)], None, None, None))
    for i in range(n_agency):
        agency = agencies[i % len(agencies)]
        homes.append((agency.name, agency, xian.pk, None))
    for i in range(n_applicant):
        org = applicants[(i * 97 + 13) % len(applicants)]
        homes.append((org.name, org, org.review_unit_id, org.division_id))
    i = 0
    while len(homes) < n_experts:
        unit = others[i % len(others)]
        division = rng.choice(counties[unit.pk]) if i % 2 else None
        homes.append((LOCAL_EMPLOYER.format(city=unit.name), None, unit.pk, division))
        i += 1
    return homes[:n_experts]


def _experts(rng, n_experts: int, applicants: list[Organisation], agencies: list[Organisation]) -> list:
    User = get_user_model()
    homes = _expert_homes(rng, n_experts, applicants, agencies)
    unusable = make_password(None)
    users, experts = [], []
    for i, (employer, _org, unit, division) in enumerate(homes):
        name = _person(rng)
        phone = f"1390290{i:04d}"
        users.append(
            User(username=f"zj{phone}", full_name=name, email=f"expert{i}@example.cn", password=unusable)
        )
        experts.append((name, phone, employer, _org, unit, division))
    User.objects.bulk_create(users)
    # The membership's organisation is the employer, as reviews.services.expert_create does it.
    by_name = {o.name: o for o in Organisation.objects.filter(name__in={h[0] for h in homes})}
    missing = sorted({h[0] for h in homes} - set(by_name))
    created = Organisation.objects.bulk_create(
        [Organisation(name=n, kind=Organisation.Kind.EXPERT_HOME) for n in missing]
    )
    by_name.update({o.name: o for o in created})
    Expert.objects.bulk_create(
        [
            Expert(
                user=user,
                name=name,
                employer=employer,
                employer_organisation=org,
                review_unit_id=unit,
                division_id=division,
                title="教授" if "大学" in employer else "高级工程师",
                specialities="碳排放核算、节能减排",
                phone=phone,
                email=user.email,
            )
            for user, (name, phone, employer, org, unit, division) in zip(users, experts, strict=True)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, organisation=by_name[h[0]], role=Role.EXPERT)
            for user, h in zip(users, homes, strict=True)
        ]
    )
    return users


def load_base(*, n_applications: int = 300, n_experts: int = 60, seed: int = 20261105, log=print) -> dict:
    """Organisations, the batch and its applications, the officer and the expert pool (bulk)."""
    rng = random.Random(seed)
    with transaction.atomic():
        organisations = _applicant_organisations(n_applications)
        if len(organisations) < n_applications:
            raise RuntimeError(f"only {len(organisations)} applicant organisations")
        batch = _batch()
        applications = _applications(rng, batch, organisations)
        agencies = Organisation.objects.bulk_create(
            [Organisation(name=n, kind=Organisation.Kind.AGENCY) for n in AGENCIES]
        )
        # Each agency drafted every 15th application (offset by agency): the AGENCY conflict rule.
        through = Application.delegated_agencies.through
        through.objects.bulk_create(
            [
                through(application_id=app.pk, organisation_id=agency.pk)
                for k, agency in enumerate(agencies)
                for app in applications[k::15]
            ]
        )
        province = _officer()
        experts = _experts(rng, n_experts, organisations, agencies)
    units: dict[str, int] = {}
    for org in organisations:
        units[org.review_unit_id] = units.get(org.review_unit_id, 0) + 1
    log(
        f"  applications: {len(applications)} over {len(units)} review units; experts: {len(experts)}; "
        f"agencies: {len(agencies)}"
    )
    return {
        "batch": batch,
        "applications": applications,
        "province": province,
        "experts": experts,
        "applications_per_unit": dict(sorted(units.items())),
        "expert_cities": dict(
            sorted(
                {
                    str(k): v
                    for k, v in _count(Expert.objects.values_list("review_unit_id", flat=True)).items()
                }.items()
            )
        ),
        "seed": seed,
    }


def _count(values) -> dict:
    out: dict = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


# The round, through the services -----------------------------------------------------------------
def setup_round(base: dict, *, experts_per_item: int = 5, max_per_expert: int = 30, log=print) -> ReviewRound:
    """Create the round, freeze its criteria (rule conflicts), take every expert's declaration (one in
    five declares one or two conflicts), close the declarations: the round is then in `assigning`."""
    province, batch = base["province"], base["batch"]
    criteria_set = CriteriaSet.objects.get(name=CRITERIA_SET[0], version=CRITERIA_SET[1])
    review_round = review_services.round_create(
        by=province,
        name="2026年第五批低碳近零碳试点遴选专家评审",
        batch=batch,
        purpose=ReviewRound.Purpose.SELECTION,
        criteria_set=criteria_set,
        experts_per_item=experts_per_item,
        max_per_expert=max_per_expert,
        scoring_deadline=timezone.localdate() + datetime.timedelta(days=20),
        aggregation_method="trimmed_mean",
        tie_break=["median", "criterion:feasibility", "min"],
    )
    review_round = review_services.round_transition(
        review_round=review_round, name="freeze_criteria", by=province
    )
    rule_conflicts = review_round.conflicts.filter(source=Conflict.Source.RULE).count()
    # Declarations name the round's items (one per application, made when the criteria were frozen).
    item_of = dict(review_round.items.values_list("application_id", "pk"))
    app_ids = [item_of[a.pk] for a in base["applications"]]
    declared = 0
    for i, user in enumerate(base["experts"]):
        conflicts = []
        if i % 5 == 0:
            conflicts.append((app_ids[(i * 37 + 11) % len(app_ids)], Conflict.Kind.RELATIVE, ""))
            if i % 10 == 0:
                conflicts.append(
                    (
                        app_ids[(i * 53 + 29) % len(app_ids)],
                        Conflict.Kind.OTHER,
                        "曾为该单位编制碳达峰实施方案",
                    )
                )
        review_services.declaration_submit(review_round=review_round, by=user, conflicts=conflicts)
        declared += len(conflicts)
    review_round = review_services.round_transition(
        review_round=review_round, name="close_declarations", by=province
    )
    kinds = _count(review_round.conflicts.values_list("kind", flat=True))
    log(
        f"  round {review_round.pk}: {rule_conflicts} rule conflicts, {declared} declared, "
        f"{Declaration.objects.filter(round=review_round).count()} declarations; state {review_round.state}"
    )
    base["conflicts"] = {
        "rule": rule_conflicts,
        "declared": declared,
        "by_kind": {str(k): v for k, v in sorted(kinds.items())},
    }
    return review_round


# Scores -----------------------------------------------------------------------------------------
def _value(raw: float) -> Decimal:
    return Decimal(str(min(10.0, max(0.0, round(raw * 2) / 2))))  # half points, as experts score


def score_all(
    review_round: ReviewRound, base: dict, *, through_service: int = 10, seed: int = 20261105, log=print
) -> dict:
    """Open scoring (service); submit the first `through_service` sheets as the experts would
    (assignment_respond, then scores_save), timing them and counting their queries; write every other
    sheet in bulk and mark its assignment submitted and every application reviewed; aggregate (service).

    Bulk, not scores_save, for the 1,500 sheets: the service locks the round and the assignment, checks
    the declaration and the conflicts, writes each score, a version and an audit entry and may finish the
    application, a few dozen queries per sheet (measured on the first sheets, see the returned
    `service`), and the panel reads the same rows either way. The values are what the scoring form
    accepts: half points 0–10, n/a only on the criterion that allows it, a comment on every extreme score,
    an overall opinion."""
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(seed + 1)
    province = base["province"]
    review_round = review_services.round_transition(
        review_round=review_round, name="open_scoring", by=province
    )
    criteria = list(Criterion.objects.filter(criteria_set_id=review_round.criteria_set_id))
    specs = [c.as_spec() for c in criteria]
    assignments = list(
        review_round.assignments.exclude(state=A.DECLINED).select_related("item").order_by("pk")
    )
    quality = {a.pk: rng.uniform(5.0, 9.0) for a in base["applications"]}
    bias = {u.pk: rng.uniform(-0.8, 0.8) for u in base["experts"]}
    experts = {u.pk: u for u in base["experts"]}
    now = timezone.now()
    scores, versions, bulk = [], [], []
    n_na = n_outlier = 0
    service_s, service_queries = [], []
    for index, assignment in enumerate(assignments):
        outlier = rng.random() < 0.03  # an expert far from the others on this item
        n_outlier += outlier
        sheet, comments = {}, {}
        for criterion in criteria:
            if criterion.allow_na and rng.random() < 0.06:
                sheet[criterion.code], comments[criterion.code] = None, "减排测算缺少依据，无法评价"
                n_na += 1
                continue
            raw = quality[assignment.item.application_id] + bias[assignment.expert_id] + rng.gauss(0, 0.7)
            value = _value(raw - (3.5 if outlier else 0))
            sheet[criterion.code] = value
            extreme = review_services.is_extreme(criterion, value)
            comments[criterion.code] = (
                f"{criterion.name}评分理由：{'材料充分' if value >= 6 else '有待加强'}"
                if (extreme or rng.random() < 0.3)
                else ""
            )
        opinion = OPINIONS[(assignment.pk + assignment.expert_id) % len(OPINIONS)]
        if index < through_service:
            expert = experts[assignment.expert_id]
            review_services.assignment_respond(assignment=assignment, by=expert, accept=True)
            values = {
                code: {"value": value, "na": value is None, "comment": comments[code]}
                for code, value in sheet.items()
            }
            started = time.perf_counter()
            with CaptureQueriesContext(db) as captured:
                review_services.scores_save(
                    assignment=assignment, by=expert, values=values, opinion=opinion, submit=True
                )
            service_s.append(time.perf_counter() - started)
            service_queries.append(len(captured.captured_queries))
            continue
        for criterion in criteria:
            value = sheet[criterion.code]
            scores.append(
                Score(
                    assignment=assignment,
                    criterion=criterion,
                    value=value,
                    is_na=value is None,
                    comment=comments[criterion.code],
                )
            )
        versions.append(
            ScoreVersion(
                assignment=assignment,
                number=1,
                total=aggregation.weighted_total(sheet, specs),
                data={
                    "scores": {c: (None if v is None else str(v)) for c, v in sheet.items()},
                    "comments": comments,
                    "opinion": opinion,
                },
            )
        )
        assignment.state, assignment.declared_at, assignment.submitted_at = A.SUBMITTED, now, now
        assignment.version, assignment.overall_opinion = 1, opinion
        bulk.append(assignment)
    started = time.perf_counter()
    with transaction.atomic():
        Score.objects.bulk_create(scores, batch_size=2000)
        ScoreVersion.objects.bulk_create(versions, batch_size=2000)
        ReviewAssignment.objects.bulk_update(
            bulk, ["state", "declared_at", "submitted_at", "version", "overall_opinion"], batch_size=500
        )
        # What reviews.services._finish_item_if_complete does once an item's last sheet is in.
        reviewed = Application.objects.filter(
            pk__in=[a.pk for a in base["applications"]], state=S.IN_EXPERT_REVIEW
        ).update(state=S.REVIEWED)
    bulk_s = time.perf_counter() - started
    review_round = review_services.round_transition(review_round=review_round, name="aggregate", by=province)
    service = {
        "sheets": len(service_s),
        "mean_ms": round(sum(service_s) / len(service_s) * 1000, 1) if service_s else None,
        "queries_per_sheet": sorted(set(service_queries)),
        "note": "assignment_respond (not counted) then scores_save(submit=True), first sheets of the round",
    }
    log(
        f"  sheets: {len(assignments)} ({len(service_s)} through scores_save: {service['mean_ms']} ms and "
        f"{service['queries_per_sheet']} queries each; {len(bulk)} in bulk in {bulk_s:.1f} s), "
        f"scores: {len(scores) + len(service_s) * len(criteria)} ({n_na} n/a), outlier sheets: {n_outlier}; "
        f"applications reviewed in bulk: {reviewed}; round {review_round.state}"
    )
    return {
        "sheets": len(assignments),
        "scores": Score.objects.filter(assignment__round=review_round).count(),
        "na_scores": n_na,
        "outlier_sheets": n_outlier,
        "criteria": len(criteria),
        "service": service,
        "bulk_s": round(bulk_s, 2),
    }


def vacuum_analyze() -> None:
    """Fresh statistics, as autovacuum would have by the time an officer opens the panel."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
