"""The accounts app has no tables of its own yet; this module makes Django send it post_migrate
(accounts/apps.py), which it only sends to apps with a models module."""
