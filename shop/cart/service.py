"""Cart use cases: add, change, remove, and price the cart from the database and the rules.

Quantities are checked against what can still be sold (on hand minus reserved).
Prices always come from the database; the cart only remembers the price the
customer last saw, to say when it changed.
"""
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from shop.cart.models import Cart, CartItem
from shop.catalog.models import Product, Variant
from shop.discounts import service as discounts
from shop.extensions import db
from shop.rules import delivery, discounts as discount_rules, shipping
from shop.rules.estimates import PricedOption, priced_options

MAX_QUANTITY = 99


class CartError(Exception):
    """A request the cart refuses, with a message for the customer."""


@dataclass(frozen=True)
class CartLine:
    variant_id: int
    sku: str
    product_slug: str
    name: str
    option: str
    image_path: str
    quantity: int
    unit_price_cents: int
    price_seen_cents: int
    available: int
    weight_g: int
    length_cm: int
    width_cm: int
    height_cm: int
    purchasable: bool
    product_id: int
    category_id: int

    @property
    def line_total_cents(self) -> int:
        return self.unit_price_cents * self.quantity

    @property
    def price_changed(self) -> bool:
        return self.unit_price_cents != self.price_seen_cents

    @property
    def over_stock(self) -> bool:
        return self.quantity > self.available

    def ship_item(self) -> shipping.ShipItem:
        return shipping.ShipItem(self.sku, self.name, self.quantity, self.weight_g,
                                 self.length_cm, self.width_cm, self.height_cm)


@dataclass(frozen=True)
class CartSummary:
    lines: list[CartLine]
    subtotal_cents: int
    quote: shipping.ShippingQuote | None
    options: list[PricedOption]
    destination: shipping.Destination
    # the cart's discount code as checked now (None: the cart holds no code)
    discount: discounts.CartDiscount | None = None

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def problems(self) -> list[str]:
        messages = []
        for line in self.lines:
            if not line.purchasable:
                messages.append(f"{line.name} is no longer sold; please remove it.")
            elif line.available <= 0:
                messages.append(f"{line.name} ({line.option or line.sku}) is out of stock.")
            elif line.over_stock:
                messages.append(f"Only {line.available} of {line.name} "
                                f"({line.option or line.sku}) left; please lower the quantity.")
        return messages

    def option(self, method: str) -> PricedOption | None:
        return next((o for o in self.options if o.option.method == method), None)

    @property
    def discount_problem(self) -> str:
        """Why the cart's code does not apply now ("" when it does, or there is none)."""
        return self.discount.problem if self.discount is not None else ""

    def discount_for(self, option: shipping.ShippingOption | None) -> discount_rules.Discount:
        """What the cart's code takes off the lines and, with `option`, off its shipping."""
        if self.discount is None or self.discount.terms is None:
            return discount_rules.NO_DISCOUNT
        return discount_rules.apply(self.discount.terms, discounts.discount_lines(self.lines),
                                    option.total_cents if option else 0,
                                    discount_rules.shipping_shares(option) if option else {})

    def charge_problem(self, option: shipping.ShippingOption | None) -> str:
        """Why the cart's code can't be paid for with `option` ("" when it can): it leaves
        less than the payment provider's minimum charge."""
        if self.discount is None or self.discount.terms is None:
            return ""
        return discount_rules.below_minimum_charge(self.discount.code,
                                                   self.total_before_tax(option)).reason

    @property
    def cheapest(self) -> PricedOption | None:
        """The cheapest shipping option, which the cart's estimate shows."""
        return min(self.options, key=lambda o: o.option.total_cents, default=None)

    def total_before_tax(self, option: shipping.ShippingOption | None) -> int:
        """Subtotal less the discount, plus `option`'s shipping: what is due before tax."""
        shipping_cents = option.total_cents if option else 0
        return self.subtotal_cents + shipping_cents - self.discount_for(option).total_cents


def estimate_destination(country: str, region: str) -> shipping.Destination:
    """Where to estimate for: a US visitor who gave no state gets contiguous-US estimates."""
    if country == "US" and not region:
        return shipping.Destination("US", "NY")
    return shipping.Destination(country, region)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def find_cart(token: str | None) -> Cart | None:
    if not token:
        return None
    return db.session.scalar(select(Cart).where(Cart.token == token))


def get_or_create_cart(token: str | None) -> Cart:
    """The cart for `token`, or a new empty cart (committed) with a fresh token."""
    cart = find_cart(token)
    if cart is None:
        cart = Cart(token=new_token())
        db.session.add(cart)
        db.session.commit()
    return cart


