"""Money on an order in the back office: resolving a payment mismatch, and refunds whose
answer from Stripe is still pending (order refunds, cancellations, return refunds)."""
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.backoffice import order_payments
from shop.backoffice.fulfilment import FulfilmentError
from shop.catalog.models import StockMovement, Variant
from shop.checkout import service as checkout
from shop.database import utcnow
from shop.extensions import db
from shop.orders.models import Order, OrderStatusChange, Refund, ReturnRequest
from shop.orders.presenters import STATUS_LABELS
from shop.payments import gateway
from shop.payments import service as payments
from tests.backoffice.test_fulfilment import audits, emails, fresh, history, post
from tests.checkout.conftest import app_settings, standin  # noqa: F401  (stand-in and SMTP)
from tests.checkout.test_payment_rules import DETAILS, cart_with, client_for, paid_session
from tests.checkout.test_refund_outcomes import RefundsThenTimesOut
from tests.factories import make_product
from tests.helpers import flashes

SHORT = 500  # Stripe took $5 less than the order total


@pytest.fixture
def band(app):
    return make_product(name="Loop Bands", variants=[
        {"sku": "BAND", "price_cents": 2_900, "on_hand": 5, "weight_g": 450, "length_cm": 20,
         "width_cm": 15, "height_cm": 5}]).variants[0]


def mismatched_order(app, standin, variant, quantity=2) -> Order:
    """An order really paid through the stand-in, reported with another amount than its total."""
    order = checkout.place_order(cart_with(variant, quantity), DETAILS, utcnow())
    session = paid_session(app, order, standin)
    outcome = payments.fulfil_session(replace(session, amount_total=session.amount_total - SHORT),
                                      utcnow())
    assert outcome.action == "mismatch"
    return fresh(order)


def stock(variant) -> tuple[int, int]:
    db.session.expire_all()
    found = db.session.get(Variant, variant.id)
    return found.on_hand, found.reserved


def sales(variant) -> int:
    return db.session.scalar(select(func.count()).select_from(StockMovement).where(
        StockMovement.variant_id == variant.id, StockMovement.reason == "sale"))


def test_payment_mismatch_is_labelled_payment_being_checked(as_staff, app, standin, band):
    order = mismatched_order(app, standin, band)
    assert STATUS_LABELS["payment_mismatch"] == "Payment being checked"
    html = as_staff.get("/admin/orders?status=payment_mismatch").get_data(as_text=True)
    assert "Payment being checked" in html and order.number in html


@pytest.mark.parametrize("action, form", [("accept-payment", {}),
                                          ("refund-mismatch", {"reason": "Wrong amount"})])
def test_staff_cannot_resolve_a_payment_mismatch(as_staff, app, standin, band, action, form):
    # given an order Stripe charged $5 short, its 2 bands still held
    order = mismatched_order(app, standin, band)
    # when a member of staff posts either resolution with a valid CSRF token
    response = post(as_staff, f"/admin/orders/{order.number}/{action}", form,
                    page=f"/admin/orders/{order.number}")
    # then it is refused and nothing moved: status, money, stock, audit, email
    assert response.status_code == 403
    order = fresh(order)
    assert (order.status, order.paid_at, order.refunded_cents) == ("payment_mismatch", None, 0)
    assert stock(band) == (5, 2) and sales(band) == 0
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 0
    assert audits("order_payment_accepted") == [] and audits("order_cancelled") == []
    assert emails(order) == []
    # and the page only tells them a manager does it
    html = as_staff.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    assert 'data-testid="mismatch-manager-only"' in html and "Accept payment</button>" not in html


