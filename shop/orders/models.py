"""Order tables. A line copies what was bought so later catalog edits never change it."""
from sqlalchemy import CheckConstraint, Index, UniqueConstraint, text

from shop.database import UTCDateTime, utcnow
from shop.extensions import db

ORDER_STATUSES = (
    "pending_payment", "paid", "packed", "shipped", "delivered", "cancelled",
    "refunded", "expired",
    # Stripe took an amount or currency other than the order's total: staff must resolve it.
    "payment_mismatch",
)


class Order(db.Model):
    """A customer's order; money in cents, computed on the server."""

    __tablename__ = "shop_order"
    __table_args__ = (
        CheckConstraint("total_cents = subtotal_cents - discount_cents + shipping_cents + tax_cents",
                        name="total_adds_up"),
        CheckConstraint("discount_cents >= 0 AND discount_cents <= subtotal_cents + shipping_cents",
                        name="discount_within_order"),
        CheckConstraint("tax_cents >= 0 AND shipping_tax_cents >= 0 AND shipping_tax_cents <= tax_cents",
                        name="tax_not_negative"),
        CheckConstraint("refunded_cents >= 0 AND refunded_cents <= captured_cents",
                        name="refunds_within_capture"),
        Index("ix_shop_order_status_created", "status", "created_at"),
        # One open checkout per cart: a second submit must close the first one, and two
        # workers submitting the same cart at once cannot both insert.
        Index("uq_shop_order_one_pending_per_cart", "cart_id", unique=True,
              sqlite_where=text("status = 'pending_payment'"),
              postgresql_where=text("status = 'pending_payment'")),
    )

    id = db.Column(db.Integer, primary_key=True)
    number = db.Column(db.String(16), nullable=False, unique=True)
    status = db.Column(db.String(24), nullable=False, default="pending_payment")
    email = db.Column(db.String(254), nullable=False, index=True)
    name = db.Column(db.String(120), nullable=False)
    phone = db.Column(db.String(40), nullable=False, default="")
    address1 = db.Column(db.String(200), nullable=False)
    address2 = db.Column(db.String(200), nullable=False, default="")
    city = db.Column(db.String(100), nullable=False)
    region = db.Column(db.String(3), nullable=False, default="")
    postal_code = db.Column(db.String(20), nullable=False, default="")
    country = db.Column(db.String(2), nullable=False)
    shipping_method = db.Column(db.String(20), nullable=False)
    shipping_label = db.Column(db.String(120), nullable=False, default="")
    discreet = db.Column(db.Boolean, nullable=False, default=False)
    note = db.Column(db.String(1000), nullable=False, default="")
    subtotal_cents = db.Column(db.Integer, nullable=False)
    shipping_cents = db.Column(db.Integer, nullable=False)
    # Taken off by a discount code: the lines' discounts plus `shipping_discount_cents`.
    discount_cents = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    shipping_discount_cents = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # Sales tax Stripe computed (Stripe Tax, or the stand-in's sample rates), read back from
    # the paid Checkout Session: 0 until then. Of it, the tax on shipping.
    tax_cents = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    shipping_tax_cents = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # subtotal - discount + shipping + tax: before payment, without tax (not known yet).
    total_cents = db.Column(db.Integer, nullable=False)
    # The code used, as typed by the shop (upper case), and its row; the use it took is
    # given back when the order closes unpaid.
    discount_code = db.Column(db.String(40), nullable=False, default="", server_default="")
    discount_code_id = db.Column(db.Integer, db.ForeignKey("discount_code.id"), nullable=True,
                                 index=True)
    captured_cents = db.Column(db.Integer, nullable=False, default=0)
    refunded_cents = db.Column(db.Integer, nullable=False, default=0)
    # What Stripe charged when it was not the order's total (a `payment_mismatch`): the
    # amount in the minor units of `charged_currency` (lower case, as Stripe writes it).
    # In another currency nothing is captured in ours; staff resolve it from these.
    charged_amount = db.Column(db.Integer, nullable=True)
    charged_currency = db.Column(db.String(3), nullable=True)
    # The delivery promise the order was sold with (shop.rules.delivery.DeliveryPromise.to_dict()).
    delivery_promise = db.Column(db.JSON, nullable=False, default=dict)
    stripe_session_id = db.Column(db.String(255), nullable=True, unique=True)
    stripe_payment_intent = db.Column(db.String(255), nullable=True)
    reservation_expires_at = db.Column(UTCDateTime, nullable=True)
    reservation_released = db.Column(db.Boolean, nullable=False, default=False)
    # The cart the order came from, emptied once the order is paid.
    cart_id = db.Column(db.Integer, nullable=True)
    carrier = db.Column(db.String(40), nullable=False, default="")
    tracking_number = db.Column(db.String(80), nullable=False, default="")
    tracking_url = db.Column(db.String(300), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    paid_at = db.Column(UTCDateTime, nullable=True)
    shipped_at = db.Column(UTCDateTime, nullable=True)
    delivered_at = db.Column(UTCDateTime, nullable=True)
    # A replacement sent for a return or warranty claim ships as its own zero-price order.
    replacement_for_id = db.Column(db.Integer, db.ForeignKey("shop_order.id"), nullable=True)

    lines = db.relationship("OrderLine", back_populates="order", order_by="OrderLine.id",
                            cascade="all, delete-orphan")
    history = db.relationship("OrderStatusChange", order_by="OrderStatusChange.id",
                              cascade="all, delete-orphan")


class OrderLine(db.Model):
    """One bought variant, copied from the catalog at checkout."""

    __tablename__ = "order_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_cents >= 0", name="price_not_negative"),
        CheckConstraint("discount_cents >= 0 AND discount_cents <= unit_price_cents * quantity "
                        "AND tax_cents >= 0", name="line_discount_and_tax"),
        CheckConstraint("return_requested >= 0 AND return_requested <= quantity",
                        name="returns_within_quantity"),
        # A unit is returned (refunded or replaced through a return) or replaced under
        # warranty, never both.
        CheckConstraint("warranty_replaced >= 0 AND return_requested + warranty_replaced "
                        "<= quantity", name="one_remedy_per_unit"),
    )

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("shop_order.id"), nullable=False, index=True)
    variant_id = db.Column(db.Integer, db.ForeignKey("variant.id"), nullable=True)
    product_slug = db.Column(db.String(120), nullable=False, default="")
    sku = db.Column(db.String(64), nullable=False)
    name = db.Column(db.String(200), nullable=False)
    option = db.Column(db.String(120), nullable=False, default="")
    quantity = db.Column(db.Integer, nullable=False)
    unit_price_cents = db.Column(db.Integer, nullable=False)
    weight_g = db.Column(db.Integer, nullable=False)
    shipping_class = db.Column(db.String(10), nullable=False, default="parcel")
    shipping_cents = db.Column(db.Integer, nullable=False, default=0)
    # The discount code's share of this line, and the sales tax Stripe charged on it.
    discount_cents = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    tax_cents = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # [{"component": "frame and welds", "months": 120}, ...] in force when sold.
    warranty_terms = db.Column(db.JSON, nullable=False, default=list)
    final_sale = db.Column(db.Boolean, nullable=False, default=False)
    return_window_days = db.Column(db.Integer, nullable=False, default=30)
    is_replacement = db.Column(db.Boolean, nullable=False, default=False)
    # Units under a return request that was not rejected: claimed with a conditional
    # update, so a line can never be asked back more times than it was bought.
    return_requested = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # Units replaced under a warranty claim, claimed by the same kind of conditional update.
    warranty_replaced = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    order = db.relationship("Order", back_populates="lines")

    @property
    def line_total_cents(self) -> int:
        return self.unit_price_cents * self.quantity

    @property
    def net_cents(self) -> int:
        """What the customer paid for the line before tax: its total less its discount."""
        return self.unit_price_cents * self.quantity - (self.discount_cents or 0)

    @property
    def units_open(self) -> int:
        """Units neither asked back in a return nor replaced under warranty."""
        return self.quantity - (self.return_requested or 0) - (self.warranty_replaced or 0)


