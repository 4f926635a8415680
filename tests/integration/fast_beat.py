"""The portal's Celery app with a beat schedule that fires every second (tests/integration only): the
several-machines test starts two beats with it and sees which one sends."""

from config.celery import app

app.conf.beat_schedule = {"sweep-outbox": {"task": "core.tasks.sweep_outbox", "schedule": 1.0}}

__all__ = ["app"]
