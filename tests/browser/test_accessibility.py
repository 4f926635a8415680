"""Every role's main pages, in a real browser, on the demo data: axe-core finds no critical or serious
violation at desktop width and at 390 px, and at 390 px no page scrolls sideways.

Each persona logs in through the login form and opens its dashboard, inbox, lists and one detail page
of each kind it can see; the anonymous visitor opens the public pages. axe-core is vendored
(static/vendor/axe/), so the test needs no network.
"""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe" / "axe.min.js"
AXE_URL = settings.STATIC_URL + "vendor/axe/axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "critical" || v.impact === "serious")
    .map(v => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")}`);
}"""

OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > width + 1 && el.getClientRects().length)
    .filter(el => !el.closest(".scroll, [data-scroll]"))
    .slice(0, 3)
    .map(el => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : ""));
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


# At phone width: a table shown as cards (its header hidden) whose value cells lack their column label.
UNLABELLED = """() => {
  const missing = [];
  document.querySelectorAll("table.data").forEach(table => {
    const head = table.tHead;
    if (!head || getComputedStyle(head).display !== "none") return;
    const labels = [...head.rows[head.rows.length - 1].cells].map(th => th.textContent.trim());
    // The table's own rows only: a table nested in a cell (a panel's folded details) has its own labels.
    [...table.tBodies].flatMap(body => [...body.rows]).forEach(row => {
      [...row.cells].forEach((cell, i) => {
        if (cell.colSpan > 1 || !labels[i] || !cell.textContent.trim()) return;
        if (!(cell.getAttribute("data-label") || "").trim()) missing.push(`${labels[i]}: ${cell.textContent.trim().slice(0, 20)}`);
      });
    });
  });
  return missing.slice(0, 3);
}"""


def _first(queryset):
    obj = queryset.order_by("pk").first()
    assert obj is not None, f"the demo data has no {queryset.model.__name__} for this persona"
    return obj


def pages_of(username: str) -> list[str]:
    """The main pages of a demo persona, details picked through the same selectors the pages use."""
    from django.contrib.auth import get_user_model

    from applications.selectors import applications_visible_to
    from pilots.selectors import pilots_visible_to
    from reports.selectors import reports_visible_to
    from reviews.selectors import assignments_of_expert, rounds_visible_to

    user = get_user_model().objects.get(username=username)
    common = [reverse("dashboard:dashboard"), reverse("core:inbox"), reverse("core:inbox") + "?unread=1"]
    applications = [reverse("applications:list")]
    if username in ("shiquan", "agency", "city_ankang", "province", "finance"):
        a = _first(applications_visible_to(user).exclude(submitted_at=None))
        applications += [
            reverse("applications:detail", args=[a.pk]),
            reverse("applications:versions", args=[a.pk]),
        ]
    pilots = [reverse("pilots:list")]
    if username in ("shiquan", "city_ankang", "province", "drc"):
        pilots.append(reverse("pilots:detail", args=[_first(pilots_visible_to(user)).pk]))
    reports = [reverse("reports:list")]
    if username in ("shiquan", "province"):
        reports.append(reverse("reports:detail", args=[_first(reports_visible_to(user)).pk]))
    rounds = [reverse("reviews:list")]
    if username in ("province", "finance", "drc"):
        rounds.append(reverse("reviews:detail", args=[_first(rounds_visible_to(user)).pk]))
    match username:
        case "shiquan" | "agency":
            return common + applications + pilots + reports
        case "city_ankang":
            from applications.models import Batch

            batch = _first(Batch.objects.exclude(state=Batch.State.DRAFT))
            return common + applications + [reverse("applications:city_screening", args=[batch.pk])] + pilots
        case "province":
            from reviews.models import ReviewRound

            scored = _first(rounds_visible_to(user).filter(purpose=ReviewRound.Purpose.SELECTION))
            tabs = ["round_edit", "conflicts", "coverage", "results", "decision", "confirmations"]
            tabs += ["score_sheets", "publicity"]
            return (
                common
                + applications
                + [
                    reverse("applications:batch_list"),
                    reverse("applications:batch_detail", args=[scored.batch_id]),
                ]
                + pilots
                + reports
                + rounds
                + [reverse(f"reviews:{tab}", args=[scored.pk]) for tab in tabs]
                + [reverse("reviews:experts"), reverse("reviews:criteria")]
            )
        case "finance":
            from reviews.models import ReviewRound

            selection = _first(rounds_visible_to(user).filter(purpose=ReviewRound.Purpose.SELECTION))
            return (
                common
                + applications
                + reports
                + rounds
                + [reverse("reviews:confirmations", args=[selection.pk])]
            )
        case "drc":
            return common + pilots + reports + rounds
        case "expert_wang":
            assignment = _first(assignments_of_expert(user))
            return common + [
                reverse("reviews:my_assignments"),
                reverse("reviews:my_assignment", args=[assignment.pk]),
                reverse("reviews:declare", args=[assignment.round_id]),
            ]
    raise AssertionError(username)


def public_pages() -> list[str]:
    from applications.models import Batch

    published = _first(Batch.objects.filter(state__in=[Batch.State.PUBLICITY, Batch.State.PUBLISHED]))
    return [
        reverse("dashboard:home"),
        reverse("publicity:index"),
        reverse("publicity:notice", args=[published.pk]),
        reverse("publicity:pilot_list"),
        reverse("login"),
    ]


def check(page, urls: list[str]) -> list[str]:
    """Open each page at both widths; return what is wrong, page by page."""
    problems = []
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        for url in urls:
            response = page.goto(url)
            where = f"{url} @{viewport['width']}px"
            if response.status != 200:
                problems.append(f"{where}: HTTP {response.status}")
                continue
            # By URL, from the portal's own static files: the CSP (script-src 'self') refuses inline script,
            # which is what add_script_tag(path=...) would insert.
            page.add_script_tag(url=AXE_URL)
            problems += [f"{where}: {v}" for v in page.evaluate(RUN_AXE)]
            if viewport is PHONE:
                measured = page.evaluate(OVERFLOW)
                unlabelled = page.evaluate(UNLABELLED)
                if unlabelled:
                    problems.append(f"{where}: card values without their column label: {unlabelled}")
                if measured["scroll"] > measured["width"]:
                    problems.append(
                        f"{where}: scrolls sideways ({measured['scroll']} > {measured['width']} px; {measured['wide']})"
                    )
    return problems


@pytest.fixture
def demo(db, monkeypatch):
    """The demo data, without rendering its PDFs and mails (they cost minutes and no page needs them)."""
    from core import queue
    from demo.management.commands.seed_demo import DEMO_PASSWORD

    with monkeypatch.context() as patched:
        patched.setattr(queue, "enqueue", lambda task, *args: True)
        call_command("seed_demo", stdout=io.StringIO())
    return DEMO_PASSWORD


@pytest.mark.parametrize(
    "username", ["shiquan", "agency", "city_ankang", "province", "finance", "drc", "expert_wang"]
)
def test_every_main_page_of_the_role_is_accessible_and_fits_390px(username, demo, new_page):
    page = new_page()
    log_in(page, username, demo)
    urls = pages_of(username)
    problems = check(page, urls)
    assert not problems, "\n".join(problems)
    # The test really visited the pages as this user: the menu is the role's own.
    page.goto(reverse("dashboard:dashboard"))
    assert page.get_by_test_id("whoami").count() == 1


def test_public_pages_are_accessible_and_fit_390px(demo, new_page):
    page = new_page()
    problems = check(page, public_pages())
    assert not problems, "\n".join(problems)


def test_the_form_sections_of_an_editable_application_are_accessible_and_fit_390px(demo, new_page):
    """The applicant editing Annex 1: every section, with its forms and repeating rows."""
    from applications.models import Application
    from applications.views_form import SECTIONS
    from organisations.models import Membership, Role

    application = _first(Application.objects.filter(state=Application.State.RETURNED))
    editor = (
        Membership.objects.filter(organisation=application.organisation, role=Role.APPLICANT).first().user
    )
    page = new_page()
    log_in(page, editor.username, demo)
    urls = [reverse("applications:section", args=[application.pk, code]) for code, _label in SECTIONS]
    page.goto(urls[0])
    assert page.locator("form textarea, form input[type=text]").count() > 0  # editable, not read-only
    problems = check(page, urls)
    assert not problems, "\n".join(problems)
