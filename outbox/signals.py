"""Signals of the outbox."""

from django.dispatch import Signal

# Sent by `manage.py resume_mail` before a worker starts: apps whose mail goes out in steps
# (members' mailings) start their unfinished steps again. Receivers return how many they restarted.
resume_requested = Signal()
