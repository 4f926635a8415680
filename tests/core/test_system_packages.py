"""scripts/system_packages.sh, the one list of system packages behind `make run`, `make test` and CI.

The script is run against fake `dpkg-query`, `apt-get`, `sudo` and `id` commands on PATH, so every
branch (all present, root, passwordless sudo, no sudo, no Python 3.11) is exercised without touching
the machine's packages.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "system_packages.sh"

RUN = [
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "fontconfig",
    "fonts-noto-cjk",
    "fonts-arphic-ukai",
    "gettext",
]
TEST = [*RUN, "poppler-utils", "chromium"]

FAKES = {
    # Reports the packages listed in $FAKE_STATE/installed as installed, the others as unknown.
    "dpkg-query": """#!/bin/sh
rc=0
for arg in "$@"; do
  case "$arg" in -*) continue ;; esac
  if grep -qxF "$arg" "$FAKE_STATE/installed"; then echo "$arg install ok installed"
  else echo "dpkg-query: no packages found matching $arg" >&2; rc=1; fi
done
exit $rc
""",
    # Logs its arguments; `install` marks the packages installed.
    "apt-get": """#!/bin/sh
echo "apt-get $*" >> "$FAKE_STATE/log"
if [ "$FAKE_APT_FAILS" = 1 ]; then exit 100; fi
for arg in "$@"; do
  case "$arg" in -*|install|update) ;; *) echo "$arg" >> "$FAKE_STATE/installed" ;; esac
done
""",
    "sudo": """#!/bin/sh
[ "$FAKE_SUDO" = passwordless ] || exit 1
echo "sudo $*" >> "$FAKE_STATE/log"
shift  # -n
exec "$@"
""",
    "id": """#!/bin/sh
echo "$FAKE_UID"
""",
    # A Python 3.11 with venv (FAKE_PYTHON_OK=1) or a broken one (a pyenv shim without 3.11, say).
    "python-fake": """#!/bin/sh
[ "$FAKE_PYTHON_OK" = 1 ]
""",
}


@pytest.fixture
def fake(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in FAKES.items():
        path = bin_dir / name
        path.write_text(body)
        path.chmod(0o755)
    state = tmp_path / "state"
    state.mkdir()
    (state / "installed").write_text("")
    (state / "log").write_text("")

    class Fake:
        def __init__(self):
            self.state = state

        def installed(self, packages):
            (state / "installed").write_text("".join(f"{p}\n" for p in packages))

        def log(self) -> list[str]:
            return (state / "log").read_text().splitlines()

        def run(self, *args, uid=0, sudo="none", python_ok=True, apt_fails=False):
            env = {
                "PATH": f"{bin_dir}:/usr/bin:/bin",
                "FAKE_STATE": str(state),
                "FAKE_UID": str(uid),
                "FAKE_SUDO": sudo,
                "FAKE_PYTHON_OK": "1" if python_ok else "0",
                "FAKE_APT_FAILS": "1" if apt_fails else "0",
                "PYTHON": str(bin_dir / "python-fake"),
                "PORTAL_SYSTEM_PYTHON": str(bin_dir / "python-fake"),
                "PORTAL_CHROMIUM": str(tmp_path / "no-chromium"),
            }
            return subprocess.run(
                ["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=30
            )

    return Fake()


def test_everything_present_is_silent_quick_and_installs_nothing(fake):
    fake.installed(TEST)
    started = time.monotonic()
    result = fake.run("test")
    assert time.monotonic() - started < 2
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert fake.log() == []


def test_as_root_updates_then_installs_only_what_is_missing(fake):
    fake.installed([p for p in TEST if p not in {"fonts-noto-cjk", "chromium"}])
    result = fake.run("test", uid=0)
    assert result.returncode == 0, result.stderr
    assert fake.log() == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends fonts-noto-cjk chromium",
    ]
    assert "fonts-noto-cjk chromium" in result.stdout
    # Idempotent: the second run finds everything and does nothing.
    again = fake.run("test", uid=0)
    assert (again.returncode, again.stdout) == (0, "")
    assert len(fake.log()) == 2


def test_run_mode_does_not_ask_for_the_test_only_packages(fake):
    fake.installed(RUN)
    result = fake.run("run", uid=1000)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_test_mode_accepts_any_chromium_at_portal_chromium(fake, tmp_path):
    fake.installed([*RUN, "poppler-utils"])
    chromium = tmp_path / "no-chromium"  # the path the fixture passes as PORTAL_CHROMIUM
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    assert fake.run("test", uid=1000).returncode == 0


def test_without_root_or_sudo_stops_with_the_one_command_to_run(fake):
    fake.installed([p for p in RUN if p != "gettext"])
    result = fake.run("run", uid=1000, sudo="none")
    assert result.returncode == 1
    assert "sudo apt-get update && sudo apt-get install -y gettext" in result.stderr.splitlines()[-1]
    assert fake.log() == []


def test_with_passwordless_sudo_installs_through_sudo(fake):
    fake.installed([p for p in RUN if p != "fonts-arphic-ukai"])
    result = fake.run("run", uid=1000, sudo="passwordless")
    assert result.returncode == 0, result.stderr
    assert fake.log() == [
        "sudo -n true",
        "sudo -n apt-get update -qq",
        "apt-get update -qq",
        "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-arphic-ukai",
        "apt-get install -y -qq --no-install-recommends fonts-arphic-ukai",
    ]


def test_no_python_311_with_venv_asks_for_debians(fake):
    fake.installed(RUN)
    result = fake.run("run", uid=1000, python_ok=False)
    assert result.returncode == 1
    assert "sudo apt-get install -y python3.11 python3.11-venv" in result.stderr


def test_dry_run_names_the_command_and_installs_nothing(fake):
    fake.installed([p for p in RUN if p != "libharfbuzz-subset0"])
    result = fake.run("run", "--dry-run", uid=0)
    assert result.returncode == 0
    assert "apt-get install -y --no-install-recommends libharfbuzz-subset0" in result.stdout
    assert fake.log() == []


def test_a_failed_install_is_an_error(fake):
    fake.installed([p for p in RUN if p != "gettext"])
    result = fake.run("run", uid=0, apt_fails=True)
    assert result.returncode != 0


def test_which_python_prefers_python_then_debians(fake):
    result = fake.run("--which-python")
    assert result.stdout.strip().endswith("python-fake")
    assert fake.run("--which-python", python_ok=False).stdout == ""


@pytest.mark.skipif(not Path("/usr/bin/dpkg-query").exists(), reason="not a Debian/Ubuntu machine")
def test_this_machine_has_what_the_suite_needs():
    """The real check on this machine: what `make test` ran before the suite."""
    result = subprocess.run(
        ["bash", str(SCRIPT), "test", "--dry-run"],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0
    assert result.stdout == ""
