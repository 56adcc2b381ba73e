"""Back-in-stock alerts: "email me when it's back", double opt-in, sent once.

1. `request_alert`: a shopper leaves an address for a sold-out SKU. The request waits,
   `pending`, until the address confirms the link we email to it (double opt-in), so
   nobody can sign someone else up. The confirmation email has fixed wording only.
2. `confirm` (the link): `pending` -> `confirmed`, a conditional UPDATE.
3. `stock_received`: called by `shop.orders.service.change_on_hand` (the one way on-hand
   stock grows: goods in, returns, cancelled orders) inside its transaction. When the SKU
   can be sold again, one UPDATE moves every `confirmed` request to `notified` and returns
   them, and their emails are queued in the outbox in that same transaction. Two receipts
   at once cannot both send: the second UPDATE finds no `confirmed` row left (row locks
   on PostgreSQL, one writer on SQLite), and each email's outbox key is unique.
4. `unsubscribe`: every open alert of the address stops (link in every alert email).
"""
import hashlib
import secrets
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError

from shop import clock
from shop.catalog.models import Product, Variant
from shop.engagement.models import BackInStockRequest
from shop.extensions import db
from shop.orders import emails
from shop.orders.models import OutgoingEmail

OPEN = ("pending", "confirmed")
CONFIRM_SUBJECT = "Confirm your back-in-stock alert"
CONFIRMATIONS_A_DAY = 5  # per address, all products together


class AlertRefused(Exception):
    """The alert cannot be set up; the message is for the shopper."""


@dataclass(frozen=True)
class AlertPage:
    """What the confirm and unsubscribe pages show about one request."""
    token: str
    status: str
    email: str
    product_name: str
    product_slug: str
    option: str
    sku: str
    available: int


@dataclass(frozen=True)
class WaitingRow:
    """A SKU with shoppers waiting for it, for staff."""
    variant_id: int
    sku: str
    product: str
    option: str
    on_hand: int
    reserved: int
    waiting: int
    unconfirmed: int


def _sellable(variant_id: int):
    return exists().where(Variant.id == variant_id, Variant.on_hand > Variant.reserved)


def product_of_sku(sku: str) -> tuple[str, str] | None:
    """(product slug, sku) of a published product's SKU, to send the shopper back to."""
    slug = db.session.scalar(select(Product.slug).join(Variant, Variant.product_id == Product.id)
                             .where(Variant.sku == sku, Product.status == "published"))
    return (slug, sku) if slug else None


def request_alert(sku: str, email: str) -> None:
    """Record an alert for `sku` (published, sold out) and email `email` a confirmation link.

    Asking again for an open request changes nothing but may resend the link (at most
    once a day); the answer is the same whatever the address's state, so the form tells
    nobody who else is waiting."""
    row = db.session.execute(
        select(Variant.id, Variant.on_hand, Variant.reserved, Product.name)
        .join(Product, Product.id == Variant.product_id)
        .where(Variant.sku == sku, Product.status == "published")).mappings().first()
    if row is None:
        raise AlertRefused("We couldn't find that product option.")
    if row["on_hand"] > row["reserved"]:
        raise AlertRefused("Good news: it's in stock now, so you can order it today.")
    email = normalised_email(email)
    alert = _open_alert(row["id"], email) or _new_alert(row["id"], email)
    if alert.status == "pending":
        _queue_confirmation(alert, row["name"])
    db.session.commit()


