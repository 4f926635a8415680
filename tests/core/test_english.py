"""The English interface shows no Chinese that the portal itself writes.

Every role's pages are rendered in English over the demo data (`seed_demo`: something in every stage,
with real audit trails) by following the links each role sees, from its dashboard and from the public
home page. What is left of a page's text after removing the user data is searched for Chinese
characters and full-width punctuation: any found is a string that is not marked for translation, not
translated in locale/en, or a date or punctuation written the Chinese way.

User data is what the database holds (organisation, batch and person names, free text, notices in the
inbox, which are written once in Chinese): every Chinese string stored in a text column is removed from
the page before the search. Not counted as user data, because the portal writes them and must translate
them at display: the audit trail's labels and the seeded criteria. Content marked `lang="zh-Hans"` is
Chinese on purpose (the official text of the publicity notice, the language switch's 简体中文).
"""

import re
from collections import defaultdict
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.test import Client

from organisations.models import Role
from tests.helpers import verified_login

CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
# An example of a document number (文号) in a help text is what the user must type, Chinese in any language.
DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号")

# Stored, but written by the portal and translated when displayed: not user data.
NOT_USER_DATA = {
    ("core", "AuditEntry"): {"action_label", "object_repr"},
    ("reviews", "Criterion"): {"name", "description", "levels"},
    ("reviews", "CriteriaSet"): {"name", "description"},
}
# Pages that are files or actions, not pages to read.
SKIP = re.compile(r"/(logout|i18n|admin|media-not-served)/|pdf|export|download|\.xlsx|/static/")
PAGES_PER_PATTERN = 3  # /applications/12/ and /applications/13/ show the same template, in other states
MAX_PAGES = 120  # per user


class _Text(HTMLParser):
    """The visible text and the attributes a reader or a screen reader meets, minus lang="zh-Hans"."""

    ATTRIBUTES = {"title", "placeholder", "aria-label", "data-label", "alt"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden) for elements that hold text

    @property
    def hidden(self) -> bool:
        return any(h for _, h in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # A textarea holds a value being edited (data), like an input's value.
        hidden = tag in ("script", "style", "textarea") or (attrs.get("lang") or "").lower().startswith("zh")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if not (hidden or self.hidden):
            self.parts += [v for k, v in attrs.items() if k in self.ATTRIBUTES and v]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def user_data() -> re.Pattern:
    """One pattern matching every Chinese string stored in the database (longest first)."""
    found = set()
    for model in apps.get_models():
        skipped = NOT_USER_DATA.get((model._meta.app_label, model.__name__), set())
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField) and f.name not in skipped
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for value in row:
                for text in _strings(value):
                    if "<" in text:  # rich text (a plan's chapters): the page shows its text nodes
                        parser = _Text()
                        parser.feed(text)
                        found.update(" ".join(part.split()) for part in parser.parts if CHINESE.search(part))
                    found.update(line.strip() for line in text.splitlines() if CHINESE.search(line))
    found.discard("")
    return re.compile("|".join(re.escape(s) for s in sorted(found, key=len, reverse=True)))


def chinese_left(html: str, data: re.Pattern) -> tuple[list[str], list[str]]:
    parser = _Text()
    parser.feed(html)
    left = []
    for part in parser.parts:
        if not CHINESE.search(part):
            continue
        text = DOCUMENT_NUMBER.sub(" ", data.sub(" ", " ".join(part.split())))
        if CHINESE.search(text):
            left.append(text.strip()[:160])
    return left, parser.links


