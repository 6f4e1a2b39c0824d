"""Tasks of the queue's worker for RSVPs: an offer's end, run at the moment it lapses."""

try:  # Django 6.0 and later have the Tasks framework built in
    from django.tasks import task
except ImportError:  # Django 5.2: the django-tasks backport, same API
    from django_tasks import task


@task()
def lapse_offers_task(edition_id):
    from . import services

    services.lapse_offers(edition_id)


@task()
def send_reminders_task(edition_id):
    from . import reminders

    reminders.send_reminders(edition_id)
