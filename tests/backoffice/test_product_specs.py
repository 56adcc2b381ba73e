"""Back office: specification attributes per category, a product's values typed in the shop's
units and kept in grams and millimetres, variant boxes in the shop's units, and warranty
parts removed with 0 months."""
import re

import pytest
from sqlalchemy import select

from shop.accounts.models import AuditEntry
from shop.catalog.models import Category, Product, Variant
from shop.extensions import db
from tests.factories import make_category, make_product
from tests.helpers import csrf_token


@pytest.fixture
def racks(app):
    return make_category(name="Racks", slug="racks", warranty_kind="strength_machine",
                         spec_keys=["rated_load", "footprint", "height", "resistance_type"])


@pytest.fixture
def rack(racks):
    return make_product(racks, name="Summit Rack", slug="summit-rack", variants=[
        {"sku": "RK-1", "weight_g": 148_000, "length_cm": 220, "width_cm": 60,
         "height_cm": 30}])


def post(client, url, data, page=None):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page or url)})


def reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def test_specs_typed_in_pounds_and_inches_are_kept_in_grams_and_millimetres(as_manager, rack):
    # when a manager saves the rack's specifications in US units
    response = post(as_manager, f"/admin/products/{rack.id}/specs", {
        "spec-rated_load": "1,000", "spec-footprint": "49 x 53", "spec-height": "90",
        "spec-resistance_type": ""}, page=f"/admin/products/{rack.id}")
    # then they are stored in canonical units, the empty one left out, with an audit row
    assert response.status_code == 303
    assert reload(Product, rack.id).specs == {
        "rated_load": 453_592, "footprint": [1244.6, 1346.2], "height": 2286}
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "product_specs_updated"))
    assert entry.after["rated_load"] == 453_592 and entry.before["rated_load"] is None
    # and the edit page shows them back in the shop's units
    html = as_manager.get(f"/admin/products/{rack.id}").get_data(as_text=True)
    assert re.search(r'id="spec-height" name="spec-height" value="90"', html)
    assert "Rated load (lb)" in html


@pytest.mark.parametrize("field, value, message", [
    ("spec-height", "tall", "Height: write a number of inches"),
    ("spec-footprint", "49", "write 2 numbers of inches"),
    ("spec-rated_load", "-5", "above 0"),
    ("spec-resistance_type", "x" * 81, "at most 80 characters"),
])
def test_bad_spec_values_are_refused_at_the_field_and_nothing_changes(as_manager, rack, field,
                                                                      value, message):
    response = post(as_manager, f"/admin/products/{rack.id}/specs", {field: value},
                    page=f"/admin/products/{rack.id}")
    assert response.status_code == 400
    assert re.search(rf'id="{field}-error">[^<]*{re.escape(message)}',
                     response.get_data(as_text=True))
    assert reload(Product, rack.id).specs == {}


def test_staff_may_not_change_specs(as_staff, rack):
    token = csrf_token(as_staff, "/admin/password")
    response = as_staff.post(f"/admin/products/{rack.id}/specs",
                             data={"csrf_token": token, "spec-height": "90"})
    assert response.status_code == 403
    assert reload(Product, rack.id).specs == {}


def test_specs_without_a_csrf_token_are_refused(as_manager, rack):
    response = as_manager.post(f"/admin/products/{rack.id}/specs", data={"spec-height": "90"})
    assert response.status_code == 400
    assert reload(Product, rack.id).specs == {}


def test_a_metric_shop_types_kilograms_and_centimetres(app, as_manager, rack):
    app.config["SHOP_UNITS"] = "metric"
    response = post(as_manager, f"/admin/products/{rack.id}/specs", {
        "spec-rated_load": "450", "spec-height": "228.6"}, page=f"/admin/products/{rack.id}")
    assert response.status_code == 303
    assert reload(Product, rack.id).specs == {"rated_load": 450_000, "height": 2286}


def category_form(**changes) -> dict:
    data = {"name": "Racks", "slug": "racks", "parent_id": "0", "description": "Steel racks.",
            "warranty_kind": "strength_machine", "position": "0"}
    data.update(changes)
    return data