def crawl(
    client: Client, start: list[str], data: re.Pattern, visited: set | None = None
) -> dict[str, list[str]]:
    """Follow the links from `start` (same site, GET pages only); {url: Chinese left on it}. The pages
    read are added to `visited`."""
    queue, seen, per_pattern, problems = list(start), set(), defaultdict(int), {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        path = urlsplit(url).path
        pattern = re.sub(r"\d+", "N", path)
        if url in seen or SKIP.search(url) or per_pattern[pattern] >= PAGES_PER_PATTERN:
            continue
        seen.add(url)
        per_pattern[pattern] += 1
        response = client.get(url, follow=True)  # a section may redirect to its first page
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        if visited is not None:
            visited.add(re.sub(r"\d+", "N", response.request["PATH_INFO"]))
        left, links = chinese_left(response.content.decode(), data)
        if left:
            problems[url] = left
        for link in links:
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith("/") or link.startswith("//"):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return problems


def english_client(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        verified_login(client, user)
    return client


def report(problems: dict[str, list[str]]) -> str:
    lines = []
    for url, left in problems.items():
        lines.append(url)
        lines += [f"    {text}" for text in dict.fromkeys(left)]
    return "\n".join(lines)


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--quiet", stdout=StringIO())
    return user_data()


MAIN_PAGES = {
    "/",
    "/dashboard/",
    "/inbox/",
    "/publicity/",
    "/publicity/N/",
    "/publicity/pilots/",
    "/applications/",
    "/applications/N/",
    "/applications/N/edit/basic/",
    "/applications/N/versions/",
    "/pilots/",
    "/pilots/N/",
    "/reports/",
    "/reports/N/",
    "/reviews/",
    "/reviews/N/",
    "/reviews/N/results/",
    "/reviews/mine/",
    "/reviews/mine/N/",
    "/reviews/experts/",
    "/reviews/criteria/",
    "/reviews/criteria/N/",
    "/reviews/N/conflicts/",
    "/reviews/N/coverage/",
    "/reviews/N/decision/",
    "/reviews/N/confirmations/",
    "/reviews/N/publicity/",
    "/applications/city/N/",
    "/applications/batches/",
    "/applications/batches/N/",
    "/applications/N/edit/contacts/",
    "/applications/N/baseline/N/",
}

ROLES = [
    Role.APPLICANT,
    Role.AGENCY,
    Role.CITY_OFFICER,
    Role.PROVINCE_OFFICER,
    Role.FINANCE_OFFICER,
    Role.DRC_OFFICER,
    Role.EXPERT,
]


@pytest.mark.slow
def test_every_role_sees_no_untranslated_chinese_in_english(demo):
    from demo.management.commands.seed_demo import PERSONAS
    from organisations.models import Membership

    DEMO_USERS = [p[0] for p in PERSONAS]

    problems, visited = {}, set()
    public = ["/", "/publicity/", "/publicity/pilots/", "/accounts/login/"]
    problems.update(crawl(english_client(), public, demo, visited))
    for role in ROLES:  # every demo user of every role: their items are in different states
        users = {
            m.user
            for m in Membership.objects.filter(role=role, user__username__in=DEMO_USERS).select_related(
                "user"
            )
        }
        assert users, role
        for user in sorted(users, key=lambda u: u.username):
            found = crawl(english_client(user), ["/dashboard/", "/inbox/"], demo, visited)
            problems.update({f"{user.username} {url}": left for url, left in found.items()})
    # The crawl reached the main pages of every area (a broken crawl must not pass by seeing nothing).
    assert visited >= MAIN_PAGES, sorted(MAIN_PAGES - visited)
    assert not problems, "Chinese left in the English interface:\n" + report(problems)


def test_the_check_catches_an_unmarked_string(db):
    """The detector itself: a Chinese word the portal wrote is found; stored data and zh-Hans are not."""
    from tests.factories import OrganisationFactory

    OrganisationFactory(name="秦岭测试示范园区管委会")
    data = user_data()
    page = (
        '<html><body><h1 title="申报书">Applications</h1><p>秦岭测试示范园区管委会 · Draft</p>'
        '<p lang="zh-Hans">关于拟入选名单的公示</p><p>Emission factor set：X</p>'
        '<script>var a = "中文";</script></body></html>'
    )
    left, _ = chinese_left(page, data)
    assert left == ["申报书", "Emission factor set：X"]


# The one owner of dates and the language-aware punctuation -------------------------------------
def test_dates_follow_the_active_language():
    import datetime

    from django.utils import timezone, translation

    from core import formats

    day = datetime.date(2026, 12, 1)
    moment = timezone.make_aware(datetime.datetime(2025, 12, 10, 6, 30), datetime.UTC)  # 14:30 in Shaanxi
    with translation.override("zh-hans"):
        assert formats.format_date(day) == "2026年12月1日"
        assert formats.format_datetime(moment) == "2025年12月10日 14:30"
        assert formats.format_period(day, datetime.date(2026, 12, 7)) == "2026年12月1日至12月7日"
        assert formats.label("批次") == "批次：" and formats.parenthesised(3) == "（3）"
    with translation.override("en"):
        assert formats.format_date(day) == "1 Dec 2026"
        assert formats.format_datetime(moment) == "10 Dec 2025 14:30"
        assert formats.format_period(day, datetime.date(2026, 12, 7)) == "1 Dec 2026 – 7 Dec 2026"
        assert formats.label("Batch") == "Batch: " and formats.parenthesised(3) == " (3)"
        # Official documents are Chinese whatever the reader's language.
        assert formats.chinese_date(day) == "2026年12月1日"
        assert formats.in_chinese(lambda: formats.format_date(day))() == "2026年12月1日"
    assert formats.format_date(None) == "" and formats.format_datetime(None) == ""


def test_the_date_filters_and_the_notice_dates_use_the_one_owner():
    import datetime

    from django.template import Context, Template
    from django.utils import translation

    from reviews import documents

    template = Template("{% load portal %}{{ d|cn_date }}|{{ d|local_date }}|{% colon %}")
    day = datetime.date(2026, 12, 1)
    with translation.override("en"):
        assert template.render(Context({"d": day})) == "1 Dec 2026|1 Dec 2026|: "
        assert documents.period_text(day, datetime.date(2026, 12, 7)) == "2026年12月1日至12月7日"
    with translation.override("zh-hans"):
        assert template.render(Context({"d": day})) == "2026年12月1日|2026年12月1日|："


@pytest.mark.django_db
def test_audit_labels_are_stored_in_chinese_and_shown_in_the_reader_s_language():
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    from core.audit import action_code, record, translate_stored
    from core.models import AuditEntry
    from tests.factories import BatchFactory, UserFactory

    batch = BatchFactory()
    user = UserFactory()
    with translation.override("en"):
        record(batch, actor=user, action="x", label=gettext_lazy("提交申报书"))
        record(batch, actor=user, action="y", label="修改申报书：基本情况与边界")
        record(batch, actor=user, action="z", label="修改申报书：2025年基础数据")
    codes = [action_code(batch, verb) for verb in ("x", "y", "z")]
    stored = list(AuditEntry.objects.filter(action__in=codes).order_by("action"))
    assert [e.action_label for e in stored] == [
        "提交申报书",
        "修改申报书：基本情况与边界",
        "修改申报书：2025年基础数据",
    ]
    with translation.override("en"):
        shown = [translate_stored(e.action_label) for e in stored]
    assert shown == [
        "Submit the application",
        "Edit the application: General information and boundary",
        "Edit the application: Baseline data 2025",
    ]


@pytest.mark.django_db
def test_a_refusal_is_in_the_language_of_the_user_who_met_it(applicant_county):
    from django.utils import translation

    from applications import services
    from applications.models import Application
    from core.errors import DomainError
    from tests.factories import ApplicationFactory, BatchFactory

    application = ApplicationFactory(
        batch=BatchFactory(),
        organisation=applicant_county.memberships.get().organisation,
        state=Application.State.DRAFT,
    )
    for language, expected in [
        ("en", "The application is incomplete and cannot be submitted"),
        ("zh-hans", "申报书尚未填写完整，不能提交"),
    ]:
        with translation.override(language), pytest.raises(DomainError) as refused:
            services.application_submit(application=application, by=applicant_county)
        assert refused.value.message.startswith(expected), refused.value.message


@pytest.mark.django_db
def test_an_english_request_does_not_leave_the_thread_in_english():
    """Code after a request (tasks run in-process, the next test) runs in the default language: a lazy
    refusal or label must not come out in the last visitor's language."""
    from django.utils import translation

    before = translation.get_language()
    response = english_client().get("/")
    assert response.headers["Content-Language"] == "en"
    assert "Shaanxi Low-Carbon and Near-Zero-Carbon Pilot Demonstration Portal" in response.text
    assert translation.get_language() == before


@pytest.mark.django_db
def test_notices_and_the_snapshot_are_written_in_chinese_when_the_actor_uses_english(
    applicant_county, city_ankang
):
    """Notices are stored once for every reader (inbox and e-mail) and the snapshot feeds the Annex 1
    PDF: both are Chinese even when the user who acted reads the portal in English."""
    from django.utils import translation

    from applications import services
    from core.audit import action_code
    from core.models import AuditEntry, Notification
    from tests.factories import complete_application

    application = complete_application(organisation=applicant_county.memberships.get().organisation)
    with translation.override("en"):
        services.application_submit(application=application, by=applicant_county)
        services.application_return(application=application, by=city_ankang, reason="请补充材料")
    titles = list(Notification.objects.order_by("id").values_list("title", flat=True))
    assert titles == [
        f"{application.organisation.name}提交了申报书，请审核",
        "您的申报书已被退回修改，请查看退回理由",
    ]
    snapshot = application.snapshots.get()
    labels = [item["label"] for item in snapshot.data["application"]]
    assert "试点范围" in labels or "申报类型" in labels, labels
    entry = AuditEntry.objects.filter(action=action_code(application, "submit")).get()
    assert entry.action_label == "提交申报书"


def test_the_english_catalogue_translates_every_message():
    """Every entry of locale/en has an English text (plural forms included) and none is fuzzy.

    makemessages adds new strings with an empty msgstr, and a fuzzy guess is ignored at run time: either
    would show Chinese in the English interface on a page the crawl above does not reach.
    """
    po = (settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    untranslated = []
    for block in po.split("\n\n")[1:]:  # the first block is the header
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines or all(line.startswith("#~") for line in lines):
            continue
        msgid = next((line for line in lines if line.startswith("msgid ")), "")
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            untranslated.append(f"fuzzy: {msgid}")
            continue
        values, current = {}, None
        for line in lines:
            if line.startswith("msgstr"):
                current = line.split(" ", 1)[0]
                values[current] = line.split(" ", 1)[1].strip('"')
            elif line.startswith('"') and current:
                values[current] += line.strip('"')
            elif not line.startswith('"'):
                current = None
        if not values or any(value == "" for value in values.values()):
            untranslated.append(msgid)
    assert not untranslated, untranslated
