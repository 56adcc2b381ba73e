"""Our extension of localstripe: what the shop needs from Stripe that localstripe lacks.

Added to localstripe's routes, on one aiohttp app (`build_app`):

- `POST /v1/checkout/sessions`, `GET /v1/checkout/sessions[/<id>[/line_items]]`,
  `POST /v1/checkout/sessions/<id>/expire`: Checkout Sessions with server-side
  `price_data` line items, as stripe-python sends them (form-encoded).
- `GET|POST /pay/<id>`: a plain hosted payment page ("Local Stripe stand-in — test
  payment"). 4242 4242 4242 4242 pays, 4000 0000 0000 0341 is declined, anything
  else is refused as not a test card. A payment is a real localstripe
  PaymentMethod + PaymentIntent + Charge, so the Refund API works on it afterwards.
- Signed webhooks (`checkout.session.completed`, `checkout.session.expired`,
  `charge.refunded`) sent in the background with Stripe's signature scheme and
  retried when the shop answers non-2xx or is unreachable. Webhook targets must be
  loopback URLs: the stand-in never posts off this machine.
- `automatic_tax[enabled]`: sales tax from the SAMPLE rates in `standin/tax_rates.py`, for
  the shipping address of the session's `customer` (`POST /v1/customers` keeps Stripe's
  `shipping`, which localstripe rejects), per line item (shipping by its tax code), in the
  session's `total_details.amount_tax` and each line item's `amount_tax`, as Stripe Tax
  reports it. Line items' products keep their `metadata` (`expand=data.price.product`).
- `Idempotency-Key` honoured on every `POST /v1/...` (localstripe ignores it).
- `POST /v1/refunds` accepts Stripe's `reason` (localstripe rejects it) and sends
  `charge.refunded` (localstripe sends no webhook for refunds).
- Test helpers under `/_standin/`: `health`, `config`, `events`, `data`,
  `sessions/<id>/pay` and `sessions/<id>/resend`.

localstripe's own store is kept in memory: importing this module replaces its
pickle save/load with no-ops, so nothing is written to /tmp/localstripe.pickle.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import html
import json
import logging
import secrets
import string
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import urlsplit

from aiohttp import ClientError, ClientSession, ClientTimeout, web
from localstripe import resources as ls_resources

from standin import tax_rates
from standin import (
    DECLINED_CARD,
    PAYING_CARD,
    is_live_key,
    is_loopback_url,
    normalise_card_number,
)


def keep_store_in_memory() -> None:
    """Stop localstripe from saving/loading its state to/from /tmp/localstripe.pickle.

    localstripe's `Store` pickles itself to that fixed path on every write (and
    its server middleware after every POST); replacing both methods on the class
    covers every call site.
    """
    store_class = ls_resources.Store
    if getattr(store_class, "_standin_in_memory", False):
        return
    store_class.dump_to_disk = lambda self: None
    store_class.try_load_from_disk = lambda self: None
    store_class._standin_in_memory = True


keep_store_in_memory()

with warnings.catch_warnings():
    # localstripe registers plain (non-async) handlers, which aiohttp deprecates.
    warnings.simplefilter("ignore", DeprecationWarning)
    from localstripe import server as ls_server  # noqa: E402  (after the store is patched)
from localstripe.errors import UserError  # noqa: E402

log = logging.getLogger("standin")

# The API version stripe-python 13.2 speaks; stamped on the events we send.
API_VERSION = "2025-10-29.clover"

SESSION_MIN_LIFETIME = 30 * 60  # Stripe: expires_at is 30 minutes to 24 hours away
SESSION_MAX_LIFETIME = 24 * 60 * 60
CLOCK_SLACK = 60
MINIMUM_CHARGE = {"usd": 50, "eur": 50, "gbp": 30, "cad": 50}
MAX_LINE_ITEMS = 100
REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")

WEBHOOK_RETRY_DELAYS = (0.0, 0.5, 1.0, 2.0, 4.0)  # one try, then four retries (~7.5 s)
WEBHOOK_TIMEOUT_SECONDS = 5.0

# Real Checkout parameters the stand-in accepts and ignores; anything else unknown is
# refused, as Stripe refuses it ("Received unknown parameter").
IGNORED_SESSION_PARAMS = frozenset({
    "allow_promotion_codes", "billing_address_collection", "consent_collection",
    "currency", "custom_fields", "custom_text", "customer_creation", "discounts",
    "invoice_creation", "locale", "payment_method_options", "phone_number_collection",
    "shipping_address_collection", "shipping_options", "submit_type", "tax_id_collection",
    "ui_mode",
})
SESSION_PARAMS = frozenset({
    "line_items", "mode", "success_url", "cancel_url", "metadata", "customer_email",
    "expires_at", "payment_method_types", "client_reference_id", "payment_intent_data",
    "automatic_tax", "customer",
}) | IGNORED_SESSION_PARAMS

PUBLIC_PREFIXES = ("/pay/", "/_standin/", "/_config/", "/js.stripe.com/")
TEMPLATES = Path(__file__).resolve().parent / "templates"


def _random_id(prefix: str, length: int = 24) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


def _error(status: int, message: str, *, param: str | None = None, code: str | None = None,
           error_type: str = "invalid_request_error") -> web.Response:
    body: dict[str, Any] = {"type": error_type, "message": message}
    if param:
        body["param"] = param
    if code:
        body["code"] = code
    return ls_server.json_response({"error": body}, status=status)


class StripeRequestError(Exception):
    """A Stripe-shaped error response, raised from deep inside a handler."""

    def __init__(self, status: int, message: str, *, param: str | None = None,
                 code: str | None = None, error_type: str = "invalid_request_error"):
        super().__init__(message)
        self.response = _error(status, message, param=param, code=code, error_type=error_type)


def _invalid(message: str, param: str | None = None, code: str | None = None) -> StripeRequestError:
    return StripeRequestError(400, message, param=param, code=code)


def format_money(cents: int, currency: str) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    if currency.lower() == "usd":
        return f"{sign}${whole:,}.{part:02d}"
    return f"{sign}{whole:,}.{part:02d} {currency.upper()}"


# --- parsing the create parameters -------------------------------------------------

def _as_int(value: Any, param: str) -> int:
    if isinstance(value, bool):
        raise _invalid(f"Invalid integer: {value}", param)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
    raise _invalid(f"Invalid integer: {value!r}", param)


def _as_str(value: Any, param: str, *, max_length: int = 5000) -> str:
    if not isinstance(value, str):
        raise _invalid(f"Invalid string: {value!r}", param)
    if len(value) > max_length:
        raise _invalid(f"Invalid string: must be at most {max_length} characters", param)
    return value


def _as_list(value: Any, param: str) -> list:
    # unflatten_data gives a list for `x[0]=...` and `x[]=...`, a dict for other nesting.
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [value]
    raise _invalid(f"Invalid array: {param}", param)


def _parse_metadata(value: Any, param: str = "metadata") -> dict[str, str]:
    if value in (None, "", {}):
        return {}
    if not isinstance(value, dict):
        raise _invalid("Invalid object: metadata must be a hash of strings", param)
    if len(value) > 50:
        raise _invalid("Metadata can have at most 50 keys", param)
    metadata = {}
    for key, item in value.items():
        if not isinstance(item, (str, int)) or len(str(key)) > 40 or len(str(item)) > 500:
            raise _invalid(f"Invalid metadata value for key {key!r}", f"{param}[{key}]")
        metadata[str(key)] = str(item)
    return metadata


def _parse_url(value: Any, param: str) -> str:
    url = _as_str(value, param, max_length=5000)
    if not url.startswith(("http://", "https://")):
        raise _invalid(f"Not a valid URL: {url!r}", param, code="url_invalid")
    return url


def _parse_line_items(value: Any) -> tuple[list[dict], str]:
    if value in (None, "", [], {}):
        raise _invalid("Missing required param: line_items.", "line_items", code="parameter_missing")
    items = _as_list(value, "line_items")
    if len(items) > MAX_LINE_ITEMS:
        raise _invalid(f"line_items may hold at most {MAX_LINE_ITEMS} items", "line_items")
    parsed: list[dict] = []
    currency: str | None = None
    for index, item in enumerate(items):
        base = f"line_items[{index}]"
        if not isinstance(item, dict):
            raise _invalid(f"Invalid object: {base}", base)
        if "price" in item:
            raise _invalid("The Stripe stand-in supports only price_data line items, not Price ids.",
                           f"{base}[price]")
        unknown = set(item) - {"price_data", "quantity"}
        if unknown:
            raise _invalid(f"Received unknown parameter: {base}[{sorted(unknown)[0]}]",
                           f"{base}[{sorted(unknown)[0]}]")
        price_data = item.get("price_data")
        if not isinstance(price_data, dict):
            raise _invalid(f"Missing required param: {base}[price_data].", f"{base}[price_data]",
                           code="parameter_missing")
        item_currency = price_data.get("currency")
        if not isinstance(item_currency, str) or len(item_currency) != 3 or not item_currency.isalpha():
            raise _invalid("Invalid currency", f"{base}[price_data][currency]")
        item_currency = item_currency.lower()
        if currency is None:
            currency = item_currency
        elif item_currency != currency:
            raise _invalid("All line items must use the same currency", f"{base}[price_data][currency]")
        product_data = price_data.get("product_data")
        if not isinstance(product_data, dict):
            raise _invalid(f"Missing required param: {base}[price_data][product_data].",
                           f"{base}[price_data][product_data]", code="parameter_missing")
        name = product_data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _invalid(f"Missing required param: {base}[price_data][product_data][name].",
                           f"{base}[price_data][product_data][name]", code="parameter_missing")
        if "unit_amount" not in price_data:
            raise _invalid(f"Missing required param: {base}[price_data][unit_amount].",
                           f"{base}[price_data][unit_amount]", code="parameter_missing")
        unit_amount = _as_int(price_data.get("unit_amount"), f"{base}[price_data][unit_amount]")
        if unit_amount < 0:
            raise _invalid("Invalid non-negative integer: unit_amount must be 0 or more",
                           f"{base}[price_data][unit_amount]")
        if "quantity" not in item:
            raise _invalid(f"Missing required param: {base}[quantity].", f"{base}[quantity]",
                           code="parameter_missing")
        quantity = _as_int(item["quantity"], f"{base}[quantity]")
        if quantity < 1:
            raise _invalid("Invalid positive integer: quantity must be at least 1", f"{base}[quantity]")
        subtotal = unit_amount * quantity
        tax_behavior = price_data.get("tax_behavior")
        if tax_behavior not in (None, "", "exclusive", "inclusive", "unspecified"):
            raise _invalid("Invalid tax_behavior", f"{base}[price_data][tax_behavior]")
        if tax_behavior == "inclusive":
            raise _invalid("The Stripe stand-in supports only tax-exclusive prices.",
                           f"{base}[price_data][tax_behavior]")
        tax_code = product_data.get("tax_code") or None
        if tax_code is not None and not (isinstance(tax_code, str) and tax_code.startswith("txcd_")):
            raise _invalid("Invalid tax_code", f"{base}[price_data][product_data][tax_code]")
        parsed.append({
            "id": _random_id("li_"),
            "object": "item",
            "description": name.strip(),
            "quantity": quantity,
            "currency": item_currency,
            "amount_subtotal": subtotal,
            "amount_total": subtotal,
            "amount_discount": 0,
            "amount_tax": 0,
            "price": {
                "id": _random_id("price_"),
                "object": "price",
                "type": "one_time",
                "currency": item_currency,
                "unit_amount": unit_amount,
                "product": {
                    "id": _random_id("prod_"),
                    "object": "product",
                    "name": name.strip(),
                    "metadata": _parse_metadata(product_data.get("metadata"),
                                                f"{base}[price_data][product_data][metadata]"),
                    "tax_code": tax_code,
                },
                "tax_behavior": tax_behavior or "unspecified",
                "active": False,
            },
        })
    assert currency is not None
    return parsed, currency


def parse_create_params(data: dict, now: int) -> dict[str, Any]:
    """Validate a create request as Stripe would; returns the session's fields."""
    unknown = sorted(set(data) - SESSION_PARAMS)
    if unknown:
        raise _invalid(f"Received unknown parameter: {unknown[0]}", unknown[0])
    mode = data.get("mode")
    if mode in (None, ""):
        raise _invalid("Missing required param: mode.", "mode", code="parameter_missing")
    if mode != "payment":
        raise _invalid("The Stripe stand-in supports only mode=payment.", "mode")
    line_items, currency = _parse_line_items(data.get("line_items"))
    amount_total = sum(item["amount_total"] for item in line_items)
    minimum = MINIMUM_CHARGE.get(currency, 50)
    if amount_total < minimum:
        raise _invalid(
            f"The Checkout Session's total amount due must add up to at least "
            f"{format_money(minimum, currency)}", "line_items", code="amount_too_small")
    expires_at = now + SESSION_MAX_LIFETIME
    if data.get("expires_at") not in (None, ""):
        expires_at = _as_int(data["expires_at"], "expires_at")
        if not (now + SESSION_MIN_LIFETIME - CLOCK_SLACK <= expires_at
                <= now + SESSION_MAX_LIFETIME + CLOCK_SLACK):
            raise _invalid("The `expires_at` timestamp must be between 30 minutes and 24 hours "
                           "from Checkout Session creation.", "expires_at")
    payment_method_types = ["card"]
    if data.get("payment_method_types") not in (None, ""):
        payment_method_types = [
            _as_str(kind, "payment_method_types", max_length=64)
            for kind in _as_list(data["payment_method_types"], "payment_method_types")
        ]
        if not payment_method_types:
            raise _invalid("payment_method_types must not be empty", "payment_method_types")
    customer_email = data.get("customer_email") or None
    if customer_email is not None:
        customer_email = _as_str(customer_email, "customer_email", max_length=800)
    client_reference_id = data.get("client_reference_id") or None
    if client_reference_id is not None:
        client_reference_id = _as_str(client_reference_id, "client_reference_id", max_length=200)
    intent_data = data.get("payment_intent_data") or {}
    if not isinstance(intent_data, dict):
        raise _invalid("Invalid object: payment_intent_data", "payment_intent_data")
    customer = data.get("customer") or None
    if customer is not None:
        customer = _as_str(customer, "customer", max_length=255)
        if data.get("customer_email"):
            raise _invalid("You may only specify one of these parameters: customer, customer_email.",
                           "customer_email")
    automatic_tax = data.get("automatic_tax") or {}
    if not isinstance(automatic_tax, dict):
        raise _invalid("Invalid object: automatic_tax", "automatic_tax")
    return {
        "line_items": line_items,
        "currency": currency,
        "amount_total": amount_total,
        "success_url": _parse_url(data["success_url"], "success_url") if data.get("success_url") else None,
        "cancel_url": _parse_url(data["cancel_url"], "cancel_url") if data.get("cancel_url") else None,
        "metadata": _parse_metadata(data.get("metadata")),
        "customer_email": customer_email,
        "client_reference_id": client_reference_id,
        "expires_at": expires_at,
        "payment_method_types": payment_method_types,
        "payment_intent_metadata": _parse_metadata(intent_data.get("metadata"),
                                                   "payment_intent_data[metadata]"),
        "customer": customer,
        "automatic_tax": str(automatic_tax.get("enabled", "")).lower() == "true",
    }


