"""A refund still waiting for Stripe's answer holds the order: it is not packed, shipped,
sold again or cancelled meanwhile; and an order that never sold its stock never puts
stock back. (Found by an attacker's review, 5 December 2026.)"""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.accounts.customers import orders as customer_orders
from shop.backoffice import fulfilment, order_payments
from shop.catalog.models import Variant
from shop.checkout import service as checkout
from shop.database import utcnow
from shop.extensions import db
from shop.orders.models import Order, OrderStatusChange, Refund
from shop.payments import refunds as refund_service
from shop.payments import service as payments
from tests.checkout.test_payment_rules import DETAILS, band, cart_with, client_for, paid_session  # noqa: F401
from tests.checkout.test_refund_outcomes import Declines, NeverReached, RefundsThenTimesOut, paid_order
from tests.factories import make_customer

SHIPMENT = fulfilment.Shipment("ups", "1Z999AA10123456784")


def on_hand(variant) -> int:
    return db.session.scalar(select(Variant.on_hand).where(Variant.id == variant.id))


def fresh(order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def late_payment_with_the_stock_gone(app, standin, band, client):
    """5 on hand: a checkout for 2 lapses, another cart holds 4, then the first is paid."""
    order = checkout.place_order(cart_with(band, 2), DETAILS, utcnow())
    session = paid_session(app, order, standin)
    checkout.sweep_expired(utcnow() + timedelta(hours=1))
    other = checkout.place_order(cart_with(band, 4), DETAILS, utcnow())
    outcome = payments.fulfil_session(session, utcnow(), client)
    return order, session, other, outcome


def test_an_order_whose_full_refund_is_pending_is_neither_packed_nor_shipped(app, standin, band):
    # given a paid order a manager cancels, whose refund Stripe made but whose answer was lost
    order = paid_order(app, standin, band)
    with pytest.raises(fulfilment.FulfilmentError):
        order_payments.cancel(order.number, "Customer asked", RefundsThenTimesOut(client_for(app)),
                              "boss@example.com", by_manager=True)
    order = fresh(order)
    assert order.status == "paid" and order.refunded_cents == order.captured_cents > 0
    # then it is off the pick list and the dashboard's orders to ship, offers no packing,
    # and packing it is refused
    from shop.backoffice.dashboard import dashboard_numbers
    assert order.number not in {n for row in fulfilment.pick_list() for n, _, _ in row.orders}
    assert order.number not in {row.number for row in dashboard_numbers(utcnow())["to_ship"]}
    assert "pack" not in fulfilment.available_actions(order)
    with pytest.raises(fulfilment.FulfilmentError, match="refunded in full"):
        fulfilment.mark_packed(order.number, "staff@example.com")
    assert fresh(order).status == "paid"


def test_a_packed_order_whose_full_refund_is_pending_is_not_shipped(app, standin, band):
    # given a packed order refunded in full, Stripe's answer lost
    order = paid_order(app, standin, band)
    fulfilment.mark_packed(order.number, "staff@example.com")
    refund_service.refund_order(order.id, order.captured_cents, "Damaged in the warehouse",
                                RefundsThenTimesOut(client_for(app)), actor="boss@example.com")
    order = fresh(order)
    assert order.status == "packed" and order.refunded_cents == order.captured_cents
    # then shipping it is refused, and offered nowhere
    assert "ship" not in fulfilment.available_actions(order)
    with pytest.raises(fulfilment.FulfilmentError, match="refunded in full"):
        fulfilment.mark_shipped(order.number, SHIPMENT, "staff@example.com", utcnow())
    assert fresh(order).shipped_at is None


def test_a_customer_whose_cancellation_refund_is_pending_is_told_so_and_the_order_never_ships(
        app, standin, band):
    order = paid_order(app, standin, band)
    customer = make_customer(email=order.email)
    # when the customer cancels and the refund's answer is lost
    with pytest.raises(customer_orders.CancelRefused) as refused:
        customer_orders.cancel(customer, order.number, RefundsThenTimesOut(client_for(app)))
    # then they are not told that nothing changed, and staff cannot pack it
    assert "nothing was charged or changed" not in str(refused.value)
    assert "refund was sent" in str(refused.value) and "on hold" in str(refused.value)
    with pytest.raises(fulfilment.FulfilmentError):
        fulfilment.mark_packed(order.number, "staff@example.com")


def cancel(order, client):
    return order_payments.cancel(order.number, "Customer asked", client, "boss@example.com",
                                 by_manager=True)


def test_a_second_cancel_waits_for_a_refund_that_never_reached_stripe(app, standin, band):
    order = paid_order(app, standin, band)
    units = on_hand(band)
    # given a cancellation whose refund never reached Stripe (pending)
    with pytest.raises(fulfilment.FulfilmentError):
        cancel(order, NeverReached(client_for(app)))
    # when the manager tries again and Stripe is still unreachable
    with pytest.raises(fulfilment.FulfilmentError, match="waiting"):
        cancel(order, NeverReached(client_for(app)))
    # then the order is not cancelled and no stock came back while the money is not back
    order = fresh(order)
    assert order.status == "paid"
    assert db.session.scalar(select(Refund.status).where(Refund.order_id == order.id)) == "pending"
    assert on_hand(band) == units


def test_a_second_cancel_settles_the_pending_refund_first_then_cancels_once(app, standin, band):
    order = paid_order(app, standin, band)
    units = on_hand(band)
    with pytest.raises(fulfilment.FulfilmentError):
        cancel(order, NeverReached(client_for(app)))
    # when Stripe answers again: the pending refund is sent under its own key, then cancelled
    cancel(order, client_for(app))
    order = fresh(order)
    assert order.status == "cancelled" and order.refunded_cents == order.captured_cents
    assert db.session.scalars(select(Refund.status).where(Refund.order_id == order.id)).all() \
        == ["succeeded"]
    assert on_hand(band) == units + 2


def test_a_late_payment_refunded_while_the_stock_was_gone_puts_no_stock_back(app, standin, band):
    order, _, _, outcome = late_payment_with_the_stock_gone(app, standin, band, client_for(app))
    assert outcome.action == "refunded_late"
    order = fresh(order)
    assert (order.status, order.paid_at) == ("refunded", None)
    units = on_hand(band)
    # then the back office does not offer to put its stock back, and refuses to
    assert "cancel" not in fulfilment.available_actions(order)
    with pytest.raises(fulfilment.FulfilmentError, match="never sold"):
        order_payments.cancel(order.number, "Tidy up", client_for(app), "boss@example.com",
                              by_manager=True)
    assert on_hand(band) == units
    assert fresh(order).status == "refunded"


def test_a_late_payment_being_refunded_is_not_also_honoured_when_stock_comes_back(
        app, standin, band):
    # given a late payment whose refund's answer was lost (pending)
    order, session, other, outcome = late_payment_with_the_stock_gone(
        app, standin, band, RefundsThenTimesOut(client_for(app)))
    assert outcome.action == "refunded_late"
    assert db.session.scalar(select(Refund.status).where(Refund.order_id == order.id)) == "pending"
    # when the other cart's units come back and the success page is reloaded
    checkout.cancel_unpaid(db.session.get(Order, other.id), note="abandoned")
    units = on_hand(band)
    again = payments.fulfil_session(session, utcnow(), client_for(app))
    # then the order is not sold: it stays refunded, its stock untouched
    assert again.action != "honoured_late"
    order = fresh(order)
    assert order.paid_at is None and on_hand(band) == units
    refund_service.reconcile_pending_refunds(client_for(app), utcnow() + timedelta(minutes=5))
    order = fresh(order)
    assert order.status == "refunded" and order.refunded_cents == order.captured_cents
    assert on_hand(band) == units


def test_a_late_payment_whose_refund_stripe_refuses_is_recorded_not_crashed(app, standin, band):
    # when Stripe refuses the refund of a late payment
    order, session, _, outcome = late_payment_with_the_stock_gone(
        app, standin, band, Declines(client_for(app)))
    # then fulfilment answers (the webhook gets 200, its event is kept) and the order says so
    assert outcome.action == "late_refund_failed"
    order = fresh(order)
    assert order.paid_at is None and order.refunded_cents == 0
    assert order.captured_cents > 0  # what a manager still has to give back
    notes = db.session.scalars(select(OrderStatusChange.note)
                               .where(OrderStatusChange.order_id == order.id)).all()
    assert any("refused" in note for note in notes)
    assert "refund" in fulfilment.available_actions(order)
    # and a later delivery of the same payment tries the refund again, never sells it
    again = payments.fulfil_session(session, utcnow(), client_for(app))
    assert again.action == "refunded_late"
    order = fresh(order)
    assert order.status == "refunded" and order.paid_at is None
    assert db.session.scalar(select(func.count()).select_from(Refund)
                             .where(Refund.order_id == order.id, Refund.status == "succeeded")) == 1


def test_a_late_refund_refused_after_its_answer_was_lost_is_noted_and_listed_to_give_back(
        app, standin, band):
    from shop.backoffice.dashboard import dashboard_numbers
    # given a late payment whose refund never reached Stripe (pending)
    order, session, _, _ = late_payment_with_the_stock_gone(
        app, standin, band, NeverReached(client_for(app)))
    assert not dashboard_numbers(utcnow())["to_give_back"]  # pending: the worker asks again
    # when the payment is delivered again and Stripe now refuses that refund
    again = payments.fulfil_session(session, utcnow(), Declines(client_for(app)))
    # then it is not reported as refunded: the timeline says so and the dashboard lists it
    assert again.action == "late_refund_failed"
    order = fresh(order)
    assert order.refunded_cents == 0 and order.paid_at is None
    notes = db.session.scalars(select(OrderStatusChange.note)
                               .where(OrderStatusChange.order_id == order.id)).all()
    assert any("refused" in note for note in notes)
    assert [row.number for row in dashboard_numbers(utcnow())["to_give_back"]] == [order.number]
