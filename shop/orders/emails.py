"""Customer emails: queued in the same transaction as the change they report, sent after.

A row's (kind, dedupe_key) is unique, so an order confirmation can be queued
only once however often payment is reported. Sending happens outside the
transaction; a failure leaves the row queued for the next attempt
(`flask --app wsgi send-emails`, run after each request that queued mail).
"""
import logging

from flask import current_app, render_template, url_for
from flask_mailman import EmailMessage
from sqlalchemy import select, update

from shop.database import utcnow
from shop.extensions import db
from shop.orders.models import Order, OutgoingEmail

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def queue(kind: str, key: str, to: str, subject: str, template: str, order: Order | None = None,
          **context) -> OutgoingEmail:
    """Add an email to the outbox inside the caller's transaction."""
    body = render_template(f"emails/{template}", order=order, **context)
    email = OutgoingEmail(kind=kind, dedupe_key=key, to=to, subject=subject, body=body,
                          order_id=order.id if order else None)
    db.session.add(email)
    return email


def tracking_link(order: Order) -> str:
    """The order's tracking page, absolute (SHOP_BASE_URL when set, for mail sent off-request)."""
    base = current_app.config.get("SHOP_BASE_URL")
    if base:
        return base.rstrip("/") + url_for("orders.track", number=order.number)
    return url_for("orders.track", number=order.number, _external=True)


def queue_order_confirmation(order: Order) -> None:
    queue("order_confirmation", order.number, order.email,
          f"Order {order.number} confirmed", "order_confirmation.txt", order,
          track_url=tracking_link(order))


def queue_status_update(order: Order, status: str) -> None:
    """Shipped, delivered, cancelled, refunded: one email per order and status."""
    subjects = {
        "packed": f"Order {order.number} is packed",
        "shipped": f"Order {order.number} is on its way",
        "delivered": f"Order {order.number} was delivered",
        "cancelled": f"Order {order.number} was cancelled",
        "refunded": f"Refund for order {order.number}",
    }
    queue(f"order_{status}", f"{order.number}:{status}:{order.refunded_cents}", order.email,
          subjects.get(status, f"Order {order.number} update"), "order_status.txt", order,
          status=status, track_url=tracking_link(order))


def send_pending(limit: int = 50) -> tuple[int, int]:
    """Try to send queued emails; returns (sent, failed). Safe to run from many workers."""
    ids = db.session.scalars(
        select(OutgoingEmail.id).where(OutgoingEmail.status == "queued",
                                       OutgoingEmail.attempts < MAX_ATTEMPTS)
        .order_by(OutgoingEmail.id).limit(limit)).all()
    sent = failed = 0
    for email_id in ids:
        # Claim the row so two workers never send the same email.
        claimed = db.session.execute(
            update(OutgoingEmail).where(OutgoingEmail.id == email_id,
                                        OutgoingEmail.status == "queued")
            .values(status="sending", attempts=OutgoingEmail.attempts + 1)).rowcount
        db.session.commit()
        if not claimed:
            continue
        email = db.session.get(OutgoingEmail, email_id)
        try:
            EmailMessage(subject=email.subject, body=email.body, to=[email.to],
                         from_email=current_app.config["MAIL_DEFAULT_SENDER"]).send()
        except Exception as error:  # SMTP down, refused, timed out: keep it for a retry
            log.warning("email %s not sent: %s", email_id, error)
            email.status = "queued"
            email.last_error = str(error)[:300]
            failed += 1
        else:
            email.status = "sent"
            email.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent, failed
