"""A Redis outage in production: signed-in users and their actions go on (issue 11).

The test starts its own redis-server on a free port and a gunicorn web process with the production
settings pointing at it (tests/core/redis_outage_settings.py), logs an applicant in, then kills that
Redis mid-session: the dashboard, an action POST (committed, its PDF and mails left to the outbox
sweep), logout and a new login must all still work. The shared Redis of the machine is never touched.
"""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection

from applications.models import Application
from core.hashers import PortalArgon2PasswordHasher
from organisations.models import Role

from ..conftest import _service_missing
from ..factories import BatchFactory, complete_application, county, member

PASSWORD = "Qinling-2026-outage"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} did not start within {timeout} s")


class Browser:
    """Just enough of a browser: keeps cookies (the production cookies are Secure; this is the test's
    own HTTP on 127.0.0.1), follows nothing, reads the CSRF token from the last form."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, data: dict | None = None, timeout: float = 30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            data = {"csrfmiddlewaretoken": self.csrf, **(data or {})}
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read().decode("utf-8", "replace")
        elapsed = time.monotonic() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if token:
            self.csrf = token.group(1)
        conn.close()
        return response.status, response.headers, content, elapsed

    def log_in(self, username: str, password: str):
        self.request("GET", "/accounts/login/")
        return self.request("POST", "/accounts/login/", {"username": username, "password": password})


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test only (never the shared one), on a free port."""
    binary = shutil.which("redis-server")
    if binary is None:
        _service_missing("redis-server", "this test starts its own Redis and needs the binary (not found)")
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def ping() -> bool:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    try:
        wait_for(ping, "redis-server")
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


@pytest.fixture
def production_web(own_redis, tmp_path):
    """gunicorn serving the portal with the production settings, on the test database and own Redis."""
    _redis, redis_port = own_redis
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.core.redis_outage_settings",
        "DJANGO_SECRET_KEY": "redis-outage-test-secret-key-0123456789-abcdefghijklmnop",
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    log = tmp_path / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "120",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )

    def healthy() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{log.read_text()}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
        return conn.getresponse().status == 200

    try:
        wait_for(healthy, "gunicorn", timeout=60)
        yield port, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_signed_in_users_and_their_actions_survive_a_redis_outage(
    require_postgres, own_redis, production_web
):
    redis_process, _ = own_redis
    port, log = production_web
    applicant = member(Role.APPLICANT, county("610922"), username="outage_applicant")
    applicant.password = make_password(PASSWORD, hasher=PortalArgon2PasswordHasher())
    applicant.save(update_fields=["password"])
    application = complete_application(batch=BatchFactory(), organisation=county("610922"))

    browser = Browser(port)
    status, headers, _body, _ = browser.log_in(applicant.username, PASSWORD)
    assert status == 302 and headers["Location"].endswith("/dashboard/"), "login with Redis up"
    status, _headers, body, _ = browser.request("GET", "/dashboard/")
    assert status == 200 and 'data-testid="whoami"' in body

    # Redis goes away mid-session.
    redis_process.kill()
    redis_process.wait(timeout=10)

    status, _headers, body, elapsed = browser.request("GET", "/dashboard/")
    assert status == 200, f"dashboard while Redis is down: {status}\n{log.read_text()[-3000:]}"
    assert 'data-testid="whoami"' in body and elapsed < 5

    browser.request("GET", f"/applications/{application.pk}/")
    status, headers, _body, elapsed = browser.request(
        "POST", f"/applications/{application.pk}/actions/submit/"
    )
    assert status == 302, f"action POST while Redis is down: {status}\n{log.read_text()[-3000:]}"
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED, "the action committed"
    assert elapsed < 30  # the queueing gives up fast; the outbox sweep sends the PDF and mails later
    assert "Could not queue" in log.read_text(), "the side effects were left to the outbox sweep"

    status, _headers, _body, _ = browser.request("GET", "/dashboard/")
    status, headers, _body, _ = browser.request("POST", "/accounts/logout/")
    assert status == 302, f"logout while Redis is down: {status}"
    status, headers, _body, _ = browser.request("GET", "/dashboard/")
    assert status == 302 and "/accounts/login/" in headers["Location"], "logged out"

    status, headers, _body, _ = browser.log_in(applicant.username, PASSWORD)
    assert status == 302 and headers["Location"].endswith("/dashboard/"), (
        f"login while Redis is down: {status}"
    )
    status, _headers, body, _ = browser.request("GET", "/dashboard/")
    assert status == 200 and 'data-testid="whoami"' in body


def test_the_production_cache_fails_open_when_redis_is_unreachable(caplog):
    """Every cache call against a Redis that does not answer gives up fast and acts as a miss."""
    from core.cache import FailOpenRedisCache

    cache = FailOpenRedisCache(
        f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    )
    started = time.monotonic()
    assert cache.get("k", "default") == "default"
    cache.set("k", "v")
    assert cache.add("k", "v") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.incr("counter") == 1  # a rate limit lets the request through
    assert cache.get_or_set("k", "computed") == "computed"
    cache.delete("k")
    assert time.monotonic() - started < 10
    assert "Cache unavailable" in caplog.text


def test_production_keeps_sessions_out_of_the_cache():
    from config.settings import base

    assert base.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    text = (Path(settings.BASE_DIR) / "config" / "settings" / "production.py").read_text()
    assert "cached_db" not in text and '"core.cache.FailOpenRedisCache"' in text
