"""Demo of the disqualification clock (issue 10), through the services, on the first batch (construction
period 2023–2025):

- the clock's run of 2 January 2026 proposes every first-batch pilot not accepted, not disqualified and not
  under acceptance review;
- the province has granted most of them an extension to the end of 2026 (they are still building, with
  their 2026 annual reports due), each with its reason;
- two stay pending on the province's desk: 神木市 (acceptance failed) and 杨凌示范区 (still drafting its plan).

Called once by seed_demo after the other stage demos.
"""

import datetime

from django.contrib.auth import get_user_model

from organisations.models import Organisation
from pilots.disqualification import disqualification_decide, disqualification_proposals
from pilots.models import DisqualificationProposal

CLOCK_RUN = datetime.date(2026, 1, 2)
EXTENDED_TO = datetime.date(2026, 12, 31)
PENDING = {"610881", "杨凌农业高新技术产业示范区管委会"}
REASON = "建设期内重点项目受审批和资金到位进度影响，经市级生态环境部门申请，准予建设期延长至2026年12月31日，届时仍未通过验收的，取消试点资格。"


def _key(organisation: Organisation) -> str:
    return organisation.division_id if organisation.kind == Organisation.Kind.COUNTY else organisation.name


def seed(stdout=None) -> None:
    province = get_user_model().objects.get(username="province")
    made = disqualification_proposals(today=CLOCK_RUN)
    extended = 0
    for proposal in DisqualificationProposal.objects.filter(
        state=DisqualificationProposal.State.PENDING
    ).select_related("pilot__organisation"):
        if _key(proposal.pilot.organisation) in PENDING:
            continue
        disqualification_decide(
            proposal=proposal, by=province, decision="extend", reason=REASON, extended_to=EXTENDED_TO
        )
        extended += 1
    if stdout is not None:
        stdout.write(
            f"Disqualification clock: {made} proposals, {extended} extended, {made - extended} pending."
        )
