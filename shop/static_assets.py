"""Fingerprinted static files: `asset_url('css/shop.css')` -> /static/css/shop.css?v=<digest>.

The digest of the file's content is in the URL, so the file can be cached for a year
(`Cache-Control: public, max-age=31536000, immutable`): a changed file gets a new URL.
"""
import hashlib
import os

from flask import Flask, request, url_for

ONE_YEAR = 365 * 24 * 3600
_digests: dict[tuple[str, int], str] = {}


def init_app(app: Flask) -> None:
    """Register `asset_url` for templates and long-lived caching of fingerprinted files."""
    def asset_url(filename: str) -> str:
        return url_for("static", filename=filename, v=_digest(app, filename))

    app.jinja_env.globals["asset_url"] = asset_url

    @app.after_request
    def cache_fingerprinted_files(response):
        if request.endpoint == "static" and "v" in request.args and response.status_code == 200:
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response


def _digest(app: Flask, filename: str) -> str:
    path = os.path.join(app.static_folder, filename)
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return "missing"
    key = (path, mtime)
    if key not in _digests:
        with open(path, "rb") as f:
            _digests[key] = hashlib.sha256(f.read()).hexdigest()[:12]
    return _digests[key]
