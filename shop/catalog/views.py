"""Catalog pages: home, categories, search, product pages, sitemap and robots.

Home, category, search and product pages are served from the catalog cache
(shop/web_cache/): rendered once per version, shared by visitors, filled in with
each visitor's cart count and CSRF token on the way out (and, on product pages, the
delivery promise to the visitor's destination as of this minute). Catalog data that
changes only with the catalog (categories, brands) is read through
the same cache here, so the read services stay free of it.
"""
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from flask import (Blueprint, Response, abort, current_app, redirect, render_template, request,
                   url_for)
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from shop import clock, web_cache
from shop.cart import cookie as cart_cookie
from shop.cart import service as cart_service
from shop.catalog import media, presenters, service
from shop.catalog import search as search_service
from shop.catalog.forms import LISTING_FIELDS, MAX_PAGE, TYPED_FIELDS, ListingForm
from shop.engagement.product_page import product_page_extras
from shop.reviews.service import ratings_for
from shop.rules import delivery

bp = Blueprint("catalog", __name__)



def _listing_seconds() -> int:
    return current_app.config["CATALOG_CACHE_SECONDS"]


def _categories() -> list[service.CategoryInfo]:
    """Every category, from the cache while the catalog is unchanged."""
    return web_cache.remember("categories", service.all_categories)


def _listing(filters: service.ListingFilters, **scope) -> service.ListingPage:
    """A page of products; its brand facet, when it takes a query of its own, comes from
    the cache (brands change only with the catalog)."""
    listing = service.list_products(filters, current_app.config["PRODUCTS_PER_PAGE"],
                                    with_brands=False, **scope)
    if listing.brands is None:
        listing = replace(listing, brands=_listing_brands(**scope))
    return listing


@dataclass(frozen=True)
class CardLinks:
    """Where a product card leads, and its picture's address."""
    page: str
    image: str


def card_links(cards: list[service.ProductCard]) -> dict[int, CardLinks]:
    """The links of each card, by product id."""
    return {card.id: _links(card) for card in cards}


def card_ratings(cards: list[service.ProductCard]) -> dict:
    """The approved-review rating of each listed card that has one, by product id (one query)."""
    return ratings_for([card.id for card in cards])


def _links(card: service.ProductCard) -> CardLinks:
    """A card's links depend only on its slug and picture (and where the shop is mounted),
    so each worker builds them once: url_for was 40% of a listing's render."""
    key = (request.script_root, card.slug, card.image_path)
    return web_cache.worker_memo("card-links", key, lambda: CardLinks(
        page=url_for("catalog.product", slug=card.slug),
        image=media.image_url(card.image_path)))  # an upload or a static file


def _listing_brands(**scope) -> list[str]:
    """The brands in a listing's scope, from the cache while the catalog is unchanged."""
    return web_cache.remember(("brands", repr(sorted(scope.items()))),
                              lambda: service.listing_brands(**scope))


@bp.get("/")
def home():
    def render(**markers):
        categories = _categories()
        products = service.featured_products()
        return render_template(
            "catalog/home.html",
            top_categories=[c for c in categories if c.parent_id is None],
            featured_categories=[c for c in categories if c.featured],
            products=products, card_links=card_links(products), card_ratings=card_ratings(products),
            transit=delivery.DEFAULT_DELIVERY_CONFIG.transit, **markers,
        )
    return web_cache.serve_page(web_cache.page_key("home"), render,
                                cart_count=cart_cookie.read().count, timeout=_listing_seconds())


def _parse_listing(args=None) -> tuple[ListingForm, service.ListingFilters]:
    """Read filters from the query string (or `args`). A price typed wrong (a letter, the
    minimum above the maximum) is left out of the filters and the form says why; anything
    else wrong comes only from an edited address: 400 with the reasons."""
    form = ListingForm(request.args if args is None else args)
    if not form.validate() and any(name not in TYPED_FIELDS for name in form.errors):
        abort(400, description=" ".join(form.error_messages()))
    filters = service.ListingFilters(
        min_price_cents=None if form.min_price.errors else form.min_price.cents,
        max_price_cents=None if form.max_price.errors else form.max_price.cents,
        in_stock=form.in_stock.checked,
        brand=(form.brand.data or "").strip(),
        sort=form.sort.data,
        page=form.page.data or 1,
    )
    return form, filters


