"""`manage.py signing_dev_cert`: create the development signing certificate in var/ if missing (`make run`)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from core import signing


class Command(BaseCommand):
    help = "Generate the development signing certificate (used only when PORTAL_SIGNING configures no key)."

    def handle(self, *args, **options):
        if settings.PORTAL_SIGNING:
            self.stdout.write(
                "PORTAL_SIGNING is configured: documents are signed with the departments' keys."
            )
            return
        if not settings.PORTAL_SIGNING_ALLOW_DEV:
            self.stdout.write("PORTAL_SIGNING_ALLOW_DEV is off: no development certificate.")
            return
        directory = signing.ensure_dev_certificate()
        self.stdout.write(f"开发用签名证书 / development signing certificate: {directory}")
