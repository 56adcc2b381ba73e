"""Contact details from settings, the discreet sender setting, and a rate-limit page for people."""
from shop.extensions import limiter
from tests.helpers import csrf_token


def test_the_footer_and_contact_page_show_the_contact_settings(app, client):
    # given the shop's contact details set
    app.config.update(SHOP_CONTACT_EMAIL="care@ironoak.test", SHOP_CONTACT_PHONE="+1 518 555 0142",
                      SHOP_CONTACT_ADDRESS="12 River St, Troy, NY 12180")
    for url in ("/", "/contact"):
        html = client.get(url).get_data(as_text=True)
        # then every page's footer (and the contact page) shows all three
        assert '<a href="mailto:care@ironoak.test">care@ironoak.test</a>' in html
        assert '<a href="tel:+15185550142">+1 518 555 0142</a>' in html
        assert "12 River St, Troy, NY 12180" in html
    assert "Or reach us directly" in client.get("/contact").get_data(as_text=True)


def test_an_empty_phone_setting_is_left_out(app, client):
    app.config["SHOP_CONTACT_PHONE"] = ""
    html = client.get("/contact").get_data(as_text=True)
    assert "tel:" not in html and "Phone:" not in html


def test_the_discreet_sender_is_a_setting(app, client):
    # given the shop's own neutral sender name
    app.config["SHOP_DISCREET_SENDER"] = "RW Parcels"
    # then the shipping page promises that name
    assert 'show the sender as &#34;RW Parcels&#34;' in client.get("/shipping").get_data(
        as_text=True)


def test_too_many_tries_get_a_page_for_a_person_with_status_429(app, client):
    # given a limit of 2 order lookups a minute
    app.config["RATE_LIMIT_ORDER_LOOKUP"] = "2 per minute"
    limiter.reset()
    token = csrf_token(client, "/track")
    # when a third lookup comes within the minute
    responses = [client.post("/track", data={"number": "IO-AAAA-BBBB", "email": "a@example.com",
                                              "csrf_token": token}) for _ in range(3)]
    # then it is refused with 429 and words a person understands
    last = responses[-1]
    assert last.status_code == 429
    html = last.get_data(as_text=True)
    assert "Too many tries, wait a minute" in html
    assert "Too Many Requests" not in html
    assert "<title>Too many tries |" in html