def normalised_email(email: str) -> str:
    """One spelling per address, so that look-alike spellings (full-width letters, an
    accented domain typed either way) share one alert, one unsubscribe and one daily cap."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:  # the form validated it already; keep what was typed
        return email.strip().lower()


def _mailbox(email: str) -> str:
    """The mailbox an address reaches, for the daily cap: without a +tag, the domain in
    ASCII (a message to "exämple.com" goes to "xn--exmple-cua.com")."""
    try:
        checked = validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return email
    return f"{checked.local_part.lower().split('+', 1)[0]}@{checked.ascii_domain.lower()}"


def _open_alert(variant_id: int, email: str) -> BackInStockRequest | None:
    return db.session.scalar(select(BackInStockRequest).where(
        BackInStockRequest.variant_id == variant_id, BackInStockRequest.email == email,
        BackInStockRequest.status.in_(OPEN)))


def _new_alert(variant_id: int, email: str) -> BackInStockRequest:
    """A new pending request; if a second submit inserted the same one first, that one."""
    alert = BackInStockRequest(variant_id=variant_id, email=email,
                               token=secrets.token_urlsafe(32), status="pending")
    try:
        with db.session.begin_nested():
            db.session.add(alert)
    except IntegrityError:
        return _open_alert(variant_id, email)
    return alert


def _queue_confirmation(alert: BackInStockRequest, product_name: str) -> None:
    """The confirmation link: at most once a day per request, and at most
    CONFIRMATIONS_A_DAY a day per mailbox, all products together, so the form cannot be
    used to flood someone's mailbox from many products and many clients.

    Each email takes one of the mailbox's numbered outbox keys for the day; the keys are
    unique, so the cap holds under any number of concurrent requests (one that loses a
    key to another tries the next). Whether this request had its link today is read from
    those few emails (at worst, two requests at once send the same link twice, within
    the cap). Over the cap nothing is sent; the request waits, and asking again on
    another day sends its link."""
    today = clock.shop_today().isoformat()
    mailbox = hashlib.blake2b(_mailbox(alert.email).encode(), digest_size=8).hexdigest()
    keys = [f"confirm-{mailbox}-{today}-{n}" for n in range(CONFIRMATIONS_A_DAY)]
    sent_today = db.session.execute(select(OutgoingEmail.dedupe_key, OutgoingEmail.body).where(
        OutgoingEmail.kind == "back_in_stock_confirm", OutgoingEmail.dedupe_key.in_(keys))).all()
    if any(alert.token in body for _, body in sent_today):
        return
    taken = {key for key, _ in sent_today}
    for key in (key for key in keys if key not in taken):
        try:
            with db.session.begin_nested():
                emails.queue("back_in_stock_confirm", key, alert.email, CONFIRM_SUBJECT,
                             "back_in_stock_confirm.txt", product_name=product_name,
                             confirm_url=emails.absolute_url("engagement.restock_confirm",
                                                             token=alert.token),
                             unsubscribe_url=_unsubscribe_page(alert.token),
                             list_unsubscribe_url=_one_click(alert.token))
            return
        except IntegrityError:
            continue  # taken meanwhile by a request at the same moment: try the next


def _unsubscribe_page(token: str) -> str:
    """The page with the reader's own "Stop these alerts" button (the email's link)."""
    return emails.absolute_url("engagement.restock_unsubscribe", token=token)


def _one_click(token: str) -> str:
    """Where a mail client posts the reader's one-click unsubscribe (RFC 8058)."""
    return emails.absolute_url("engagement.restock_unsubscribe_one_click", token=token)


