"""One confirmation mechanism: transitions declare custom={"destructive": ..., "confirm": ...};
the actions partial shows main actions first and destructive ones after them, apart, each with what
will happen and a required "I confirm" check box (a two-step without JavaScript; confirm.js asks with
a dialog instead)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from applications import services
from applications.models import Application, Batch
from pilots.models import Pilot
from reviews.models import ReviewRound

from ..factories import complete_application, county

pytestmark = pytest.mark.django_db

DESTRUCTIVE_WORDS = ("退回", "不予", "取消", "不通过", "撤回", "未齐")


@pytest.mark.parametrize("model", [Application, Batch, Pilot, ReviewRound])
def test_every_return_refusal_or_cancellation_is_declared_destructive_with_a_confirmation(model):
    transitions = {t.name: t for t in model._meta.get_field("state").get_all_transitions(model)}
    for t in transitions.values():
        label = str(t.custom.get("label", ""))
        # 会签 (finance co-signing the province's proposal) is the joint decision's own form.
        if any(word in label for word in DESTRUCTIVE_WORDS) and not label.startswith("会签"):
            assert t.custom.get("destructive") is True, label
            assert t.custom.get("confirm"), label


def form_of(body, name):
    match = re.search(rf'<form[^>]*data-testid="action-{name}"[^>]*>.*?</form>', body, re.S)
    assert match, name
    return match.group(0)


def test_submitting_says_what_will_happen_and_needs_a_confirmation(applicant_county, client_for):
    application = complete_application(organisation=county("610922"))
    body = (
        client_for(applicant_county)
        .get(reverse("applications:detail", args=[application.pk]))
        .content.decode()
    )
    submit = form_of(body, "submit")
    confirm = re.search(r'data-confirm="([^"]*)"', submit).group(1)
    bureau = application.organisation.review_unit.bureau_name
    assert "第1版" in confirm and bureau in confirm and "PDF" in confirm
    assert re.search(
        r'<input type="checkbox" name="confirmed" value="1" required data-confirm-check>', submit
    )
    assert 'class="btn"' in submit  # a main action, not styled as destructive
    assert 'data-testid="destructive-actions"' not in body


def test_destructive_actions_come_after_the_main_one_apart_and_confirmed(
    applicant_county, city_ankang, client_for
):
    application = complete_application(organisation=county("610922"))
    services.application_submit(application=application, by=applicant_county)
    services.application_recommend(application=application, by=city_ankang, opinion="同意", rank=1)
    Application.objects.filter(pk=application.pk).update(state=Application.State.RETURNED_TO_CITY)
    body = client_for(city_ankang).get(reverse("applications:detail", args=[application.pk])).content.decode()
    main, group, destructive = (
        body.index('data-testid="action-forward"'),
        body.index('data-testid="destructive-actions"'),
        body.index('data-testid="action-return_for_revision"'),
    )
    assert main < group < destructive
    returned = form_of(body, "return_for_revision")
    assert "btn danger" in returned and "data-confirm=" in returned and "data-confirm-check" in returned
    assert application.organisation.name in re.search(r'data-confirm="([^"]*)"', returned).group(1)
    assert "data-confirm=" not in form_of(body, "forward") or "btn danger" not in form_of(body, "forward")


def test_confirm_script_is_loaded_on_every_page_and_uses_no_inline_code(client):
    body = client.get(reverse("publicity:index")).content.decode()
    assert re.search(r'<script src="[^"]*js/confirm\.js" defer></script>', body)
    script = (Path(settings.BASE_DIR) / "static" / "js" / "confirm.js").read_text()
    assert "data-confirm-check" in script and "window.confirm" in script


def test_a_return_declared_only_with_a_reason_is_still_destructive_and_confirmed():
    """reports' 退回修改 declares only reason_required: it is still kept apart and confirmed."""
    from core.transitions import Action
    from reports.models import AnnualReport

    transition = next(
        t
        for t in AnnualReport._meta.get_field("state").get_all_transitions(AnnualReport)
        if t.custom.get("reason_required")
    )
    action = Action(transition, None)
    assert action.destructive and "退回修改" in action.confirm
