from django.contrib.auth.hashers import make_password
from django.db import migrations


def create_system_user(apps, schema_editor):
    """The actor of automatic steps (core.actors.system_user): no password, cannot log in, no role."""
    User = apps.get_model("core", "User")
    User.objects.get_or_create(
        username="system",
        defaults={"full_name": "系统", "is_active": False, "password": make_password(None)},
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only_trigger")]
    operations = [migrations.RunPython(create_system_user, migrations.RunPython.noop)]
