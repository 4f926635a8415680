"""The self-evaluation a pilot submitted with its acceptance request, as the acceptance review reads it.

The review engine sits below the app that computes self-evaluations (`acceptance`), so that app registers
a provider in its AppConfig.ready() (the inversion of applications.access.register_reader). The expert's
scoring page shows each indicator's self-score and calculation beside the expert's own score, and the
acceptance panel applies the vetoes, binding indicators and bonus/penalty claims through
indicators.scoring. Without a provider (the acceptance app not installed) every pilot has none.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class SelfScore:
    """One indicator of the self-evaluation (keyed by the indicator's code)."""

    value: Decimal | None  # the self-score computed by the rule; None for a qualitative item
    calculation: str  # how it was computed, in words (indicators.scoring.ItemScore.calculation)
    actual: Decimal | None = None
    target: Decimal | None = None
    evidence: bool = False
    met: bool | None = None


@dataclass(frozen=True)
class SelfEvaluation:
    """The submitted self-evaluation of one pilot against one acceptance system version."""

    system_id: int  # indicators.AcceptanceSystem
    items: dict[str, SelfScore] = field(default_factory=dict)
    claims: dict[str, Decimal] = field(default_factory=dict)  # bonus/penalty code → points claimed
    vetoes: tuple[str, ...] = ()  # veto codes the pilot declared raised
    total: Decimal | None = None
    grade: str | None = None  # indicators.scoring grade: excellent | pass | fail | None
    material_url: str = ""  # the provider's page of the request and its files, linked from the expert's task


# A provider maps pilot ids to their submitted self-evaluations (pilots without one are left out), in a
# fixed number of queries whatever the number of pilots.
Provider = Callable[[Iterable[int]], dict[int, SelfEvaluation]]
_providers: list[Provider] = []


def register_self_scores(provider: Provider) -> Provider:
    """Add a provider (once; registering the same function again changes nothing)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def self_evaluations_for(pilot_ids: Iterable[int]) -> dict[int, SelfEvaluation]:
    """The submitted self-evaluation of each pilot that has one."""
    ids = list(pilot_ids)
    found: dict[int, SelfEvaluation] = {}
    for provider in _providers:
        found.update(provider(ids))
    return found
