"""Runs the text customers read through the claims checker (shop.rules.copy_claims).

Two checks: health claims (`check_copy`), and promises the shop's own rules do
not give (`check_copy_against_facts`: "lifetime warranty", "free overnight
shipping", "90-day returns", a bare "10-year warranty" without its component).

`review_copy` checks a product's copy fields; `review_customer_text` checks any other one
piece of text a customer reads (a category description, an image's alt text, a staff message
on a return or claim) with the same block/review outcome; `review_customer_review` is the one
call a customer-review feature makes before it publishes a review.
"""
from dataclasses import dataclass

from shop.rules import returns, shipping, warranty
from shop.rules.copy_claims import CopyFacts, check_all

COPY_FIELDS = ("name", "short_description", "long_description", "features", "meta_description")


@dataclass(frozen=True)
class FieldFinding:
    field: str
    severity: str
    category: str
    text: str
    reason: str
    suggestion: str


def product_facts(warranty_kind: str = "", overrides: dict | None = None) -> CopyFacts:
    """What the shop really promises for a product, for checking its copy."""
    terms = warranty.product_terms(warranty_kind, overrides)
    all_terms = terms or tuple(t for kind in warranty.DEFAULT_WARRANTY_BY_KIND.values() for t in kind)
    return CopyFacts(
        max_warranty_months=max(t.months for t in all_terms),
        warranty_components=tuple((t.component, t.months) for t in terms),
        return_window_days=returns.DEFAULT_RETURN_POLICY.window_days,
        offers_free_overnight=False,
        free_shipping_threshold_cents=shipping.DEFAULT_SHIPPING_CONFIG.free_shipping_threshold_cents,
        fastest_delivery_business_days=1,
    )


def review_copy(fields: dict, facts: CopyFacts | None = None) -> list[FieldFinding]:
    """Findings for every copy field of one product (`features` is a list of bullets)."""
    facts = facts or product_facts()
    findings = []
    for name in COPY_FIELDS:
        value = fields.get(name) or ""
        texts = value if isinstance(value, list) else [value]
        for index, text in enumerate(texts):
            label = f"{name}[{index}]" if isinstance(value, list) else name
            for f in check_all(text, facts):
                findings.append(FieldFinding(label, f.severity, f.category, f.text, f.reason,
                                             f.suggestion))
    return findings


def blocking(findings: list[FieldFinding]) -> list[FieldFinding]:
    """Only the findings that stop a product from being published."""
    return [f for f in findings if f.severity == "block"]


def review_customer_text(field: str, text: str,
                         facts: CopyFacts | None = None) -> list[FieldFinding]:
    """Findings for one piece of text a customer reads that is not a product copy field."""
    return [FieldFinding(field, f.severity, f.category, f.text, f.reason, f.suggestion)
            for f in check_all(text or "", facts or product_facts())]


def review_customer_review(text: str) -> list[FieldFinding]:
    """What a customer review says that the shop may not publish as is.

    For the reviews feature (not built yet): call this before a review goes live. Any
    "block" finding keeps the review unpublished (its reason says why); "review" findings
    send it to staff to read first; no findings, it may go live.
    """
    return review_customer_text("review", text)
