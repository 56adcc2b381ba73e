"""Where a `next` parameter may send the browser: only a path on this site."""
import unicodedata
from urllib.parse import urlsplit


def is_local_path(target: str | None) -> bool:
    """Whether `target` is a path on this site that no browser reads as another host.

    Browsers drop tabs and newlines from URLs and read a backslash as a slash, so
    "/\\t/evil.example" and "/\\\\evil.example" would leave the site: any control or
    invisible format character, or a backslash, refuses the target.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(unicodedata.category(char).startswith("C") for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a local path, else `default`."""
    return target if is_local_path(target) else default
