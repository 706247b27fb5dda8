"""Give every new installation the default category taxonomy."""

from django.db import migrations


def add_defaults(apps, schema_editor):
    from trygg.incidents.defaults import ensure_default_categories

    ensure_default_categories(apps.get_model("incidents", "Category"))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
