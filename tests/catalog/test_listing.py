"""Category and search listings: filters, sorting, pagination and bad input."""
import re

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from shop.catalog import views
from shop.extensions import db
from shop.web_cache import versions
from tests.factories import make_category, make_product


def names_on(response) -> list[str]:
    return re.findall(r"<h3>([^<]+)</h3>", response.get_data(as_text=True))


@pytest.fixture
def shelf(app):
    """A category with four products of known prices, brands, stock and ages."""
    strength = make_category(name="Strength", slug="strength")
    racks = make_category(name="Racks", slug="racks", parent=strength)
    make_product(racks, name="Alpha Rack", brand="Ironforge",
                 variants=[{"price_cents": 50_000, "on_hand": 2}])
    make_product(racks, name="Bravo Rack", brand="Northline",
                 variants=[{"price_cents": 20_000, "on_hand": 0}])
    make_product(racks, name="Charlie Rack", brand="Ironforge",
                 variants=[{"price_cents": 90_000, "on_hand": 5}, {"price_cents": 95_000}])
    make_product(strength, name="Delta Bench", brand="Oakridge",
                 variants=[{"price_cents": 15_000}])
    make_product(racks, name="Draft Rack", status="draft")
    return racks


def test_category_lists_published_products_only(client, shelf):
    response = client.get("/categories/racks")
    assert response.status_code == 200
    assert sorted(names_on(response)) == ["Alpha Rack", "Bravo Rack", "Charlie Rack"]


def test_parent_category_includes_its_children(client, shelf):
    response = client.get("/categories/strength?sort=name")
    assert names_on(response) == ["Alpha Rack", "Bravo Rack", "Charlie Rack", "Delta Bench"]


@pytest.mark.parametrize("sort, expected", [
    ("price_asc", ["Bravo Rack", "Alpha Rack", "Charlie Rack"]),
    ("price_desc", ["Charlie Rack", "Alpha Rack", "Bravo Rack"]),
    ("name", ["Alpha Rack", "Bravo Rack", "Charlie Rack"]),
    ("newest", ["Charlie Rack", "Bravo Rack", "Alpha Rack"]),
])
def test_sorting(client, shelf, sort, expected):
    assert names_on(client.get(f"/categories/racks?sort={sort}")) == expected


@pytest.mark.parametrize("query, expected", [
    ("min_price=300", ["Alpha Rack", "Charlie Rack"]),
    ("max_price=500", ["Alpha Rack", "Bravo Rack"]),
    ("min_price=250&max_price=600.00", ["Alpha Rack"]),
    ("in_stock=1", ["Alpha Rack", "Charlie Rack"]),
    ("brand=Northline", ["Bravo Rack"]),
    ("brand=Ironforge&in_stock=on", ["Alpha Rack", "Charlie Rack"]),
    ("brand=northline", ["Bravo Rack"]),  # the catalog's spelling
    ("brand=Nobody", ["Alpha Rack", "Bravo Rack", "Charlie Rack"]),  # unknown: dropped
])
def test_filters(client, shelf, query, expected):
    response = client.get(f"/categories/racks?sort=name&{query}")
    assert response.status_code == 200
    assert names_on(response) == expected


def test_price_filter_uses_the_lowest_variant_price(client, shelf):
    # Charlie Rack sells from $900 (and $950): a $920 ceiling still finds it
    assert "Charlie Rack" in names_on(client.get("/categories/racks?max_price=920"))


def test_pagination_splits_and_counts(app, client):
    category = make_category(slug="bands")
    for i in range(30):
        make_product(category, name=f"Band {i:02d}")
    app.config["PRODUCTS_PER_PAGE"] = 12
    first = client.get("/categories/bands?sort=name")
    third = client.get("/categories/bands?sort=name&page=3")
    assert names_on(first)[:2] == ["Band 00", "Band 01"] and len(names_on(first)) == 12
    assert names_on(third) == [f"Band {i}" for i in range(24, 30)]
    assert "Page 1 of 3" in first.get_data(as_text=True)
    assert "30 products" in first.get_data(as_text=True)


def test_page_past_the_end_is_404(client, shelf):
    assert client.get("/categories/racks?page=9").status_code == 404


@pytest.mark.parametrize("query, message", [
    ("page=abc", "Page must be a whole number"),
    ("page=0", "Page must be a whole number"),
    ("page=-3", "Page must be a whole number"),
    ("sort=;DROP TABLE product", "Sort by must be one of"),
    ("brand=" + "x" * 200, "Brand"),
])
def test_bad_query_parameters_get_a_400_that_names_the_field(client, shelf, query, message):
    # (a price typed wrong gets a message on the form instead: test_filter_mistakes.py)
    response = client.get(f"/categories/racks?{query}")
    assert response.status_code == 400
    assert response.get_data(as_text=True).count(message) == 1  # said once, not once per check


def test_unknown_category_is_404(client, shelf):
    assert client.get("/categories/nope").status_code == 404


def test_search_matches_names_and_descriptions(client, shelf):
    make_product(shelf, name="Air Rower", long_description="A fan flywheel for intervals.")
    assert names_on(client.get("/search?q=rower")) == ["Air Rower"]
    assert names_on(client.get("/search?q=FLYWHEEL")) == ["Air Rower"]


def test_search_needs_every_word(client, shelf):
    assert names_on(client.get("/search?q=rack+northline")) == ["Bravo Rack"]


def test_search_ranks_name_matches_first(client, shelf):
    make_product(shelf, name="Zulu Plates", short_description="Plates that fit any rack.")
    assert names_on(client.get("/search?q=rack"))[-1] == "Zulu Plates"


def test_search_treats_wildcards_literally(client, shelf):
    assert names_on(client.get("/search?q=%25")) == []
    assert names_on(client.get("/search?q=_")) == []


