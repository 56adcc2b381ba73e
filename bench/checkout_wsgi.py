"""The shop as the benchmark serves it for the checkout scenario (`gunicorn bench.checkout_wsgi:app`).

Production config refuses a Stripe API base on 127.0.0.1, rightly, so the checkout
and mixed scenarios run with SHOP_ENV=development (set by bench/run.py) against the
local Stripe stand-in. Their only other difference: the per-address checkout rate limits
(requests, and checkouts started) are lifted, since every benchmark request comes from
127.0.0.1 and would otherwise measure the limiter's 429s instead of checkout.
"""
from shop import create_app

app = create_app({"RATE_LIMIT_CHECKOUT": "1000000 per minute",
                  "RATE_LIMIT_CHECKOUT_STARTS": "1000000 per minute"})
