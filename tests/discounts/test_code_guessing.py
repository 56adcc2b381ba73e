"""Discount codes can't be guessed: the refusals one client gets in the cart are bounded."""
from sqlalchemy import select

from shop.cart.models import Cart
from shop.config import Config
from shop.extensions import db, limiter
from tests.checkout.test_checkout_flow import add_to_cart
from tests.discounts.test_cart_codes import enter_code
from tests.factories import make_discount_code
from tests.helpers import flashes


def test_a_client_guessing_codes_is_stopped_after_ten_tries_a_minute(app, client, stock):
    # given the shipped limit on code tries, a real code, and a cart
    app.config["RATE_LIMIT_DISCOUNT_CODES"] = Config.RATE_LIMIT_DISCOUNT_CODES
    limiter.reset()
    make_discount_code("SAVE10")
    add_to_cart(client, "BAND", 2)
    # when ten wrong guesses are made, then the real code is tried
    guesses = [enter_code(client, f"GUESS{n}").status_code for n in range(10)]
    found = enter_code(client, "SAVE10")
    # then each guess was refused, and the eleventh try is stopped with a clear 429
    assert guesses == [400] * 10
    assert found.status_code == 429
    assert "You have tried too many discount codes for now" in flashes(found)
    assert 'value="SAVE10"' in found.get_data(as_text=True)
    # and the cart holds no code
    db.session.expire_all()
    assert db.session.scalar(select(Cart.discount_code)) == ""


def test_applied_codes_do_not_count_towards_the_limit(app, client, stock):
    # given a limit of two refused tries a minute
    app.config["RATE_LIMIT_DISCOUNT_CODES"] = "2 per minute"
    limiter.reset()
    make_discount_code("SAVE10")
    add_to_cart(client, "BAND", 2)
    # when a real code is applied three times, then a wrong one is typed
    applied = [enter_code(client, "SAVE10").status_code for _ in range(3)]
    wrong = enter_code(client, "NOPE")
    # then all were answered: the applied codes did not use up the tries
    assert applied == [303] * 3 and wrong.status_code == 400


def test_a_refused_code_stays_in_the_field(client, stock):
    # given a cart
    add_to_cart(client, "BAND", 2)
    # when an unknown code is entered
    response = enter_code(client, "n0pe-typo")
    # then the refusal shows the code as typed, to correct it
    assert response.status_code == 400
    assert 'value="n0pe-typo"' in response.get_data(as_text=True)
