"""Back-in-stock alerts: double opt-in, one email when stock is received, unsubscribe, races."""
import re

import pytest
from sqlalchemy import select

from shop.backoffice import stock_service
from shop.engagement import restock
from shop.engagement.models import BackInStockRequest
from shop.extensions import db, limiter
from shop.orders.models import OutgoingEmail
from tests.backoffice.conftest import sign_in
from tests.factories import make_product
from tests.helpers import csrf_token, flashes, run_concurrently


@pytest.fixture
def app_settings():
    return {"RATE_LIMIT_BACK_IN_STOCK": "100000 per minute"}


@pytest.fixture
def sold_out(app):
    """A published rack whose only SKU is sold out."""
    return make_product(name="Power Rack", slug="power-rack",
                        variants=[{"sku": "RACK-1", "on_hand": 0}]).variants[0]


def ask(client, email, sku="RACK-1"):
    token = csrf_token(client, "/products/power-rack")
    return client.post("/back-in-stock", data={"email": email, "sku": sku, "csrf_token": token})


def outbox(kind):
    db.session.expire_all()
    return db.session.scalars(select(OutgoingEmail).where(OutgoingEmail.kind == kind)
                              .order_by(OutgoingEmail.id)).all()


def alerts():
    db.session.expire_all()
    return db.session.scalars(select(BackInStockRequest).order_by(BackInStockRequest.id)).all()


def link_in(body, kind):
    return re.search(rf"https?://[^\s]+/back-in-stock/{kind}/[\w-]+", body).group(0)


def confirm(client, email):
    """Ask for an alert and follow the link from the confirmation email, as a shopper does."""
    ask(client, email)
    body = [e for e in outbox("back_in_stock_confirm") if e.to == email][-1].body
    path = link_in(body, "confirm").split("shop.test", 1)[1]
    return client.post(path, data={"csrf_token": csrf_token(client, path)})


def receive(variant_id, units=5):
    stock_service.receive(variant_id, units, "PO 1", "warehouse@example.com")


def test_sold_out_page_offers_the_alert_and_a_disabled_button(client, sold_out):
    html = client.get("/products/power-rack").get_data(as_text=True)
    assert 'data-testid="back-in-stock"' in html
    assert re.search(r"<button type=\"submit\" disabled>Out of stock</button>", html)


def test_alert_waits_for_the_confirmation_link_before_anything_is_sent(client, sold_out):
    # when a shopper leaves an address but never opens the confirmation link
    response = ask(client, "Lee@Example.com ")
    assert response.status_code == 303
    assert "emailed you a link" in flashes(client.get(response.headers["Location"]))
    # then only the confirmation email is queued, with fixed wording and both links
    [email] = outbox("back_in_stock_confirm")
    assert email.to == "lee@example.com"
    assert link_in(email.body, "confirm") and link_in(email.body, "unsubscribe")
    assert [a.status for a in alerts()] == ["pending"]
    # and stock arriving sends nothing to an unconfirmed address
    receive(sold_out.id)
    assert outbox("back_in_stock") == []
    assert [a.status for a in alerts()] == ["pending"]


def test_opening_the_link_confirms_nothing_until_the_button_is_pressed(client, sold_out):
    ask(client, "lee@example.com")
    path = link_in(outbox("back_in_stock_confirm")[0].body, "confirm").split("shop.test", 1)[1]
    # when a mail scanner opens the link
    page = client.get(path)
    # then the page asks, and the request is still pending
    assert page.status_code == 200 and "Yes, email me once" in page.get_data(as_text=True)
    assert [a.status for a in alerts()] == ["pending"]
    # when the shopper presses the button, it is confirmed
    done = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert done.status_code == 200 and "Confirmed." in done.get_data(as_text=True)
    assert [a.status for a in alerts()] == ["confirmed"]


