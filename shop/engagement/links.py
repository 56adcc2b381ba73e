"""Absolute links for emails, built the way order emails build theirs."""
from flask import current_app, url_for


def absolute_url(endpoint: str, **values) -> str:
    """`endpoint` as a full address: SHOP_BASE_URL when set (mail queued off-request too)."""
    base = current_app.config.get("SHOP_BASE_URL")
    if base:
        # the path only: outside a request (a CLI import, say) url_for would add a host
        return base.rstrip("/") + url_for(endpoint, _external=False, **values)
    return url_for(endpoint, _external=True, **values)
