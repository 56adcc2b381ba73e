"""The Stripe gateway: the only module in the project that imports `stripe`.

Built from plain values (no Flask): `StripeClient(secret_key, api_base=...)`, or
`client_from_config(app.config)`. It speaks to real Stripe, or to a Stripe-compatible
API at `api_base` (tests and `make run` use a local one, kept outside `shop/`).

Everything it returns is our own frozen dataclass, read defensively from Stripe's
objects (a test API's lack many fields; `payment_intent` may be an id or an
expanded object). Every stripe exception is mapped to ours:

    PaymentError
    ├── GatewayUnavailable   network error, timeout or 5xx: "payment provider unreachable, try again"
    ├── PaymentDeclined      the card was declined (402)
    ├── InvalidWebhook       bad signature, stale timestamp or bad payload: answer 400, change nothing
    └── GatewayError         any other API error (bad request, auth, not found, idempotency...)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import stripe

log = logging.getLogger(__name__)

WEBHOOK_TOLERANCE_SECONDS = 300


# --- our errors ----------------------------------------------------------------------

class PaymentError(Exception):
    """Base of every error the gateway raises."""

    def __init__(self, message: str, *, http_status: int | None = None, code: str | None = None,
                 request_id: str | None = None):
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.code = code
        self.request_id = request_id


class GatewayUnavailable(PaymentError):
    """The payment provider could not be reached or failed (network, timeout, 5xx). Retry later."""


class PaymentDeclined(PaymentError):
    """The card was declined."""


class InvalidWebhook(PaymentError):
    """A webhook whose signature, timestamp or payload does not check out."""


class GatewayError(PaymentError):
    """Any other error from the payment provider (invalid request, authentication, ...)."""


# --- our values ----------------------------------------------------------------------

@dataclass(frozen=True)
class LineItem:
    """One server-priced line of a Checkout Session.

    `tax_code` is Stripe Tax's product tax code (Stripe's default when empty); prices are
    tax-exclusive (Stripe adds the tax). `ref` comes back on the session's line items (in
    the product's metadata), to tell which of our lines a line item is."""

    name: str
    unit_amount_cents: int
    quantity: int
    tax_code: str = ""
    ref: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError("LineItem.name must be a non-empty string")
        if isinstance(self.unit_amount_cents, bool) or not isinstance(self.unit_amount_cents, int) \
                or self.unit_amount_cents < 0:
            raise ValueError("LineItem.unit_amount_cents must be an int of cents, 0 or more")
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int) or self.quantity < 1:
            raise ValueError("LineItem.quantity must be an int, 1 or more")

    @property
    def total_cents(self) -> int:
        return self.unit_amount_cents * self.quantity


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str | None
    status: str | None  # open | complete | expired
    payment_status: str | None  # unpaid | paid | no_payment_required
    amount_total: int | None
    payment_intent_id: str | None
    metadata: dict[str, str] = field(default_factory=dict)
    expires_at: int | None = None
    currency: str | None = None
    customer_email: str | None = None
    client_reference_id: str | None = None
    # total_details: tax and discount Stripe applied (None: the object did not say)
    amount_subtotal: int | None = None
    amount_tax: int | None = None
    amount_discount: int | None = None

    @property
    def is_paid(self) -> bool:
        return self.status == "complete" and self.payment_status == "paid"


@dataclass(frozen=True)
class SessionLineItem:
    """A Checkout Session's line item as Stripe charged it (tax included when computed)."""
    ref: str  # our LineItem.ref, "" when Stripe did not give it back
    description: str
    quantity: int
    amount_subtotal: int
    amount_tax: int


@dataclass(frozen=True)
class ShippingAddress:
    """Where the goods go: what Stripe Tax computes the tax for."""
    name: str
    line1: str
    line2: str
    city: str
    state: str
    postal_code: str
    country: str

    def as_params(self) -> dict[str, str]:
        address = {"line1": self.line1, "city": self.city, "state": self.state,
                   "postal_code": self.postal_code, "country": self.country}
        if self.line2:
            address["line2"] = self.line2
        return {"name": self.name, "address": address}


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    object: dict[str, Any]
    created: int | None = None


@dataclass(frozen=True)
class Refund:
    id: str
    amount_cents: int
    status: str | None  # pending | requires_action | succeeded | failed | canceled
    metadata: dict[str, str] = field(default_factory=dict)
    payment_intent_id: str | None = None


REFUND_KEY_METADATA = "shop_refund_key"