def alert_page(token: str) -> AlertPage | None:
    """The request behind a link, with its product, or None for an unknown token."""
    row = db.session.execute(
        select(BackInStockRequest.token, BackInStockRequest.status, BackInStockRequest.email,
               Product.name.label("product_name"), Product.slug.label("product_slug"),
               Variant.option_value.label("option"), Variant.sku,
               (Variant.on_hand - Variant.reserved).label("available"))
        .join(Variant, Variant.id == BackInStockRequest.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .where(BackInStockRequest.token == token)).mappings().first()
    return AlertPage(**row) if row else None


def confirm(token: str) -> bool:
    """Confirm a pending request (True); False when the token is unknown or not pending.

    If the SKU came back while the email travelled, the page says so and no alert is sent
    later for this request."""
    alert = db.session.scalar(select(BackInStockRequest)
                              .where(BackInStockRequest.token == token))
    if alert is None:
        return False
    now = clock.now()
    back_already = db.session.execute(
        update(BackInStockRequest)
        .where(BackInStockRequest.id == alert.id, BackInStockRequest.status == "pending",
               _sellable(alert.variant_id))
        .values(status="notified", confirmed_at=now, notified_at=now)
        .execution_options(synchronize_session=False)).rowcount
    confirmed = back_already or db.session.execute(
        update(BackInStockRequest)
        .where(BackInStockRequest.id == alert.id, BackInStockRequest.status == "pending")
        .values(status="confirmed", confirmed_at=now)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return bool(confirmed)


def unsubscribe(token: str) -> int:
    """Stop every open alert of the address behind `token`; returns how many stopped."""
    email = db.session.scalar(select(BackInStockRequest.email)
                              .where(BackInStockRequest.token == token))
    if email is None:
        return 0
    stopped = db.session.execute(
        update(BackInStockRequest)
        .where(BackInStockRequest.email == email, BackInStockRequest.status.in_(OPEN))
        .values(status="unsubscribed", unsubscribed_at=clock.now())
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return stopped


def stock_received(variant_id: int, delta: int) -> int:
    """Queue the back-in-stock email of every confirmed request for `variant_id`, once, if
    it can be sold now; inside the caller's transaction (the stock change's). Returns how
    many were queued."""
    if delta <= 0:
        return 0
    due = db.session.execute(
        update(BackInStockRequest)
        .where(BackInStockRequest.variant_id == variant_id,
               BackInStockRequest.status == "confirmed", _sellable(variant_id))
        .values(status="notified", notified_at=clock.now())
        .returning(BackInStockRequest.id, BackInStockRequest.email, BackInStockRequest.token)
        .execution_options(synchronize_session=False)).mappings().all()
    if not due:
        return 0
    item = db.session.execute(
        select(Product.name, Product.slug, Variant.option_value, Variant.sku)
        .join(Product, Product.id == Variant.product_id)
        .where(Variant.id == variant_id)).mappings().one()
    product_url = emails.absolute_url("catalog.product", slug=item["slug"], sku=item["sku"])
    for alert in due:
        emails.queue("back_in_stock", f"restock-{alert['id']}", alert["email"],
                     f"Back in stock: {item['name']}", "back_in_stock.txt",
                     product_name=item["name"], option=item["option_value"],
                     product_url=product_url,
                     unsubscribe_url=_unsubscribe_page(alert["token"]),
                     list_unsubscribe_url=_one_click(alert["token"]))
    return len(due)


def waiting_counts() -> list[WaitingRow]:
    """SKUs with open alerts, most awaited first (one grouped query)."""
    waiting = func.sum(db.case((BackInStockRequest.status == "confirmed", 1), else_=0))
    unconfirmed = func.sum(db.case((BackInStockRequest.status == "pending", 1), else_=0))
    rows = db.session.execute(
        select(Variant.id.label("variant_id"), Variant.sku, Product.name.label("product"),
               Variant.option_value.label("option"), Variant.on_hand, Variant.reserved,
               waiting.label("waiting"), unconfirmed.label("unconfirmed"))
        .join(Variant, Variant.id == BackInStockRequest.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .where(BackInStockRequest.status.in_(OPEN))
        .group_by(Variant.id, Variant.sku, Product.name, Variant.option_value,
                  Variant.on_hand, Variant.reserved)
        .order_by(waiting.desc(), Variant.sku)).mappings().all()
    return [WaitingRow(**row) for row in rows]


def waiting_for(variant_id: int) -> int:
    """How many confirmed alerts wait for one SKU."""
    return db.session.scalar(select(func.count(BackInStockRequest.id)).where(
        BackInStockRequest.variant_id == variant_id,
        BackInStockRequest.status == "confirmed")) or 0


def delete_open_alerts_for(email: str) -> int:
    """A deleted customer account: drop the back-in-stock requests still open for its
    email (nothing more is sent to it). Joins the caller's transaction; no commit."""
    return db.session.execute(
        BackInStockRequest.__table__.delete().where(
            BackInStockRequest.email == normalised_email(email),
            BackInStockRequest.status.in_(OPEN))
    ).rowcount