def _request_filters() -> tuple[service.ListingFilters, ListingForm | None]:
    """The query string's filters, sort and page, and the form when a typed price was wrong
    (the page shows it with its messages). Most visits send none of them and skip building
    the form (half the cost of a cached page)."""
    given = [name for name in LISTING_FIELDS if name in request.args]
    if not given:
        return service.ListingFilters(), None
    if given == ["page"] and _plain_page_number(request.args["page"]):
        # the next page of a listing: the commonest case, read without the form
        return service.ListingFilters(page=int(request.args["page"])), None
    form, filters = _parse_listing()
    return filters, form if form.errors else None


def _plain_page_number(text: str) -> bool:
    """Digits only, within the form's range (anything else goes through the form)."""
    return text.isascii() and text.isdigit() and len(text) <= 5 and 1 <= int(text) <= MAX_PAGE


def _dollars(cents: int) -> str:
    return f"{cents // 100}" if cents % 100 == 0 else f"{cents // 100}.{cents % 100:02d}"


def listing_args(filters: service.ListingFilters) -> dict[str, str]:
    """The filters as query arguments: the known ones only, each in one spelling.

    Listing pages are cached under these and their links are built from them, so
    `?utm_source=...` or `?min_price=10.00` share the entry of the filters they mean
    instead of making a render and a cache entry each."""
    args = {}
    if filters.min_price_cents is not None:
        args["min_price"] = _dollars(filters.min_price_cents)
    if filters.max_price_cents is not None:
        args["max_price"] = _dollars(filters.max_price_cents)
    if filters.in_stock:
        args["in_stock"] = "1"
    if filters.brand:
        args["brand"] = filters.brand
    if filters.sort != "featured":
        args["sort"] = filters.sort
    if filters.page > 1:
        args["page"] = str(filters.page)
    return args


def _listing_key(kind: str, *parts, args: dict[str, str], mistaken: bool = False) -> str:
    """The page's cache key; a page that shows a typed mistake has a key of its own (and is
    never stored under it), so the page without the message is not served in its place."""
    kind = f"{kind}-with-mistakes" if mistaken else kind
    return web_cache.page_key(kind, *parts, urlencode(sorted(args.items())))


def _known_brand(filters: service.ListingFilters, slug: str) -> service.ListingFilters:
    """The filters with the brand as the category's brand list spells it; a brand not in
    that list is dropped, so free text can't make a cached page per string. The list is
    the cached one the page's brand facet reads."""
    if not filters.brand:
        return filters
    current = next((c for c in _categories() if c.slug == slug), None)
    if current is None:
        return filters
    brands = _listing_brands(category_ids=_category_ids(current))
    wanted = filters.brand.casefold()
    return replace(filters, brand=next((b for b in brands if b.casefold() == wanted), ""))


def _category_tree() -> Markup:
    """Links to every shelf and sub-shelf, for a search that found nothing: the same on every
    such page, so rendered once per catalog version (40 links were 3 ms of each render)."""
    return web_cache.remember(("category-tree", request.script_root), lambda: Markup(
        render_template("catalog/_category_tree.html", categories=_categories())))


def _category_ids(current: service.CategoryInfo) -> list[int]:
    """A category's listing scope: it and its children."""
    return [current.id] + [c.id for c in _categories() if c.parent_id == current.id]


def _page_or_404(listing: service.ListingPage) -> None:
    if listing.page > 1 and not listing.items:
        abort(404, description="That page is past the end of the list.")