def outcome_unknown(error: PaymentError) -> bool:
    """True when a failed call may still have happened at Stripe (timeout, dropped
    connection, 5xx, a concurrent request under the same idempotency key): only asking
    Stripe again, under the same key, can tell. A clear 4xx refusal is known not to have."""
    if isinstance(error, GatewayUnavailable):
        return True
    return isinstance(error, GatewayError) and error.http_status in (None, 409)


# --- reading Stripe objects defensively ---------------------------------------------

def _plain(value: Any) -> Any:
    """A StripeObject (a dict subclass) as plain dicts and lists, recursively."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in dict.items(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _id_of(value: Any) -> str | None:
    """An id from either an id string or an expanded object."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        inner = value.get("id")
        return inner if isinstance(inner, str) and inner else None
    return None


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _session_from(obj: Any) -> CheckoutSession:
    data = _plain(obj) if obj is not None else {}
    if not isinstance(data, dict) or not _str_or_none(data.get("id")):
        raise GatewayError("The payment provider returned a Checkout Session without an id")
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    customer_email = _str_or_none(data.get("customer_email"))
    if customer_email is None and isinstance(data.get("customer_details"), dict):
        customer_email = _str_or_none(data["customer_details"].get("email"))
    details = data.get("total_details") if isinstance(data.get("total_details"), dict) else {}
    return CheckoutSession(
        id=data["id"],
        url=_str_or_none(data.get("url")),
        status=_str_or_none(data.get("status")),
        payment_status=_str_or_none(data.get("payment_status")),
        amount_total=_int_or_none(data.get("amount_total")),
        payment_intent_id=_id_of(data.get("payment_intent")),
        metadata={str(k): str(v) for k, v in metadata.items() if v is not None},
        expires_at=_int_or_none(data.get("expires_at")),
        currency=_str_or_none(data.get("currency")),
        customer_email=customer_email,
        client_reference_id=_str_or_none(data.get("client_reference_id")),
        amount_subtotal=_int_or_none(data.get("amount_subtotal")),
        amount_tax=_int_or_none(details.get("amount_tax")),
        amount_discount=_int_or_none(details.get("amount_discount")),
    )


def _line_item_from(data: Any) -> SessionLineItem | None:
    """A session's line item, or None when it lacks what we need (amounts, quantity)."""
    if not isinstance(data, dict):
        return None
    quantity, subtotal = _int_or_none(data.get("quantity")), _int_or_none(data.get("amount_subtotal"))
    if quantity is None or subtotal is None:
        return None
    price = data.get("price") if isinstance(data.get("price"), dict) else {}
    product = price.get("product") if isinstance(price.get("product"), dict) else {}
    metadata = product.get("metadata") if isinstance(product.get("metadata"), dict) else {}
    return SessionLineItem(ref=str(metadata.get("shop_ref") or ""),
                           description=str(data.get("description") or ""), quantity=quantity,
                           amount_subtotal=subtotal, amount_tax=_int_or_none(data.get("amount_tax")) or 0)


def _refund_from(obj: Any) -> Refund:
    data = _plain(obj) if obj is not None else {}
    if not isinstance(data, dict) or not _str_or_none(data.get("id")):
        raise GatewayError("The payment provider returned a refund without an id")
    amount = _int_or_none(data.get("amount"))
    if amount is None:
        raise GatewayError("The payment provider returned a refund without an amount")
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    return Refund(id=data["id"], amount_cents=amount, status=_str_or_none(data.get("status")),
                  metadata={str(k): str(v) for k, v in metadata.items() if v is not None},
                  payment_intent_id=_id_of(data.get("payment_intent")))


def refund_from_event_object(obj: Mapping[str, Any]) -> Refund:
    """Read a `refund` from a webhook event's `data.object` dict."""
    return _refund_from(dict(obj))


def _translate(exc: Exception) -> PaymentError:
    """Map a stripe exception to ours."""
    if isinstance(exc, PaymentError):
        return exc
    message = getattr(exc, "user_message", None) or str(exc) or type(exc).__name__
    details = {
        "http_status": getattr(exc, "http_status", None),
        "code": getattr(exc, "code", None),
        "request_id": getattr(exc, "request_id", None),
    }
    if isinstance(exc, stripe.SignatureVerificationError):
        return InvalidWebhook(message, **details)
    if isinstance(exc, stripe.APIConnectionError):
        return GatewayUnavailable(f"payment provider unreachable: {message}", **details)
    if isinstance(exc, stripe.CardError):
        return PaymentDeclined(message, **details)
    if isinstance(exc, stripe.StripeError):
        status = details["http_status"]
        if isinstance(exc, stripe.RateLimitError) or (status is not None and status >= 500) \
                or (isinstance(exc, stripe.APIError) and status is None):
            return GatewayUnavailable(f"payment provider unavailable: {message}", **details)
        return GatewayError(message, **details)
    return GatewayError(f"{type(exc).__name__}: {message}")