def add_sample_tax(fields: dict[str, Any], address: dict | None) -> None:
    """Stripe Tax, imitated with the SAMPLE rates: tax each line item for `address`, and
    add it to the amounts (prices are tax-exclusive)."""
    address = address or {}
    rate = tax_rates.sample_rate(address.get("country"), address.get("state"))
    total_tax = 0
    for item in fields["line_items"]:
        tax = tax_rates.line_tax(item["amount_subtotal"], rate, item["price"]["product"]["tax_code"])
        item["amount_tax"] = tax
        item["amount_total"] = item["amount_subtotal"] + tax
        total_tax += tax
    fields["amount_tax"] = total_tax
    fields["amount_total"] += total_tax
    fields["tax_label"] = rate.label if rate else "No sales tax for this address (sample rates)"


def _parse_expand(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise _invalid("Invalid array: expand", "expand")


# --- state -------------------------------------------------------------------------

@dataclass
class CheckoutSession:
    id: str
    url: str
    line_items: list[dict]
    currency: str
    amount_total: int
    success_url: str | None
    cancel_url: str | None
    metadata: dict[str, str]
    customer_email: str | None
    client_reference_id: str | None
    expires_at: int
    payment_method_types: list[str]
    payment_intent_metadata: dict[str, str]
    customer: str | None = None
    automatic_tax: bool = False
    amount_tax: int = 0
    tax_label: str = ""
    created: int = field(default_factory=lambda: int(time.time()))
    status: str = "open"  # open | complete | expired
    payment_status: str = "unpaid"  # unpaid | paid
    payment_intent: str | None = None
    customer_details: dict | None = None

    def to_dict(self, expand: list[str] | None = None) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "id": self.id,
            "object": "checkout.session",
            "livemode": False,
            "mode": "payment",
            "url": self.url if self.status == "open" else None,
            "status": self.status,
            "payment_status": self.payment_status,
            "amount_subtotal": self.amount_total - self.amount_tax,
            "amount_total": self.amount_total,
            "total_details": {"amount_discount": 0, "amount_shipping": 0,
                              "amount_tax": self.amount_tax},
            "automatic_tax": {"enabled": self.automatic_tax, "liability": None,
                              "status": "complete" if self.automatic_tax else None},
            "customer": self.customer,
            "currency": self.currency,
            "metadata": dict(self.metadata),
            "client_reference_id": self.client_reference_id,
            "customer_email": self.customer_email,
            "customer_details": dict(self.customer_details) if self.customer_details else None,
            "payment_intent": self.payment_intent,
            "payment_method_types": list(self.payment_method_types),
            "expires_at": self.expires_at,
            "created": self.created,
            "success_url": self.success_url,
            "cancel_url": self.cancel_url,
        }
        for path in expand or []:
            if path == "line_items":
                obj["line_items"] = self.line_items_list(expand)
            elif path == "payment_intent" and self.payment_intent:
                obj["payment_intent"] = ls_resources.PaymentIntent._api_retrieve(
                    self.payment_intent)._export()
        return obj

    def line_items_list(self, expand: list[str] | None = None) -> dict[str, Any]:
        items = [json.loads(json.dumps(item)) for item in self.line_items]
        if not {"data.price.product", "line_items.data.price.product"} & set(expand or []):
            for item in items:  # a product id, as Stripe gives it unexpanded
                item["price"]["product"] = item["price"]["product"]["id"]
        return {
            "object": "list",
            "data": items,
            "has_more": False,
            "url": f"/v1/checkout/sessions/{self.id}/line_items",
        }