def test_confirmed_alert_is_emailed_once_when_stock_is_received(client, sold_out):
    # given two confirmed shoppers
    confirm(client, "lee@example.com")
    confirm(client, "kim@example.com")
    # when stock is received, then received again
    receive(sold_out.id)
    receive(sold_out.id)
    # then each gets exactly one email, with the product's link and an unsubscribe link
    sent = outbox("back_in_stock")
    assert sorted(e.to for e in sent) == ["kim@example.com", "lee@example.com"]
    assert "/products/power-rack?sku=RACK-1" in sent[0].body
    assert link_in(sent[0].body, "unsubscribe")
    assert {a.status for a in alerts()} == {"notified"}


def test_unsubscribe_stops_the_alert(client, sold_out):
    confirm(client, "lee@example.com")
    path = link_in(outbox("back_in_stock_confirm")[0].body, "unsubscribe").split("shop.test", 1)[1]
    # when the shopper opens the unsubscribe link and presses the button
    assert client.get(path).status_code == 200
    assert [a.status for a in alerts()] == ["confirmed"]  # a GET changes nothing
    response = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 200 and "1 alert stopped" in response.get_data(as_text=True)
    # then stock arriving sends nothing
    receive(sold_out.id)
    assert outbox("back_in_stock") == []
    assert [a.status for a in alerts()] == ["unsubscribed"]


def test_asking_again_sends_at_most_one_confirmation_a_day(client, sold_out):
    for _ in range(3):
        assert ask(client, "lee@example.com").status_code == 303
    assert len(outbox("back_in_stock_confirm")) == 1 and len(alerts()) == 1


def test_one_address_gets_a_few_confirmations_a_day_whatever_it_is_asked_for(client, sold_out):
    # given eight sold-out products, and someone entering a victim's address for each
    for n in range(7):
        make_product(name=f"Plate {n}", slug=f"plate-{n}", variants=[{"sku": f"PLATE-{n}",
                                                                      "on_hand": 0}])
    skus = ["RACK-1"] + [f"PLATE-{n}" for n in range(7)]
    for sku in skus:
        assert ask(client, "victim@example.com", sku).status_code == 303
    # then the address gets at most five confirmation emails today, all products together,
    # while each request is recorded (it can still be confirmed from a link sent)
    sent = outbox("back_in_stock_confirm")
    assert len(sent) == restock.CONFIRMATIONS_A_DAY == 5
    assert len(alerts()) == 8
    # and another address is not held back by the first one's cap
    assert ask(client, "lee@example.com", "PLATE-6").status_code == 303
    assert [e.to for e in outbox("back_in_stock_confirm")].count("lee@example.com") == 1


def test_look_alike_spellings_of_an_address_share_its_alert_and_its_cap(client, sold_out):
    # given the same mailbox typed several ways: full-width letters, capitals, a +tag,
    # an accented domain in Unicode and in ASCII
    for n in range(3):
        make_product(name=f"Plate {n}", slug=f"plate-{n}", variants=[{"sku": f"PLATE-{n}",
                                                                      "on_hand": 0}])
    spellings = ["victim@\uff45xample.com", "VICTIM@example.com", "victim+x@example.com",
                 "ann@ex\u00e4mple.com", "ann@xn--exmple-cua.com"]
    # when each asks for the rack and the three plates
    for email in spellings:
        for sku in ["RACK-1", "PLATE-0", "PLATE-1", "PLATE-2"]:
            assert ask(client, email, sku).status_code == 303
    # then the look-alikes made one alert per product, and each mailbox got five emails
    # at most, all products together
    assert sorted({a.email for a in alerts()}) == [
        "ann@ex\u00e4mple.com", "victim+x@example.com", "victim@example.com"]
    assert len(alerts()) == 3 * 4
    sent = [e.to for e in outbox("back_in_stock_confirm")]
    to_victim = [to for to in sent if to.startswith("victim")]
    to_ann = [to for to in sent if to.startswith("ann")]
    assert len(to_victim) == restock.CONFIRMATIONS_A_DAY and len(to_ann) == 4


