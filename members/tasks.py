"""The task the queue's worker runs for each batch of a mailing to the list."""

try:  # Django 6.0 and later have the Tasks framework built in
    from django.tasks import task
except ImportError:  # Django 5.2: the django-tasks backport, same API
    from django_tasks import task


@task()
def send_mailing_batch(mailing_id):
    from . import mailings

    mailings.send_batch(mailing_id)
