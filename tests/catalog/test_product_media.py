"""Product pages: the picture gallery (<picture> with WebP and JPEG srcsets), the spec table
in US units with metric in brackets, the shipping box line, a variant chooser with each
variant's price and stock, the category comparison; all cached, in a few statements."""
import re

import pytest
from PIL import Image

from shop.backoffice import catalog_media
from tests.factories import make_category, make_product

MANAGER = "mia@example.com"


@pytest.fixture
def app_settings(tmp_path):
    return {"UPLOAD_DIR": str(tmp_path / "uploads")}


@pytest.fixture
def racks(app):
    return make_category(name="Racks", slug="racks", warranty_kind="strength_machine",
                         spec_keys=["rated_load", "footprint", "height", "bar_diameter"])


@pytest.fixture
def rack(racks):
    return make_product(racks, name="Summit Rack", slug="summit-rack", specs={
        "rated_load": 453_592, "footprint": [1244.6, 1346.2], "height": 2286}, variants=[
        {"sku": "RK-BLK", "option_name": "Colour", "option_value": "Black",
         "price_cents": 79_900, "on_hand": 6, "weight_g": 148_000, "length_cm": 220,
         "width_cm": 60, "height_cm": 30},
        {"sku": "RK-RED", "option_name": "Colour", "option_value": "Red",
         "price_cents": 81_900, "on_hand": 2},
        {"sku": "RK-GRN", "option_name": "Colour", "option_value": "Green",
         "price_cents": 81_900, "on_hand": 0}])


def add_picture(app, product, alt, variant=None, size=(1200, 900)):
    return catalog_media.add_picture(product.id, Image.new("RGB", size, (120, 30, 30)), alt,
                                     variant.id if variant else None, MANAGER,
                                     app.config["UPLOAD_DIR"])


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)



def test_the_gallery_offers_webp_and_jpeg_sizes_with_thumbnails(app, client, rack):
    # given two pictures of the rack
    front = add_picture(app, rack, "The rack from the front")
    side = add_picture(app, rack, "The rack from the side", size=(800, 600))
    html = page(client, "/products/summit-rack")
    gallery = html[html.index('data-testid="gallery"'):html.index('class="gallery-thumbs"')]
    # then each is a <picture> with a WebP source and a JPEG fallback, in every stored width
    assert gallery.count("<picture>") == 2
    assert (f'srcset="/uploads/{front.stem}-320.webp 320w, /uploads/{front.stem}-640.webp 640w, '
            f'/uploads/{front.stem}-1024.webp 1024w, /uploads/{front.stem}-1200.webp 1200w"'
            in gallery)
    assert f'src="/uploads/{front.stem}-640.jpg"' in gallery
    assert f'/uploads/{side.stem}-800.jpg 800w' in gallery
    assert 'width="1200" height="900"' in gallery  # the page does not jump as it loads
    # the first picture loads at once, the others lazily
    assert gallery.count('loading="lazy"') == 1 and 'fetchpriority="high"' in gallery
    # and thumbnails link to each picture
    assert re.findall(r'href="#(picture-\d)"', html) == ["picture-1", "picture-2"]
    assert 'aria-label="Picture 2 of 2: The rack from the side"' in html
    assert "js/gallery.js" in html


def test_without_pictures_the_category_drawing_is_shown(client, rack):
    html = page(client, "/products/summit-rack")
    assert 'src="/static/img/demo/racks.svg"' in html and "<picture>" not in html


def test_a_variants_own_picture_comes_first_and_other_variants_pictures_are_left_out(
        app, client, rack):
    black, red, _ = rack.variants
    shared = add_picture(app, rack, "The rack")
    red_picture = add_picture(app, rack, "The red rack", red)
    black_picture = add_picture(app, rack, "The black rack", black)
    html = page(client, "/products/summit-rack?sku=RK-RED")
    gallery = html[html.index('data-testid="gallery"'):html.index("</ul>",
                                                                  html.index("gallery"))]
    assert gallery.index(red_picture.stem) < gallery.index(shared.stem)
    assert black_picture.stem not in gallery


