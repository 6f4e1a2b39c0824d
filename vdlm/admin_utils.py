"""Small helpers shared by the apps' admin modules."""

from django.utils.html import format_html


def image_preview(image_field, height=60):
    """An <img> thumbnail of an uploaded image for admin lists and forms."""
    if not image_field:
        return "–"
    return format_html(
        '<img src="{}" alt="" height="{}" loading="lazy">', image_field.url, height
    )