def test_alert_refuses_bad_input_and_sellable_skus(client, sold_out):
    bad_email = ask(client, "not-an-email")
    assert bad_email.status_code == 400
    assert "valid email" in bad_email.get_data(as_text=True)
    unknown = ask(client, "lee@example.com", sku="NOPE")
    assert unknown.status_code == 409
    receive(sold_out.id)
    in_stock = ask(client, "lee@example.com")
    assert in_stock.status_code == 409 and "in stock now" in in_stock.get_data(as_text=True)
    assert alerts() == [] and outbox("back_in_stock_confirm") == []


def test_unknown_token_is_a_404(client, sold_out):
    assert client.get("/back-in-stock/confirm/not-a-token").status_code == 404


def test_alert_posting_is_rate_limited(app, client, sold_out):
    app.config["RATE_LIMIT_BACK_IN_STOCK"] = "2 per minute"
    limiter.reset()
    statuses = [ask(client, f"p{n}@example.com").status_code for n in range(3)]
    assert statuses == [303, 303, 429]
    assert len(alerts()) == 2


def test_staff_see_how_many_are_waiting(client, sold_out, staff_user):
    confirm(client, "lee@example.com")
    confirm(client, "kim@example.com")
    ask(client, "unsure@example.com")
    sign_in(client, staff_user)
    html = client.get("/admin/back-in-stock").get_data(as_text=True)
    row = re.search(r"RACK-1</a></td>.*?</tr>", html, re.S).group(0)
    assert re.findall(r"<td[^>]*>(?:<strong>)?(\d+)", row) == ["0", "2", "1"]
    variant_page = client.get(f"/admin/stock/{sold_out.id}").get_data(as_text=True)
    assert 'data-testid="waiting-alerts">2<' in variant_page


def test_two_receipts_at_once_send_each_alert_once(app, backend, client, sold_out):
    if backend != "postgresql":
        pytest.skip("real concurrency is tested against PostgreSQL")
    # given five confirmed shoppers waiting for a sold-out SKU
    for n in range(5):
        confirm(client, f"p{n}@example.com")
    variant_id = sold_out.id
    # when eight deliveries are received at the same moment
    results = run_concurrently(app, [lambda: receive(variant_id, 2) for _ in range(8)])
    # then every receipt went through, and each shopper got exactly one email
    assert results == [None] * 8
    sent = outbox("back_in_stock")
    assert sorted(e.to for e in sent) == [f"p{n}@example.com" for n in range(5)]
    assert {a.status for a in alerts()} == {"notified"}


def test_asking_at_once_for_many_products_still_sends_at_most_the_cap(app, backend, sold_out):
    if backend != "postgresql":
        pytest.skip("real concurrency is tested against PostgreSQL")
    # given eight sold-out products
    for n in range(7):
        make_product(name=f"Plate {n}", slug=f"plate-{n}", variants=[{"sku": f"PLATE-{n}",
                                                                      "on_hand": 0}])
    skus = ["RACK-1"] + [f"PLATE-{n}" for n in range(7)]
    # when the same address is entered for all of them at the same moment
    results = run_concurrently(app, [lambda sku=sku: restock.request_alert(sku, "v@example.com")
                                     for sku in skus])
    # then every request was taken, and five confirmation emails at most went out
    assert results == [None] * 8
    assert len(alerts()) == 8
    assert len(outbox("back_in_stock_confirm")) == restock.CONFIRMATIONS_A_DAY


def one_click_path(email):
    """Where the alert emails tell mail clients to post a one-click unsubscribe."""
    url = [e for e in outbox("back_in_stock_confirm") if e.to == email][-1].list_unsubscribe_url
    assert re.fullmatch(r"https?://shop\.test/back-in-stock/unsubscribe/[\w-]+/one-click", url)
    return url.split("shop.test", 1)[1]


def sent_by_the_worker(app) -> list:
    """Send what is due, as the worker does; the messages the test mail backend got."""
    from shop.orders import emails
    sent = app.extensions["mailman"].outbox = []  # the test mail backend's (locmem)
    emails.send_pending()
    return sent


@pytest.mark.parametrize("app_settings", [{"RATE_LIMIT_BACK_IN_STOCK": "100000 per minute",
                                           "SHOP_BASE_URL": "https://shop.test"}])
