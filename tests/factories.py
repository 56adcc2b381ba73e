"""Builders for test data: small, explicit, one commit each."""
import itertools
from datetime import datetime, timezone

from shop.catalog.models import Category, Product, StockMovement, Variant
from shop.extensions import db

_seq = itertools.count(1)


def make_category(name=None, slug=None, parent=None, **fields) -> Category:
    n = next(_seq)
    category = Category(name=name or f"Category {n}", slug=slug or f"category-{n}",
                        parent=parent, **fields)
    db.session.add(category)
    db.session.commit()
    return category


def make_product(category=None, name=None, slug=None, variants=None, status="published",
                 **fields) -> Product:
    """A product with variants given as dicts (defaults: one $100 SKU with 10 in stock)."""
    n = next(_seq)
    category = category or make_category()
    fields.setdefault("brand", "Ironforge")
    fields.setdefault("short_description", "A sturdy piece of training equipment.")
    product = Product(name=name or f"Product {n}", slug=slug or f"product-{n}",
                      category=category, status=status, image_path="img/demo/racks.svg",
                      image_alt="Illustration", **fields)
    db.session.add(product)
    for position, spec in enumerate(variants or [{}]):
        make_variant(product, position=position, commit=False, **spec)
    db.session.commit()
    return product


def make_variant(product, commit=True, **fields) -> Variant:
    n = next(_seq)
    on_hand = fields.pop("on_hand", 10)
    values = dict(sku=f"SKU-{n}", price_cents=10_000, weight_g=5_000, length_cm=50,
                  width_cm=30, height_cm=20)
    values.update(fields)
    variant = Variant(product=product, on_hand=on_hand, reserved=0, **values)
    db.session.add(variant)
    if on_hand:
        db.session.add(StockMovement(variant=variant, delta=on_hand, reason="initial",
                                     actor="test"))
    if commit:
        db.session.commit()
    return variant


def make_order(lines=None, status="paid", email="sam@example.com", delivered_at=None,
               shipped_at=None, **fields):
    """A paid order for given (variant, quantity) pairs, with its history, bypassing Stripe."""
    from shop.orders.models import Order, OrderLine, OrderStatusChange
    from shop.orders.service import new_order_number

    lines = lines or [(make_product().variants[0], 1)]
    subtotal = sum(v.price_cents * q for v, q in lines)
    values = dict(number=new_order_number(), status=status, email=email, name="Sam Lifter",
                  address1="1 Main St", city="Albany", region="NY", postal_code="12207",
                  country="US", shipping_method="standard", shipping_label="Standard parcel",
                  subtotal_cents=subtotal, shipping_cents=790, total_cents=subtotal + 790,
                  captured_cents=subtotal + 790 if status != "pending_payment" else 0,
                  # paid (its stock sold) unless it never got that far
                  paid_at=None if status in ("pending_payment", "expired", "cancelled")
                  else datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc),
                  stripe_payment_intent="pi_test_123", delivered_at=delivered_at,
                  shipped_at=shipped_at,
                  delivery_promise={"method": "standard", "dispatch_on": "2026-11-23",
                                    "earliest": "2026-11-24", "latest": "2026-11-25",
                                    "cutoff_remaining": None})
    values.update(fields)
    order = Order(**values)
    for variant, quantity in lines:
        order.lines.append(OrderLine(
            variant_id=variant.id, product_slug=variant.product.slug, sku=variant.sku,
            name=variant.product.name, option=variant.option_value, quantity=quantity,
            unit_price_cents=variant.price_cents, weight_g=variant.weight_g, shipping_cents=395,
            warranty_terms=[{"component": "Frame and welds", "months": 120},
                            {"component": "Upholstery", "months": 12}],
            final_sale=variant.product.final_sale))
    db.session.add(order)
    db.session.flush()
    db.session.add(OrderStatusChange(order_id=order.id, status=status))
    db.session.commit()
    return order


def make_customer(email="kim@example.com", password="correct horse battery staple",
                  verified=True, name="Kim Lifter"):
    """A customer account (verified unless told), bypassing the sign-up emails."""
    from shop.accounts.customers.models import Customer
    from shop.accounts.passwords import hash_password
    from shop.database import utcnow

    customer = Customer(email=email, name=name, password_hash=hash_password(password),
                        email_verified_at=utcnow() if verified else None)
    db.session.add(customer)
    db.session.commit()
    return customer


def make_discount_code(code="SAVE10", kind="percent", percent=10, amount_cents=0, **fields):
    """A discount code, active and unlimited unless `fields` say otherwise."""
    from shop.discounts.models import DiscountCode

    values = dict(code=code, kind=kind, percent=percent if kind == "percent" else 0,
                  amount_cents=amount_cents, min_subtotal_cents=0, uses=0, active=True)
    values.update(fields)
    discount = DiscountCode(**values)
    db.session.add(discount)
    db.session.commit()
    return discount
