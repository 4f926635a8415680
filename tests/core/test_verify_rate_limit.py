"""The public verification page is limited per client address (core.ratelimit): past the limit it answers
429 with a Chinese message and keeps what was typed; another address is not affected; and while the
cache is down every request is served, as by the API's throttles."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
NUMBER = "陕环函〔2026〕7号"


@pytest.fixture
def limited(settings):
    settings.PORTAL_VERIFY_RATE_LIMIT = 3
    settings.PORTAL_VERIFY_RATE_WINDOW = 600


def address() -> str:
    """An address of its own per test: the counters of the cache outlive a test."""
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"


def test_past_the_limit_the_address_gets_429_with_a_message_and_its_typed_number(limited):
    client = Client(REMOTE_ADDR=address())
    for _ in range(3):
        assert client.post(reverse("core:verify"), {"number": NUMBER}).status_code == 200
    response = client.post(reverse("core:verify"), {"number": NUMBER})
    assert response.status_code == 429
    page = response.content.decode()
    assert "核验请求过于频繁：同一地址每 10 分钟最多核验 3 次，请稍后再试。" in page
    assert f'value="{NUMBER}"' in page  # nothing typed is lost
    assert response["Retry-After"] == "600"
    assert 'data-testid="verdict"' not in page and "numbered" not in page
    # The page itself still opens, and another address is not limited.
    assert client.get(reverse("core:verify")).status_code == 200
    assert Client(REMOTE_ADDR=address()).post(reverse("core:verify"), {"number": NUMBER}).status_code == 200


def test_the_limit_fails_open_while_the_cache_is_down(limited, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    client = Client(REMOTE_ADDR=address())
    for _ in range(5):
        assert client.post(reverse("core:verify"), {"number": NUMBER}).status_code == 200
    assert "Cache unavailable" in caplog.text