def test_search_without_words_shows_a_prompt(client, shelf):
    response = client.get("/search?q=")
    assert response.status_code == 200
    assert "Type what you are looking for" in response.get_data(as_text=True)


def test_search_filters_apply_to_results(client, shelf):
    assert names_on(client.get("/search?q=rack&in_stock=1&sort=name")) == \
        ["Alpha Rack", "Charlie Rack"]


def test_overlong_search_is_400(client, shelf):
    response = client.get("/search?q=" + "a" * 101)
    assert response.status_code == 400
    assert "100 characters" in response.get_data(as_text=True)


def test_search_follows_edits_and_deletions_of_product_text(client, shelf):
    # given a product found by a word of its description
    rower = make_product(shelf, name="Air Rower", long_description="A fan flywheel for intervals.",
                         variants=[{"on_hand": 0}])  # no ledger rows, so it may be deleted
    assert names_on(client.get("/search?q=flywheel")) == ["Air Rower"]
    # when its description is rewritten
    rower.long_description = "A magnetic resistance unit for steady rows."
    db.session.commit()
    versions.catalog_changed()  # as every change of the catalog does after its commit
    # then the new words find it and the old ones no longer do
    assert names_on(client.get("/search?q=magnetic+steady")) == ["Air Rower"]
    assert names_on(client.get("/search?q=flywheel")) == []
    # and once it is deleted nothing finds it
    db.session.delete(rower)
    db.session.commit()
    versions.catalog_changed()
    assert names_on(client.get("/search?q=magnetic")) == []


@pytest.mark.parametrize("query, expected", [
    ("racks", ["Alpha Rack", "Bravo Rack", "Charlie Rack"]),  # a word's other forms
    ("RaCk ironforge", ["Alpha Rack", "Charlie Rack"]),       # any case, every word
    ("x", []),
    ("ack", []),                                              # words, not substrings
    ('rack"', ["Alpha Rack", "Bravo Rack", "Charlie Rack"]),  # a quote separates words
])
def test_search_matches_words_in_any_case(client, shelf, query, expected):
    assert sorted(names_on(client.get(f"/search?q={query}"))) == expected


def test_search_reads_the_text_index_not_the_descriptions(client, shelf, backend,
                                                          count_statements):
    # when a customer searches for words of three or more letters
    with count_statements() as statements:
        response = client.get("/search?q=rack+ironforge")
    # then the descriptions are not scanned with LIKE: SQLite's FTS index answers, and
    # PostgreSQL reads its lower-cased search document (trigram-indexed when migrated)
    assert sorted(names_on(response)) == ["Alpha Rack", "Charlie Rack"]
    index = "product_search" if backend == "sqlite" else "search_vector @@"
    listing = [s for s in statements if index in s]
    assert listing and not any("long_description LIKE" in s or "long_description ILIKE" in s
                               for s in statements)


def brands_offered(response) -> list[str]:
    select = re.search(r'<select[^>]*name="brand".*?</select>', response.get_data(as_text=True), re.S)
    return re.findall(r'<option value="([^"]+)"', select.group(0)) if select else []


@pytest.mark.parametrize("query, names, brands", [
    ("q=rack", ["Alpha Rack", "Bravo Rack", "Charlie Rack"], ["Ironforge", "Northline"]),
    ("q=rack&brand=Northline", ["Bravo Rack"], ["Ironforge", "Northline"]),  # all still offered
    ("q=rack&sort=name&page=1", ["Alpha Rack", "Bravo Rack", "Charlie Rack"],
     ["Ironforge", "Northline"]),
    ("q=rack&brand=Nobody", [], ["Ironforge", "Northline"]),
])
def test_a_search_counts_its_matches_by_brand_then_reads_only_a_page_with_results(
        client, shelf, count_statements, query, names, brands):
    # when a customer searches, with or without a brand or sort
    with count_statements() as statements:
        response = client.get(f"/search?{query}")
    # then the page lists the matches and offers every brand among them
    assert response.status_code == 200
    assert sorted(names_on(response)) == names
    assert brands_offered(response) == brands
    # and it took one GROUP BY brand over the matches (the total and the facet), then the
    # page only when something is on it
    listing = [s for s in statements if "FROM product" in s and "review" not in s]
    assert len(listing) == (2 if names else 1), listing
    assert "GROUP BY product.brand" in listing[0]


@pytest.mark.parametrize("pages", [["1"], ["2"], ["010"], ["10000"], ["10001"], ["0"], ["-1"],
                                   ["+2"], [" 2"], ["2 "], ["２"], ["٣"], ["2.0"], ["1e3"], [""],
                                   ["abc"], ["7" * 5000], ["2", "3"], ["abc", "2"]])
def test_a_page_number_alone_is_read_as_the_form_reads_it(app, pages):
    # The next page of a listing skips building the form (shop.catalog.views): whatever the
    # page argument says, the filters, or the refusal, must be the form's.
    args = MultiDict([("page", page) for page in pages])

    def outcome(read):
        with app.test_request_context("/categories/x", query_string=args):
            try:
                return read()
            except BadRequest as refused:
                return ("400", refused.description)

    by_form = outcome(lambda: views._parse_listing(args))  # (form, filters) or a refusal
    expected = by_form if by_form[0] == "400" else (by_form[1], None)
    assert outcome(views._request_filters) == expected


def test_the_next_page_of_a_listing_builds_no_form(app, monkeypatch):
    monkeypatch.setattr(views, "ListingForm", None)  # building one would fail
    with app.test_request_context("/categories/x?page=3&utm_source=mail"):
        assert views._request_filters() == (views.service.ListingFilters(page=3), None)