def test_a_manager_accepts_a_mismatched_payment(as_manager, app, standin, band):
    # given an order Stripe charged $5 short
    order = mismatched_order(app, standin, band)
    # when a manager accepts the payment
    response = post(as_manager, f"/admin/orders/{order.number}/accept-payment",
                    page=f"/admin/orders/{order.number}")
    # then the order is paid, its held stock sold (ledger rows), the confirmation queued
    assert response.status_code == 303, flashes(response)
    order = fresh(order)
    assert order.status == "paid" and order.paid_at is not None
    assert order.captured_cents == order.total_cents - SHORT and order.refunded_cents == 0
    assert stock(band) == (3, 0) and sales(band) == 1
    assert len(emails(order, "order_confirmation")) == 1
    assert history(order)[-1][:2] == ("paid", "mia.manager@example.com")
    [entry] = audits("order_payment_accepted")
    assert (entry.before, entry.after) == (
        {"status": "payment_mismatch"},
        {"status": "paid", "captured_cents": order.total_cents - SHORT})
    # and accepting again changes nothing
    again = post(as_manager, f"/admin/orders/{order.number}/accept-payment",
                 page=f"/admin/orders/{order.number}")
    assert again.status_code == 409 and sales(band) == 1
    assert len(emails(order, "order_confirmation")) == 1


def test_a_manager_refunds_and_cancels_a_mismatched_payment(as_manager, app, standin, band):
    # given an order Stripe charged $5 short, its 2 bands still held
    order = mismatched_order(app, standin, band)
    captured = order.captured_cents
    # when a manager refunds it and cancels the order
    response = post(as_manager, f"/admin/orders/{order.number}/refund-mismatch",
                    {"reason": "Charged the wrong amount"}, page=f"/admin/orders/{order.number}")
    # then all Stripe took went back through the refund service, under the one key scheme
    assert response.status_code == 303, flashes(response)
    order = fresh(order)
    assert (order.status, order.refunded_cents) == ("cancelled", captured)
    [refund] = db.session.scalars(select(Refund)).all()
    assert (refund.status, refund.amount_cents, refund.idempotency_key) == (
        "succeeded", captured, f"mismatch-{order.number}")
    # and the held stock is released, nothing sold
    assert stock(band) == (5, 0) and sales(band) == 0
    assert order.reservation_released
    # and the refund and the cancellation are audited, the customer told once
    assert [a.after["amount_cents"] for a in audits("order_refunded")] == [captured]
    [cancelled] = audits("order_cancelled")
    assert cancelled.before == {"status": "payment_mismatch", "refunded_cents": 0}
    assert len(emails(order, "order_cancelled")) == 1
    # and doing it again changes nothing
    again = post(as_manager, f"/admin/orders/{order.number}/refund-mismatch",
                 {"reason": "again"}, page=f"/admin/orders/{order.number}")
    assert again.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 1


@pytest.mark.parametrize("action, form", [("accept-payment", {}),
                                          ("refund-mismatch", {"reason": "Wrong currency"})])
def test_a_payment_in_another_currency_is_refused_with_what_to_do(as_manager, app, standin,
                                                                   band, action, form):
    # given an order Stripe charged in EUR: nothing captured in USD, its 2 bands still held
    order = checkout.place_order(cart_with(band, 2), DETAILS, utcnow())
    session = paid_session(app, order, standin)
    assert payments.fulfil_session(replace(session, currency="eur"), utcnow()).action == "mismatch"
    order = fresh(order)
    assert (order.status, order.captured_cents) == ("payment_mismatch", 0)
    # when a manager posts either resolution with a valid CSRF token
    response = post(as_manager, f"/admin/orders/{order.number}/{action}", form,
                    page=f"/admin/orders/{order.number}")
    # then it is refused with what to do instead, and nothing changed
    assert response.status_code == 409
    message = flashes(response)
    assert "This payment was made in EUR" in message and "Stripe dashboard" in message
    assert "recorded here" not in message  # the shop cannot see a refund in another currency
    order = fresh(order)
    assert (order.status, order.paid_at, order.captured_cents, order.refunded_cents) == (
        "payment_mismatch", None, 0, 0)
    assert stock(band) == (5, 2) and sales(band) == 0
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 0
    assert audits("order_payment_accepted") == [] and audits("order_cancelled") == []
    assert audits("order_refunded") == [] and emails(order) == []
    # and the page explains it instead of offering the two buttons
    html = as_manager.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    assert 'data-testid="mismatch-foreign-currency"' in html
    assert "This payment was made in EUR" in html and "Accept payment</button>" not in html
    assert "Nothing was changed" not in html  # the page explains; it reports no refusal
    assert "Refund and cancel</button>" not in html


