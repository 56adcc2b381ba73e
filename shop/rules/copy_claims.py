"""Product copy claims: keep copy to general fitness benefits, and to promises the shop keeps.

Public API:
- ``Finding(severity, category, start, end, text, reason, suggestion)``: one problem.
  ``severity`` is "block" (clear claim) or "review" (weak or ambiguous signal);
  ``category`` is "condition", "drug_comparison", "approval", "mechanism" or "other";
  ``start``/``end`` are offsets into the ORIGINAL text, so ``text == original[start:end]``.
- ``check_copy(text) -> list[Finding]``: health claims (the four families below).
- ``CopyFacts`` and ``check_copy_against_facts(text, facts) -> list[Finding]``: promises
  about warranty, delivery and returns that the shop's rules do not give.
- ``check_all(text, facts=None) -> list[Finding]``: both, sorted by start.

The health rule blocks copy that
1. names a disease, disorder or condition as something the product treats, cures, prevents,
   relieves, manages, reverses or heals, or that targets people who have it;
2. compares the product with medication or therapy;
3. claims medical approval or proof of a health effect;
4. claims a body-chemistry mechanism (serotonin, cortisol, hormones, inflammation, ...).
General wellness (strength, endurance, weight-loss goals, energy, mood, everyday stress,
sleep, focus) is fine, and so are cautions ("If you have high blood pressure, ask your
doctor before use") and disclaimers ("not intended to diagnose, treat, cure or prevent any
disease"). A disclaimer only covers its own clause: "not a cure for X, but it comes close"
and "we don't make medical claims, but this cured my anxiety" are still claims.

How it works (shop/rules/claims/): ``document`` normalises the text (HTML tags dropped,
entities decoded, curly quotes and odd spaces straightened) while keeping a map from every
normalised character back to the original, then splits it into sentences and clauses. The
lexicons in ``claims/lexicon/`` (conditions with misspelling-tolerant patterns, claim verbs and
targeting phrases, caution and disclaimer framing, drugs and therapy, approval phrases,
mechanism terms, promise phrases) are matched per sentence by ``health`` and ``fact_check``; a
condition linked to a claim verb or targeting phrase blocks, a bare condition is sent to review.
Standard library only; every regex is compiled at import.
"""

from __future__ import annotations

from shop.rules.claims.document import Doc
from shop.rules.claims.fact_check import fact_findings
from shop.rules.claims.findings import (APPROVAL, BLOCK, CONDITION, DRUG, MECHANISM, OTHER, REVIEW,
                                        SUGGESTIONS, CopyFacts, Finding, dedupe_sort)
from shop.rules.claims.health import health_findings
from shop.rules.claims.lexicon.approval import APPROVAL_EFFECT, APPROVAL_STRONG
from shop.rules.claims.lexicon.conditions import CONDITION_TERMS
from shop.rules.claims.lexicon.drugs import DRUG_TERMS
from shop.rules.claims.lexicon.framing import CAUTION_CUES
from shop.rules.claims.lexicon.mechanisms import MECHANISM_TERMS

__all__ = [
    "Finding", "CopyFacts", "check_copy", "check_copy_against_facts", "check_all",
    "BLOCK", "REVIEW", "CONDITION", "DRUG", "APPROVAL", "MECHANISM", "OTHER", "SUGGESTIONS",
    "CONDITION_TERMS", "CAUTION_CUES", "DRUG_TERMS", "APPROVAL_STRONG", "APPROVAL_EFFECT",
    "MECHANISM_TERMS",
]


def check_copy(text: str) -> list[Finding]:
    """Health-claim findings for a piece of product copy, sorted by start offset."""
    if not text or not text.strip():
        return []
    return dedupe_sort(health_findings(Doc(text)))


def check_copy_against_facts(text: str, facts: CopyFacts) -> list[Finding]:
    """Warranty, delivery, shipping and return promises the shop does not give."""
    if not text or not text.strip():
        return []
    return dedupe_sort(fact_findings(Doc(text), facts or CopyFacts()))


def check_all(text: str, facts: CopyFacts | None = None) -> list[Finding]:
    """Health claims and fact checks together, sorted by start offset."""
    if not text or not text.strip():
        return []
    doc = Doc(text)
    return dedupe_sort(health_findings(doc) + fact_findings(doc, facts or CopyFacts()))
