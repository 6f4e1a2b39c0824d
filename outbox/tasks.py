"""The task the queue's worker runs for every mail (`manage.py db_worker`)."""

try:  # Django 6.0 and later have the Tasks framework built in
    from django.tasks import task
except ImportError:  # Django 5.2: the django-tasks backport, same API
    from django_tasks import task


@task()
def deliver_mail(mail_id):
    from . import services

    services.deliver(mail_id)
