"""The role groups of accounts/roles.py, with their permissions (docs/organizers.md, "Roles").

It depends on the latest migration of every app so that every model's permissions exist;
a later change of the roles (or a new model) needs a migration that runs the same function.
"""

from django.db import migrations


def create_roles(apps, schema_editor):
    from accounts.services import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("axes", "0010_accessattemptexpiration"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("contributions", "0003_decide_permission"),
        ("decks", "0004_deck_attendance_figures"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("meetups", "0007_agenda_item_follows_talk"),
        ("members", "0002_mailing"),
        ("outbox", "0002_mailing_group"),
        ("raffles", "0005_raffle_short_slug"),
        ("rsvps", "0005_export"),
        ("sessions", "0001_initial"),
        ("sponsors", "0003_single_line_and_web_url_validators"),
        ("talks", "0004_single_line_and_web_url_validators"),
        ("vdlm", "0001_cache_tables"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