def test_alert_emails_offer_the_mail_client_a_one_click_unsubscribe(app, sold_out):
    from tests.factories import make_order
    from shop.orders import emails
    # given a shop at an https address, and a confirmed shopper whose product came back,
    # all through the services, outside any request (as a command-line import would)
    restock.request_alert("RACK-1", "lee@example.com")
    assert restock.confirm(alerts()[0].token)
    receive(sold_out.id)
    emails.queue_order_confirmation(make_order(email="lee@example.com"))
    db.session.commit()
    # when the worker sends the confirmation, the alert and an order confirmation
    sent = {m.subject: m.message() for m in sent_by_the_worker(app)}
    # then both alert emails carry RFC 8058's headers, to this address's one-click
    one_click = "https://shop.test" + one_click_path("lee@example.com")
    for subject in (restock.CONFIRM_SUBJECT, "Back in stock: Power Rack"):
        assert sent[subject]["List-Unsubscribe"] == f"<{one_click}>"
        assert sent[subject]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "https://shop.test/back-in-stock/unsubscribe/" in \
        sent["Back in stock: Power Rack"].get_payload()
    # and the link in each email's text is the button page, never the one-click address
    page = f"https://shop.test/back-in-stock/unsubscribe/{alerts()[0].token}"
    for subject in (restock.CONFIRM_SUBJECT, "Back in stock: Power Rack"):
        body = sent[subject].get_payload()
        assert page in body and one_click not in body
    # and an order email has none: it is not something to unsubscribe from
    [order_mail] = [m for s, m in sent.items() if s.startswith("Order ")]
    assert order_mail["List-Unsubscribe"] is None


def test_without_an_https_address_alert_emails_get_no_one_click_headers(app, client, sold_out):
    # RFC 8058 wants https: on http://shop.test the email's own link is the way out
    confirm(client, "lee@example.com")
    [message] = sent_by_the_worker(app)
    assert message.message()["List-Unsubscribe"] is None
    assert "/back-in-stock/unsubscribe/" in message.body


def test_a_mail_clients_one_click_unsubscribe_stops_the_alerts(app, client, sold_out):
    # given lee waits for two products, and kim for one
    make_product(name="Bench", slug="bench", variants=[{"sku": "BENCH-1", "on_hand": 0}])
    confirm(client, "lee@example.com")
    ask(client, "lee@example.com", sku="BENCH-1")
    confirm(client, "kim@example.com")
    path = one_click_path("lee@example.com")
    # when lee's mail client posts the one-click form: no session, no CSRF token
    response = app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    # then both of lee's alerts stop, kim's stays, and stock arriving emails kim only
    assert response.status_code == 200 and "Unsubscribed" in response.get_data(as_text=True)
    assert sorted((a.email, a.status) for a in alerts()) == [
        ("kim@example.com", "confirmed"), ("lee@example.com", "unsubscribed"),
        ("lee@example.com", "unsubscribed")]
    receive(sold_out.id)
    assert [e.to for e in outbox("back_in_stock")] == ["kim@example.com"]


def test_the_one_click_address_changes_nothing_without_its_form_or_token(app, client, sold_out):
    confirm(client, "lee@example.com")
    path = one_click_path("lee@example.com")
    stranger = app.test_client()
    # a POST without the one-click form is refused with a clear answer
    refused = stranger.post(path, data={"List-Unsubscribe": "yes"})
    assert refused.status_code == 400 and "one-click" in refused.get_data(as_text=True)
    # an unknown token is not found
    assert stranger.post(path.replace("/unsubscribe/", "/unsubscribe/x"),
                         data={"List-Unsubscribe": "One-Click"}).status_code == 404
    # opening the address (a person, a link scanner) leads to the button page
    opened = stranger.get(path)
    assert opened.status_code == 303 and opened.headers["Location"].endswith(
        path.removesuffix("/one-click"))
    assert [a.status for a in alerts()] == ["confirmed"]
