"""Developer machine and `make run`: debug on, embedded defaults."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = ["*"]
# `make run`: tasks run in a background thread (no request waits for a PDF); see core/queue.py.
PORTAL_TASKS_IN_THREAD = env_bool("PORTAL_TASKS_IN_THREAD", True)
