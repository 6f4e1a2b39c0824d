"""RSVP settings are no longer versioned (history/registration.py): the versions kept of them go.

django-reversion cannot revert a revision that holds a version of a model no longer registered,
so an edition saved with its RSVP settings before would otherwise have a history that fails.
"""

from django.db import migrations


def forget_rsvp_settings_versions(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    version = apps.get_model("reversion", "Version")
    rsvp_settings = content_type.objects.filter(app_label="rsvps", model="rsvpsettings").first()
    if rsvp_settings is not None:
        version.objects.filter(content_type=rsvp_settings).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("rsvps", "0005_export"),
    ]

    operations = [migrations.RunPython(forget_rsvp_settings_versions, migrations.RunPython.noop)]
