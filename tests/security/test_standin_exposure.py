"""The local Stripe stand-in stays on this machine, and production never talks to it."""
import importlib.util
import subprocess

import pytest

from shop.config import check_production_settings
from tests.payments.standin_fixture import (PROJECT_ROOT, http_request, running_standin,
                                            standin_command, standin_env)

needs_localstripe = pytest.mark.skipif(
    importlib.util.find_spec("localstripe") is None,
    reason="localstripe is not installed: pip install -r requirements-standin.txt")

PRODUCTION = {"ENV_NAME": "production", "SECRET_KEY": "k" * 64,
              "SHOP_BASE_URL": "https://shop.example"}


@pytest.mark.parametrize("api_base", [
    "http://127.0.0.1:12111", "http://[::1]:12111", "http://127.0.0.2", "http://localhost.:12111",
    "http://LOCALHOST:12111", "http://10.0.0.5", "http://192.168.1.2:8420", "http://0.0.0.0",
    "http://api.stripe.com", "https://api.stripe.com.evil.example", "https://stripe.evil.example",
    "https://api.stripe.com@127.0.0.1", "https://api.stripe.com:8443", "https://api.stripe.com/v2",
    "not a url",
])
def test_production_refuses_any_stripe_api_base_but_stripe_itself(api_base):
    # given production settings pointing the Stripe client somewhere other than Stripe
    settings = {**PRODUCTION, "STRIPE_API_BASE": api_base}
    # when / then: the app would refuse to start
    with pytest.raises(RuntimeError, match="STRIPE_API_BASE"):
        check_production_settings(settings)


@pytest.mark.parametrize("api_base", ["", "https://api.stripe.com", "https://api.stripe.com/"])
def test_production_accepts_stripe_itself_or_no_api_base(api_base):
    check_production_settings({**PRODUCTION, "STRIPE_API_BASE": api_base})


def test_the_standin_refuses_to_listen_beyond_loopback():
    # when the stand-in is asked to listen on every interface
    result = subprocess.run(standin_command("--host", "0.0.0.0", "--port", "0"), cwd=PROJECT_ROOT,
                            env=standin_env(), capture_output=True, text=True, timeout=30)
    # then it refuses to start, saying why
    assert result.returncode == 2
    assert "binds 127.0.0.1 only" in result.stderr


@needs_localstripe
def test_the_standin_sends_no_cors_headers_and_answers_only_loopback_hosts():
    with running_standin() as standin:
        # given a page on another site asking the stand-in's API for data
        status, headers, _ = http_request(
            "GET", standin.base_url + "/v1/checkout/sessions",
            headers={"Origin": "https://evil.example", "Authorization": "Bearer sk_test_x"})
        # then it answers without letting that site read the answer
        assert status == 200
        assert not any(name.lower().startswith("access-control-") for name in headers)
        # and a request reaching it under another name (DNS rebinding) is refused
        status, _, body = http_request("GET", standin.base_url + "/_standin/health",
                                       headers={"Host": "evil.example:80"})
        assert status == 403 and b"127.0.0.1" in body
        status, _, _ = http_request("GET", standin.base_url + "/_standin/health",
                                    headers={"Host": "localhost"})
        assert status == 200


@needs_localstripe
def test_the_standin_refuses_cross_origin_changes_to_its_test_helpers():
    with running_standin() as standin:
        own = standin.base_url
        evil = {"webhook_secret": "whsec_evil", "webhook_url": "http://127.0.0.1:9/evil"}
        _, _, before = http_request("GET", own + "/_standin/config")
        # given another site's page posting a form to the stand-in (no preflight)
        for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                        {"Referer": "https://evil.example/page"}):
            status, _, _ = http_request("POST", own + "/_standin/config", data=evil,
                                        headers=headers)
            # then it is refused, and the webhook settings are unchanged
            assert status == 403
        for path in ("/_config/data", "/_standin/data"):
            status, _, _ = http_request("DELETE", own + path,
                                        headers={"Origin": "https://evil.example"})
            assert status == 403
        assert http_request("GET", own + "/_standin/config")[2] == before
        # and the stand-in's own pages, or tools sending no Origin, may still change it
        mine = {"webhook_secret": "whsec_mine", "webhook_url": "http://127.0.0.1:9/mine"}
        assert http_request("POST", own + "/_standin/config", data=mine,
                            headers={"Origin": own})[0] == 200
        assert http_request("POST", own + "/_standin/config", data=mine,
                            headers={"Referer": own + "/pay/cs_x"})[0] == 200
        assert http_request("POST", own + "/_standin/config", data=mine)[0] == 200
        assert b"/mine" in http_request("GET", own + "/_standin/config")[2]
