"""Personas for every role (alice/bob/charlie style), and the switches for the external services.

Reference data (divisions, the 12 review units, county governments, development zones) is created by
migration pilots/0002_reference_data and is therefore present in the test database.
"""

import os
import re
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from organisations.models import Organisation, Role

from .factories import OrganisationFactory, city_bureau, county, department, member, park

XIAN, ANKANG = "610100", "610900"
SHIQUAN = "610922"  # 石泉县 (安康)
LANTIAN = "610122"  # 蓝田县 (西安)
XIAN_HITECH = "西安高新技术产业开发区管委会"

PERSONAS = [
    "applicant_county",
    "applicant_park",
    "applicant_xian",
    "agency",
    "city_xian",
    "city_ankang",
    "province",
    "finance",
    "drc",
    "expert",
    "outsider",
]


REQUIRE_SERVICES = "PORTAL_REQUIRE_SERVICES"
# Skips that mean "a service or tool of the machine is absent": failures when CI asks for everything.
MISSING_SERVICE = re.compile(r"not configured|not installed|not found", re.IGNORECASE)


def _service_missing(what: str, why: str = ""):
    """Skip a test whose service is absent, unless CI asked for every service (PORTAL_REQUIRE_SERVICES=1)."""
    if os.environ.get(REQUIRE_SERVICES) == "1":
        pytest.fail(f"{what} is required (PORTAL_REQUIRE_SERVICES=1) but not configured")
    pytest.skip(f"{what} not configured{': ' + why if why else ''}")


@pytest.fixture
def require_postgres():
    if connection.vendor != "postgresql":
        _service_missing("PostgreSQL (DATABASE_URL)", "this test needs PostgreSQL")


@pytest.fixture
def require_redis():
    if not os.environ.get("REDIS_URL"):
        _service_missing("Redis (REDIS_URL)")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


# Organisations ---------------------------------------------------------------------------------
@pytest.fixture
def shiquan(db) -> Organisation:
    return county(SHIQUAN)


@pytest.fixture
def lantian(db) -> Organisation:
    return county(LANTIAN)


@pytest.fixture
def xian_hitech(db) -> Organisation:
    return park(XIAN_HITECH)


@pytest.fixture
def agency_org(db) -> Organisation:
    return OrganisationFactory(name="陕西秦岭绿碳环境咨询有限公司", kind=Organisation.Kind.AGENCY)


# Personas: each test gets fresh user objects, so the cached scope (_portal_scope) is never stale.
@pytest.fixture
def applicant_county(shiquan):
    return member(Role.APPLICANT, shiquan, username="shiquan")


@pytest.fixture
def applicant_park(xian_hitech):
    return member(Role.APPLICANT, xian_hitech, username="xian_hitech")


@pytest.fixture
def applicant_xian(lantian):
    """Another applicant, of a 西安 county: must never see 石泉县's files."""
    return member(Role.APPLICANT, lantian, username="lantian")


@pytest.fixture
def agency(agency_org):
    return member(Role.AGENCY, agency_org, username="agency")


@pytest.fixture
def city_xian(db):
    return member(Role.CITY_OFFICER, city_bureau(XIAN), username="city_xian")


@pytest.fixture
def city_ankang(db):
    return member(Role.CITY_OFFICER, city_bureau(ANKANG), username="city_ankang")


@pytest.fixture
def city_ankang_2(db):
    return member(Role.CITY_OFFICER, city_bureau(ANKANG), username="city_ankang_2")


@pytest.fixture
def province(db):
    return member(Role.PROVINCE_OFFICER, department(Organisation.Kind.PROVINCE_ECOLOGY), username="province")


@pytest.fixture
def finance(db):
    return member(Role.FINANCE_OFFICER, department(Organisation.Kind.PROVINCE_FINANCE), username="finance")


@pytest.fixture
def drc(db):
    return member(Role.DRC_OFFICER, department(Organisation.Kind.PROVINCE_DRC), username="drc")


@pytest.fixture
def expert(db):
    home = OrganisationFactory(name="西安交通大学", kind=Organisation.Kind.EXPERT_HOME)
    return member(Role.EXPERT, home, username="expert")


@pytest.fixture
def outsider(db):
    from .factories import UserFactory

    return UserFactory(username="outsider")


@pytest.fixture
def personas(request) -> dict:
    """Every persona by name (creates them all)."""
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.fixture
def client_for():
    """A logged-in test client for a user (a new client each call: sessions never mix); a user who must
    use two-factor authentication has passed it (tests.helpers.verified_login)."""
    from .helpers import verified_login

    def make(user) -> Client:
        client = Client()
        verified_login(client, user)
        return client

    return make


def pytest_configure(config):
    # WhiteNoise warns that STATIC_ROOT was never collected; the tests do not serve static files.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
    config.addinivalue_line("markers", "slow: takes seconds (deselect with -m 'not slow')")


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


def pytest_collection_modifyitems(items):
    """Every transactional test restores the reference data after its flush.

    A TransactionTestCase empties every table when it ends. The reference data comes from a data
    migration, so a transactional test without serialized rollback would leave the next ones without
    it, and its flush re-creates content types under new ids, which breaks the restore of the next
    serialized test. Giving them all serialized rollback keeps the order of tests irrelevant.
    """
    for item in items:
        if _is_transactional(item) and "django_db_serialized_rollback" not in item.fixturenames:
            item.fixturenames.append("django_db_serialized_rollback")


# Skips: failures in CI when a service is missing, and a summary by reason at the end of every run -----
def skip_reason(report) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return reason.removeprefix("Skipped: ")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With PORTAL_REQUIRE_SERVICES=1 (CI), a test skipped because a service or tool is missing
    (PostgreSQL, Redis, Chromium, poppler-utils, …) fails instead: CI must run every test."""
    outcome = yield
    report = outcome.get_result()
    if (
        report.skipped
        and not hasattr(report, "wasxfail")
        and os.environ.get(REQUIRE_SERVICES) == "1"
        and MISSING_SERVICE.search(skip_reason(report))
    ):
        report.outcome = "failed"
        report.longrepr = f"{skip_reason(report)}: required in CI ({REQUIRE_SERVICES}=1), so this skip fails"


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """End every run with what was skipped and why, grouped by reason (and say so when nothing was):
    after pytest's own summaries, just above the final count."""
    yield
    reports = terminalreporter.stats.get("skipped", [])
    reasons = Counter(skip_reason(report) for report in reports if not hasattr(report, "wasxfail"))
    terminalreporter.section("skipped tests, by reason", sep="=", bold=True)
    if not reasons:
        terminalreporter.write_line("No test was skipped.", green=True)
        return
    for reason, count in reasons.most_common():
        terminalreporter.write_line(f"{count:>5} skipped: {reason}", yellow=True)
    total = sum(reasons.values())
    terminalreporter.write_line(
        f"{total} test{'s' if total > 1 else ''} skipped. Install or start what is named above "
        f"(make test installs the system packages; PostgreSQL and Redis are probed on 127.0.0.1), "
        f"or set {REQUIRE_SERVICES}=1 to make these skips failures.",
        yellow=True,
    )


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, past the second factor that every staff user must pass."""
    from .helpers import verified_login

    verified_login(client, admin_user)
    return client
