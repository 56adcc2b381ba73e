"""What the checker reports: Finding, the facts it checks promises against, and the final order."""

from __future__ import annotations

from dataclasses import dataclass

from shop.rules.claims.spans import Cover


BLOCK = "block"
REVIEW = "review"
CONDITION = "condition"
DRUG = "drug_comparison"
APPROVAL = "approval"
MECHANISM = "mechanism"
OTHER = "other"


@dataclass(frozen=True)
class Finding:
    """One problem in a piece of copy; ``text == original[start:end]``."""
    severity: str
    category: str
    start: int
    end: int
    text: str
    reason: str
    suggestion: str


@dataclass(frozen=True)
class CopyFacts:
    """What the shop actually promises, for ``check_copy_against_facts``."""
    max_warranty_months: int = 120
    warranty_components: tuple[tuple[str, int], ...] = ()
    return_window_days: int = 30
    offers_free_overnight: bool = False
    free_shipping_threshold_cents: int | None = 9900
    fastest_delivery_business_days: int = 1


SUGGESTIONS = {
    CONDITION: ("Describe general fitness benefits (strength, endurance, energy, mood, "
                "everyday stress relief) without naming a condition or promising to treat it."),
    DRUG: ("Drop the comparison with medication or therapy; say what the workout builds or "
           "how it feels."),
    APPROVAL: ("Remove the approval or proof claim; describe tested durability, materials or "
               "customer ratings instead."),
    MECHANISM: ("Remove the body-chemistry claim; describe how the workout feels "
                "(e.g. 'feel energised after a ride')."),
    OTHER: "Rephrase as a general fitness benefit.",
}


def dedupe_sort(findings: list[Finding]) -> list[Finding]:
    """Sorted by start; exact repeats and review findings inside a block finding dropped."""
    blocks = Cover((f.start, f.end) for f in findings if f.severity == BLOCK)
    seen = set()
    out = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end, f.severity != BLOCK, f.category)):
        key = (f.start, f.end)          # one finding per span: the block one, if any
        if key in seen or f.start == f.end:
            continue
        if f.severity == REVIEW and blocks.contains(f.start, f.end):
            continue
        seen.add(key)
        out.append(f)
    return out
