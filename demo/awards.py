"""Demo of awards (奖补), through the services, on the first batch's two accepted pilots:

- the caps the finance department set: county 500万元, park 300万元 (DEMO FIGURES, not an official standard:
  the real amounts come from the province's fund management rules);
- 商州区 (商洛, county, 通过): 300万元 on 陕财办资环〔<year>〕12号 from 省级生态环境保护专项资金, in two
  instalments: 180万元 disbursed, 120万元 planned;
- 西咸新区沣西新城 (park, 优秀): 200万元 on the same document from 省级财政资金: 120万元 disbursed, 80万元 planned.

The pilots are named on the day the demo is seeded, so the documents are dated that day and the second
instalments three months later. Called once by seed_demo after the pilots exist.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from awards import services
from organisations.models import Organisation
from pilots.models import Pilot

FIRST_BATCH = "2023年第一批低碳近零碳试点"
DEMO_NOTE = "演示数据，非正式标准"
# (pilot lookup, amount, fund source, disbursed, planned) in 万元
AWARDS = [
    (
        {"organisation__division_id": "611002", "organisation__kind": Organisation.Kind.COUNTY},
        "300",
        "provincial_ecology",
        "180",
        "120",
    ),
    ({"organisation__name": "西咸新区沣西新城管委会"}, "200", "provincial_fiscal", "120", "80"),
]


def seed(stdout=None) -> None:
    finance = get_user_model().objects.get(username="finance")
    today = timezone.localdate()
    for pilot_type, amount in (("county", "500"), ("park", "300")):
        services.cap_set(
            pilot_type=pilot_type,
            amount=Decimal(amount),
            effective_from=datetime.date(today.year, 1, 1),
            note=DEMO_NOTE,
            by=finance,
        )
    total = Decimal(0)
    for lookup, amount, fund_source, disbursed, planned in AWARDS:
        pilot = Pilot.objects.select_related("organisation").get(
            batch__name__startswith=FIRST_BATCH, state=Pilot.State.ACCEPTED, **lookup
        )
        award = services.award_record(
            pilot=pilot,
            amount=Decimal(amount),
            basis_number=f"陕财办资环〔{today.year}〕12号",
            basis_date=today,
            fund_source=fund_source,
            note="低碳近零碳试点验收通过奖补（演示数据）",
            by=finance,
        )
        first = services.instalment_plan(
            award=award, amount=Decimal(disbursed), planned_date=today, by=finance
        )
        services.instalment_disburse(
            instalment=first,
            disbursed_on=today,
            payment_document=f"陕财资环拨〔{today.year}〕8号",
            by=finance,
        )
        services.instalment_plan(
            award=award, amount=Decimal(planned), planned_date=today + datetime.timedelta(days=90), by=finance
        )
        total += award.amount
    if stdout is not None:
        stdout.write(
            f"Awards: {len(AWARDS)} awards, {total} 万元, caps county 500 / park 300 (demo figures)."
        )
