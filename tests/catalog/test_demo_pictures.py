"""The demo catalog: a distinct, generated picture per product (the same on every run), the
specifications of its shelves, and warranty terms without parts a product does not have."""
import hashlib
import os

import pytest
from sqlalchemy import func, select

from shop.catalog import demo_data
from shop.catalog.models import Category, Product, ProductImage
from shop.catalog.seed import seed_demo
from shop.extensions import db
from shop.rules.warranty import product_terms

RACKS = ["summit-power-rack", "compact-squat-stand", "wall-mount-folding-rack",
         "half-rack-with-storage"]
# Most tests load a few products: drawing all of them takes seconds.
SOME = [p for p in demo_data.PRODUCTS if p["slug"] in RACKS + ["air-rower", "folding-treadmill"]]


@pytest.fixture
def app_settings(tmp_path):
    return {"UPLOAD_DIR": str(tmp_path / "uploads")}


def digest(path) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


def first_picture(slug) -> ProductImage:
    return db.session.scalar(select(ProductImage).join(Product).where(
        Product.slug == slug).order_by(ProductImage.position))


def test_every_demo_product_gets_its_own_generated_picture(app):
    # when the demo catalog is loaded
    seed_demo()
    uploads = app.config["UPLOAD_DIR"]
    # then each product's first picture is a file of its own, different for each rack
    racks = [first_picture(slug) for slug in RACKS]
    files = [os.path.join(uploads, f"{p.stem}-640.jpg") for p in racks]
    assert len({digest(f) for f in files}) == 4
    assert all(os.path.isfile(os.path.join(uploads, f"{p.stem}-320.webp")) for p in racks)
    # and every product shows one on its card
    cards = db.session.scalars(select(Product.image_path)).all()
    assert len(cards) == len(demo_data.PRODUCTS)
    assert all(path.startswith("uploads/demo/") for path in cards)
    assert len(set(cards)) == len(cards)


def test_colour_variants_get_a_picture_in_their_colour(app):
    seed_demo(SOME)
    rack = db.session.scalar(select(Product).where(Product.slug == "wall-mount-folding-rack"))
    own = db.session.scalars(select(ProductImage).where(
        ProductImage.product_id == rack.id, ProductImage.variant_id.is_not(None))).all()
    assert {p.variant_id for p in own} == {v.id for v in rack.variants}
    assert {p.alt for p in own} == {"Drawing of the Wall-Mount Folding Rack in Black",
                                    "Drawing of the Wall-Mount Folding Rack in Red"}


def test_the_pictures_are_the_same_on_every_run(app, tmp_path):
    # given the demo pictures drawn into one directory, then into another
    seed_demo(SOME)
    stem = first_picture("air-rower").stem
    first = digest(os.path.join(app.config["UPLOAD_DIR"], f"{stem}-640.webp"))
    db.session.execute(ProductImage.__table__.delete())
    db.session.execute(Product.__table__.update().values(
        image_path="img/demo/rowers.svg"))
    db.session.commit()
    seed_demo(SOME, upload_dir=str(tmp_path / "elsewhere"))
    # then the files are the same, byte for byte
    assert digest(tmp_path / "elsewhere" / f"{stem}-640.webp") == first


def test_the_air_rower_has_no_motor_and_shelves_list_their_specs(app):
    seed_demo(SOME)
    rower = db.session.scalar(select(Product).where(Product.slug == "air-rower"))
    terms = product_terms(rower.category.warranty_kind, rower.warranty_overrides)
    assert "Motor" not in [t.component for t in terms]
    treadmill = db.session.scalar(select(Product).where(Product.slug == "folding-treadmill"))
    assert "Motor" in [t.component for t in product_terms(treadmill.category.warranty_kind,
                                                          treadmill.warranty_overrides)]
    racks = db.session.scalar(select(Category).where(Category.slug == "racks"))
    assert racks.spec_keys == ["rated_load", "footprint", "height", "product_weight"]
    assert rower.specs["resistance_type"] == "Air (fan)"


def test_a_catalog_loaded_before_pictures_gets_them_once(app):
    # given a demo catalog loaded before pictures, specs and warranty parts existed
    seed_demo(SOME)
    db.session.execute(ProductImage.__table__.delete())
    for product in db.session.scalars(select(Product)):
        product.image_path = f"img/demo/{product.category.slug}.svg"
        product.specs, product.warranty_overrides = {}, {}
    for category in db.session.scalars(select(Category)):
        category.spec_keys = []
    db.session.commit()
    # when it is loaded again
    created = seed_demo(SOME)
    # then the pictures, specs and warranty parts are filled in, and a third run does nothing
    assert created["products"] == 0 and created["earlier demo rows given pictures and specs"] > 0
    rower = db.session.scalar(select(Product).where(Product.slug == "air-rower"))
    assert rower.warranty_overrides == {"Motor": 0} and rower.specs
    assert rower.image_path.startswith("uploads/demo/")
    pictures = db.session.scalar(select(func.count()).select_from(ProductImage))
    assert not any(seed_demo(SOME).values())
    assert db.session.scalar(select(func.count()).select_from(ProductImage)) == pictures


def test_a_product_a_manager_gave_a_picture_of_their_own_is_left_alone(app):
    seed_demo(SOME)
    rack = db.session.scalar(select(Product).where(Product.slug == "summit-power-rack"))
    db.session.execute(ProductImage.__table__.delete().where(
        ProductImage.product_id == rack.id))
    rack.image_path = "uploads/products/theirs-640.jpg"
    db.session.commit()
    seed_demo(SOME)
    assert first_picture("summit-power-rack") is None
    assert db.session.get(Product, rack.id).image_path == "uploads/products/theirs-640.jpg"