def _check_quantity(quantity: int) -> None:
    if not isinstance(quantity, int) or quantity < 1 or quantity > MAX_QUANTITY:
        raise CartError(f"Quantity must be a whole number from 1 to {MAX_QUANTITY}.")


@dataclass(frozen=True)
class CartKey:
    """Which cart a request works on: what the cart cookie is written from."""
    id: int
    token: str
    country: str
    region: str


@dataclass(frozen=True)
class Added:
    """What `add_to_cart` did: the message for the customer, the cart's new unit count, and
    the cart (new if the visitor had none)."""
    message: str
    count: int
    cart: CartKey


_CI = CartItem.__table__
_CART = Cart.__table__


def _sellable_for_cart():
    """The variant (published), the visitor's cart if it exists, and what that cart already
    holds of the variant and in all."""
    held = (select(_CI.c.quantity).where(_CI.c.cart_id == _CART.c.id,
                                         _CI.c.variant_id == Variant.id)
            .scalar_subquery())
    in_cart = (select(func.coalesce(func.sum(_CI.c.quantity), 0))
               .where(_CI.c.cart_id == _CART.c.id).scalar_subquery())
    return (select(Variant.id.label("variant_id"), Variant.price_cents.label("price"),
                   (Variant.on_hand - Variant.reserved).label("available"), Product.name,
                   held.label("held"), in_cart.label("in_cart"), _CART.c.id.label("cart_id"),
                   _CART.c.country, _CART.c.region)
            .select_from(Variant)
            .join(Product, Product.id == Variant.product_id)
            .outerjoin(_CART, _CART.c.token == bindparam("token"))
            .where(Variant.sku == bindparam("sku"), Product.status == "published"))


_SELLABLE_FOR_CART = _sellable_for_cart()
# the writes of an add, built once like the read; a new cart takes the model's defaults
_NEW_CART = insert(_CART).returning(_CART.c.id, _CART.c.country, _CART.c.region)
_NEW_LINE = insert(_CI)
_MORE_OF_LINE = (update(_CI)
                 .where(_CI.c.cart_id == bindparam("line_cart"),
                        _CI.c.variant_id == bindparam("line_variant"),
                        _CI.c.quantity == bindparam("held"))  # unchanged since the read
                 .values(quantity=bindparam("wanted"), price_seen_cents=bindparam("price")))


def add_to_cart(token: str | None, sku: str, quantity: int) -> Added:
    """Add `quantity` of `sku` to the cart of `token` (a new cart if there is none) in two
    statements, a read then an insert or an update (three with a new cart), and one commit;
    raises CartError with the reason if not.

    The quantity is checked against what can still be sold; stock itself is held only
    at checkout. A line changed by a concurrent request meanwhile is not overwritten:
    the customer is asked to try again.
    """
    _check_quantity(quantity)
    row = db.session.execute(_SELLABLE_FOR_CART, {"sku": sku, "token": token}).mappings().first()
    if row is None:
        raise CartError("That product is not available.")
    variant_id, price, available, name = (row["variant_id"], row["price"], row["available"],
                                          row["name"])
    held, in_cart, cart_id = row["held"], row["in_cart"], row["cart_id"]
    country, region = row["country"], row["region"]
    wanted = quantity + (held or 0)
    if available <= 0:
        raise CartError(f"Sorry, {name} is out of stock.")
    if wanted > available or wanted > MAX_QUANTITY:
        limit = min(available, MAX_QUANTITY)
        raise CartError(f"Only {limit} of {name} can be ordered"
                        + (f"; you already have {held} in your cart." if held else "."))
    if cart_id is None:
        token = new_token()
        cart_id, country, region = db.session.execute(_NEW_CART, {"token": token}).one()
    try:
        if held:
            changed = db.session.execute(_MORE_OF_LINE, {
                "line_cart": cart_id, "line_variant": variant_id, "held": held,
                "wanted": wanted, "price": price}).rowcount
        else:
            changed = db.session.execute(_NEW_LINE, {
                "cart_id": cart_id, "variant_id": variant_id, "quantity": quantity,
                "price_seen_cents": price}).rowcount
    except IntegrityError:  # the same item added by another request at once
        changed = 0
    if not changed:  # keep what the other request wrote
        db.session.rollback()
        raise CartError("Your cart changed while adding; please try again.")
    db.session.commit()
    return Added(f"Added {quantity} \u00d7 {name} to your cart.", in_cart + quantity,
                 CartKey(cart_id, token, country, region))


