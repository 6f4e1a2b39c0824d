from django.apps import AppConfig


def _resume_mailings(sender, **kwargs):
    from . import mailings

    return mailings.resume()


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members (the invitations list)"

    def ready(self):
        from outbox.signals import resume_requested

        # `manage.py resume_mail` (before a worker starts) restarts the mailings a stopped worker left.
        resume_requested.connect(_resume_mailings, dispatch_uid="members.resume_mailings")
