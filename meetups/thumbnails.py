"""Small, cached copies of uploaded logos and photos.

A 3 MB photo shown in a 96 px circle wastes the visitor's data, so pages show
thumbnails written once under MEDIA_ROOT/thumbs/. Each thumbnail is stored at
twice the display size (sharp on high-density screens) and the <img> gets the
display width and height, so the layout does not jump while images load.
"""

import hashlib
import logging
import posixpath
from dataclasses import dataclass
from io import BytesIO

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

THUMBNAIL_DIR = "thumbs"
DENSITY = 2
ORIENTATION_TAG = 0x0112


@dataclass(frozen=True)
class Thumbnail:
    url: str
    width: int
    height: int


def _fit(width, height, max_width, max_height):
    """The size of a width×height image scaled down (never up) into the box."""
    scale = min(max_width / width, max_height / height, 1)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _thumbnail_name(name, modified, max_width, max_height, extension):
    # The source's name and modification time are in the key: a replaced upload gets a new thumbnail.
    digest = hashlib.sha256(f"{name}|{modified}|{max_width}x{max_height}".encode()).hexdigest()[:20]
    stem = posixpath.splitext(posixpath.basename(name))[0][:40]
    return f"{THUMBNAIL_DIR}/{digest[:2]}/{digest}-{stem}.{extension}"


def _oriented_size(image):
    """Width and height as the photo is meant to be seen (EXIF may say "rotated")."""
    width, height = image.size
    if image.getexif().get(ORIENTATION_TAG) in (5, 6, 7, 8):
        return height, width
    return width, height


def _keeps_transparency(image):
    return image.format in ("PNG", "GIF") or image.mode in ("RGBA", "LA", "P") or (
        "transparency" in image.info
    )


def _write(image, storage, name, display_size, extension):
    image = ImageOps.exif_transpose(image)
    image.thumbnail((display_size[0] * DENSITY, display_size[1] * DENSITY), Image.Resampling.LANCZOS)
    buffer = BytesIO()
    if extension == "png":
        image.convert("RGBA").save(buffer, "PNG", optimize=True)
    else:
        image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return storage.save(name, ContentFile(buffer.getvalue()))


def get_thumbnail(field_file, max_width, max_height):
    """A Thumbnail of an uploaded image fitting into max_width×max_height, or None.

    None means there is no image, or it cannot be read: the page then shows
    its text alternative instead of a broken image.
    """
    if not field_file or not field_file.name:
        return None
    storage = getattr(field_file, "storage", default_storage)
    try:
        modified = storage.get_modified_time(field_file.name).timestamp()
    except (OSError, NotImplementedError):
        return None
    cache_key = "vdlm:thumb:" + hashlib.sha256(
        f"{field_file.name}|{modified}|{max_width}x{max_height}".encode()
    ).hexdigest()
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    try:
        with field_file.open("rb") as handle, Image.open(handle) as image:
            # Image.open reads only the header: enough to name the thumbnail and
            # to skip decoding the whole picture when the thumbnail already exists.
            display_size = _fit(*_oriented_size(image), max_width, max_height)
            extension = "png" if _keeps_transparency(image) else "jpg"
            name = _thumbnail_name(field_file.name, modified, max_width, max_height, extension)
            if not storage.exists(name):
                name = _write(image, storage, name, display_size, extension)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        logger.warning("Cannot make a thumbnail of %s", field_file.name, exc_info=True)
        return None
    thumbnail = Thumbnail(url=storage.url(name), width=display_size[0], height=display_size[1])
    cache.set(cache_key, thumbnail, 60 * 60 * 24)
    return thumbnail
