"""Conflicts of interest between a pool expert and a pilot, by the rules review uses for applicants.

`reviews.services.rule_conflicts_for(expert, application)` is written for applications (and is being
rewritten by the review-engine work so that the rules work for pilots too). Until the two are joined, this is
the same rule set applied to a pilot's organisation, with reviews' `Conflict.Kind` codes and labels:

- employer: the expert works for the pilot's organisation;
- agency: the expert works for a technical agency the pilot delegated;
- same county: the expert's county is the pilot's county (or one of a park's host counties);
- same city: otherwise, the expert's city (review unit) is the pilot's.
"""

from dataclasses import dataclass

from django.utils.translation import gettext

from reviews.models import Conflict, Expert


@dataclass(frozen=True)
class PilotConflict:
    expert: Expert
    pilot: object
    kind: str  # a reviews Conflict.Kind value

    @property
    def label(self) -> str:
        return str(Conflict.Kind(self.kind).label)

    @property
    def message(self) -> str:
        return gettext("专家%(expert)s与%(pilot)s存在利益冲突：%(reason)s。") % {
            "expert": self.expert.name,
            "pilot": self.pilot.organisation.name,
            "reason": self.label,
        }


def pilot_conflicts(expert: Expert, pilot) -> list[PilotConflict]:
    """Every rule conflict between `expert` and `pilot` (empty if none). Prefetch the pilot's
    `delegated_agencies` and `organisation__host_divisions` when checking many pairs."""
    org = pilot.organisation
    found = []
    employer = expert.employer_organisation_id
    if employer and employer == org.pk:
        found.append(Conflict.Kind.EMPLOYER)
    if employer and employer in {a.pk for a in pilot.delegated_agencies.all()}:
        found.append(Conflict.Kind.AGENCY)
    hosts = {d.pk for d in org.host_divisions.all()} | ({org.division_id} if org.division_id else set())
    if expert.division_id and expert.division_id in hosts:
        found.append(Conflict.Kind.SAME_COUNTY)
    elif expert.review_unit_id and expert.review_unit_id == org.review_unit_id:
        found.append(Conflict.Kind.SAME_CITY)
    return [PilotConflict(expert=expert, pilot=pilot, kind=kind) for kind in found]


def first_conflict(experts, pilots) -> PilotConflict | None:
    """The first conflict among all (expert, pilot) pairs, or None."""
    for pilot in pilots:
        for expert in experts:
            conflicts = pilot_conflicts(expert, pilot)
            if conflicts:
                return conflicts[0]
    return None
