from django.db import migrations


def load_reference_data(apps, schema_editor):
    from organisations import reference  # reference.py moved to organisations (issue 9)

    reference.load(apps, app_label="pilots")  # the historical registry: the models are still in pilots here


class Migration(migrations.Migration):
    dependencies = [("pilots", "0001_initial")]

    operations = [migrations.RunPython(load_reference_data, migrations.RunPython.noop)]
