"""The layers contract (.importlinter, run by scripts/run_tests.sh) passes today and catches a new
upward import, at module level or inside a function.

The apps and the contract are copied to a temporary directory so that the probe never touches the
source tree other tests (or helpers) are reading."""

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _root_packages() -> tuple[str, ...]:
    """The apps the contract covers, read from .importlinter (its one owner)."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    return tuple(config["importlinter"]["root_packages"].split())


APPS = _root_packages()
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")


@pytest.fixture
def tree(tmp_path):
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=120, check=False
    )


def test_todays_imports_keep_the_contract(tree):
    result = lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout and "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "source", "edge"),
    [
        ("core/probe.py", "from reviews import results\n", "core.probe -> reviews.results"),
        # An application knows nothing of the pilot it may become (pilots sit above applications).
        (
            "applications/probe.py",
            "def later():\n    from pilots.models import Pilot\n\n    return Pilot\n",
            "applications.probe -> pilots.models",
        ),
        ("pilots/probe.py", "from reviews.models import ReviewItem\n", "pilots.probe -> reviews.models"),
        # Annual reports and dispatches both read the ledger; neither imports the other.
        ("reports/probe.py", "import dispatches\n", "reports.probe -> dispatches"),
        ("plans/probe.py", "import reports\n", "plans.probe -> reports"),
        ("reports/probe.py", "import reviews.aggregation\n", "reports.probe -> reviews.aggregation"),
        ("carbon/probe.py", "from reports.models import AnnualReport\n", "carbon.probe -> reports.models"),
        # The organisations foundation imports only core: never the pilot built on it.
        (
            "organisations/probe.py",
            "from pilots.models import Pilot\n",
            "organisations.probe -> pilots.models",
        ),
        # core knows no roles (the history tag asks core.audit, where organisations registers its rule).
        ("core/probe.py", "from organisations.roles import scope_of\n", "core.probe -> organisations.roles"),
        # carbon and indicators sit above organisations in the layers but import only core (their own contract).
        ("carbon/probe.py", "from pilots.models import Pilot\n", "carbon.probe -> pilots.models"),
        (
            "indicators/probe.py",
            "from organisations.models import Organisation\n",
            "indicators.probe -> organisations.models",
        ),
        # The indicator catalogue sits below applications: it never reads an application's target.
        (
            "indicators/probe.py",
            "from applications.models import ApplicationTarget\n",
            "indicators.probe -> applications.models",
        ),
        # core imports no app: the role dashboard and the menu sit at the top, above every app.
        ("core/probe.py", "from dashboard.selectors import menu_for\n", "core.probe -> dashboard.selectors"),
        # Nor does any app know the demo, even inside a function.
        (
            "reviews/probe.py",
            "def later():\n    from demo import content\n\n    return content\n",
            "reviews.probe -> demo.content",
        ),
        # The two top-layer apps are independent siblings.
        ("dashboard/probe.py", "from demo import content\n", "dashboard.probe -> demo.content"),
        # The review engine reads applications and pilots, never the follow-up built on its expert pool.
        ("reviews/probe.py", "import followup\n", "reviews.probe -> followup"),
        # The module that held the last debt (paid by issue 9's review engine) may not import upwards again.
        (
            "applications/selectors.py",
            "\nfrom reviews import results  # noqa\n",
            "applications.selectors -> reviews.results",
        ),
    ],
)
def test_a_new_upward_import_breaks_the_contract(tree, module, source, edge):
    path = tree / module
    path.write_text((path.read_text() if path.exists() else "") + source)
    result = lint(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and edge in result.stdout, result.stdout


def test_every_app_of_the_portal_is_in_the_contract():
    """A new app joins the layers when it is installed: an app outside root_packages would be unchecked."""
    from django.apps import apps

    ours = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}
    assert ours == set(APPS) - {"config"}