def set_quantity(cart: Cart, variant_id: int, quantity: int) -> None:
    """Change a line's quantity (0 removes it); also accepts the current price as seen."""
    if quantity == 0:
        return remove_item(cart, variant_id)
    _check_quantity(quantity)
    row = db.session.execute(
        select(Variant.on_hand - Variant.reserved, Variant.price_cents, Product.name)
        .join(Product, Product.id == Variant.product_id).where(Variant.id == variant_id)
    ).first()
    if row is None:
        raise CartError("That item is no longer in your cart.")
    available, price, name = row
    if quantity > available:
        raise CartError(f"Only {max(available, 0)} of {name} left.")
    changed = db.session.execute(
        update(CartItem).where(CartItem.cart_id == cart.id, CartItem.variant_id == variant_id)
        .values(quantity=quantity, price_seen_cents=price)
    ).rowcount
    db.session.commit()
    if not changed:
        raise CartError("That item is no longer in your cart.")


def remove_item(cart: Cart, variant_id: int) -> None:
    db.session.execute(delete(CartItem).where(CartItem.cart_id == cart.id,
                                              CartItem.variant_id == variant_id))
    db.session.commit()


def set_destination(cart: Cart, country: str, region: str = "") -> None:
    cart.country = country.upper()[:2]
    cart.region = region.upper()[:3]
    db.session.commit()


def clear(cart: Cart) -> None:
    db.session.execute(delete(CartItem).where(CartItem.cart_id == cart.id))
    db.session.commit()


def cart_lines(cart_id: int) -> list[CartLine]:
    """The cart's lines with current prices and stock (one query)."""
    rows = db.session.execute(
        select(
            Variant.id.label("variant_id"), Variant.sku, Product.slug.label("product_slug"),
            Product.name, Variant.option_value.label("option"), Product.image_path,
            CartItem.quantity, Variant.price_cents.label("unit_price_cents"),
            CartItem.price_seen_cents, (Variant.on_hand - Variant.reserved).label("available"),
            Variant.weight_g, Variant.length_cm, Variant.width_cm, Variant.height_cm,
            (Product.status == "published").label("purchasable"),
            Product.id.label("product_id"), Product.category_id,
        )
        .join(Variant, Variant.id == CartItem.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .where(CartItem.cart_id == cart_id)
        .order_by(CartItem.id)
    ).mappings().all()
    return [CartLine(**{**row, "purchasable": bool(row["purchasable"])}) for row in rows]


def count_items(token: str | None) -> int:
    """How many units are in the cart, for the header (one query, none without a cookie)."""
    if not token:
        return 0
    total = db.session.scalar(
        select(db.func.coalesce(db.func.sum(CartItem.quantity), 0))
        .join(Cart, Cart.id == CartItem.cart_id).where(Cart.token == token))
    return int(total or 0)


def summarise(lines: list[CartLine], destination: shipping.Destination, now: datetime,
              shipping_config=shipping.DEFAULT_SHIPPING_CONFIG,
              delivery_config=delivery.DEFAULT_DELIVERY_CONFIG,
              discount_code: str = "") -> CartSummary:
    """Price the lines: subtotal, shipping options and their delivery promises, and the
    cart's discount code checked against them now (one query when there is a code)."""
    subtotal = sum(line.line_total_cents for line in lines)
    if not lines:
        return CartSummary(lines, 0, None, [], destination)
    quote = shipping.quote_shipping([line.ship_item() for line in lines], destination, subtotal,
                                    shipping_config)
    return CartSummary(lines, subtotal, quote, priced_options(quote, now, delivery_config),
                       destination, discounts.for_cart(discount_code, lines, now))


def apply_code(cart: Cart, code: str, destination: shipping.Destination, now: datetime) -> str:
    """Put a discount code on the cart if it can be used on it now; returns the message for the
    customer, raises DiscountRefused (nothing changed) otherwise, also when it would leave
    less to pay than the payment provider can charge with the cheapest shipping."""
    lines = cart_lines(cart.id)
    summary = summarise(lines, destination, now, discount_code=code)
    cheapest = summary.cheapest
    problem = summary.charge_problem(cheapest.option if cheapest else None)
    if problem:
        raise discounts.DiscountRefused(problem)
    return discounts.set_cart_code(cart, code, lines, now)
