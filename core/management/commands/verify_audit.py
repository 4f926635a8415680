"""`manage.py verify_audit`: walk both hash chains (the audit trail and the security events) and report
the first broken link (entry id and time), or OK with the number of entries. Exits 1 when one is broken."""

from django.core.management.base import BaseCommand, CommandError

from core.chain import verify_all


class Command(BaseCommand):
    help = "Verify the hash chains of the audit trail and the security events."

    def handle(self, *args, **options):
        broken = False
        for verdict in verify_all():
            if verdict.ok:
                self.stdout.write(self.style.SUCCESS(str(verdict)))
            else:
                broken = True
                self.stdout.write(self.style.ERROR(str(verdict)))
        if broken:
            raise CommandError("audit chain broken")