@bp.get("/categories/<slug>")
def category(slug):
    # The key names the validated filters only; everything else is read inside render, so
    # a hit needs no lookup and no query. Bad input is refused (400) and never cached; a
    # brand is matched to the category's cached brand list (an unknown one is dropped). A
    # price typed wrong is left out and the page says why, never stored (it shows the text).
    filters, mistaken = _request_filters()
    filters = _known_brand(filters, slug)
    args = listing_args(filters)

    def render(**markers):
        categories = _categories()
        current = next((c for c in categories if c.slug == slug), None)
        if current is None:
            abort(404, description="We couldn't find that category.")
        # the form shown: as the key names the filters, or as typed when a price was wrong
        form = mistaken if mistaken is not None else _parse_listing(MultiDict(args))[0]
        children = [c for c in categories if c.parent_id == current.id]
        parent = next((c for c in categories if c.id == current.parent_id), None)
        listing = _listing(filters, category_ids=_category_ids(current))
        _page_or_404(listing)
        return web_cache.Rendered(render_template(
            "catalog/category.html", category=current, parent=parent, children=children,
            top_categories=[c for c in categories if c.parent_id is None],
            listing=listing, card_links=card_links(listing.items),
            card_ratings=card_ratings(listing.items), form=form,
            filters=filters, page_args=args, **markers,
        ), keep=mistaken is None)
    return web_cache.serve_page(_listing_key("category", slug, args=args,
                                             mistaken=mistaken is not None),
                                render, cart_count=cart_cookie.read().count,
                                timeout=_listing_seconds())


@bp.get("/search")
def search():
    query = " ".join((request.args.get("q") or "").split())
    if len(query) > 100:
        abort(400, description="Search words must be 100 characters or fewer.")
    filters, mistaken = _request_filters()
    args = {"q": query, **listing_args(filters)}

    def render(**markers):
        form = mistaken if mistaken is not None else _parse_listing(MultiDict(args))[0]
        result = None
        if query:
            synonyms = web_cache.remember("search-synonyms", search_service.load_synonyms)
            result = search_service.search_products(
                query, filters, current_app.config["PRODUCTS_PER_PAGE"], synonyms)
            _page_or_404(result.listing)
        nothing = result is not None and not result.listing.total
        return web_cache.Rendered(render_template(
            "catalog/search.html", query=query, result=result, listing=result and result.listing,
            category_tree=_category_tree() if nothing else "",
            card_links=card_links(result.listing.items if result else []),
            card_ratings=card_ratings(result.listing.items if result else []),
            form=form, filters=filters, page_args=args, **markers), keep=mistaken is None)
    return web_cache.serve_page(_listing_key("search", args=args,
                                             mistaken=mistaken is not None),
                                render, cart_count=cart_cookie.read().count,
                                timeout=_listing_seconds())


@bp.get("/products/<slug>")
def product(slug):
    sku = request.args.get("sku", "")

    def render(**markers):
        detail = service.product_detail(slug)
        if detail is None:
            abort(404, description="We couldn't find that product.")
        selected = next((v for v in detail.variants if v.sku == sku), None)
        known_sku = selected is not None or not sku
        if selected is None and detail.variants:
            in_stock = [v for v in detail.variants if v.available > 0]
            selected = (in_stock or detail.variants)[0]
        extras = product_page_extras(detail.id)  # reviews, goes-with (issue 20)
        context = presenters.product_page_context(detail, selected, current_app.config,
                                                  rating=extras.pop("rating_json_ld"))
        html = render_template("catalog/product.html", **context, **extras,
                               goes_with_links=card_links(extras["goes_with"]),
                               **media.page_context(detail, selected, current_app.config),
                               delivery_block=Markup(markers.pop("late")), **markers)
        # an unknown ?sku= gets the default variant, but no cache entry of its own
        return web_cache.Rendered(html, keep=known_sku, data=presenters.delivery_inputs(
            detail, selected, context["stock"].code == "out"))

    visitor = cart_cookie.read()

    def delivery_block(inputs) -> str:
        """The delivery promise for this visitor's destination, as of this minute.

        Workers remember each promise for the minute it holds for. It is worked out for the
        minute's last instant, so a countdown never promises more time than is left, and a
        cut-off (on a whole minute) is never missed or crossed early."""
        destination = cart_service.estimate_destination(visitor.country, visitor.region)
        as_of = clock.now().replace(second=59, microsecond=999_999)
        template = current_app.jinja_env.get_template("catalog/_delivery.html")
        return web_cache.worker_memo("delivery", (inputs, destination), lambda: (
            template.render(presenters.delivery_context(inputs, destination, as_of))),
            generation=as_of)

    return web_cache.serve_page(web_cache.page_key("product", slug, sku), render,
                                product=slug, fill=delivery_block,
                                cart_count=visitor.count, with_csrf=True,
                                timeout=_listing_seconds())


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
