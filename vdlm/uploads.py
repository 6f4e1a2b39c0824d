"""Uploaded images (logos, photos, announcement and slide pictures), made safe to publish.

An image is checked by its content (vdlm/validators.py) when a form takes it, then,
on its way into the storage (from the admin, a form, a command or the shell alike),
decoded and re-encoded in its own format: what leaves the server is pixels only, without the
EXIF block (camera, GPS position, time), XMP, comments or anything hidden after
the image data. It is stored under a random name, so neither the uploader's file
name ("passport-scan-anna.jpg") nor a guessable path is published. The storage
is whatever STORAGES["default"] says: a folder on one server, S3 for several.
"""

import posixpath
import secrets
import warnings
from io import BytesIO

from django import forms
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils.deconstruct import deconstructible
from PIL import Image, ImageOps

from .validators import ALLOWED_IMAGE_FORMATS, validate_image_upload

EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
JPEG_QUALITY = 88
WEBP_QUALITY = 88


def random_name(extension):
    """An unguessable file name: 128 random bits."""
    return f"{secrets.token_hex(16)}.{extension}"


@deconstructible
class RandomFileName:
    """upload_to for uploads stored as they are (PDF slides): `folder/<128 random bits>.<extension>`.

    Like images, a PDF is never published under the uploader's own file name
    ("draft-confidential-v3.pdf") or under a name anybody could guess.
    """

    def __init__(self, folder, extension):
        self.folder = folder
        self.extension = extension

    def __call__(self, instance, filename):
        return posixpath.join(self.folder, random_name(self.extension))

    def __eq__(self, other):
        return isinstance(other, RandomFileName) and (self.folder, self.extension) == (other.folder, other.extension)


def _target_mode(image, image_format):
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if image_format == "JPEG":
        return "L" if image.mode == "L" else "RGB"
    if has_alpha:
        return "RGBA"
    return "L" if image.mode in ("1", "L") else "RGB"


def reencode_image(file):
    """(bytes, extension): the first frame of `file`, re-encoded in its format without metadata.

    The colour profile is kept (colours would shift without it); everything else
    the original carried is left behind. Raises ValueError for anything but PNG,
    JPEG or WebP, which the upload validator lets through.
    """
    file.seek(0)
    with warnings.catch_warnings():
        # The validator has checked the size already; a bomb here is an error, never a warning.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(file) as original:
            image_format = original.format
            if image_format not in ALLOWED_IMAGE_FORMATS:
                raise ValueError(f"Refusing to store a {image_format} image: only PNG, JPEG and WebP.")
            icc_profile = original.info.get("icc_profile")
            # Turn the pixels as the camera's orientation tag says, before that tag is dropped.
            upright = ImageOps.exif_transpose(original)
            clean = upright.convert(_target_mode(upright, image_format))
    # convert() copies the info dictionary (EXIF, XMP, comments): a fresh one carries nothing.
    clean.info = {}
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        options.update(quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif image_format == "WEBP":
        options.update(quality=WEBP_QUALITY, method=4)
    buffer = BytesIO()
    clean.save(buffer, image_format, exif=b"", **options)
    return buffer.getvalue(), EXTENSIONS[image_format]


class UploadImageFormField(forms.ImageField):
    """Django's image form field, preceded by the site's own checks and their clear messages.

    Django's field opens the image first and would answer a 100-megapixel PNG
    with "Upload a valid image" (or let Pillow warn in the log): the site says
    what is wrong instead, before Pillow decodes anything.
    """

    def to_python(self, data):
        file = forms.FileField.to_python(self, data)
        if file is None:
            return None
        validate_image_upload(file)
        return super().to_python(data)


class UploadImageFieldFile(ImageFieldFile):
    """Every way into the storage passes here: a form's or the admin's upload (saved by the
    model's save through FileField.pre_save) and a direct `instance.photo.save(name, file)`."""

    def save(self, name, content, save=True):
        data, extension = reencode_image(content)
        super().save(random_name(extension), ContentFile(data), save=save)


class UploadImageField(models.ImageField):
    """An ImageField whose new files are re-encoded without metadata under a random name.

    Files already stored are left as they are; each new one is rewritten once,
    on its way into the storage.
    """

    attr_class = UploadImageFieldFile

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", UploadImageFormField)
        return super().formfield(**kwargs)
