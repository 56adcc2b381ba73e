"""Catalog pages: home, categories, search, product pages, sitemap and robots.

Home, category, search and product pages are served from the catalog cache
(shop/caching.py): rendered once, shared by visitors, filled in with each
visitor's cart count and CSRF token on the way out.
"""
from flask import (Blueprint, Response, abort, current_app, redirect, render_template, request,
                   url_for)

from shop import caching, clock
from shop.cart import cookie as cart_cookie
from shop.cart import service as cart_service
from shop.catalog import service
from shop.catalog.forms import ListingForm
from shop.catalog.presenters import product_page_context
from shop.rules import delivery

bp = Blueprint("catalog", __name__)
bp.record_once(lambda state: caching.init_app(state.app))

MAX_SEARCH_TERMS = 8


def _listing_seconds() -> int:
    return current_app.config["CATALOG_CACHE_SECONDS"]


@bp.get("/")
def home():
    def render(**markers):
        categories = service.catalog_categories()
        return render_template(
            "catalog/home.html",
            top_categories=[c for c in categories if c.parent_id is None],
            featured_categories=[c for c in categories if c.featured],
            products=service.featured_products(),
            transit=delivery.DEFAULT_DELIVERY_CONFIG.transit, **markers,
        )
    return caching.serve_page(caching.page_key("home"), render,
                              cart_count=cart_cookie.read().count, timeout=_listing_seconds())


def _parse_listing() -> tuple[ListingForm, service.ListingFilters]:
    """Read filters from the query string, or answer 400 with the reasons."""
    form = ListingForm(request.args)
    if not form.validate():
        abort(400, description=" ".join(form.error_messages()))
    filters = service.ListingFilters(
        min_price_cents=form.min_price.cents,
        max_price_cents=form.max_price.cents,
        in_stock=form.in_stock.checked,
        brand=(form.brand.data or "").strip(),
        sort=form.sort.data,
        page=form.page.data or 1,
    )
    return form, filters


def _page_or_404(listing: service.ListingPage) -> None:
    if listing.page > 1 and not listing.items:
        abort(404, description="That page is past the end of the list.")


@bp.get("/categories/<slug>")
def category(slug):
    # Everything is read inside render: a page in the cache was valid for this catalog
    # version, so a hit needs no lookup, no form and no query. Bad input is never cached.
    def render(**markers):
        categories = service.catalog_categories()
        current = next((c for c in categories if c.slug == slug), None)
        if current is None:
            abort(404, description="We couldn't find that category.")
        form, filters = _parse_listing()
        children = [c for c in categories if c.parent_id == current.id]
        parent = next((c for c in categories if c.id == current.parent_id), None)
        listing = service.list_products(
            filters, current_app.config["PRODUCTS_PER_PAGE"],
            category_ids=[current.id] + [c.id for c in children],
        )
        _page_or_404(listing)
        return render_template(
            "catalog/category.html", category=current, parent=parent, children=children,
            top_categories=[c for c in categories if c.parent_id is None],
            listing=listing, form=form, filters=filters, **markers,
        )
    return caching.serve_page(caching.page_key("category", request.full_path), render,
                              cart_count=cart_cookie.read().count, timeout=_listing_seconds())


@bp.get("/search")
def search():
    query = (request.args.get("q") or "").strip()
    if len(query) > 100:
        abort(400, description="Search words must be 100 characters or fewer.")
    terms = query.split()[:MAX_SEARCH_TERMS]

    def render(**markers):  # reads the filters itself, as category() does
        form, filters = _parse_listing()
        listing = None
        if terms:
            listing = service.list_products(filters, current_app.config["PRODUCTS_PER_PAGE"],
                                            terms=terms)
            _page_or_404(listing)
        return render_template("catalog/search.html", query=query, listing=listing,
                               form=form, filters=filters, **markers)
    return caching.serve_page(caching.page_key("search", request.full_path), render,
                              cart_count=cart_cookie.read().count, timeout=_listing_seconds())


@bp.get("/products/<slug>")
def product(slug):
    detail = service.product_detail(slug)
    if detail is None:
        abort(404, description="We couldn't find that product.")
    sku = request.args.get("sku", "")
    selected = next((v for v in detail.variants if v.sku == sku), None)
    if selected is None and detail.variants:
        in_stock = [v for v in detail.variants if v.available > 0]
        selected = (in_stock or detail.variants)[0]
    visitor = cart_cookie.read()
    destination = cart_service.estimate_destination(visitor.country, visitor.region)
    now = clock.now()

    def render(**markers):
        return render_template(
            "catalog/product.html",
            **product_page_context(detail, selected, current_app.config, now, destination),
            **markers)
    # Keyed by everything just read (text, prices, stock) and the minute (delivery
    # promises count down in minutes): a cached copy is never stale, so the key needs
    # no catalog version and may live longer than a listing's.
    key = caching.page_key(
        "product", slug, selected.sku if selected else "", destination.country,
        destination.region, now.strftime("%Y%m%d%H%M"), caching.fingerprint(detail))
    return caching.serve_page(key, render, cart_count=visitor.count, with_csrf=True,
                              versioned=False,
                              timeout=current_app.config["PRODUCT_PAGE_CACHE_SECONDS"])


@bp.get("/sitemap.xml")
def sitemap():
    products, categories = service.sitemap_entries()
    body = render_template("catalog/sitemap.xml", products=products, categories=categories)
    return Response(body, mimetype="application/xml")


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; point them at the icon."""
    return redirect(url_for("static", filename="img/favicon.svg"), code=301)


@bp.get("/robots.txt")
def robots():
    lines = [
        "User-agent: *",
        "Disallow: /cart",
        "Disallow: /checkout",
        "Disallow: /admin",
        "Disallow: /track",
        f"Sitemap: {url_for('catalog.sitemap', _external=True)}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")
