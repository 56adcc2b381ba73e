"""The staff order page: discreet sender setting, carrier from the method, tracking changes,
links to orders and SKUs, and the money buttons set apart."""
from tests.factories import make_order


def test_the_packing_slip_of_a_discreet_order_uses_the_sender_setting(app, as_staff):
    # given the shop's own neutral sender name
    app.config["SHOP_DISCREET_SENDER"] = "RW Parcels"
    order = make_order(discreet=True)
    # when staff print the slip of a discreet order
    slip = as_staff.get(f"/admin/orders/{order.number}/packing-slip").get_data(as_text=True)
    # then it shows that sender
    assert 'data-testid="sender">RW Parcels<' in slip