def foreign_order(app, standin, variant) -> Order:
    """An order Stripe charged in EUR: nothing captured in USD, its 2 units still held."""
    order = checkout.place_order(cart_with(variant, 2), DETAILS, utcnow())
    session = paid_session(app, order, standin)
    assert payments.fulfil_session(replace(session, currency="eur"), utcnow()).action == "mismatch"
    order = fresh(order)
    assert (order.status, order.captured_cents) == ("payment_mismatch", 0)
    return order


def test_a_payment_in_another_currency_is_kept_on_the_order_not_read_from_its_history(
        as_manager, app, standin, band):
    # given an order Stripe charged in EUR, whose history note is later worded otherwise
    order = foreign_order(app, standin, band)
    charged = order.charged_amount
    for change in db.session.scalars(select(OrderStatusChange)
                                     .where(OrderStatusChange.order_id == order.id)):
        change.note = "Payment to be checked"
    db.session.commit()
    # then the order still says what Stripe took, and the page still explains what to do
    order = fresh(order)
    assert (order.charged_amount, order.charged_currency) == (charged, "eur") and charged > 0
    assert payments.foreign_charge(order) == (charged, "EUR")
    html = as_manager.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    assert f"This payment was made in EUR ({charged} EUR cents)" in html


def test_a_mismatch_with_nothing_captured_and_no_currency_known_is_never_accepted(
        as_manager, app, standin, band):
    # given a payment mismatch in EUR whose currency was not recorded (before migration
    # 0022, with a history note it could not read)
    order = foreign_order(app, standin, band)
    db.session.get(Order, order.id).charged_currency = None
    db.session.commit()
    # when a manager posts "accept payment" with a valid CSRF token
    response = post(as_manager, f"/admin/orders/{order.number}/accept-payment", {},
                    page=f"/admin/orders/{order.number}")
    # then it is refused as a payment in another currency, and nothing changed
    assert response.status_code == 409
    assert "This payment was made in another currency" in flashes(response)
    order = fresh(order)
    assert (order.status, order.paid_at, order.captured_cents) == ("payment_mismatch", None, 0)
    assert stock(band) == (5, 2) and sales(band) == 0


REFUNDED_AT_STRIPE = {"refunded_at_stripe": "y", "note": "Refunded in EUR at Stripe"}


def cancel_refunded(client, order, form):
    return post(client, f"/admin/orders/{order.number}/cancel-refunded-at-stripe", form,
                page=f"/admin/orders/{order.number}")


def refund_at_stripe(app, order, cents):
    """A refund made outside the shop, as in Stripe's dashboard."""
    client_for(app).refund(payment_intent_id=order.stripe_payment_intent, amount_cents=cents,
                           idempotency_key=f"dashboard-{uuid.uuid4().hex}")


def test_a_payment_not_wholly_refunded_at_stripe_is_not_cancelled_as_refunded(as_manager, app,
                                                                             standin, band):
    # given an order Stripe charged in EUR, and nothing refunded at Stripe yet
    order = foreign_order(app, standin, band)
    charged = order.charged_amount
    # when a manager ticks "I refunded this payment in the Stripe dashboard" and posts
    response = cancel_refunded(as_manager, order, REFUNDED_AT_STRIPE)
    # then Stripe is asked, the cancellation is refused with what Stripe shows, nothing moved
    assert response.status_code == 409
    assert f"Stripe shows 0 of this payment's {charged} EUR minor units refunded" in flashes(
        response)
    assert_nothing_changed(order, band)
    # and a partial refund at Stripe is not enough either
    refund_at_stripe(app, order, charged - 100)
    response = cancel_refunded(as_manager, order, REFUNDED_AT_STRIPE)
    assert response.status_code == 409
    assert f"Stripe shows {charged - 100} of this payment's" in flashes(response)
    assert_nothing_changed(order, band)
    # but once the rest is refunded there, the order is cancelled
    refund_at_stripe(app, order, 100)
    assert cancel_refunded(as_manager, order, REFUNDED_AT_STRIPE).status_code == 303
    assert fresh(order).status == "cancelled"


class StripeDown:
    """A Stripe client whose refund listing gets no answer."""

    def refunds_of(self, payment_intent_id):
        raise gateway.GatewayUnavailable("timed out")