# --- the client ----------------------------------------------------------------------

class StripeClient:
    """Checkout Sessions, refunds and webhooks, against Stripe or a Stripe-compatible API."""

    def __init__(self, secret_key: str, api_base: str | None = None, webhook_secret: str = "",
                 timeout: float = 10, max_network_retries: int = 2):
        if not secret_key:
            raise ValueError("StripeClient needs a secret key (STRIPE_SECRET_KEY)")
        self.api_base = api_base.rstrip("/") if api_base else None
        self._webhook_secret = webhook_secret or ""
        base_addresses = {"api": self.api_base} if self.api_base else None
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses=base_addresses,
            max_network_retries=max_network_retries,
            http_client=stripe.RequestsClient(timeout=timeout),
        )

    def __repr__(self) -> str:  # never show the key
        return f"StripeClient(api_base={self.api_base or 'https://api.stripe.com'!r})"

    # checkout sessions
    def create_customer(self, *, email: str, shipping: ShippingAddress,
                        idempotency_key: str) -> str:
        """Create a Stripe Customer holding the shipping address (Checkout's tax address for
        an existing customer); returns its id. Raises GatewayUnavailable, GatewayError."""
        if not idempotency_key:
            raise ValueError("create_customer needs an idempotency_key")
        customer = self._call(self._client.v1.customers.create,
                              params={"email": email, "name": shipping.name,
                                      "shipping": shipping.as_params()},
                              options={"idempotency_key": idempotency_key})
        customer_id = _id_of(_plain(customer))
        if customer_id is None:
            raise GatewayError("The payment provider returned a customer without an id")
        return customer_id

    def create_checkout_session(
        self, *, order_ref: str, line_items: Iterable[LineItem], customer_email: str | None,
        success_url: str, cancel_url: str, expires_at: int, payment_method_types: Iterable[str],
        idempotency_key: str, metadata: Mapping[str, str] | None = None, currency: str = "usd",
        customer_id: str | None = None, automatic_tax: bool = False,
    ) -> CheckoutSession:
        """Create a hosted Checkout Session priced on our side, one line per LineItem.

        `order_ref` is sent as `client_reference_id` and as `metadata["order_id"]`
        (unless metadata already names it). With `automatic_tax`, Stripe Tax adds the sales
        tax for the address of `customer_id` (prices are tax-exclusive). Raises
        GatewayUnavailable, GatewayError.
        """
        if not idempotency_key:
            raise ValueError("create_checkout_session needs an idempotency_key")
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [_line_item_params(item, currency, automatic_tax) for item in line_items],
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": str(order_ref),
            "metadata": {"order_id": str(order_ref), **{str(k): str(v) for k, v in (metadata or {}).items()}},
            "expires_at": int(expires_at),
            "payment_method_types": list(payment_method_types),
        }
        if customer_id:  # Stripe refuses customer_email beside a customer
            params["customer"] = customer_id
        elif customer_email:
            params["customer_email"] = customer_email
        if automatic_tax:
            params["automatic_tax"] = {"enabled": True}
        session = self._call(self._client.v1.checkout.sessions.create, params=params,
                             options={"idempotency_key": idempotency_key})
        return _session_from(session)

    def retrieve_checkout_session(self, session_id: str) -> CheckoutSession:
        return _session_from(self._call(self._client.v1.checkout.sessions.retrieve, session_id))

    def checkout_session_line_items(self, session_id: str) -> list[SessionLineItem]:
        """The session's line items with the tax Stripe charged on each (up to 100)."""
        page = self._call(self._client.v1.checkout.sessions.line_items.list, session_id,
                          params={"limit": 100, "expand": ["data.price.product"]})
        items = [_line_item_from(item) for item in _plain(page).get("data") or []]
        return [item for item in items if item is not None]

    def expire_checkout_session(self, session_id: str) -> CheckoutSession:
        """Expire an open session (Stripe refuses sessions that are not open: GatewayError)."""
        return _session_from(self._call(self._client.v1.checkout.sessions.expire, session_id))

    # refunds
    def refund(self, *, payment_intent_id: str, amount_cents: int, idempotency_key: str,
               reason: str | None = None) -> Refund:
        """Refund part or all of a captured payment.

        The caller must never ask for more than was captured minus earlier refunds:
        a Stripe-compatible test API may not refuse over-refunds (Stripe does). The key is also
        kept in the refund's metadata, so `find_refund` can find it again after a call
        whose outcome is unknown (Stripe forgets idempotency keys after 24 hours).
        """
        if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
            raise ValueError("refund amount_cents must be a positive int")
        if not idempotency_key:
            raise ValueError("refund needs an idempotency_key")
        params: dict[str, Any] = {"payment_intent": payment_intent_id, "amount": amount_cents,
                                  "metadata": {REFUND_KEY_METADATA: idempotency_key}}
        if reason:
            params["reason"] = reason
        refund = self._call(self._client.v1.refunds.create, params=params,
                            options={"idempotency_key": idempotency_key})
        return _refund_from(refund)

    def retrieve_refund(self, refund_id: str) -> Refund:
        return _refund_from(self._call(self._client.v1.refunds.retrieve, refund_id))

    def find_refund(self, *, payment_intent_id: str, idempotency_key: str) -> Refund | None:
        """The refund made on this payment under `idempotency_key`, or None if there is none."""
        page = self._call(self._client.v1.refunds.list,
                          params={"payment_intent": payment_intent_id, "limit": 100})
        for item in _plain(page).get("data") or []:
            refund = _refund_from(item)
            if refund.metadata.get(REFUND_KEY_METADATA) == idempotency_key:
                return refund
        return None

    def refunds_of(self, payment_intent_id: str) -> list[Refund]:
        """Every refund of this payment, wherever it was made (here or in Stripe's
        dashboard), all pages of them."""
        refunds: list[Refund] = []
        params: dict[str, Any] = {"payment_intent": payment_intent_id, "limit": 100}
        while True:
            page = _plain(self._call(self._client.v1.refunds.list, params=params))
            refunds += [_refund_from(item) for item in page.get("data") or []]
            if not page.get("has_more") or not refunds:
                return refunds
            params["starting_after"] = refunds[-1].id

    # webhooks
    def parse_webhook(self, payload: bytes, sig_header: str | None) -> WebhookEvent:
        """Verify a webhook's Stripe-Signature (tolerance 300 s) and read its event.

        Raises InvalidWebhook on any problem: no secret configured, missing or wrong
        signature, stale timestamp, or a payload that is not an event.
        """
        if not self._webhook_secret:
            log.warning("webhook refused: no STRIPE_WEBHOOK_SECRET configured")
            raise InvalidWebhook("no webhook secret configured")
        if not sig_header:
            raise InvalidWebhook("missing Stripe-Signature header")
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        try:
            stripe.Webhook.construct_event(payload, sig_header, self._webhook_secret,
                                           tolerance=WEBHOOK_TOLERANCE_SECONDS)
            data = json.loads(payload.decode("utf-8"))
        except stripe.SignatureVerificationError as exc:
            raise InvalidWebhook(f"bad webhook signature: {exc.user_message or exc}") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidWebhook(f"webhook payload is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise InvalidWebhook("webhook payload is not an event object")
        event_id, event_type = data.get("id"), data.get("type")
        obj = data.get("data", {}).get("object") if isinstance(data.get("data"), dict) else None
        if not _str_or_none(event_id) or not _str_or_none(event_type) or not isinstance(obj, dict):
            raise InvalidWebhook("webhook payload lacks id, type or data.object")
        return WebhookEvent(id=event_id, type=event_type, object=obj,
                            created=_int_or_none(data.get("created")))

    # plumbing
    def _call(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except stripe.StripeError as exc:
            raise _translate(exc) from exc


def _line_item_params(item: LineItem, currency: str, automatic_tax: bool) -> dict[str, Any]:
    product: dict[str, Any] = {"name": item.name}
    if item.ref:
        product["metadata"] = {"shop_ref": item.ref}
    price: dict[str, Any] = {"currency": currency, "product_data": product,
                             "unit_amount": item.unit_amount_cents}
    if automatic_tax:
        if item.tax_code:
            product["tax_code"] = item.tax_code
        price["tax_behavior"] = "exclusive"
    return {"price_data": price, "quantity": item.quantity}


def session_from_event_object(obj: Mapping[str, Any]) -> CheckoutSession:
    """Read a `checkout.session` from a webhook event's `data.object` dict."""
    return _session_from(dict(obj))


def client_from_config(mapping: Mapping[str, Any]) -> StripeClient:
    """Build the client from settings: STRIPE_SECRET_KEY, STRIPE_API_BASE, STRIPE_WEBHOOK_SECRET."""
    secret_key = mapping.get("STRIPE_SECRET_KEY") or ""
    if not secret_key:
        raise ValueError("STRIPE_SECRET_KEY is not set")
    return StripeClient(
        secret_key,
        api_base=mapping.get("STRIPE_API_BASE") or None,
        webhook_secret=mapping.get("STRIPE_WEBHOOK_SECRET") or "",
    )
