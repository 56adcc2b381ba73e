"""Customer emails: queued in the same transaction as the change they report, sent after.

A row's (kind, dedupe_key) is unique, so an order confirmation can be queued
only once however often payment is reported. Requests only queue; the worker
(`flask --app wsgi worker`, or once with `flask --app wsgi send-emails`) sends,
outside any transaction:
- a row is claimed (`sending`, `claimed_at`) by a conditional update, so two workers
  never send the same row;
- a failure puts it back in the queue until `next_attempt_at` (backoff doubling from
  EMAIL_RETRY_SECONDS up to EMAIL_RETRY_MAX_SECONDS); after EMAIL_MAX_ATTEMPTS it is
  marked `failed`;
- a row left `sending` for EMAIL_STALE_MINUTES (its worker died mid-send) is queued
  again. SMTP gives no way to know whether that send got through, so such a row may,
  rarely, arrive twice: an email is never lost. If that was its last allowed attempt,
  it is marked `failed` instead (it may or may not have arrived).
"""
import logging
from datetime import datetime, timedelta

from flask import current_app, render_template, url_for
from flask_mailman import EmailMessage
from sqlalchemy import or_, select, update

from shop import clock, request_log
from shop.extensions import db
from shop.orders.models import Order, OutgoingEmail

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10  # about four hours of retries with the delays below
RETRY_SECONDS = 60  # the first retry; each next one waits twice as long...
RETRY_MAX_SECONDS = 3600  # ...up to an hour
STALE_MINUTES = 10  # a claimed row not finished by then was left by a stopped worker


def queue(kind: str, key: str, to: str, subject: str, template: str, order: Order | None = None,
          *, list_unsubscribe_url: str | None = None, **context) -> OutgoingEmail:
    """Add an email to the outbox inside the caller's transaction.

    `list_unsubscribe_url`: for an email the reader can stop, the address their mail
    client posts a one-click unsubscribe to (see `list_unsubscribe_headers`)."""
    body = render_template(f"emails/{template}", order=order, **context)
    email = OutgoingEmail(kind=kind, dedupe_key=key, to=to, subject=subject, body=body,
                          order_id=order.id if order else None,
                          list_unsubscribe_url=list_unsubscribe_url)
    db.session.add(email)
    request_log.log_event("email_queued", kind=kind, key=key)  # with the request's id
    return email


def absolute_url(endpoint: str, **values) -> str:
    """`endpoint` as a full address for an email (read off-site; used by every email that
    links to the shop). With SHOP_BASE_URL set, built from it alone: the same inside a
    request or outside one (a CLI import), whatever Host a visitor sent. Otherwise from
    the request's host."""
    config = current_app.config
    if config.get("SHOP_BASE_URL"):  # finish_config set these three from it
        shop = current_app.url_map.bind(config["SERVER_NAME"],
                                        script_name=config["APPLICATION_ROOT"],
                                        url_scheme=config["PREFERRED_URL_SCHEME"])
        return shop.build(endpoint, values, force_external=True)
    return url_for(endpoint, _external=True, **values)


def tracking_link(order: Order) -> str:
    """The order's tracking page, absolute."""
    return absolute_url("orders.track", number=order.number)


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


def list_unsubscribe_headers(email: OutgoingEmail) -> dict[str, str]:
    """The headers that let a mail client offer its own one-click "Unsubscribe" (RFC 8058;
    large mailbox providers ask bulk senders for them); empty for an email without one.

    RFC 8058 requires an https address: over plain http (development, or SHOP_BASE_URL
    unset behind a proxy that is not trusted) nothing is added, and the email's own
    link still works."""
    if not (email.list_unsubscribe_url or "").startswith("https://"):
        return {}
    return {"List-Unsubscribe": f"<{email.list_unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _setting(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: doubling, capped."""
    base = _setting("EMAIL_RETRY_SECONDS", RETRY_SECONDS)
    cap = _setting("EMAIL_RETRY_MAX_SECONDS", RETRY_MAX_SECONDS)
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def reclaim_stale(now: datetime, max_attempts: int) -> int:
    """Queue again the rows left `sending` by a worker that stopped mid-send; a row whose
    attempts are used up is marked `failed` instead (that last send may have arrived)."""
    stale_before = now - timedelta(minutes=_setting("EMAIL_STALE_MINUTES", STALE_MINUTES))
    stale = (OutgoingEmail.status == "sending",
             or_(OutgoingEmail.claimed_at.is_(None), OutgoingEmail.claimed_at < stale_before))
    given_up = db.session.execute(
        update(OutgoingEmail).where(*stale, OutgoingEmail.attempts >= max_attempts)
        .values(status="failed", claimed_at=None,
                last_error="the worker sending it stopped on its last attempt; given up")).rowcount
    reclaimed = db.session.execute(
        update(OutgoingEmail).where(*stale)
        .values(status="queued", next_attempt_at=None, claimed_at=None,
                last_error="the worker sending it stopped; queued again")).rowcount
    db.session.commit()
    if given_up:
        log.error("%s email(s) left sending on their last attempt were marked failed", given_up)
    if reclaimed:
        log.warning("%s email(s) left sending by a stopped worker were queued again", reclaimed)
    return reclaimed + given_up


def _due(now: datetime, limit: int, max_attempts: int) -> list[int]:
    return db.session.scalars(
        select(OutgoingEmail.id)
        .where(OutgoingEmail.status == "queued", OutgoingEmail.attempts < max_attempts,
               or_(OutgoingEmail.next_attempt_at.is_(None), OutgoingEmail.next_attempt_at <= now))
        .order_by(OutgoingEmail.id).limit(limit)).all()


def _finish(email_id: int, **values) -> None:
    """Record how a claimed row's attempt ended (only if it is still ours: `sending`)."""
    db.session.execute(update(OutgoingEmail)
                       .where(OutgoingEmail.id == email_id, OutgoingEmail.status == "sending")
                       .values(**values))
    db.session.commit()


def send_pending(limit: int = 50) -> tuple[int, int]:
    """Send the emails that are due; returns (sent, failed). Safe to run from many workers."""
    now = clock.now()
    max_attempts = _setting("EMAIL_MAX_ATTEMPTS", MAX_ATTEMPTS)
    reclaim_stale(now, max_attempts)
    sent = failed = 0
    for email_id in _due(now, limit, max_attempts):
        # Claim the row so two workers never send the same email.
        claimed = db.session.execute(
            update(OutgoingEmail).where(OutgoingEmail.id == email_id,
                                        OutgoingEmail.status == "queued")
            .values(status="sending", attempts=OutgoingEmail.attempts + 1,
                    claimed_at=clock.now())).rowcount
        db.session.commit()
        if not claimed:
            continue
        email = db.session.get(OutgoingEmail, email_id)
        try:
            EmailMessage(subject=email.subject, body=email.body, to=[email.to],
                         from_email=current_app.config["MAIL_DEFAULT_SENDER"],
                         headers=list_unsubscribe_headers(email)).send()
        except Exception as error:  # SMTP down, refused, timed out: keep it for a retry
            failed += 1
            if email.attempts >= max_attempts:
                log.error("email %s not sent after %s attempts, given up: %s",
                          email_id, email.attempts, error)
                _finish(email_id, status="failed", last_error=str(error)[:300])
            else:
                log.warning("email %s not sent (attempt %s): %s", email_id, email.attempts, error)
                _finish(email_id, status="queued", last_error=str(error)[:300],
                        next_attempt_at=clock.now() + retry_delay(email.attempts))
        else:
            sent += 1
            _finish(email_id, status="sent", sent_at=clock.now())
    return sent, failed
