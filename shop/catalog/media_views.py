"""Uploaded pictures (served here in development; nginx serves /uploads/ in production) and a
category's specification comparison page."""
from flask import Blueprint, abort, current_app, render_template, send_from_directory

from shop import web_cache
from shop.cart import cookie as cart_cookie
from shop.catalog import media, service, specs

bp = Blueprint("media", __name__)


@bp.app_template_filter("image_url")
def image_url_filter(path: str) -> str:
    """`{{ product.image_path|image_url }}`: an upload's or a static file's URL."""
    return media.image_url(path)


@bp.app_template_global("unit_system")
def unit_system() -> str:
    """The shop's unit setting (SHOP_UNITS: "us", the default, or "metric")."""
    return specs.unit_system(current_app.config)


@bp.get("/uploads/<path:filename>")
def upload(filename):
    """A stored picture, from UPLOAD_DIR (send_from_directory refuses paths outside it)."""
    response = send_from_directory(current_app.config["UPLOAD_DIR"], filename, max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _category_scope(slug: str):
    """A category by slug and the ids of it and its children, from the cached list."""
    categories = web_cache.remember("categories", service.all_categories)
    current = next((c for c in categories if c.slug == slug), None)
    if current is None:
        abort(404, description="We couldn't find that category.")
    return current, [current.id] + [c.id for c in categories if c.parent_id == current.id]


@bp.get("/categories/<slug>/compare")
def compare(slug):
    """A category's products side by side on its specifications, with prices and stock."""
    def render(**markers):
        current, ids = _category_scope(slug)
        table = specs.comparison(current.id, ids, unit_system())
        return render_template("catalog/compare.html", category=current, table=table,
                               **markers)
    return web_cache.serve_page(web_cache.page_key("compare", slug), render,
                                cart_count=cart_cookie.read().count,
                                timeout=current_app.config["CATALOG_CACHE_SECONDS"])