class OrderStatusChange(db.Model):
    """The order's timeline: every status it passed through, when, and by whom."""

    __tablename__ = "order_status_change"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("shop_order.id"), nullable=False, index=True)
    status = db.Column(db.String(24), nullable=False)
    note = db.Column(db.String(300), nullable=False, default="")
    actor = db.Column(db.String(120), nullable=False, default="system")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class Refund(db.Model):
    """Money given back through Stripe; never more than was captured."""

    __tablename__ = "refund"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        # At most one refund per order whose outcome at Stripe is not known yet.
        Index("uq_refund_one_pending_per_order", "order_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
    )

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("shop_order.id"), nullable=False, index=True)
    amount_cents = db.Column(db.Integer, nullable=False)
    reason = db.Column(db.String(300), nullable=False)
    idempotency_key = db.Column(db.String(100), nullable=False, unique=True)
    stripe_refund_id = db.Column(db.String(255), nullable=True, unique=True)
    status = db.Column(db.String(20), nullable=False, default="pending")
    actor = db.Column(db.String(120), nullable=False, default="system")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class StripeEvent(db.Model):
    """A webhook event already handled: the unique id makes replays change nothing."""

    __tablename__ = "stripe_event"

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.String(255), nullable=False, unique=True)
    type = db.Column(db.String(80), nullable=False)
    received_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class OutgoingEmail(db.Model):
    """An email queued for sending; (kind, order, key) is unique so nothing is sent twice.

    `status`: queued (due at `next_attempt_at`, or at once when empty), sending (claimed by
    a worker at `claimed_at`), sent, or failed (gave up after the last attempt).
    """

    __tablename__ = "outgoing_email"
    __table_args__ = (
        UniqueConstraint("kind", "dedupe_key", name="uq_outgoing_email_kind_key"),
        Index("ix_outgoing_email_status", "status"),
    )

    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(40), nullable=False)
    dedupe_key = db.Column(db.String(120), nullable=False)
    to = db.Column(db.String(254), nullable=False)
    subject = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text, nullable=False)
    order_id = db.Column(db.Integer, db.ForeignKey("shop_order.id"), nullable=True)
    status = db.Column(db.String(10), nullable=False, default="queued")
    attempts = db.Column(db.Integer, nullable=False, default=0)
    last_error = db.Column(db.String(300), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = db.Column(UTCDateTime, nullable=True)
    claimed_at = db.Column(UTCDateTime, nullable=True)
    next_attempt_at = db.Column(UTCDateTime, nullable=True)
    # Emails a reader can stop (back-in-stock alerts): where their mail client posts a
    # one-click unsubscribe (RFC 8058), sent as the List-Unsubscribe headers. Not the
    # button page the email's text links to.
    list_unsubscribe_url = db.Column(db.String(500), nullable=True)


RETURN_STATUSES = ("requested", "approved", "rejected", "received", "refunded", "replaced")
CLAIM_STATUSES = ("requested", "approved_repair", "approved_replacement", "rejected", "closed")


class ReturnRequest(db.Model):
    """A customer's request to return a line within the return window."""

    __tablename__ = "return_request"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("shop_order.id"), nullable=False, index=True)
    order_line_id = db.Column(db.Integer, db.ForeignKey("order_line.id"), nullable=False)
    quantity = db.Column(db.Integer, nullable=False)
    reason = db.Column(db.String(40), nullable=False)
    remedy = db.Column(db.String(20), nullable=False)
    details = db.Column(db.String(2000), nullable=False, default="")
    # What the rules said when the customer asked (refund in cents, who pays return shipping).
    refund_cents = db.Column(db.Integer, nullable=False, default=0)
    return_shipping_paid_by = db.Column(db.String(10), nullable=False, default="customer")
    status = db.Column(db.String(20), nullable=False, default="requested")
    staff_note = db.Column(db.String(1000), nullable=False, default="")
    # What the shop told the customer (a rejection's reason), shown on their order page.
    customer_message = db.Column(db.String(1000), nullable=False, default="", server_default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    line = db.relationship("OrderLine")


class WarrantyClaim(db.Model):
    """A customer's request for a warranty repair or replacement of a component."""

    __tablename__ = "warranty_claim"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("shop_order.id"), nullable=False, index=True)
    order_line_id = db.Column(db.Integer, db.ForeignKey("order_line.id"), nullable=False)
    component = db.Column(db.String(80), nullable=False)
    description = db.Column(db.String(2000), nullable=False)
    # The rules' answer at the time of the request.
    covered = db.Column(db.Boolean, nullable=False, default=False)
    covered_until = db.Column(db.Date, nullable=True)
    coverage_reason = db.Column(db.String(300), nullable=False, default="")
    status = db.Column(db.String(24), nullable=False, default="requested")
    staff_note = db.Column(db.String(1000), nullable=False, default="")
    # What the shop told the customer (a rejection's reason, what was done), shown on their
    # order page.
    customer_message = db.Column(db.String(1000), nullable=False, default="", server_default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    line = db.relationship("OrderLine")