@dataclass
class EventRecord:
    event: dict[str, Any]
    payload: bytes
    session_id: str | None
    deliveries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def delivered(self) -> bool:
        return any(d.get("delivered") for d in self.deliveries)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.event["id"],
            "type": self.event["type"],
            "created": self.event["created"],
            "session_id": self.session_id,
            "delivered": self.delivered,
            "deliveries": [dict(d, attempts=[dict(a) for a in d["attempts"]]) for d in self.deliveries],
            "event": self.event,
        }


class StandinState:
    """Everything the extension keeps, in memory, for one running stand-in."""

    def __init__(self, *, public_url: str | None = None, webhook_url: str | None = None,
                 webhook_secret: str | None = None, sweep_interval: float = 1.0):
        self.public_url = public_url.rstrip("/") if public_url else None
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.configure_webhook(webhook_url, webhook_secret)
        self.sweep_interval = sweep_interval
        self.sessions: dict[str, CheckoutSession] = {}
        self.events: list[EventRecord] = []
        self.last_event_by_session: dict[str, EventRecord] = {}
        self.idempotent_responses: dict[tuple[str, str], tuple[str, int, bytes]] = {}
        self.idempotency_locks: dict[tuple[str, str], asyncio.Lock] = {}
        # Stripe's `shipping` of the customers created here (localstripe has no such field)
        self.customer_shipping: dict[str, dict] = {}
        self.http: ClientSession | None = None
        self.tasks: set[asyncio.Task] = set()

    # configuration
    def configure_webhook(self, url: str | None, secret: str | None) -> None:
        url = url or None
        secret = secret or None
        if url is not None:
            if not is_loopback_url(url):
                raise ValueError("webhook_url must be an http(s) URL on this machine's loopback "
                                 "(127.0.0.1, localhost or ::1): the stand-in never posts elsewhere")
            if not secret:
                raise ValueError("webhook_secret is required with webhook_url (e.g. whsec_...)")
        self.webhook_url = url
        self.webhook_secret = secret

    def config_dict(self) -> dict[str, Any]:
        return {"webhook_url": self.webhook_url, "webhook_secret_set": bool(self.webhook_secret),
                "public_url": self.public_url}

    def clear(self) -> None:
        self.sessions.clear()
        self.events.clear()
        self.last_event_by_session.clear()
        self.idempotent_responses.clear()
        self.customer_shipping.clear()
        ls_resources.store.clear()

    # lifecycle
    async def start(self, app: web.Application) -> None:
        self.http = ClientSession(timeout=ClientTimeout(total=WEBHOOK_TIMEOUT_SECONDS))
        self._spawn(self._sweep_expired())

    async def stop(self, app: web.Application) -> None:
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.http is not None:
            await self.http.close()

    def _spawn(self, coroutine) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def _sweep_expired(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_interval)
            now = time.time()
            for session in list(self.sessions.values()):
                if session.status == "open" and session.expires_at <= now:
                    self.expire(session)

    # sessions
    def base_url(self, request: web.Request) -> str:
        return self.public_url or str(request.url.origin())

    def tax_address(self, customer_id: str | None) -> dict | None:
        """The address Stripe Tax would use for a customer: shipping, else billing."""
        if not customer_id:
            return None
        shipping = self.customer_shipping.get(customer_id)
        if shipping and isinstance(shipping.get("address"), dict):
            return shipping["address"]
        try:
            return ls_resources.Customer._api_retrieve(customer_id).address
        except UserError:
            raise _invalid(f"No such customer: '{customer_id}'", "customer",
                           code="resource_missing") from None

    def create_session(self, fields: dict[str, Any], base_url: str) -> CheckoutSession:
        address = self.tax_address(fields.get("customer"))
        if fields.get("automatic_tax"):
            add_sample_tax(fields, address)
        session_id = _random_id("cs_test_", 58)
        session = CheckoutSession(id=session_id, url=f"{base_url}/pay/{session_id}", **fields)
        self.sessions[session_id] = session
        return session

    def get_session(self, session_id: str) -> CheckoutSession:
        session = self.sessions.get(session_id)
        if session is None:
            raise StripeRequestError(404, f"No such checkout.session: '{session_id}'",
                                     param="session", code="resource_missing")
        return session

    def expire(self, session: CheckoutSession) -> None:
        session.status = "expired"
        self.emit("checkout.session.expired", session.to_dict(), session.id)

    def pay(self, session: CheckoutSession, card_number: str | None) -> tuple[str, str | None]:
        """Try to pay an open session with a test card.

        Returns (outcome, message) with outcome one of paid, declined, invalid_card,
        not_open. No await in here: the check of `status` and its change are atomic
        on the event loop, so a session is never paid twice.
        """
        if session.status == "complete":
            return "not_open", "This checkout session is already paid: it cannot be paid again."
        if session.status != "open":
            return "not_open", "This checkout session has expired: go back to the shop and check out again."
        number = normalise_card_number(card_number)
        if number not in (PAYING_CARD, DECLINED_CARD):
            return "invalid_card", ("That is not a test card this stand-in knows. Use 4242 4242 4242 4242 "
                                    "(pays) or 4000 0000 0000 0341 (is declined).")
        method = ls_resources.PaymentMethod(
            type="card",
            card={"number": number, "exp_month": 12, "exp_year": time.gmtime().tm_year + 5, "cvc": "123"},
            billing_details={"email": session.customer_email} if session.customer_email else None,
        )
        try:
            intent = ls_resources.PaymentIntent._api_create(
                amount=session.amount_total, currency=session.currency, payment_method=method.id,
                metadata=dict(session.payment_intent_metadata), payment_method_types=["card"],
                confirm=True)
        except UserError as exc:
            if exc.code == 402:
                declined = exc.body.get("error", {}).get("message") or "Your card was declined."
                return "declined", f"{declined} Nothing was charged; the payment is still open."
            raise
        if intent.status != "succeeded":
            return "declined", f"The payment did not succeed (status {intent.status})."
        session.status = "complete"
        session.payment_status = "paid"
        session.payment_intent = intent.id
        session.customer_details = {"email": session.customer_email, "name": None, "phone": None}
        self.emit("checkout.session.completed", session.to_dict(), session.id)
        return "paid", None

    # webhooks
    def emit(self, event_type: str, obj: dict[str, Any], session_id: str | None = None) -> EventRecord:
        event = {
            "id": _random_id("evt_"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1 if self.webhook_url else 0,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
            "data": {"object": obj},
        }
        record = EventRecord(event=event, payload=json.dumps(event, indent=2).encode("utf-8"),
                             session_id=session_id)
        self.events.append(record)
        if session_id:
            self.last_event_by_session[session_id] = record
        self.deliver(record)
        return record

    def deliver(self, record: EventRecord) -> None:
        """Send `record` to the webhook URL configured now, in the background."""
        if not self.webhook_url or not self.webhook_secret:
            log.info("event %s %s not sent: no webhook URL configured", record.event["type"],
                     record.event["id"])
            return
        delivery = {"url": self.webhook_url, "delivered": False, "attempts": []}
        record.deliveries.append(delivery)
        self._spawn(self._deliver(record, delivery, self.webhook_secret))

    async def _deliver(self, record: EventRecord, delivery: dict, secret: str) -> None:
        assert self.http is not None
        event_type, event_id = record.event["type"], record.event["id"]
        for delay in WEBHOOK_RETRY_DELAYS:
            if delay:
                await asyncio.sleep(delay)
            attempt: dict[str, Any] = {"at": time.time(), "status": None, "error": None}
            delivery["attempts"].append(attempt)
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": sign_payload(record.payload, secret),
                "User-Agent": "Stripe/1.0 (local Stripe stand-in; not Stripe)",
            }
            try:
                async with self.http.post(delivery["url"], data=record.payload, headers=headers,
                                          allow_redirects=False) as response:
                    attempt["status"] = response.status
                    await response.read()
            except (ClientError, asyncio.TimeoutError, OSError) as exc:
                attempt["error"] = f"{type(exc).__name__}: {exc}"
            if attempt["status"] is not None and 200 <= attempt["status"] < 300:
                delivery["delivered"] = True
                log.info("webhook %s %s delivered to %s", event_type, event_id, delivery["url"])
                return
            log.info("webhook %s %s to %s failed: %s", event_type, event_id, delivery["url"],
                     attempt["error"] or f"HTTP {attempt['status']}")
        log.warning("webhook %s %s gave up after %d attempts", event_type, event_id,
                    len(WEBHOOK_RETRY_DELAYS))


