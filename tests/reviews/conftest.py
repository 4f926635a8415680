"""Fixtures shared by the review tests."""

import pytest

from reviews.self_scores import _providers, register_self_scores


@pytest.fixture
def self_evaluations():
    """{pilot id: SelfEvaluation}, filled in by the test, served by a registered provider (removed after)."""
    found: dict = {}

    def provider(ids):
        return {pk: found[pk] for pk in ids if pk in found}

    register_self_scores(provider)
    yield found
    _providers.remove(provider)
