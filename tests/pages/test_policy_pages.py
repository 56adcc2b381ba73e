"""Policy pages are generated from the rules' data, so the words match the code."""
import re

import pytest

from shop.rules import returns, shipping, warranty
from shop.rules.money import format_cents


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_shipping_page_lists_every_rate_from_the_config(client):
    page = text(client, "/shipping")
    config = shipping.DEFAULT_SHIPPING_CONFIG
    for rate in config.parcel_rates:
        assert f"{format_cents(rate.base_cents)} + {format_cents(rate.per_kg_cents)} per kg" in page
    for cents in config.freight_per_item_cents.values():
        assert f"{format_cents(cents)} per item" in page
    assert "on orders of $99.00 or more" in page
    assert "Items over 32 kg billable, or with a side longer than 150 cm" in page
    assert "14:00" in page and "Discreet packaging" in page


def test_shipping_page_follows_a_changed_threshold(client, monkeypatch):
    changed = shipping.ShippingConfig(free_shipping_threshold_cents=14_900)
    monkeypatch.setattr(shipping, "DEFAULT_SHIPPING_CONFIG", changed)
    assert "on orders of $149.00 or more" in text(client, "/shipping")


def test_returns_page_states_the_window_and_each_reason(client):
    page = text(client, "/returns")
    assert f"{returns.DEFAULT_RETURN_POLICY.window_days}-day returns" in page
    for reason in returns.DEFAULT_RETURN_POLICY.reasons:
        assert reason.label in page


def test_warranty_page_names_a_component_for_every_term(client):
    page = text(client, "/warranty")
    for terms in warranty.DEFAULT_WARRANTY_BY_KIND.values():
        for component, length in warranty.warranty_table(terms):
            assert f"{component} {length}" in page
    assert "1-year warranty on all" not in page.lower()
    assert not re.search(r"10-year warranty", page, re.I)


@pytest.mark.parametrize("url", ["/shipping", "/returns", "/warranty", "/contact"])
def test_policy_pages_are_linked_from_every_page(client, url):
    html = client.get("/").get_data(as_text=True)
    assert f'href="{url}"' in html