def sign_payload(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """Stripe's `Stripe-Signature` header: t=<ts>,v1=<hex HMAC-SHA256(secret, "<ts>.<payload>")>."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = str(timestamp).encode("ascii") + b"." + payload
    signature = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


STATE_KEY = web.AppKey("stripe_standin_state", StandinState)


def _state(request: web.Request) -> StandinState:
    return request.app[STATE_KEY]


# --- middlewares -------------------------------------------------------------------

@web.middleware
async def loopback_host_middleware(request: web.Request, handler):
    """Answer only requests addressed to this machine by a loopback name or address.

    The stand-in listens on 127.0.0.1, but a web page elsewhere could still reach it
    through a name it points at 127.0.0.1 (DNS rebinding): its Host header gives it away.
    """
    if not is_loopback_url(f"http://{request.host}/"):
        return web.Response(status=403, text="The local Stripe stand-in only answers requests "
                                             "addressed to 127.0.0.1.\n")
    return await handler(request)


SAME_ORIGIN_PREFIXES = ("/_standin/", "/_config/", "/pay/")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@web.middleware
async def same_origin_middleware(request: web.Request, handler):
    """Refuse changes to the test helpers and the payment page from another site's page.

    A cross-site form post needs no CORS preflight, so any page a developer visits could
    otherwise re-point the webhook. Browsers name the page's origin (Origin, or at least
    Referer); tools that send neither (tests, curl) are let through.
    """
    if request.method in SAFE_METHODS or not request.path.startswith(SAME_ORIGIN_PREFIXES):
        return await handler(request)
    claimed = request.headers.get("Origin") or request.headers.get("Referer")
    if claimed and _origin_of(claimed) != f"{request.scheme}://{request.host}".lower():
        return web.Response(status=403, text="The local Stripe stand-in refuses changes "
                                             "sent from another site's page.\n")
    return await handler(request)


@web.middleware
async def guard_middleware(request: web.Request, handler):
    """localstripe's auth check, minus our public pages, and refusing live keys outright."""
    try:
        if request.path == "/" or request.path.startswith(PUBLIC_PREFIXES):
            return await handler(request)
        authorization = request.headers.get("Authorization", "")
        if authorization and authorization.partition(" ")[0] not in ("Bearer", "Basic"):
            # localstripe's own check crashes on other schemes.
            return _error(401, "Unauthorized", error_type="authentication_error")
        if is_live_key(_bearer_or_basic_key(authorization)):
            return _error(401, "The local Stripe stand-in refuses live keys: it is a test tool, "
                               "not Stripe.", error_type="authentication_error")
        return await ls_server.auth_middleware(request, handler)
    except StripeRequestError as exc:
        return exc.response


