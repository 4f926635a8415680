from django.db import transaction

from core.errors import DomainError
from core.transitions import perform_transition

from .models import ReviewRound


def round_transition(*, review_round: ReviewRound, name: str, by, reason: str = "") -> ReviewRound:
    if name not in {"freeze_criteria", "close_declarations", "open_scoring", "aggregate", "decide"}:
        raise DomainError("未知的操作。")
    with transaction.atomic():
        return perform_transition(ReviewRound, review_round.pk, name, by=by, reason=reason)
