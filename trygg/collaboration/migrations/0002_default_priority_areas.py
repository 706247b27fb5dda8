"""Give every new installation the ten city-wide priority areas."""

from django.db import migrations


def add_defaults(apps, schema_editor):
    from trygg.collaboration.defaults import ensure_default_priority_areas

    ensure_default_priority_areas(apps.get_model("collaboration", "PriorityArea"))


class Migration(migrations.Migration):
    dependencies = [("collaboration", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
