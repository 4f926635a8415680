"""The committed state diagrams (docs/lifecycle-diagram.md) are generated from the models and never drift."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from core.management.commands.lifecycle_diagram import fsm_models, generate, permission_name, transitions_of

DIAGRAM = Path(settings.BASE_DIR) / "docs" / "lifecycle-diagram.md"


def test_committed_diagram_matches_the_state_machines():
    # Raises CommandError (with the diff) when docs/lifecycle-diagram.md is stale: run `make diagram`.
    call_command("lifecycle_diagram", check=str(DIAGRAM))


def test_every_fsm_model_is_covered():
    labels = {model._meta.label for model in fsm_models()}
    assert {
        "applications.Batch",
        "applications.Application",
        "pilots.Pilot",
        "reports.AnnualReport",
        "reviews.ReviewRound",
    } <= labels


def test_every_transition_appears_with_label_permission_and_guards():
    with translation.override(None):
        text = generate()
    for model in fsm_models():
        transitions = transitions_of(model)
        assert transitions, model
        for t in transitions:
            label = str(t.custom["label"])
            permission = permission_name(t.permission)
            assert permission.startswith("can_"), (model, t.name, permission)
            edge = f"    {t.source} --> {t.target}: {label} · {permission}"
            if t.custom.get("reason_required"):
                edge += "（须填写理由）"
            assert edge in text.splitlines(), (model, t.name, edge)
            assert f"`{t.name}`" in text, (model, t.name)
            for condition in t.conditions:
                assert f"| `{condition.__name__}` | {condition.refusal} |" in text, (model, condition)


def test_state_labels_are_chinese_whatever_the_active_language():
    with translation.override("en"):
        text = generate()
    assert "    selected: 已入选" in text
    assert "    draft: 筹备中" in text