def _bearer_or_basic_key(authorization: str) -> str | None:
    scheme, _, value = authorization.partition(" ")
    if scheme == "Bearer":
        key = value.strip()
    elif scheme == "Basic":
        try:
            key = base64.b64decode(value.strip()).decode("utf-8").split(":")[0]
        except (ValueError, UnicodeDecodeError):
            return None
    else:
        return None
    return key if key.startswith(("sk_", "rk_")) and len(key) > 5 else None


@web.middleware
async def idempotency_middleware(request: web.Request, handler):
    """Honour Stripe's `Idempotency-Key` on POST /v1/...: same key, same response.

    Keys are scoped to the API key. Reusing a key with other parameters is an
    `idempotency_error`, as on Stripe. 5xx answers are not kept, so they can be retried.
    """
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or not key or not request.path.startswith("/v1/"):
        return await _run(handler, request)
    state = _state(request)
    scope = (_bearer_or_basic_key(request.headers.get("Authorization", "")) or "", key)
    body = await request.read()
    fingerprint = hashlib.sha256(request.path.encode() + b"\n" + body).hexdigest()
    lock = state.idempotency_locks.setdefault(scope, asyncio.Lock())
    async with lock:
        kept = state.idempotent_responses.get(scope)
        if kept is not None:
            kept_fingerprint, status, kept_body = kept
            if kept_fingerprint != fingerprint:
                return _error(400, "Keys for idempotent requests can only be used with the same "
                                   "parameters they were first used with.",
                              error_type="idempotency_error")
            return web.Response(body=kept_body, status=status, content_type="application/json",
                                headers={"Idempotent-Replayed": "true"})
        response = await _run(handler, request)
        if response.status < 500 and isinstance(response, web.Response) and response.body is not None:
            body_bytes = response.body if isinstance(response.body, bytes) else bytes(response.body)
            state.idempotent_responses[scope] = (fingerprint, response.status, body_bytes)
        return response