class RefundsListed:
    """A Stripe client listing the given refunds for any payment intent."""

    def __init__(self, *refunds):
        self.refunds = refunds

    def refunds_of(self, payment_intent_id):
        return [replace(r, payment_intent_id=r.payment_intent_id or payment_intent_id)
                for r in self.refunds]


def refund(cents, status, payment_intent_id=None):
    return gateway.Refund(id=f"re_{uuid.uuid4().hex[:8]}", amount_cents=cents, status=status,
                          metadata={}, payment_intent_id=payment_intent_id)


@pytest.mark.parametrize("stripe, shows", [
    (StripeDown(), "Stripe did not answer"),
    # a refund still pending, or waiting for an action, may yet fail: it does not count
    (RefundsListed(refund(5361, "pending")), "Stripe shows 0 of this payment's"),
    (RefundsListed(refund(5361, "requires_action")), "5361 more waiting to complete"),
    (RefundsListed(refund(5361, "failed"), refund(5361, "canceled")), "Stripe shows 0 of"),
    # a refund of another payment does not count either
    (RefundsListed(refund(99999, "succeeded", payment_intent_id="pi_other")), "shows 0 of"),
], ids=["outage", "pending", "requires_action", "failed", "other_payment"])
def test_a_foreign_payment_is_cancelled_only_on_refunds_that_succeeded(app, standin, band,
                                                                       stripe, shows):
    # given an order Stripe charged in EUR
    order = foreign_order(app, standin, band)
    # when the cancellation is asked for, and Stripe answers as given
    with pytest.raises(FulfilmentError, match="Nothing was changed") as refused:
        order_payments.cancel_refunded_at_stripe(order.number, "Refunded", stripe, "mia")
    # then it is refused, saying what Stripe showed, and nothing moved
    assert shows in str(refused.value)
    assert_nothing_changed(order, band)


def test_a_foreign_payment_with_no_amount_or_payment_recorded_is_not_cancelled_here(
        app, standin, band):
    # given an order Stripe charged in EUR, whose amount was not recorded
    order = foreign_order(app, standin, band)
    db.session.get(Order, order.id).charged_amount = 0
    db.session.commit()
    # when the cancellation is asked for, Stripe showing a refund that succeeded
    with pytest.raises(FulfilmentError, match="cannot check the refund"):
        order_payments.cancel_refunded_at_stripe(
            order.number, "Refunded", RefundsListed(refund(1, "succeeded")), "mia")
    # then nothing moved
    assert_nothing_changed(order, band)


def assert_nothing_changed(order, band):
    order = fresh(order)
    assert (order.status, order.reservation_released, order.refunded_cents) == (
        "payment_mismatch", False, 0)
    assert stock(band) == (5, 2)
    assert audits("order_cancelled") == [] and emails(order) == []


def test_staff_cannot_cancel_a_payment_refunded_at_stripe(as_staff, app, standin, band):
    # given an order Stripe charged in EUR, its 2 bands still held
    order = foreign_order(app, standin, band)
    # when a member of staff posts the cancellation, ticked, with a valid CSRF token
    response = cancel_refunded(as_staff, order, REFUNDED_AT_STRIPE)
    # then it is refused and nothing moved
    assert response.status_code == 403
    assert_nothing_changed(order, band)
    # and the page shows them no such form
    html = as_staff.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    assert "cancel-refunded-at-stripe" not in html


@pytest.mark.parametrize("form", [{"note": "Refunded"}, {"refunded_at_stripe": "y"}])
def test_cancelling_as_refunded_at_stripe_needs_the_confirmation_and_a_note(as_manager, app,
                                                                            standin, band, form):
    # given an order Stripe charged in EUR
    order = foreign_order(app, standin, band)
    # when a manager posts without the confirmation ticked, or without a note
    response = cancel_refunded(as_manager, order, form)
    # then it is refused with what is missing, and nothing moved
    assert response.status_code == 400
    message = flashes(response)
    assert ("I refunded this payment in the Stripe dashboard" in message
            if "note" in form else "Note is required" in message)
    assert_nothing_changed(order, band)


