#!/usr/bin/env python
import os
import sys


def main() -> None:
    # On a deployed machine (its secret key is in the environment) commands run with the production
    # settings; in a checkout without one, with the local settings, as `make run` does. The web and worker
    # entry points (wsgi, asgi, celery) always default to production.
    deployed = bool(os.environ.get("DJANGO_SECRET_KEY"))
    os.environ.setdefault(
        "DJANGO_SETTINGS_MODULE", "config.settings.production" if deployed else "config.settings.local"
    )
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