def test_the_spec_table_shows_us_units_first_with_metric_in_brackets(client, rack):
    html = page(client, "/products/summit-rack")
    table = re.search(r'data-testid="specs">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', table)
    # in the category's order, leaving out what the product has no value for
    assert rows == [("Rated load", "1,000 lb (454 kg)"),
                    ("Footprint (length × width)", "49 × 53 in (124.5 × 134.6 cm)"),
                    ("Height", "90 in (228.6 cm)")]
    assert 'href="/categories/racks/compare"' in html


def test_a_metric_shop_shows_metric_first(app, client, rack):
    app.config["SHOP_UNITS"] = "metric"
    html = page(client, "/products/summit-rack")
    assert "<td>228.6 cm (90 in)</td>" in html
    assert re.search(r'data-testid="box">148 kg \(326 lb\), 220 × 60 × 30 cm', html)


def test_the_shop_box_line_follows_the_unit_setting(client, rack):
    html = page(client, "/products/summit-rack")
    assert re.search(r'data-testid="box">326 lb \(148 kg\), 86.6 × 23.6 × 11.8 in '
                     r'\(220 × 60 × 30 cm\)<', html)


def test_the_variant_chooser_shows_each_variants_price_and_stock(client, rack):
    html = page(client, "/products/summit-rack")
    chooser = re.findall(
        r'<span class="variant-label">([^<]+)</span>\s*<span class="variant-price">([^<]+)'
        r'</span>\s*<span class="variant-stock stock-(\w+)">([^<]+)</span>', html)
    assert chooser == [("Black", "$799.00", "in_stock", "In stock"),
                       ("Red", "$819.00", "low", "Only 2 left"),
                       ("Green", "$819.00", "out", "Out of stock")]


def test_the_comparison_lists_the_categorys_products_on_its_attributes(client, racks, rack):
    make_product(racks, name="Compact Stand", slug="compact-stand",
                 specs={"rated_load": 272_155, "height": 2108},
                 variants=[{"price_cents": 34_900, "on_hand": 0}])
    make_product(racks, name="Draft Rack", slug="draft-rack", status="draft")
    html = page(client, "/categories/racks/compare")
    table = re.search(r'data-testid="compare">(.*?)</table>', html, re.S).group(1)
    headers = re.findall(r'<th scope="col">([^<]+)</th>', table)
    assert headers == ["Product", "Price", "Rated load", "Footprint (length × width)",
                       "Height", "Bar diameter"]
    rows = re.findall(r'<tr>(.*?)</tr>', table, re.S)[1:]
    assert len(rows) == 2 and "Draft Rack" not in table
    stand, summit = rows
    assert "Compact Stand" in stand and "600 lb (272 kg)" in stand and "Out of stock" in stand
    assert "From $799.00" in summit and "49 × 53 in" in summit
    assert stand.count("<td>—</td>") == 2  # no footprint, no bar diameter


def test_an_unknown_category_has_no_comparison(client):
    assert client.get("/categories/nothing/compare").status_code == 404


@pytest.mark.parametrize("url", ["/products/summit-rack", "/categories/racks/compare"])
def test_pages_stay_within_four_statements_and_a_cached_one_needs_none(
        app, client, count_statements, rack, url):
    add_picture(app, rack, "The rack")
    with count_statements() as statements:
        page(client, url)
    assert len(statements) <= 4, statements
    with count_statements() as statements:
        page(client, url)
    assert statements == []


def test_changed_specs_show_on_the_cached_pages_at_once(client, rack):
    # given both pages were served (and cached)
    assert "90 in (228.6 cm)" in page(client, "/products/summit-rack")
    assert "90 in (228.6 cm)" in page(client, "/categories/racks/compare")
    # when a manager changes the height
    catalog_media.update_specs(rack.id, {"height": 2032}, MANAGER)
    # then the next requests show the new value
    assert "80 in (203.2 cm)" in page(client, "/products/summit-rack")
    assert "80 in (203.2 cm)" in page(client, "/categories/racks/compare")
