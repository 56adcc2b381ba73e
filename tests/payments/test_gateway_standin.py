"""The Stripe gateway against the local Stripe stand-in (localstripe + our Checkout extension).

One stand-in process serves the whole module; each test that needs webhooks gets
its own receiver, wired in through `POST /_standin/config`. Webhooks are polled
for (they arrive in the background), never waited for with fixed sleeps.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest

pytest.importorskip(
    "localstripe",
    exc_type=ImportError,
    reason="localstripe is not installed: pip install -r requirements-standin.txt to run the "
           "payment tests against the local Stripe stand-in")

from shop.payments.gateway import (  # noqa: E402
    CheckoutSession,
    GatewayError,
    GatewayUnavailable,
    InvalidWebhook,
    LineItem,
    PaymentError,
    StripeClient,
    client_from_config,
)
from standin import banner, free_port, refusal_reason  # noqa: E402
from tests.payments.standin_fixture import (  # noqa: E402,F401  (fixtures are used by name)
    PROJECT_ROOT,
    TEST_SECRET_KEY,
    TEST_WEBHOOK_SECRET,
    WebhookReceiver,
    http_request,
    of_type,
    running_standin,
    sign_payload,
    standin,
    standin_command,
    standin_env,
    webhook_receiver,
)

PAYS = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0341"
LINES = [
    LineItem(name="Adjustable dumbbell pair, 5-52.5 lb", unit_amount_cents=34999, quantity=1),
    LineItem(name="Kettlebell 16 kg", unit_amount_cents=5999, quantity=2),
]
LINES_TOTAL = 34999 + 2 * 5999


@pytest.fixture
def gateway(standin) -> StripeClient:
    return StripeClient(TEST_SECRET_KEY, api_base=standin.base_url, webhook_secret=TEST_WEBHOOK_SECRET,
                        timeout=5)


def new_session(gateway: StripeClient, *, key: str | None = None, order_ref: str = "1001",
                lines: list[LineItem] = LINES) -> CheckoutSession:
    return gateway.create_checkout_session(
        order_ref=order_ref,
        line_items=lines,
        customer_email="buyer@example.com",
        success_url="http://127.0.0.1:5000/checkout/success?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="http://127.0.0.1:5000/checkout/cancelled",
        expires_at=int(time.time()) + 31 * 60,
        payment_method_types=["card"],
        idempotency_key=key or f"order-{order_ref}-{uuid.uuid4()}",
        metadata={"order_id": order_ref},
    )


def paid_session(gateway: StripeClient, standin) -> CheckoutSession:
    session = new_session(gateway)
    status, body = standin.pay(session.id, PAYS)
    assert status == 200, body
    return gateway.retrieve_checkout_session(session.id)


# --- creating sessions -----------------------------------------------------------------

def test_a_created_session_totals_its_line_items_and_points_at_the_hosted_page(gateway, standin):
    # given two server-priced lines
    # when a Checkout Session is created through the gateway
    session = new_session(gateway, order_ref="2001")
    # then it is open, unpaid, and its total is the sum of the lines
    assert session.id.startswith("cs_test_")
    assert session.status == "open" and session.payment_status == "unpaid"
    assert session.amount_total == LINES_TOTAL
    assert session.payment_intent_id is None
    assert session.metadata == {"order_id": "2001"}
    assert session.client_reference_id == "2001"
    assert session.url == f"{standin.base_url}/pay/{session.id}"
    assert session.expires_at and session.expires_at > time.time()
    # and retrieving it gives the same session
    assert gateway.retrieve_checkout_session(session.id) == session


def test_the_same_idempotency_key_returns_the_same_session(gateway):
    # given a session created with an idempotency key
    first = new_session(gateway, key="checkout-order-3001-attempt-1", order_ref="3001")
    # when the same request is sent again with the same key
    again = new_session(gateway, key="checkout-order-3001-attempt-1", order_ref="3001")
    # then the same session comes back, while another key makes a new one
    assert again.id == first.id
    assert new_session(gateway, key="checkout-order-3001-attempt-2", order_ref="3001").id != first.id


def test_reusing_an_idempotency_key_with_other_parameters_is_refused(gateway):
    # given a key already used for one order
    new_session(gateway, key="checkout-reused-key", order_ref="3101")
    # when it is reused for a different request
    # then the gateway raises a GatewayError, as Stripe answers idempotency_error
    with pytest.raises(GatewayError):
        new_session(gateway, key="checkout-reused-key", order_ref="3102")


def test_the_standin_rejects_missing_line_items_and_negative_amounts_stripe_style(standin):
    # given form-encoded create requests as stripe-python sends them
    auth = {"Authorization": f"Bearer {TEST_SECRET_KEY}"}
    base = {"mode": "payment", "success_url": "http://127.0.0.1:5000/ok"}
    negative = dict(base, **{
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][product_data][name]": "Weight plate",
        "line_items[0][price_data][unit_amount]": "-100",
        "line_items[0][quantity]": "1",
    })
    # when one has no line items and one has a negative unit amount
    missing_status, _, missing_body = http_request(
        "POST", standin.base_url + "/v1/checkout/sessions", data=base, headers=auth)
    negative_status, _, negative_body = http_request(
        "POST", standin.base_url + "/v1/checkout/sessions", data=negative, headers=auth)
    # then both get a Stripe-shaped 400 invalid_request_error
    for status, body in ((missing_status, missing_body), (negative_status, negative_body)):
        assert status == 400
        error = json.loads(body)["error"]
        assert error["type"] == "invalid_request_error" and error["message"]
    assert json.loads(missing_body)["error"]["param"] == "line_items"
    assert "unit_amount" in json.loads(negative_body)["error"]["param"]


def test_the_gateway_maps_a_rejected_request_to_gateway_error(gateway):
    # given no line items at all
    # when the gateway asks for a session
    with pytest.raises(GatewayError) as caught:
        new_session(gateway, lines=[])
    # then the stand-in's 400 comes back as our GatewayError with its status
    assert caught.value.http_status == 400
    assert "line_items" in caught.value.message


def test_line_items_refuse_negative_amounts_before_any_request():
    # given / when / then: the gateway's own values refuse nonsense early
    with pytest.raises(ValueError):
        LineItem(name="Bench", unit_amount_cents=-1, quantity=1)
    with pytest.raises(ValueError):
        LineItem(name="Bench", unit_amount_cents=100, quantity=0)
    with pytest.raises(ValueError):
        LineItem(name=" ", unit_amount_cents=100, quantity=1)


def test_an_unknown_session_is_a_gateway_error_with_404(gateway):
    # given an id the stand-in never issued
    # when it is retrieved
    with pytest.raises(GatewayError) as caught:
        gateway.retrieve_checkout_session("cs_test_doesnotexist")
    # then the 404 is reported as a GatewayError
    assert caught.value.http_status == 404


def test_an_unreachable_provider_raises_gateway_unavailable():
    # given a gateway pointed at a loopback port nobody listens on
    client = StripeClient(TEST_SECRET_KEY, api_base=f"http://127.0.0.1:{free_port()}", timeout=2,
                          max_network_retries=0)
    # when it is used
    # then the shop gets GatewayUnavailable ("payment provider unreachable, try again")
    with pytest.raises(GatewayUnavailable):
        client.retrieve_checkout_session("cs_test_x")
    assert issubclass(GatewayUnavailable, PaymentError)


def test_a_live_key_is_refused_by_the_running_standin(standin):
    # given a request carrying a live key
    status, _, body = http_request("GET", standin.base_url + "/v1/checkout/sessions",
                                   headers={"Authorization": "Bearer sk_live_not_for_the_standin"})
    # then the stand-in refuses it
    assert status == 401
    assert "live" in json.loads(body)["error"]["message"]


# --- the hosted payment page -----------------------------------------------------------

def test_the_hosted_page_shows_the_lines_the_total_and_a_card_form(gateway):
    # given an open session
    session = new_session(gateway)
    # when its hosted page is opened
    status, headers, body = http_request("GET", session.url)
    page = body.decode("utf-8")
    # then it is clearly the stand-in's test page, with items, total, card field and cancel link
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "Local Stripe stand-in — test payment" in page
    assert "not Stripe" in page
    assert "Kettlebell 16 kg" in page and "Adjustable dumbbell pair" in page
    assert "$469.97" in page
    assert 'name="card"' in page
    assert 'href="http://127.0.0.1:5000/checkout/cancelled"' in page


def test_paying_with_4242_redirects_to_success_and_sends_a_signed_completed_webhook(
        gateway, standin, webhook_receiver):
    # given an open session and a shop listening for webhooks
    session = new_session(gateway, order_ref="4001")
    # when the customer pays with the paying test card on the hosted page
    status, headers, _ = http_request("POST", session.url, data={"card": PAYS})
    # then they are sent to the success URL with the session id filled in
    assert status == 303
    assert headers["Location"] == f"http://127.0.0.1:5000/checkout/success?session_id={session.id}"
    # and a signed checkout.session.completed arrives that the gateway accepts
    [delivery] = webhook_receiver.wait_for(of_type("checkout.session.completed", session.id))
    event = gateway.parse_webhook(delivery.body, delivery.signature)
    assert event.id.startswith("evt_") and event.type == "checkout.session.completed"
    assert event.object["id"] == session.id
    assert event.object["payment_status"] == "paid"
    assert event.object["metadata"] == {"order_id": "4001"}
    assert event.object["amount_total"] == LINES_TOTAL
    # and the session now reads paid, with a payment intent
    paid = gateway.retrieve_checkout_session(session.id)
    assert paid.is_paid
    assert paid.payment_intent_id and paid.payment_intent_id.startswith("pi_")
    assert event.object["payment_intent"] == paid.payment_intent_id


def test_the_declined_card_does_not_pay_and_the_session_stays_open(gateway, standin, webhook_receiver):
    # given an open session
    session = new_session(gateway)
    # when the customer types the declined test card
    status, _, body = http_request("POST", session.url, data={"card": DECLINED})
    # then the page shows the decline and offers the form again
    assert status == 402
    assert "declined" in body.decode("utf-8").lower()
    assert 'name="card"' in body.decode("utf-8")
    # and nothing is paid, and no completed event is sent
    again = gateway.retrieve_checkout_session(session.id)
    assert again.status == "open" and again.payment_status == "unpaid"
    assert again.payment_intent_id is None
    assert standin.events(type="checkout.session.completed", session=session.id) == []


def test_an_unknown_card_number_is_rejected_as_invalid(gateway, standin):
    # given an open session
    session = new_session(gateway)
    # when a number that is not one of the two test cards is typed
    status, _, body = http_request("POST", session.url, data={"card": "4111 1111 1111 1111"})
    # then it is refused as not a test card and the session stays open
    assert status == 400
    assert "not a test card" in body.decode("utf-8")
    assert gateway.retrieve_checkout_session(session.id).status == "open"


def test_a_paid_session_cannot_be_paid_twice(gateway, standin):
    # given a paid session
    session = paid_session(gateway, standin)
    # when it is paid again, through the page or the test endpoint
    page_status, _, page = http_request("POST", f"{standin.base_url}/pay/{session.id}", data={"card": PAYS})
    api_status, body = standin.pay(session.id, PAYS)
    # then both are refused, and the payment intent is unchanged
    assert page_status == 409 and "already paid" in page.decode("utf-8")
    assert api_status == 400 and body["error"]["code"] == "checkout_session_not_open"
    assert gateway.retrieve_checkout_session(session.id).payment_intent_id == session.payment_intent_id
    assert len(standin.events(type="checkout.session.completed", session=session.id)) == 1


# --- webhooks --------------------------------------------------------------------------

def test_a_tampered_or_badly_signed_webhook_raises_invalid_webhook(gateway, standin, webhook_receiver):
    # given a genuine signed webhook
    session = new_session(gateway)
    standin.pay(session.id, PAYS)
    [delivery] = webhook_receiver.wait_for(of_type("checkout.session.completed", session.id))
    assert gateway.parse_webhook(delivery.body, delivery.signature).object["id"] == session.id
    tampered_body = delivery.body.replace(b'"paid"', b'"unpaid"', 1)
    assert tampered_body != delivery.body
    stale = sign_payload(delivery.body, TEST_WEBHOOK_SECRET, timestamp=int(time.time()) - 3600)
    other_secret = sign_payload(delivery.body, "whsec_someone_else")
    signed_garbage = b"not json"
    # when the body, the signature, the timestamp or the secret is wrong
    # then parse_webhook raises InvalidWebhook every time
    for body, header in (
        (tampered_body, delivery.signature),
        (delivery.body, delivery.signature[:-4] + "0000"),
        (delivery.body, stale),
        (delivery.body, other_secret),
        (delivery.body, ""),
        (signed_garbage, sign_payload(signed_garbage, TEST_WEBHOOK_SECRET)),
    ):
        with pytest.raises(InvalidWebhook):
            gateway.parse_webhook(body, header)


def test_without_a_webhook_secret_every_webhook_is_invalid(standin):
    # given a gateway with no webhook secret configured
    client = StripeClient(TEST_SECRET_KEY, api_base=standin.base_url)
    body = b'{"id": "evt_1", "type": "x", "data": {"object": {}}}'
    # when a correctly signed (for some secret) webhook arrives
    # then it is refused
    with pytest.raises(InvalidWebhook):
        client.parse_webhook(body, sign_payload(body, TEST_WEBHOOK_SECRET))


def test_expiring_a_session_sends_checkout_session_expired_and_it_can_no_longer_be_paid(
        gateway, standin, webhook_receiver):
    # given an open session
    session = new_session(gateway, order_ref="5001")
    # when the shop expires it
    expired = gateway.expire_checkout_session(session.id)
    # then it reads expired and a signed checkout.session.expired arrives
    assert expired.status == "expired" and expired.payment_status == "unpaid"
    [delivery] = webhook_receiver.wait_for(of_type("checkout.session.expired", session.id))
    event = gateway.parse_webhook(delivery.body, delivery.signature)
    assert event.type == "checkout.session.expired"
    assert event.object["metadata"]["order_id"] == "5001"
    # and paying it is refused, on the page and through the test endpoint
    page_status, _, page = http_request("POST", f"{standin.base_url}/pay/{session.id}", data={"card": PAYS})
    assert page_status == 409 and "expired" in page.decode("utf-8")
    assert standin.pay(session.id, PAYS)[0] == 400
    # and expiring it twice is an error, as on Stripe
    with pytest.raises(GatewayError):
        gateway.expire_checkout_session(session.id)


def test_a_failed_delivery_is_retried_until_the_shop_accepts_it(gateway, standin, webhook_receiver):
    # given a shop that answers 500 to the first webhook it gets
    webhook_receiver.fail_next(1)
    session = new_session(gateway)
    # when the session is paid
    standin.pay(session.id, PAYS)
    # then the same event is sent again until it is accepted
    first, second = webhook_receiver.wait_for(of_type("checkout.session.completed", session.id), count=2)
    assert first.event["id"] == second.event["id"]
    assert gateway.parse_webhook(second.body, second.signature).id == first.event["id"]


def test_resend_replays_the_last_event_of_a_session(gateway, standin, webhook_receiver):
    # given a paid session whose completed event was delivered
    session = new_session(gateway)
    standin.pay(session.id, PAYS)
    [original] = webhook_receiver.wait_for(of_type("checkout.session.completed", session.id))
    # when the test helper replays it
    status, record = standin.post(f"/_standin/sessions/{session.id}/resend")
    # then the very same event (same id) arrives again, validly signed
    assert status == 200 and record["id"] == original.event["id"]
    _, replay = webhook_receiver.wait_for(of_type("checkout.session.completed", session.id), count=2)
    assert gateway.parse_webhook(replay.body, replay.signature).id == original.event["id"]
    # and the event log lists it
    [logged] = standin.events(type="checkout.session.completed", session=session.id)
    assert logged["id"] == original.event["id"]


# --- refunds ---------------------------------------------------------------------------

def test_a_partial_refund_goes_through_the_gateway(gateway, standin, webhook_receiver):
    # given a paid session
    session = paid_session(gateway, standin)
    # when part of it is refunded
    refund = gateway.refund(payment_intent_id=session.payment_intent_id, amount_cents=5999,
                            idempotency_key=f"refund-{session.id}-1", reason="requested_by_customer")
    # then the refund is made for that amount
    assert refund.id.startswith("re_")
    assert refund.amount_cents == 5999
    assert refund.status == "succeeded"
    # and retrying with the same idempotency key does not refund twice
    again = gateway.refund(payment_intent_id=session.payment_intent_id, amount_cents=5999,
                           idempotency_key=f"refund-{session.id}-1", reason="requested_by_customer")
    assert again.id == refund.id
    # and the shop hears charge.refunded for the amount refunded so far
    [delivery] = webhook_receiver.wait_for(of_type("charge.refunded"))
    event = gateway.parse_webhook(delivery.body, delivery.signature)
    assert event.object["payment_intent"] == session.payment_intent_id
    assert event.object["amount_refunded"] == 5999


def test_the_standin_like_localstripe_allows_over_refunds_so_the_shop_must_refuse_them(gateway, standin):
    # given a paid session refunded almost in full
    session = paid_session(gateway, standin)
    gateway.refund(payment_intent_id=session.payment_intent_id, amount_cents=LINES_TOTAL - 100,
                   idempotency_key=f"refund-{session.id}-a", reason=None)
    # when more than what is left is refunded
    over = gateway.refund(payment_intent_id=session.payment_intent_id, amount_cents=5000,
                          idempotency_key=f"refund-{session.id}-b", reason=None)
    # then the stand-in accepts it (real Stripe would refuse): the service layer must check
    assert over.amount_cents == 5000


def test_an_unpaid_session_cannot_be_refunded(gateway):
    # given a refund for a payment intent that does not exist
    # then the gateway reports the provider's refusal
    with pytest.raises(GatewayError):
        gateway.refund(payment_intent_id="pi_doesnotexist", amount_cents=100,
                       idempotency_key=str(uuid.uuid4()), reason=None)


# --- configuration ---------------------------------------------------------------------

def test_client_from_config_reads_the_three_settings(standin):
    # given the shop's settings
    client = client_from_config({"STRIPE_SECRET_KEY": TEST_SECRET_KEY, "STRIPE_API_BASE": standin.base_url,
                                 "STRIPE_WEBHOOK_SECRET": TEST_WEBHOOK_SECRET})
    # then the client talks to the stand-in and checks webhooks with that secret
    assert client.api_base == standin.base_url
    body = b'{"id": "evt_1", "object": "event", "type": "ping", "data": {"object": {}}}'
    assert client.parse_webhook(body, sign_payload(body, TEST_WEBHOOK_SECRET)).type == "ping"
    with pytest.raises(ValueError):
        client_from_config({})


# --- the launcher ----------------------------------------------------------------------

@pytest.mark.parametrize("env", [
    {"SHOP_ENV": "production"},
    {"FLASK_ENV": "production"},
    {"STRIPE_SECRET_KEY": "sk_live_0123456789"},
])
def test_the_launcher_refuses_production_and_live_keys(env):
    # given a production setting or a live key in the environment
    # when the stand-in is launched
    result = subprocess.run(standin_command("--port", "0"), env=standin_env(env), cwd=PROJECT_ROOT,
                            capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
    # then it refuses to start, saying why
    assert result.returncode == 2
    assert b"refusing to start" in result.stderr
    assert b"LOCAL STRIPE STAND-IN" not in result.stdout


def test_the_launcher_refuses_a_live_key_argument_and_non_loopback_webhooks():
    # given / when / then
    assert refusal_reason({}, "sk_live_abc") is not None
    assert refusal_reason({}, "sk_test_abc") is None
    assert refusal_reason({"SHOP_ENV": "development"}) is None
    result = subprocess.run(
        standin_command("--port", "0", "--webhook-url", "http://shop.example.com/webhook",
                        "--webhook-secret", "whsec_x"),
        env=standin_env(), cwd=PROJECT_ROOT, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and b"loopback" in result.stderr


def test_the_banner_names_the_port_and_the_test_cards(standin):
    # given a running stand-in
    # then its banner says what it is and which cards to use
    assert banner(standin.port) in standin.log()
    assert "4242 4242 4242 4242 pays, 4000 0000 0000 0341 is declined" in banner(1)


def _listening_addresses(port: int) -> list[tuple[str, str]]:
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, state = fields[1], fields[3]
            host, _, hex_port = address.rpartition(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.append((table, host))
    return found


@pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="needs Linux /proc/net/tcp")
def test_the_standin_listens_on_127_0_0_1_only(standin):
    # given a running stand-in
    # when the kernel's table of listening sockets is read
    listeners = _listening_addresses(standin.port)
    # then its port is bound on 127.0.0.1 alone: no 0.0.0.0, no IPv6
    assert listeners == [("/proc/net/tcp", "0100007F")]


def test_the_standin_keeps_its_state_in_memory_and_writes_no_pickle():
    # given whatever /tmp/localstripe.pickle is (or is not) now
    pickle = Path("/tmp/localstripe.pickle")

    def snapshot():
        return (pickle.stat().st_mtime_ns, pickle.stat().st_size) if pickle.exists() else None

    before = snapshot()
    # when a fresh stand-in creates, pays and refunds a session
    with running_standin("--quiet") as server:
        client = StripeClient(TEST_SECRET_KEY, api_base=server.base_url, webhook_secret=TEST_WEBHOOK_SECRET)
        session = new_session(client)
        assert server.pay(session.id, PAYS)[0] == 200
        paid = client.retrieve_checkout_session(session.id)
        client.refund(payment_intent_id=paid.payment_intent_id, amount_cents=100,
                      idempotency_key=str(uuid.uuid4()), reason=None)
    # then localstripe's pickle was neither written nor created
    assert snapshot() == before


def test_webhooks_configured_at_launch_and_localstripe_native_ones_reach_the_shop_on_loopback_only():
    # given a stand-in launched with the shop's webhook URL and secret on its command line,
    # and the same receiver registered through localstripe's own webhook config
    with WebhookReceiver() as receiver, running_standin(
            "--quiet", "--webhook-url", receiver.url, "--webhook-secret", TEST_WEBHOOK_SECRET) as server:
        status, _, _ = http_request("POST", server.base_url + "/_config/webhooks/shop",
                                    data={"url": receiver.url, "secret": TEST_WEBHOOK_SECRET})
        assert status == 200
        client = StripeClient(TEST_SECRET_KEY, api_base=server.base_url, webhook_secret=TEST_WEBHOOK_SECRET)
        session = new_session(client)
        # when a session is paid
        server.pay(session.id, PAYS)
        paid = client.retrieve_checkout_session(session.id)
        # then our checkout.session.completed arrives
        [completed] = receiver.wait_for(of_type("checkout.session.completed", session.id))
        assert client.parse_webhook(completed.body, completed.signature).object["payment_status"] == "paid"
        # and localstripe's own payment_intent.succeeded arrives, signed with the same scheme
        [delivery] = receiver.wait_for(of_type("payment_intent.succeeded", paid.payment_intent_id))
        assert client.parse_webhook(delivery.body, delivery.signature).object["id"] == paid.payment_intent_id
        # and a target off this machine is refused
        status, _, body = http_request("POST", server.base_url + "/_config/webhooks/elsewhere",
                                       data={"url": "http://shop.example.com/webhook", "secret": "whsec_x"})
        assert status == 400 and "loopback" in json.loads(body)["error"]["message"]
