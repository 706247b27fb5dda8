"""Count the incidents recorded before the rollup existed."""

from django.db import migrations


def build(apps, schema_editor):
    from trygg.incidents.rollup import _rebuild

    _rebuild(
        apps.get_model("incidents", "Incident"),
        apps.get_model("incidents", "IncidentRollup"),
        schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0004_incidentrollup")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
