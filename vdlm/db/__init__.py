"""Database backends of the site: Django's own, changed where measurements asked for it."""
