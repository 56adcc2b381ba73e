"""Links in emails: from SHOP_BASE_URL when set, never from the Host a visitor sends."""
import pytest

from shop.orders.emails import absolute_url


@pytest.fixture
def app_settings():
    return {"SHOP_BASE_URL": "https://shop.example.com/store"}


def test_a_link_in_an_email_ignores_the_host_a_visitor_sent(app):
    # when a request with a made-up Host (and no /store prefix) queues an email
    with app.test_request_context("/account/forgot", base_url="http://evil.example"):
        link = absolute_url("customer.reset", token="abc")
    # then its link is the shop's own address
    assert link == "https://shop.example.com/store/account/reset/abc"


def test_a_link_built_outside_a_request_is_the_same(app):
    # a stock import from the command line queues back-in-stock emails with no request
    with app.app_context():
        assert absolute_url("catalog.product", slug="power-rack", sku="R-1") == \
            "https://shop.example.com/store/products/power-rack?sku=R-1"