async def _run(handler, request: web.Request) -> web.StreamResponse:
    try:
        return await handler(request)
    except UserError as exc:
        return exc.to_response()
    except StripeRequestError as exc:
        return exc.response


# --- Stripe API routes -------------------------------------------------------------

async def create_session(request: web.Request) -> web.Response:
    state = _state(request)
    data = await ls_server.get_post_data(request) or {}
    if not isinstance(data, dict):
        raise _invalid("Expected form-encoded or JSON object parameters")
    expand = _parse_expand(data.pop("expand", None))
    fields = parse_create_params(data, int(time.time()))
    session = state.create_session(fields, state.base_url(request))
    log.info("checkout session %s created for %s", session.id,
             format_money(session.amount_total, session.currency))
    return ls_server.json_response(session.to_dict(expand))


async def create_customer(request: web.Request) -> web.Response:
    """localstripe's customer, plus Stripe's `shipping` (name and address), kept by the
    stand-in for the tax of the customer's Checkout Sessions."""
    state = _state(request)
    data = await ls_server.get_post_data(request) or {}
    expand = data.pop("expand", None)
    shipping = data.pop("shipping", None)
    if shipping is not None and not (isinstance(shipping, dict)
                                     and isinstance(shipping.get("address"), dict)):
        raise _invalid("Invalid object: shipping needs an address", "shipping")
    customer = ls_resources.Customer._api_create(**data)
    exported = customer._export(expand=expand)
    if shipping is not None:
        state.customer_shipping[customer.id] = shipping
        exported["shipping"] = shipping
    return ls_server.json_response(exported)


async def list_sessions(request: web.Request) -> web.Response:
    sessions = sorted(_state(request).sessions.values(), key=lambda s: s.created, reverse=True)
    return ls_server.json_response({"object": "list", "url": "/v1/checkout/sessions",
                                    "has_more": False, "data": [s.to_dict() for s in sessions]})


