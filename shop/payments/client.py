"""The app's Stripe client, for views: one per worker and per set of Stripe settings."""
from flask import current_app

from shop.payments import gateway


def stripe_client() -> gateway.StripeClient:
    """This worker's client for the app's Stripe settings, made once: its HTTP session keeps
    the connection to Stripe open between requests (no new TLS handshake per checkout)."""
    config = current_app.config
    settings = tuple(config.get(name) for name in
                     ("STRIPE_SECRET_KEY", "STRIPE_API_BASE", "STRIPE_WEBHOOK_SECRET"))
    kept = current_app.extensions.get("shop_stripe_client")
    if kept is None or kept[0] != settings:
        kept = current_app.extensions["shop_stripe_client"] = (
            settings, gateway.client_from_config(config))
    return kept[1]