def test_a_manager_cancels_a_payment_refunded_at_stripe(as_manager, app, standin, band):
    # given an order Stripe charged in EUR, its 2 bands still held, and the page offers it
    order = foreign_order(app, standin, band)
    html = as_manager.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    assert f"/admin/orders/{order.number}/cancel-refunded-at-stripe" in html
    assert "I refunded this payment in the Stripe dashboard" in html
    # when a manager refunds it in the Stripe dashboard, then confirms it here
    refund_at_stripe(app, order, order.charged_amount)
    response = cancel_refunded(as_manager, order, REFUNDED_AT_STRIPE)
    # then the order is cancelled and its held stock released, nothing refunded from here
    assert response.status_code == 303, flashes(response)
    order = fresh(order)
    assert (order.status, order.reservation_released) == ("cancelled", True)
    assert stock(band) == (5, 0) and sales(band) == 0
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 0
    # and the history, the audit row and the customer's email are there, once
    assert history(order)[-1] == ("cancelled", "mia.manager@example.com",
                                  "Refunded in EUR at Stripe")
    [entry] = audits("order_cancelled")
    assert entry.before == {"status": "payment_mismatch", "refunded_cents": 0}
    assert entry.after["status"] == "cancelled"
    assert entry.after["refunded_at_stripe"]["currency"] == "EUR"
    assert len(emails(order, "order_cancelled")) == 1
    # and sending it again is refused, changing nothing
    again = cancel_refunded(as_manager, order, REFUNDED_AT_STRIPE)
    assert again.status_code == 409
    assert stock(band) == (5, 0) and len(audits("order_cancelled")) == 1
    assert len(emails(order, "order_cancelled")) == 1


def test_a_mismatch_in_our_currency_is_not_cancelled_as_refunded_at_stripe(as_manager, app,
                                                                           standin, band):
    # given an order Stripe charged $5 short, in USD: the shop refunds that one itself
    order = mismatched_order(app, standin, band)
    captured = order.captured_cents
    # when a manager posts the Stripe-dashboard cancellation, ticked
    response = cancel_refunded(as_manager, order, REFUNDED_AT_STRIPE)
    # then it is refused and nothing moved
    assert response.status_code == 409
    assert "not a payment Stripe took in another currency" in flashes(response)
    order = fresh(order)
    assert (order.status, order.captured_cents, order.refunded_cents) == (
        "payment_mismatch", captured, 0)
    assert stock(band) == (5, 2)
    assert audits("order_cancelled") == [] and emails(order) == []


def lost_answers(monkeypatch, app, module):
    """The view's Stripe client makes refunds but loses Stripe's answer (a timeout)."""
    monkeypatch.setattr(module, "stripe_client", lambda: RefundsThenTimesOut(client_for(app)))


def test_a_pending_order_refund_says_so_and_emails_nobody_yet(monkeypatch, as_manager, app,
                                                               standin, band):
    from shop.backoffice import order_views
    from tests.backoffice.test_fulfilment import paid_order
    order = paid_order(app, standin, band, 2)
    lost_answers(monkeypatch, app, order_views)
    # when a manager refunds $10.50 and Stripe's answer is lost
    response = post(as_manager, f"/admin/orders/{order.number}/refund",
                    {"amount": "10.50", "reason": "Scuffed box", "request_id": "e" * 32})
    # then they are told it waits for Stripe; the audit row is there, no email yet
    assert response.status_code == 303
    assert "waiting for its answer" in flashes(as_manager.get(response.location))
    [refund] = db.session.scalars(select(Refund)).all()
    assert refund.status == "pending"
    [entry] = audits("order_refunded")
    assert entry.after == {"refunded_cents": 1_050, "amount_cents": 1_050, "pending": True}
    assert emails(fresh(order), "order_refunded") == []
    # and sending the same form again, with Stripe answering, settles it and emails once
    monkeypatch.undo()
    again = post(as_manager, f"/admin/orders/{order.number}/refund",
                 {"amount": "10.50", "reason": "Scuffed box", "request_id": "e" * 32})
    assert again.status_code == 303
    assert db.session.scalars(select(Refund.status)).all() == ["succeeded"]
    assert fresh(order).refunded_cents == 1_050
    assert len(emails(order, "order_refunded")) == 1