async def retrieve_session(request: web.Request) -> web.Response:
    session = _state(request).get_session(request.match_info["id"])
    expand = _parse_expand(ls_server.unflatten_data(request.query).get("expand"))
    return ls_server.json_response(session.to_dict(expand))


async def session_line_items(request: web.Request) -> web.Response:
    session = _state(request).get_session(request.match_info["id"])
    expand = _parse_expand(ls_server.unflatten_data(request.query).get("expand"))
    return ls_server.json_response(session.line_items_list(expand))


async def expire_session(request: web.Request) -> web.Response:
    state = _state(request)
    session = state.get_session(request.match_info["id"])
    if session.status != "open":
        raise _invalid('Only Checkout Sessions with a status in ["open"] can be expired.',
                       code="checkout_session_not_open")
    state.expire(session)
    return ls_server.json_response(session.to_dict())


async def create_refund(request: web.Request) -> web.Response:
    """localstripe's refund, plus Stripe's `reason` and a `charge.refunded` webhook.

    Like localstripe (and unlike Stripe), it does not refuse refunds above what was
    captured: the shop's own code must refuse them.
    """
    state = _state(request)
    data = await ls_server.get_post_data(request) or {}
    expand = data.pop("expand", None)
    reason = data.pop("reason", None) or None
    if reason is not None and reason not in REFUND_REASONS:
        raise _invalid("Invalid reason: must be one of duplicate, fraudulent, or "
                       "requested_by_customer", "reason")
    refund = ls_resources.Refund._api_create(**data)
    refund.reason = reason
    charge = ls_resources.Charge._api_retrieve(refund.charge)
    state.emit("charge.refunded", charge._export())
    return ls_server.json_response(refund._export(expand=expand))


# --- the hosted payment page -------------------------------------------------------

def _render_page(state: StandinState, session: CheckoutSession | None, *, message: str | None = None,
                 message_kind: str = "error", status: int = 200) -> web.Response:
    esc = html.escape
    if session is None:
        body = '<p class="error">No such checkout session on this stand-in.</p>'
        total = ""
        title_extra = ""
    else:
        rows = "".join(
            "<tr><td>{name}</td><td class=num>{qty}</td><td class=num>{unit}</td><td class=num>{sub}</td></tr>"
            .format(name=esc(item["description"]), qty=item["quantity"],
                    unit=esc(format_money(item["price"]["unit_amount"], session.currency)),
                    sub=esc(format_money(item["amount_subtotal"], session.currency)))
            for item in session.line_items)
        total = esc(format_money(session.amount_total, session.currency))
        tax_row = ""
        if session.automatic_tax:
            tax_row = (f"<tr><td colspan=3>Tax: {esc(session.tax_label)}</td>"
                       f'<td class="num" data-testid="tax">'
                       f"{esc(format_money(session.amount_tax, session.currency))}</td></tr>")
        parts = [
            "<table><thead><tr><th>Item</th><th class=num>Qty</th><th class=num>Unit price</th>"
            "<th class=num>Amount</th></tr></thead>",
            f"<tbody>{rows}</tbody>",
            f"<tfoot>{tax_row}"
            f'<tr><th colspan=3>Total</th><th class="num total">{total}</th></tr></tfoot></table>',
        ]
        if session.customer_email:
            parts.append(f"<p>Receipt to: {esc(session.customer_email)}</p>")
        if message:
            parts.append(f'<p class="{esc(message_kind)}" role="alert">{esc(message)}</p>')
        if session.status == "open":
            parts.append(
                f'<form method="post" action="/pay/{esc(session.id)}">'
                '<label for="card">Test card number</label>'
                '<input id="card" name="card" inputmode="numeric" autocomplete="off" '
                'placeholder="4242 4242 4242 4242" required>'
                '<p class="hint">4242 4242 4242 4242 pays; 4000 0000 0000 0341 is declined. '
                "No other number is accepted, and no real card is ever charged.</p>"
                f'<button type="submit">Pay {total}</button></form>')
            if session.cancel_url:
                parts.append(f'<p><a href="{esc(session.cancel_url)}">Cancel and go back to the shop</a></p>')
        elif session.status == "complete":
            if not message:
                parts.append('<p class="ok">This checkout session is paid.</p>')
            if session.success_url:
                success = session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id)
                parts.append(f'<p><a href="{esc(success)}">Back to the shop</a></p>')
        else:
            if not message:
                parts.append('<p class="error">This checkout session has expired.</p>')
            if session.cancel_url:
                parts.append(f'<p><a href="{esc(session.cancel_url)}">Back to the shop</a></p>')
        body = "\n".join(parts)
        title_extra = f" for {total}"
    page = Template((TEMPLATES / "pay.html").read_text(encoding="utf-8")).substitute(
        body=body, title_extra=esc(title_extra))
    return web.Response(text=page, status=status, content_type="text/html",
                        headers={"Cache-Control": "no-store"})


async def pay_page(request: web.Request) -> web.Response:
    state = _state(request)
    session = state.sessions.get(request.match_info["id"])
    return _render_page(state, session, status=200 if session else 404)


async def pay_submit(request: web.Request) -> web.Response:
    state = _state(request)
    session = state.sessions.get(request.match_info["id"])
    if session is None:
        return _render_page(state, None, status=404)
    form = await request.post()
    outcome, message = state.pay(session, str(form.get("card", "")))
    if outcome == "paid":
        if session.success_url:
            raise web.HTTPSeeOther(session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id))
        return _render_page(state, session, message="Payment complete.", message_kind="ok")
    status = {"declined": 402, "invalid_card": 400, "not_open": 409}[outcome]
    return _render_page(state, session, message=message, status=status)


