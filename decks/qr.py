"""QR codes for the deck, drawn on the server as inline SVG.

Nothing is fetched to show them (no image request, no QR web service), so they
work on the venue laptop offline and print as sharp vectors. segno writes only
path data and escapes the title, which makes its SVG safe to inline.
"""

import functools

import segno
from django.utils.safestring import mark_safe

# Medium error correction survives a projector's glare and keystone; the quiet zone
# of four modules is what phone scanners expect around a code.
ERROR_LEVEL = "m"
QUIET_ZONE = 4


def qr_code(data):
    """The segno QR code for `data` (never a Micro QR: not every phone reads those)."""
    return segno.make(data, error=ERROR_LEVEL, micro=False)


# A deck draws the same few codes on every request, and drawing one takes milliseconds
# (segno tries eight masks): the same data and title always give the same SVG.
@functools.lru_cache(maxsize=512)
def qr_svg(data, title):
    """`data` as an inline <svg> QR code that scales to its box; `title` is its accessible name."""
    svg = qr_code(data).svg_inline(
        scale=1,
        border=QUIET_ZONE,
        omitsize=True,
        title=title,
        svgclass="qr",
        lineclass="qr-modules",
        dark="#000",
        light="#fff",
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 - segno escapes what it writes
