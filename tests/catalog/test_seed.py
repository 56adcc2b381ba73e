"""The demo catalog command: loads once, enters stock through the ledger, refuses claims."""
import pytest
from markupsafe import escape
from sqlalchemy import func, select

from shop.catalog import demo_data
from shop.catalog.models import Category, Product, StockMovement, Variant
from shop.catalog.seed import BlockedCopy, seed_demo
from shop.catalog.service import featured_products
from shop.extensions import db


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (Category, Product, Variant, StockMovement))


def test_seed_demo_loads_a_real_catalog(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    categories, products, variants, _ = counts()
    assert categories >= 8 and products >= 40 and variants > products
    dumbbell_weights = db.session.scalars(
        select(Variant.option_value).join(Product).where(Product.slug == "rubber-hex-dumbbell")
    ).all()
    assert dumbbell_weights[0] == "5 lb" and dumbbell_weights[-1] == "50 lb"


def test_seed_demo_twice_changes_nothing(runner):
    runner.invoke(args=["seed-demo"])
    before = counts()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert "nothing to do" in result.output
    assert counts() == before


def test_seeded_stock_equals_the_ledger(app):
    seed_demo()
    rows = db.session.execute(
        select(Variant.on_hand, func.coalesce(func.sum(StockMovement.delta), 0))
        .outerjoin(StockMovement, StockMovement.variant_id == Variant.id)
        .group_by(Variant.id, Variant.on_hand)
    ).all()
    assert rows and all(on_hand == ledger for on_hand, ledger in rows)


def test_seed_refuses_copy_with_medical_claims_and_writes_nothing(app):
    bad = dict(demo_data.PRODUCTS[0], slug="bad-rack",
               long="This rack treats depression and anxiety, medically approved.")
    with pytest.raises(BlockedCopy, match="bad-rack"):
        seed_demo(products=[bad])
    assert counts() == (0, 0, 0, 0)


def test_demo_copy_has_no_blocked_claims():
    from shop.catalog.seed import check_demo_copy
    assert check_demo_copy() == []


def test_copy_check_flags_claims_and_false_promises(app, runner):
    # given the demo catalog plus one product whose copy makes a claim and a false promise
    from tests.factories import make_product
    seed_demo()
    make_product(slug="bad-bike", name="Therapy Bike",
                 long_description="Clinically proven to relieve anxiety. Lifetime warranty!")
    # when the audit runs
    result = runner.invoke(args=["copy-check"])
    # then it names the product, the field and the reason, and fails
    assert result.exit_code == 1
    assert "bad-bike long_description" in result.output
    assert "lifetime warranty" in result.output.lower()


def test_copy_check_passes_on_the_demo_catalog(app, runner):
    seed_demo()
    result = runner.invoke(args=["copy-check"])
    assert result.exit_code == 0, result.output
    assert "Checked 40 products: 0 blocking" in result.output


def test_seeding_refreshes_cached_pages(app, client):
    # given the empty shop's home page was served (and cached)
    assert "Adjustable" not in client.get("/").get_data(as_text=True)
    # when the demo catalog is loaded
    seed_demo()
    # then the home page shows it at once
    home = client.get("/").get_data(as_text=True)
    featured = [str(escape(card.name)) for card in featured_products()]
    assert featured and all(name in home for name in featured)


def test_seeding_again_after_a_rename_makes_no_product_without_a_variant(app):
    # given the demo catalog, and a manager who renamed a product's slug
    seed_demo()
    product = db.session.scalar(select(Product).where(Product.slug == "rubber-hex-dumbbell"))
    product.slug = "hex-dumbbells"
    db.session.commit()
    before = counts()
    # when the demo is seeded again: the old slug is new to it, its SKUs are not
    seed_demo()
    # then nothing is made again (a product with no variant would break listings and
    # search, which rely on every published product having one), and nothing fails
    assert db.session.scalar(select(Product).where(Product.slug == "rubber-hex-dumbbell")) \
        is None
    assert counts() == before
