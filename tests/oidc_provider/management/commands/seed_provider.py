"""The platform's users and the portal's client registration (the stand-in platform of the tests)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from oauth2_provider.models import get_application_model


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--client-secret", required=True)
        parser.add_argument("--redirect-uri", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("users", nargs="+")

    def handle(self, *args, **options):
        User = get_user_model()
        for username in options["users"]:
            user, _ = User.objects.get_or_create(username=username)
            user.set_password(options["password"])
            user.save()
        Application = get_application_model()
        Application.objects.filter(client_id=options["client_id"]).delete()
        Application.objects.create(
            name="portal",
            client_id=options["client_id"],
            client_secret=options["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=options["redirect_uri"],
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
