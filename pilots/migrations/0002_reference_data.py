from django.db import migrations


def load_reference_data(apps, schema_editor):
    from pilots import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("pilots", "0001_initial")]

    operations = [migrations.RunPython(load_reference_data, migrations.RunPython.noop)]
