"""Where a checkout may send the browser to pay: the CSP's form-action, from plain settings."""
import json
import subprocess
import sys

import pytest

from shop import create_app
from shop.config import BASE_DIR
from shop.extensions import db
from tests.conftest import settings_for


def form_action(app) -> list[str]:
    """The form-action sources of the CSP the app sends (on robots.txt: no catalog needed)."""
    csp = app.test_client().get("/robots.txt").headers["Content-Security-Policy"]
    directive = next(part.strip() for part in csp.split(";") if part.strip().startswith("form-action"))
    return directive.split()[1:]


def make_app(tmp_path, **settings):
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'csp.db'}", **settings))
    with app.app_context():
        db.create_all()
    return app


def test_by_default_forms_go_on_to_stripe_checkout_only(tmp_path):
    # given no payment settings at all
    app = make_app(tmp_path)
    # then the browser may post forms to the shop and to Stripe Checkout, nowhere else
    assert form_action(app) == ["'self'", "https://checkout.stripe.com"]


def test_a_configured_stripe_api_base_adds_its_own_origin(tmp_path):
    # given the shop pointed at a Stripe-compatible API on this machine
    app = make_app(tmp_path, STRIPE_API_BASE="http://127.0.0.1:12111/")
    # then its hosted payment pages may be reached from the checkout form, path dropped
    assert form_action(app) == ["'self'", "https://checkout.stripe.com", "http://127.0.0.1:12111"]


def test_checkout_form_origins_replace_stripe_checkout(tmp_path):
    # given the operator lists where the payment pages live
    app = make_app(tmp_path, CHECKOUT_FORM_ORIGINS=["https://pay.example.com/",
                                                    "https://pay2.example.com:8443"])
    # then exactly those origins are allowed
    assert form_action(app) == ["'self'", "https://pay.example.com", "https://pay2.example.com:8443"]


@pytest.mark.parametrize("setting, value", [
    ("CHECKOUT_FORM_ORIGINS", ["pay.example.com"]),
    ("CHECKOUT_FORM_ORIGINS", ["https://pay.example.com/checkout"]),
    ("CHECKOUT_FORM_ORIGINS", ["https://pay.example.com; script-src *"]),
    ("STRIPE_API_BASE", "http://pay example.com"),
])
def test_a_setting_that_is_not_an_origin_stops_the_app_with_its_name(tmp_path, setting, value):
    # when the app is built with a value that would not be a clean CSP source
    with pytest.raises(RuntimeError, match=setting):
        make_app(tmp_path, **{setting: value})


def test_checkout_form_origins_come_from_the_environment():
    # given a deployment that lists its payment pages, comma-separated
    env = {"CHECKOUT_FORM_ORIGINS": "https://pay.example.com, https://checkout.stripe.com ,"}
    # when a fresh process reads the configuration
    code = "import json; from shop.config import Config; print(json.dumps(Config.CHECKOUT_FORM_ORIGINS))"
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=BASE_DIR,
                            capture_output=True, text=True, timeout=60)
    # then the list is there
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["https://pay.example.com", "https://checkout.stripe.com"]
