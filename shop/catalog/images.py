"""Product pictures as files: check that an upload really is an image, resize it into WebP and
JPEG files per width under UPLOAD_DIR, and remove them again. Pillow is used here only.

A picture is stored as `<stem>-<width>.webp` and `<stem>-<width>.jpg` for each of its widths
(`rendition_widths`), where the stem is `products/<32 random hex digits>`: nothing of the
uploaded file's name or format reaches the disk, and only pixels Pillow decoded are written.
"""
import io
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MIN_SIDE = 200
MAX_SIDE = 16_383  # the most pixels a WebP picture may have on a side
WIDTHS = (320, 640, 1024, 1600)
FORMATS = {"webp": ("WEBP", {"quality": 80, "method": 2}),
           "jpg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True})}
ACCEPTED = ("JPEG", "PNG", "WEBP")


class ImageRefused(ValueError):
    """An upload that is not a picture the shop can use; the message is for the manager."""


@dataclass(frozen=True)
class StoredImage:
    stem: str
    widths: list[int]
    width: int
    height: int


def file_name(stem: str, width: int, extension: str) -> str:
    """The path under UPLOAD_DIR of one stored file: products/ab12...-640.webp."""
    return f"{stem}-{width}.{extension}"


def rendition_widths(width: int) -> list[int]:
    """The widths a picture `width` pixels wide is stored at: never wider than the original."""
    return sorted({*(w for w in WIDTHS if w < width), min(width, WIDTHS[-1])})


def open_upload(data: bytes) -> Image.Image:
    """The decoded picture of an uploaded JPEG, PNG or WebP, upright and in RGB.

    ImageRefused says why a file is refused: too large, not an image, too many pixels
    (a decompression bomb) or too small to show.
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRefused(f"The picture is larger than {MAX_IMAGE_BYTES // 1024 // 1024} MB; "
                           "export it smaller and try again.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(ACCEPTED)) as probe:
                probe.verify()
            image = Image.open(io.BytesIO(data), formats=list(ACCEPTED))
            if image.width * image.height > MAX_PIXELS:
                raise ImageRefused(f"The picture has more than {MAX_PIXELS // 1_000_000} million "
                                   "pixels; export it smaller and try again.")
            image.load()
    except ImageRefused:
        raise
    except Exception:  # Pillow raises many kinds of error for files that are not images
        raise ImageRefused("That file is not a JPEG, PNG or WebP image.") from None
    image = ImageOps.exif_transpose(image)
    if max(image.size) > MAX_SIDE:
        raise ImageRefused(f"The picture is {image.width} x {image.height} pixels; use one at "
                           f"most {MAX_SIDE} pixels on each side.")
    if min(image.size) < MIN_SIDE:
        raise ImageRefused(f"The picture is {image.width} x {image.height} pixels; use one at "
                           f"least {MIN_SIDE} pixels on each side.")
    return _rgb(image)


def _rgb(image: Image.Image) -> Image.Image:
    """The picture in RGB; transparent parts become white (JPEG has no transparency)."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _write(path: Path, image: Image.Image, extension: str) -> None:
    """Write one file whole or not at all: to a scratch name, then renamed into place."""
    image_format, options = FORMATS[extension]
    scratch = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    try:
        image.save(scratch, image_format, **options)
        os.replace(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)


def store(image: Image.Image, upload_dir: str | Path, stem: str | None = None) -> StoredImage:
    """Resize `image` to each of its widths and write WebP and JPEG files; a random stem
    unless one is given (the demo pictures have fixed ones). Nothing is left on failure."""
    stem = stem or f"products/{secrets.token_hex(16)}"
    widths = rendition_widths(image.width)
    folder = Path(upload_dir) / Path(stem).parent
    folder.mkdir(parents=True, exist_ok=True)
    stored = StoredImage(stem, widths, widths[-1],
                         max(1, round(image.height * widths[-1] / image.width)))
    try:
        for width in widths:
            height = max(1, round(image.height * width / image.width))
            resized = image if width == image.width else \
                image.resize((width, height), Image.Resampling.LANCZOS)
            for extension in FORMATS:
                _write(Path(upload_dir) / file_name(stem, width, extension), resized, extension)
    except BaseException:
        remove(upload_dir, stored)
        raise
    return stored


def remove(upload_dir: str | Path, stored: StoredImage) -> None:
    """Delete a picture's files (those that exist)."""
    for width in stored.widths:
        for extension in FORMATS:
            (Path(upload_dir) / file_name(stored.stem, width, extension)).unlink(missing_ok=True)


def exists(upload_dir: str | Path, stored: StoredImage) -> bool:
    """Whether every file of a picture is on disk."""
    return all((Path(upload_dir) / file_name(stored.stem, width, extension)).is_file()
               for width in stored.widths for extension in FORMATS)
