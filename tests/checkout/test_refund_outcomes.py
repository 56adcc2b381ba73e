"""Refunds whose outcome is unknown stay pending under their key and are settled from Stripe."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from shop.accounts.service import record
from shop.accounts.models import AuditEntry
from shop.checkout import service as checkout
from shop.database import utcnow
from shop.extensions import db
from shop.orders.models import Order, OrderStatusChange, OutgoingEmail, Refund
from shop.payments import gateway, service as payments
from shop.payments import refunds as refund_service
from tests.checkout.conftest import stripe_get
from tests.checkout.test_payment_rules import DETAILS, band, cart_with, client_for, paid_session  # noqa: F401
from tests.payments.standin_fixture import TEST_WEBHOOK_SECRET, sign_payload


class RefundsThenTimesOut:
    """The real client, except that a refund's answer is lost after Stripe made it."""

    def __init__(self, real):
        self.real = real

    def __getattr__(self, name):
        return getattr(self.real, name)

    def refund(self, **kwargs):
        self.real.refund(**kwargs)
        raise gateway.GatewayUnavailable("payment provider unreachable: read timed out")


class NeverReached:
    """A client whose refund request never reaches Stripe (connection refused)."""

    def __init__(self, real):
        self.real = real

    def __getattr__(self, name):
        return getattr(self.real, name)

    def refund(self, **kwargs):
        raise gateway.GatewayUnavailable("payment provider unreachable: connection refused")


class Declines:
    """A client to which Stripe answers a clear 400 (invalid request)."""

    def __init__(self, real):
        self.real = real

    def __getattr__(self, name):
        return getattr(self.real, name)

    def refund(self, **kwargs):
        raise gateway.GatewayError("Charge has already been refunded.", http_status=400)


def paid_order(app, standin, band):
    order = checkout.place_order(cart_with(band, 2), DETAILS, utcnow())
    payments.fulfil_session(paid_session(app, order, standin), utcnow())
    db.session.expire_all()
    return db.session.get(Order, order.id)


def refunds_at_stripe(standin, order) -> list[dict]:
    return stripe_get(standin, f"/v1/refunds?payment_intent={order.stripe_payment_intent}")["data"]


def test_a_refund_that_times_out_after_stripe_made_it_stays_pending_not_failed(app, standin, band):
    order = paid_order(app, standin, band)
    # when Stripe makes the refund but its answer is lost
    refund = refund_service.refund_order(order.id, 1_000, "Scratched", RefundsThenTimesOut(client_for(app)),
                                   actor="mia", idempotency_key=f"refund-click-1-{order.number}")
    # then the refund stays pending under its key, and its amount stays claimed
    db.session.expire_all()
    assert refund.status == "pending"
    row = db.session.scalar(select(Refund))
    assert (row.status, row.idempotency_key, row.amount_cents) == \
        ("pending", f"refund-click-1-{order.number}", 1_000)
    assert db.session.get(Order, order.id).refunded_cents == 1_000
    assert len(refunds_at_stripe(standin, order)) == 1


def test_a_back_office_retry_of_a_pending_refund_never_refunds_twice(app, standin, band):
    # given a refund whose answer was lost after Stripe made it
    order = paid_order(app, standin, band)
    refund_service.refund_order(order.id, 1_000, "Scratched", RefundsThenTimesOut(client_for(app)),
                          actor="mia", idempotency_key=f"refund-click-1-{order.number}")
    # when staff reload the order and refund again (a new form, so a new key)
    with pytest.raises(refund_service.RefundError, match="Nothing new was refunded"):
        refund_service.refund_order(order.id, 1_000, "Scratched", client_for(app), actor="mia",
                              idempotency_key=f"refund-click-2-{order.number}")
    # then the pending refund was settled under its own key, and no second refund was made
    db.session.expire_all()
    refunds = db.session.scalars(select(Refund)).all()
    assert [(r.idempotency_key, r.status) for r in refunds] == \
        [(f"refund-click-1-{order.number}", "succeeded")]
    assert db.session.get(Order, order.id).refunded_cents == 1_000
    assert len(refunds_at_stripe(standin, order)) == 1


def test_retrying_with_the_same_key_settles_the_pending_refund(app, standin, band):
    order = paid_order(app, standin, band)
    refund_service.refund_order(order.id, 1_000, "Scratched", RefundsThenTimesOut(client_for(app)),
                          actor="mia", idempotency_key=f"refund-click-1-{order.number}")
    # when the same refund is sent again (its own key)
    refund = refund_service.refund_order(order.id, 1_000, "Scratched", client_for(app), actor="mia",
                                   idempotency_key=f"refund-click-1-{order.number}")
    # then it is settled, once
    assert refund.status == "succeeded" and refund.stripe_refund_id
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 1
    assert len(refunds_at_stripe(standin, order)) == 1


def test_the_worker_reconciles_pending_refunds_from_stripe(app, standin, band):
    # given one refund Stripe made but whose answer was lost, on another order one that
    # never reached Stripe
    made = paid_order(app, standin, band)
    lost = paid_order(app, standin, band)
    refund_service.refund_order(made.id, 700, "A", RefundsThenTimesOut(client_for(app)), actor="mia")
    refund_service.refund_order(lost.id, 300, "B", NeverReached(client_for(app)), actor="mia")
    # when the periodic worker reconciles (a few minutes later)
    settled = refund_service.reconcile_pending_refunds(client_for(app), utcnow() + timedelta(minutes=5))
    # then both are settled: the first found at Stripe, the second sent under its own key
    assert settled == 2
    db.session.expire_all()
    assert [r.status for r in db.session.scalars(select(Refund).order_by(Refund.id))] == \
        ["succeeded", "succeeded"]
    assert [r["amount"] for r in refunds_at_stripe(standin, made)] == [700]
    assert [r["amount"] for r in refunds_at_stripe(standin, lost)] == [300]
    assert db.session.get(Order, made.id).refunded_cents == 700
    # and running it again changes nothing
    assert refund_service.reconcile_pending_refunds(client_for(app), utcnow() + timedelta(minutes=9)) == 0


