from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data of `make run` (`manage.py seed_demo`): above every app, known by none."""

    name = "demo"
