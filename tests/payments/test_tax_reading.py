"""Reading the tax Stripe computed, defensively: missing or odd fields never break payment."""
from shop.payments import gateway
from standin import tax_rates


def test_a_session_without_total_details_reads_as_no_tax_known():
    session = gateway.session_from_event_object({"id": "cs_1", "amount_total": 500})
    assert (session.amount_tax, session.amount_subtotal) == (None, None)
    odd = gateway.session_from_event_object({"id": "cs_2", "total_details": "n/a",
                                             "amount_subtotal": "450"})
    assert (odd.amount_tax, odd.amount_subtotal) == (None, 450)
    full = gateway.session_from_event_object({"id": "cs_3", "total_details": {
        "amount_tax": 585, "amount_discount": 0}})
    assert (full.amount_tax, full.amount_discount) == (585, 0)


def test_line_items_are_read_with_our_reference_or_without_it():
    expanded = gateway._line_item_from({
        "quantity": 2, "amount_subtotal": 5_800, "amount_tax": 515, "description": "Bands",
        "price": {"product": {"id": "prod_1", "metadata": {"shop_ref": "line-7"}}}})
    assert expanded == gateway.SessionLineItem("line-7", "Bands", 2, 5_800, 515)
    bare = gateway._line_item_from({"quantity": 1, "amount_subtotal": 790,
                                    "price": {"product": "prod_2"}})
    assert (bare.ref, bare.amount_tax) == ("", 0)
    assert gateway._line_item_from({"description": "no amounts"}) is None
    assert gateway._line_item_from("not an object") is None


def test_line_item_params_are_tax_exclusive_with_codes_only_when_taxed():
    item = gateway.LineItem("Rack", 79_900, 1, tax_code="txcd_99999999", ref="line-1")
    taxed = gateway._line_item_params(item, "usd", automatic_tax=True)
    assert taxed["price_data"]["tax_behavior"] == "exclusive"
    assert taxed["price_data"]["product_data"] == {
        "name": "Rack", "metadata": {"shop_ref": "line-1"}, "tax_code": "txcd_99999999"}
    untaxed = gateway._line_item_params(item, "usd", automatic_tax=False)
    assert "tax_behavior" not in untaxed["price_data"]
    assert "tax_code" not in untaxed["price_data"]["product_data"]


def test_the_stand_ins_sample_rates_round_half_up_and_skip_untaxed_shipping():
    new_york, california = tax_rates.sample_rate("US", "NY"), tax_rates.sample_rate("us", "ca")
    assert tax_rates.line_tax(5_800, new_york, "txcd_99999999") == 515  # 514.75
    assert tax_rates.line_tax(790, new_york, tax_rates.SHIPPING_TAX_CODE) == 70
    assert tax_rates.line_tax(790, california, tax_rates.SHIPPING_TAX_CODE) == 0
    assert tax_rates.line_tax(5_800, tax_rates.sample_rate("US", "ZZ"), None) == 0