async def index(request: web.Request) -> web.Response:
    return web.Response(text="Local Stripe stand-in (localstripe plus Checkout Sessions): a test tool, "
                             "not Stripe. No real money moves here.\n")


# --- test helpers under /_standin/ -------------------------------------------------

async def health(request: web.Request) -> web.Response:
    return ls_server.json_response({"ok": True, "standin": True, "not_stripe": True})


async def get_config(request: web.Request) -> web.Response:
    return ls_server.json_response(_state(request).config_dict())


async def set_config(request: web.Request) -> web.Response:
    state = _state(request)
    data = await ls_server.get_post_data(request) or {}
    try:
        state.configure_webhook(data.get("webhook_url"), data.get("webhook_secret"))
    except ValueError as exc:
        raise _invalid(str(exc), "webhook_url")
    return ls_server.json_response(state.config_dict())


async def list_events(request: web.Request) -> web.Response:
    state = _state(request)
    wanted_type = request.query.get("type")
    wanted_session = request.query.get("session")
    records = [r.to_dict() for r in state.events
               if (not wanted_type or r.event["type"] == wanted_type)
               and (not wanted_session or r.session_id == wanted_session)]
    return ls_server.json_response({"object": "list", "data": records})


async def test_pay(request: web.Request) -> web.Response:
    state = _state(request)
    session = state.get_session(request.match_info["id"])
    data = await ls_server.get_post_data(request) or {}
    outcome, message = state.pay(session, str(data.get("card", "")))
    if outcome == "paid":
        return ls_server.json_response(session.to_dict())
    if outcome == "declined":
        return _error(402, message or "Your card was declined.", code="card_declined",
                      error_type="card_error")
    if outcome == "invalid_card":
        return _error(400, message or "Invalid card", param="card", code="invalid_number")
    return _error(400, message or "Not open", code="checkout_session_not_open")


async def resend_last_event(request: web.Request) -> web.Response:
    state = _state(request)
    session = state.get_session(request.match_info["id"])
    record = state.last_event_by_session.get(session.id)
    if record is None:
        raise StripeRequestError(404, f"No event was sent for {session.id} yet",
                                 code="resource_missing")
    if not state.webhook_url:
        raise _invalid("No webhook URL configured: POST /_standin/config first")
    state.deliver(record)
    return ls_server.json_response(record.to_dict())


async def config_localstripe_webhook(request: web.Request) -> web.StreamResponse:
    """localstripe's own `/_config/webhooks/<id>` (for its native events), loopback URLs only."""
    data = await ls_server.get_post_data(request) or {}
    url = data.get("url") if isinstance(data, dict) else None
    if not isinstance(url, str) or not is_loopback_url(url):
        raise _invalid("url must be an http(s) URL on this machine's loopback: the stand-in never "
                       "posts elsewhere", "url")
    return await ls_server.config_webhook(request)


async def clear_data(request: web.Request) -> web.Response:
    _state(request).clear()
    return web.Response(status=204)


@web.middleware
async def stripe_error_middleware(request: web.Request, handler):
    try:
        return await handler(request)
    except StripeRequestError as exc:
        return exc.response


# --- the app -----------------------------------------------------------------------

OUR_ROUTES = (
    ("POST", "/v1/checkout/sessions", create_session),
    ("GET", "/v1/checkout/sessions", list_sessions),
    ("GET", "/v1/checkout/sessions/{id}", retrieve_session),
    ("GET", "/v1/checkout/sessions/{id}/line_items", session_line_items),
    ("POST", "/v1/checkout/sessions/{id}/expire", expire_session),
    ("POST", "/v1/refunds", create_refund),
    ("POST", "/v1/customers", create_customer),
    ("GET", "/", index),
    ("GET", "/pay/{id}", pay_page),
    ("POST", "/pay/{id}", pay_submit),
    ("GET", "/_standin/health", health),
    ("GET", "/_standin/config", get_config),
    ("POST", "/_standin/config", set_config),
    ("GET", "/_standin/events", list_events),
    ("POST", "/_standin/sessions/{id}/pay", test_pay),
    ("POST", "/_standin/sessions/{id}/resend", resend_last_event),
    ("DELETE", "/_standin/data", clear_data),
    ("POST", "/_config/webhooks/{id}", config_localstripe_webhook),
)


def build_app(*, public_url: str | None = None, webhook_url: str | None = None,
              webhook_secret: str | None = None, sweep_interval: float = 1.0) -> web.Application:
    """localstripe's routes and ours on one new aiohttp app, with state in memory.

    Our routes are added first, so `POST /v1/refunds` is ours; localstripe's
    pickle-saving middleware and its CORS headers are left out, and requests addressed
    to anything but a loopback host are refused.
    """
    keep_store_in_memory()
    state = StandinState(public_url=public_url, webhook_url=webhook_url,
                         webhook_secret=webhook_secret, sweep_interval=sweep_interval)
    app = web.Application(middlewares=[
        loopback_host_middleware, same_origin_middleware, ls_server.error_middleware, stripe_error_middleware,
        guard_middleware, idempotency_middleware,
    ])
    app[STATE_KEY] = state
    ours = set()
    for method, path, handler in OUR_ROUTES:
        app.router.add_route(method, path, handler)
        ours.add((method, path))
    for route in ls_server.app.router.routes():
        path = route.resource.canonical if route.resource is not None else None
        if path is None or (route.method, path) in ours:
            continue
        app.router.add_route(route.method, path, route.handler)
    # No CORS headers (localstripe's own echo any Origin back): no other site's page may
    # read the stand-in's answers; its payment page is a plain form and needs none.
    app.on_startup.append(state.start)
    app.on_cleanup.append(state.stop)
    return app