def test_a_category_chooses_its_spec_attributes(as_manager, racks):
    url = f"/admin/categories/{racks.id}"
    # an unknown attribute is refused and nothing is saved
    response = post(as_manager, url, category_form(spec_keys=["height", "no_such_attribute"]))
    assert response.status_code == 400
    assert reload(Category, racks.id).spec_keys == [
        "rated_load", "footprint", "height", "resistance_type"]
    # known ones are kept in the attributes' own order
    response = post(as_manager, url, category_form(spec_keys=["height", "rated_load"]))
    assert response.status_code == 303
    assert reload(Category, racks.id).spec_keys == ["rated_load", "height"]


# ---- variant boxes in the shop's units ------------------------------------------------

def variant_form(**changes) -> dict:
    data = {"sku": "RK-1", "option_name": "", "option_value": "", "price": "799",
            "compare_at": "", "weight": "326.28", "box_length": "86.61", "box_width": "23.62",
            "box_height": "11.81", "low_stock_threshold": "3"}
    data.update(changes)
    return data


def test_the_variant_form_shows_the_box_in_pounds_and_inches(as_manager, rack):
    variant = rack.variants[0]
    html = as_manager.get(f"/admin/products/{rack.id}/variants/{variant.id}").get_data(
        as_text=True)
    assert "Weight (lb)" in html and "Box length (in)" in html
    assert re.search(r'id="weight"[^>]*value="326.28"', html)
    assert re.search(r'id="box_length"[^>]*value="86.61"', html)


def test_a_variant_saved_unchanged_keeps_its_exact_grams(as_manager, rack):
    # given a box of 148,000 g, shown as 326.28 lb (which is 147,999.6 g)
    variant = rack.variants[0]
    url = f"/admin/products/{rack.id}/variants/{variant.id}"
    # when the form is saved as shown
    response = post(as_manager, url, variant_form())
    # then nothing about the box changed
    assert response.status_code == 303
    saved = reload(Variant, variant.id)
    assert (saved.weight_g, saved.length_cm, saved.width_cm, saved.height_cm) == (
        148_000, 220, 60, 30)
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "variant_updated")) is None


def test_a_new_weight_in_pounds_is_stored_in_grams(as_manager, rack):
    variant = rack.variants[0]
    url = f"/admin/products/{rack.id}/variants/{variant.id}"
    response = post(as_manager, url, variant_form(weight="330", box_height="12"))
    assert response.status_code == 303
    saved = reload(Variant, variant.id)
    assert (saved.weight_g, saved.height_cm) == (149_685, 30)  # 12 in = 30.48 cm


def test_a_metric_shop_edits_the_box_in_kilograms_and_centimetres(app, as_manager, rack):
    app.config["SHOP_UNITS"] = "metric"
    variant = rack.variants[0]
    url = f"/admin/products/{rack.id}/variants/{variant.id}"
    html = as_manager.get(url).get_data(as_text=True)
    assert "Weight (kg)" in html and re.search(r'id="weight"[^>]*value="148"', html)
    response = post(as_manager, url, variant_form(weight="150.5", box_length="221",
                                                  box_width="60", box_height="30"))
    assert response.status_code == 303
    saved = reload(Variant, variant.id)
    assert (saved.weight_g, saved.length_cm) == (150_500, 221)


# ---- warranty parts -----------------------------------------------------------------------

def product_form(product, **changes) -> dict:
    data = {"name": product.name, "slug": product.slug, "brand": product.brand,
            "category_id": str(product.category_id),
            "short_description": product.short_description, "long_description": "",
            "features": "", "meta_description": "", "warranty_overrides": ""}
    data.update(changes)
    return data


def test_a_warranty_part_is_removed_with_zero_months(as_manager, client, rack):
    # when a manager removes the upholstery term (a rack has none)
    url = f"/admin/products/{rack.id}"
    response = post(as_manager, url, product_form(rack, warranty_overrides="Upholstery: 0"))
    # then it is saved and the product page's warranty table no longer lists it
    assert response.status_code == 303, response.get_data(as_text=True)
    assert reload(Product, rack.id).warranty_overrides == {"Upholstery": 0}
    html = client.get("/products/summit-rack").get_data(as_text=True)
    table = re.search(r'data-testid="warranty">(.*?)</table>', html, re.S).group(1)
    assert "Upholstery" not in table and "Frame and welds" in table
