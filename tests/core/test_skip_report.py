"""tests/conftest.py ends every run with the skipped tests grouped by reason, and with
PORTAL_REQUIRE_SERVICES=1 (CI) a skip for a missing service or tool is a failure.

Checked end to end: a small suite that imports the two hooks runs in a pytest subprocess.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SUITE = """
import pytest

def test_runs():
    assert True

@pytest.mark.parametrize("n", [1, 2])
def test_needs_redis(n):
    pytest.skip("Redis (REDIS_URL) not configured")

@pytest.mark.skipif(True, reason="pdftotext (poppler-utils) not installed")
def test_needs_poppler():
    pass

def test_not_ready():
    pytest.skip("the officers' result pages are not built yet")

@pytest.mark.xfail(reason="known")
def test_expected_failure():
    assert False
"""


def run_suite(tmp_path, require: bool, suite: str = SUITE) -> subprocess.CompletedProcess:
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import pytest_runtest_makereport, pytest_terminal_summary  # noqa: F401\n"
    )
    (tmp_path / "test_sample.py").write_text(suite)
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_REQUIRE_SERVICES"}
    env["PYTHONPATH"] = str(ROOT)
    if require:
        env["PORTAL_REQUIRE_SERVICES"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(tmp_path), "-p", "no:cacheprovider", "-q", "--no-header"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_run_ends_with_the_skips_grouped_by_reason(tmp_path):
    result = run_suite(tmp_path, require=False)
    assert result.returncode == 0, result.stdout
    summary = result.stdout.split("skipped tests, by reason", 1)[1].splitlines()
    lines = [line.strip() for line in summary[1:5]]
    assert lines == [
        "2 skipped: Redis (REDIS_URL) not configured",
        "1 skipped: pdftotext (poppler-utils) not installed",
        "1 skipped: the officers' result pages are not built yet",
        "4 tests skipped. Install or start what is named above (make test installs the system packages; "
        "PostgreSQL and Redis are probed on 127.0.0.1), or set PORTAL_REQUIRE_SERVICES=1 to make these "
        "skips failures.",
    ]
    assert "1 passed, 4 skipped, 1 xfailed" in result.stdout


def test_with_require_services_a_missing_service_fails_the_run(tmp_path):
    result = run_suite(tmp_path, require=True)
    assert result.returncode == 1
    # A skip in a test body fails it; a skip in set-up (skipif, a fixture) makes it an error.
    assert "2 failed, 1 passed, 1 skipped, 1 xfailed, 1 error" in result.stdout
    assert "required in CI (PORTAL_REQUIRE_SERVICES=1), so this skip fails" in result.stdout
    assert "1 skipped: the officers' result pages are not built yet" in result.stdout


def test_a_run_without_skips_says_so(tmp_path):
    result = run_suite(tmp_path, require=True, suite="def test_runs():\n    assert True\n")
    assert result.returncode == 0
    assert "No test was skipped." in result.stdout
