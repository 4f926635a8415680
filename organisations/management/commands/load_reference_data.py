from django.core.management.base import BaseCommand
from django.db import transaction

from organisations import reference


class Command(BaseCommand):
    help = "Load or refresh Shaanxi divisions, review units, departments and development zones (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = reference.load()
        self.stdout.write(self.style.SUCCESS(f"Reference data: {counts}"))
