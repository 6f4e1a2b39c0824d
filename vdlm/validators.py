"""Upload validators shared by every model that stores a file.

Django's ImageField alone accepts a tiny PNG that declares 100 megapixels
(Pillow only warns), so images are checked for format, byte size and pixel
count before they are stored. PDFs are checked by their structure (pypdf must
read their pages), not by their name. What passes is then re-encoded without its metadata and stored
under a random name (vdlm/uploads.py).
"""

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader

# Pillow's format names. No GIF: animations would lose all but their first frame when
# re-encoded, and a logo or photo is better served as PNG or WebP anyway.
ALLOWED_IMAGE_FORMATS = {"PNG", "JPEG", "WEBP"}


def _too_many_pixels(limit, width=None, height=None):
    megapixels = f"{limit / 1_000_000:g}"
    if width is None:
        # Pillow refused the header before telling us the size: far too large anyway.
        return ValidationError(
            "This image declares far more than %(limit)s megapixels, the limit. Please scale it down.",
            code="image_too_many_pixels",
            params={"limit": megapixels},
        )
    return ValidationError(
        "This image declares %(width)s × %(height)s pixels; the limit is "
        "%(limit)s megapixels. Please scale it down.",
        code="image_too_many_pixels",
        params={"width": width, "height": height, "limit": megapixels},
    )


@deconstructible
class ImageUploadValidator:
    """Refuse anything but a reasonably sized PNG, JPEG or WebP image."""

    def __call__(self, file):
        max_bytes = settings.MAX_IMAGE_UPLOAD_BYTES
        if file.size is not None and file.size > max_bytes:
            raise ValidationError(
                "This image is %(size)s; the limit is %(limit)s. Please upload a smaller file.",
                code="image_too_large",
                params={"size": filesizeformat(file.size), "limit": filesizeformat(max_bytes)},
            )
        limit = settings.MAX_IMAGE_PIXELS
        position = file.tell() if hasattr(file, "tell") else None
        try:
            file.seek(0)
            # Pillow warns over its limit (the same number, set at startup) and refuses over
            # twice that, while reading the header: the answer is a message below either way,
            # never a warning in the log.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(file) as image:
                    width, height = image.size
                    image_format = image.format
        except Image.DecompressionBombError as exc:
            raise _too_many_pixels(limit) from exc
        except (UnidentifiedImageError, OSError) as exc:
            raise ValidationError(
                "This file is not an image we can read (PNG, JPEG or WebP).",
                code="invalid_image",
            ) from exc
        finally:
            if position is not None:
                file.seek(position)
        if image_format not in ALLOWED_IMAGE_FORMATS:
            raise ValidationError(
                "Images must be PNG, JPEG or WebP, not %(format)s.",
                code="image_format",
                params={"format": image_format},
            )
        if width * height > limit:
            raise _too_many_pixels(limit, width, height)

    def __eq__(self, other):
        return isinstance(other, ImageUploadValidator)


@deconstructible
class PdfUploadValidator:
    """Refuse anything that is not a PDF of acceptable size."""

    def __call__(self, file):
        max_bytes = settings.MAX_PDF_UPLOAD_BYTES
        if file.size is not None and file.size > max_bytes:
            raise ValidationError(
                "This PDF is %(size)s; the limit is %(limit)s.",
                code="pdf_too_large",
                params={"size": filesizeformat(file.size), "limit": filesizeformat(max_bytes)},
            )
        position = file.tell() if hasattr(file, "tell") else None
        try:
            file.seek(0)
            head = file.read(1024)
        finally:
            if position is not None:
                file.seek(position)
        if b"%PDF-" not in head or not _opens_as_pdf(file):
            raise ValidationError(
                "This file is not a PDF. Please upload the slides as a PDF, or give a link instead.",
                code="not_pdf",
            )

    def __eq__(self, other):
        return isinstance(other, PdfUploadValidator)


def _opens_as_pdf(file):
    """True when pypdf can read the file's structure and finds at least one page.

    The magic bytes alone let "%PDF-" followed by an HTML page through: a browser
    shown that file could run its script. A parser reading hostile input may fail in
    many ways, so any error it raises means "not a PDF we publish".
    """
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return len(PdfReader(file).pages) > 0
    except Exception:  # noqa: BLE001 - see the docstring
        return False
    finally:
        if position is not None:
            file.seek(position)


validate_image_upload = ImageUploadValidator()
validate_pdf_upload = PdfUploadValidator()