def test_a_refund_the_worker_settles_emails_once_and_re_sends_audit_nothing(monkeypatch,
                                                                           as_manager, app,
                                                                           standin, band):
    from shop.backoffice import order_views
    from shop.payments import refunds
    from tests.backoffice.test_fulfilment import paid_order
    from tests.checkout.test_refund_outcomes import NeverReached
    order = paid_order(app, standin, band, 2)
    # given a manager's $10.50 refund that never reached Stripe, and 3 re-sends of the
    # same form while Stripe stays unreachable
    monkeypatch.setattr(order_views, "stripe_client", lambda: NeverReached(client_for(app)))
    form = {"amount": "10.50", "reason": "Scuffed box", "request_id": "f" * 32}
    for _ in range(4):
        response = post(as_manager, f"/admin/orders/{order.number}/refund", form)
        assert response.status_code == 303
        assert "waiting for its answer" in flashes(as_manager.get(response.location))
    # then one audit row, its `before` read before the amount was claimed; one pending
    # note on the customer's timeline; no email yet
    [entry] = audits("order_refunded")
    assert (entry.before, entry.after) == (
        {"refunded_cents": 0}, {"refunded_cents": 1_050, "amount_cents": 1_050, "pending": True})
    assert [note for _, _, note in history(fresh(order)) if "pending" in note] == [
        "Refund of $10.50 pending: Stripe's answer was lost; checking again later"]
    assert emails(order, "order_refunded") == []
    # when the worker settles it with Stripe reachable again
    monkeypatch.undo()
    assert refunds.reconcile_pending_refunds(client_for(app), utcnow() + timedelta(minutes=5)) == 1
    # then the customer's "refunded" email is queued, once
    assert db.session.scalars(select(Refund.status)).all() == ["succeeded"]
    assert fresh(order).refunded_cents == 1_050
    assert len(emails(order, "order_refunded")) == 1
    # and the manager sending the form again is told it was made: no new email, no new row
    again = post(as_manager, f"/admin/orders/{order.number}/refund", form)
    assert "That refund was already made" in flashes(as_manager.get(again.location))
    assert len(emails(order, "order_refunded")) == 1 and len(audits("order_refunded")) == 1


def test_a_pending_cancellation_refund_leaves_the_order_and_its_stock(monkeypatch, as_manager,
                                                                      app, standin, band):
    from shop.backoffice import order_views
    from tests.backoffice.test_fulfilment import paid_order
    order = paid_order(app, standin, band, 2)
    lost_answers(monkeypatch, app, order_views)
    response = post(as_manager, f"/admin/orders/{order.number}/cancel", {"reason": "By phone"})
    assert response.status_code == 409
    assert "waiting for its answer" in flashes(response)
    order = fresh(order)
    assert order.status == "paid" and stock(band) == (3, 0)
    assert emails(order, "order_cancelled") == [] and audits("order_cancelled") == []
    assert [a.after.get("pending") for a in audits("order_refunded")] == [True]


def test_a_pending_return_refund_leaves_the_return_received(monkeypatch, client, app, standin,
                                                            band, manager_user):
    from shop.backoffice import returns_views
    from tests.backoffice.conftest import sign_in
    from tests.backoffice.test_returns_admin import DELIVERED, act, ask_return, emails_of
    order = checkout.place_order(cart_with(band, 2), DETAILS, utcnow())
    payments.fulfil_session(paid_session(app, order, standin), utcnow())
    order = fresh(order)
    order.status, order.delivered_at = "delivered", DELIVERED
    db.session.commit()
    asked = ask_return(order, reason="damaged", status="received")
    sign_in(client, manager_user)
    lost_answers(monkeypatch, app, returns_views)
    response = act(client, asked.id, "refund")
    assert response.status_code == 303
    assert "waiting for its answer" in flashes(client.get(response.location))
    db.session.expire_all()
    assert db.session.get(ReturnRequest, asked.id).status == "received"
    assert emails_of("return_refunded") == []
    # and refunding again once Stripe answers settles the same refund, once
    monkeypatch.undo()
    assert act(client, asked.id, "refund").status_code == 303
    db.session.expire_all()
    assert db.session.get(ReturnRequest, asked.id).status == "refunded"
    assert db.session.scalars(select(Refund.status)).all() == ["succeeded"]
    assert len(emails_of("return_refunded")) == 1