def test_a_pending_refund_is_noted_on_the_timeline_once(app, standin, band):
    # given a refund that never reached Stripe
    order = paid_order(app, standin, band)
    key = f"refund-click-1-{order.number}"
    unreachable = NeverReached(client_for(app))
    refund_service.refund_order(order.id, 1_000, "Scratched", unreachable, actor="mia",
                                idempotency_key=key)
    # when it is sent again 3 times and the worker runs 3 rounds, Stripe still unreachable
    for minutes in (5, 10, 15):
        again = refund_service.refund_order(order.id, 1_000, "Scratched", unreachable,
                                            actor="mia", idempotency_key=key)
        assert again.status == "pending"
        assert refund_service.reconcile_pending_refunds(
            unreachable, utcnow() + timedelta(minutes=minutes)) == 0
    # then the customer's timeline says it is pending once
    notes = db.session.scalars(select(OrderStatusChange.note).where(
        OrderStatusChange.order_id == order.id)).all()
    assert [note for note in notes if "pending" in note] == [
        "Refund of $10.00 pending: Stripe's answer was lost; checking again later"]
    assert db.session.scalar(select(Refund)).status == "pending"


def test_the_worker_settling_an_order_refund_queues_the_refunded_email_once(app, standin, band):
    # given an order refund whose answer was lost after Stripe made it
    order = paid_order(app, standin, band)
    refund_service.refund_order(order.id, 1_000, "Scratched", RefundsThenTimesOut(client_for(app)),
                                actor="mia", idempotency_key=f"refund-click-1-{order.number}")
    assert refunded_emails(order) == 0
    # when the worker settles it, twice over
    assert refund_service.reconcile_pending_refunds(client_for(app), utcnow() + timedelta(minutes=5)) == 1
    assert refund_service.reconcile_pending_refunds(client_for(app), utcnow() + timedelta(minutes=9)) == 0
    # then the customer's "refunded" email is queued exactly once
    assert refunded_emails(order) == 1


def refunded_emails(order) -> int:
    return db.session.scalar(select(func.count()).select_from(OutgoingEmail).where(
        OutgoingEmail.order_id == order.id, OutgoingEmail.kind == "order_refunded"))


def test_a_refund_updated_webhook_settles_the_pending_refund(app, client, standin, band):
    order = paid_order(app, standin, band)
    refund_service.refund_order(order.id, 1_000, "Scratched", RefundsThenTimesOut(client_for(app)),
                          actor="mia", idempotency_key=f"refund-click-1-{order.number}")
    made = refunds_at_stripe(standin, order)[0]
    # when Stripe's refund.updated event arrives
    payload = ('{"id": "evt_refund_1", "type": "refund.updated", "data": {"object": %s}}'
               % __import__("json").dumps(made)).encode()
    response = client.post("/stripe/webhook", data=payload, headers={
        "Stripe-Signature": sign_payload(payload, TEST_WEBHOOK_SECRET),
        "Content-Type": "application/json"})
    # then the refund is settled from it
    assert response.status_code == 200 and response.get_json()["result"] == "refund_succeeded"
    db.session.expire_all()
    refund = db.session.scalar(select(Refund))
    assert (refund.status, refund.stripe_refund_id) == ("succeeded", made["id"])
    assert db.session.get(Order, order.id).refunded_cents == 1_000
    # and the customer's "refunded" email is queued with it
    assert refunded_emails(order) == 1


def test_a_refund_stripe_clearly_declines_is_failed_and_its_claim_given_back(app, standin, band):
    order = paid_order(app, standin, band)
    with pytest.raises(refund_service.RefundError, match="Stripe did not make the refund"):
        refund_service.refund_order(order.id, 1_000, "Scratched", Declines(client_for(app)), actor="mia")
    db.session.expire_all()
    assert db.session.scalar(select(Refund)).status == "failed"
    assert db.session.get(Order, order.id).refunded_cents == 0


def test_a_refund_and_its_audit_row_commit_together(app, standin, band):
    order = paid_order(app, standin, band)
    log = []
    statements = lambda conn, cursor, sql, params, context, many: log.append(sql.split()[:3])
    commits = lambda conn: log.append("COMMIT")
    sa.event.listen(db.engine, "before_cursor_execute", statements)
    sa.event.listen(db.engine, "commit", commits)
    try:
        # when staff refund, with their audit row
        refund_service.refund_order(order.id, 1_000, "Scratched", client_for(app), actor="mia",
                              audit=lambda refund: record("mia", "order_refunded", "order",
                                                          order.number,
                                                          after={"refund_id": refund.id}))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", statements)
        sa.event.remove(db.engine, "commit", commits)
    # then the refund's success and the audit row are written in the same transaction
    transactions, current = [], []
    for entry in log:
        if entry == "COMMIT":
            transactions.append(current)
            current = []
        else:
            current.append(" ".join(entry))
    succeeded = [t for t in transactions if "UPDATE refund SET" in t]
    assert len(succeeded) == 1
    assert any(s.startswith("INSERT INTO audit_entry") for s in succeeded[0])
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 1
