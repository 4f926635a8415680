"""The locks the machines agree on (core.locks), on PostgreSQL: a claim held by one connection is refused
to another and free again once released; a second beat lock waits while the first is held."""

import threading

import pytest
from django.db import connection

from core.locks import BeatLock, claim, claimed

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def in_other_connection(func):
    """Run `func` in a thread: Django gives it a database connection of its own (another machine)."""
    result = {}

    def run():
        from django.db import connections

        try:
            result["value"] = func()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result["value"]


def test_a_claim_is_refused_to_another_connection_while_held(require_postgres):
    def other():
        with claim("tests.thing", 7) as mine:
            return mine

    with claim("tests.thing", 7) as mine:
        assert mine is True
        assert in_other_connection(other) is False  # another worker renders nothing
        with claim("tests.thing", 8) as other_row:  # another row is free
            assert other_row is True
    assert in_other_connection(other) is True  # released


def test_a_claimed_task_returns_false_while_another_holds_the_claim(require_postgres):
    calls = []

    @claimed("tests.thing")
    def task(self, pk):
        calls.append(pk)
        return True

    def other():
        return task(None, 3)

    with claim("tests.thing", 3):
        assert in_other_connection(other) is False
    assert calls == []
    assert in_other_connection(other) is True and calls == [3]


def test_a_second_beat_lock_waits_for_the_first(require_postgres):
    first, second = BeatLock(retry=0.05), BeatLock(retry=0.05)
    first.acquire()
    try:
        assert first.held()
        assert second._try() is False  # the standby cannot take it
        first.release()  # the first beat stops: its connection closes, the lock goes with it
        assert second._try() is True
        assert not first.held()
    finally:
        first.release()
        second.release()
    connection.close()
