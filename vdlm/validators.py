"""Upload validators shared by every model that stores a file.

Django's ImageField alone accepts a tiny PNG that declares 100 megapixels
(Pillow only warns), so images are checked for format, byte size and pixel
count before they are stored. PDFs are checked by their magic bytes, not by
their name.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


@deconstructible
class ImageUploadValidator:
    """Refuse anything but a reasonably sized PNG, JPEG, GIF or WebP image."""

    def __call__(self, file):
        max_bytes = settings.MAX_IMAGE_UPLOAD_BYTES
        if file.size is not None and file.size > max_bytes:
            raise ValidationError(
                "This image is %(size)s; the limit is %(limit)s. Please upload a smaller file.",
                code="image_too_large",
                params={"size": filesizeformat(file.size), "limit": filesizeformat(max_bytes)},
            )
        position = file.tell() if hasattr(file, "tell") else None
        try:
            file.seek(0)
            with Image.open(file) as image:
                width, height = image.size
                image_format = image.format
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
            raise ValidationError(
                "This file is not an image we can read (PNG, JPEG, GIF or WebP).",
                code="invalid_image",
            ) from exc
        finally:
            if position is not None:
                file.seek(position)
        if image_format not in ALLOWED_IMAGE_FORMATS:
            raise ValidationError(
                "Images must be PNG, JPEG, GIF or WebP, not %(format)s.",
                code="image_format",
                params={"format": image_format},
            )
        if width * height > settings.MAX_IMAGE_PIXELS:
            raise ValidationError(
                "This image declares %(width)s × %(height)s pixels; the limit is "
                "%(limit)s megapixels. Please scale it down.",
                code="image_too_many_pixels",
                params={
                    "width": width,
                    "height": height,
                    "limit": settings.MAX_IMAGE_PIXELS // 1_000_000,
                },
            )

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
        if b"%PDF-" not in head:
            raise ValidationError(
                "This file is not a PDF. Please upload the slides as a PDF, or give a link instead.",
                code="not_pdf",
            )

    def __eq__(self, other):
        return isinstance(other, PdfUploadValidator)


validate_image_upload = ImageUploadValidator()
validate_pdf_upload = PdfUploadValidator()
