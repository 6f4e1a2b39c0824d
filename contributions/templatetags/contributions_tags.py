"""What other apps' pages say about the call for contributions (the privacy notice)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def contribution_retention_days():
    """Days after which declined and withdrawn proposals are anonymised (CONTRIBUTION_RETENTION_DAYS)."""
    return settings.CONTRIBUTION_RETENTION_DAYS
