"""Promises about warranty, delivery, shipping and returns that the shop's facts do not back."""

from __future__ import annotations

import re

from shop.rules.claims.document import Doc
from shop.rules.claims.findings import BLOCK, OTHER, CopyFacts, Finding
from shop.rules.claims.lexicon import promises

_SEGMENT_SPLIT_RE = re.compile(r"[.;,!?\n]")
_WORD_TAIL_RE = re.compile(r"\S*$")
_WORD_HEAD_RE = re.compile(r"\S*")
_WORD_REACH = 40        # a window widens to a word's edge, but never by more than this


def _windowed(pattern: re.Pattern, anchor: re.Pattern, text: str, before: int = 60,
              after: int = 90):
    """Matches of ``pattern`` in windows around ``anchor`` keywords (overlapping windows merged).

    The long promise patterns only ever match within a few words of their keyword, so
    scanning small windows around the keywords finds the same matches much faster.
    """
    windows: list[list[int]] = []
    for key in anchor.finditer(text):
        lo = max(0, key.start() - before)
        reach = max(0, lo - _WORD_REACH)                 # start the window at a word
        lo = reach + _WORD_TAIL_RE.search(text[reach:lo]).start()
        hi = min(len(text), key.end() + after)
        hi = _WORD_HEAD_RE.match(text, hi, min(len(text), hi + _WORD_REACH)).end()
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    for lo, hi in windows:
        yield from pattern.finditer(text, lo, hi)


def _to_int(raw: str) -> int:
    raw = raw.lower().replace(",", "").strip()
    raw = re.sub(r"\s+", " ", raw)
    if raw.isdigit():
        return int(raw)
    return promises.NUMBER_WORDS.get(raw, 0)


def _months(num: int, unit: str) -> int:
    unit = unit.lower()
    if unit.startswith("y"):
        return num * 12
    if unit.startswith("mo"):
        return num
    if unit.startswith("w"):
        return max(1, num * 7 // 30)
    return max(1, num // 30)


def _days(num: int, unit: str) -> int:
    unit = unit.lower()
    if unit.startswith("y"):
        return num * 365
    if unit.startswith("mo"):
        return num * 30
    if unit.startswith("w"):
        return num * 7
    return num


def _format_months(months: int, adjective: bool = False) -> str:
    """120 -> "10 years" (or "10-year" as an adjective); 18 -> "18 months"."""
    number, unit = (months // 12, "year") if months % 12 == 0 else (months, "month")
    if adjective:
        return f"{number}-{unit}"
    return f"{number} {unit}" + ("s" if number != 1 else "")


def _segment(text: str, a: int, b: int) -> str:
    """The comma/sentence segment around [a, b)."""
    window = max(0, a - 300)
    left = max((m.end() for m in _SEGMENT_SPLIT_RE.finditer(text, window, a)), default=window)
    limit = min(len(text), b + 300)
    nxt = _SEGMENT_SPLIT_RE.search(text, b, limit)
    return text[left:nxt.start() if nxt else limit]


def _component_in(segment: str, facts: CopyFacts) -> tuple[str, int | None] | None:
    """The warranty component named in a segment, with its term when the facts know it."""
    for name, months in facts.warranty_components:
        if re.search(r"\b" + re.escape(name) + r"\b", segment, re.I):
            return name, months
    if promises.WARRANTY_NON_COMPONENT_RE.search(segment) and not re.search(
            r"\ball\s+parts\b", segment, re.I):
        return None
    m = promises.DEFAULT_COMPONENT_RE.search(segment)
    if m:
        return m.group(), None
    return None


def fact_findings(doc: Doc, facts: CopyFacts) -> list[Finding]:
    """Promises in the document that the facts do not back."""
    # Same length as doc.text, but line breaks (block tags) can no longer be crossed.
    text = doc.text.replace("\n", "|")
    out: list[Finding] = []

    def block(a: int, b: int, reason: str, suggestion: str) -> None:
        out.append(doc.finding(BLOCK, OTHER, a, b, reason, suggestion))

    low = text.lower()

    def mentions(*keys: str) -> bool:
        """Cheap gate: every pattern below needs one of its keywords."""
        return any(k in low for k in keys)

    warranty = mentions("warrant", "guarant", "cover", "protection")
    returns = mentions("return", "refund", "money", "satisfaction", "trial", "send it back")
    shipping = mentions("ship", "deliver", "overnight", "next", "today", "arriv", "hours",
                        "door", "tomorrow")
    max_text = _format_months(facts.max_warranty_months)
    for m in _windowed(promises.LIFETIME_WARRANTY_RE, promises.WARRANTY_ANCHOR_RE, text) \
            if warranty else ():
        block(m.start(), m.end(), f"the shop gives no lifetime warranty (longest term: {max_text})",
              "State the real term per component, e.g. 'frame: 10 years'.")
    for m in _windowed(promises.WARRANTY_NUM_RE, promises.WARRANTY_ANCHOR_RE, text) \
            if warranty else ():
        num = _to_int(m.group("num") or m.group("num2"))
        unit = m.group("unit") or m.group("unit2")
        if not num or unit.lower().startswith(("d", "n")):
            continue
        months = _months(num, unit)
        segment = _segment(text, m.start(), m.end())
        mid = m.group("mid") or ""
        component = _component_in(mid + " " + segment, facts)
        if months > facts.max_warranty_months:
            block(m.start(), m.end(),
                  f"a {_format_months(months, adjective=True)} warranty is longer than any term "
                  f"the shop gives "
                  f"(longest: {max_text})",
                  "Use the real term per component, e.g. 'frame: 10 years'.")
        elif component is None:
            block(m.start(), m.end(),
                  "warranty terms are per component; name the component, e.g. 'frame: 10 years'",
                  "Name the component the term covers, e.g. 'Frame and welds: 10 years; "
                  "parts: 1 year'.")
        elif component[1] is not None and months > component[1]:
            block(m.start(), m.end(),
                  f"the {component[0]} warranty is {_format_months(component[1])}, "
                  f"not {_format_months(months)}",
                  f"Use the real term: '{component[0]}: {_format_months(component[1])}'.")

    if shipping and not facts.offers_free_overnight:
        for m in promises.FREE_OVERNIGHT_RE.finditer(text):
            block(m.start(), m.end(), "the shop does not offer free overnight shipping",
                  "Drop the promise or name the paid express option.")
    if shipping and facts.fastest_delivery_business_days > 0:
        for m in promises.SAME_DAY_RE.finditer(text):
            block(m.start(), m.end(),
                  f"the shop has no same-day delivery (fastest: "
                  f"{facts.fastest_delivery_business_days} business day"
                  f"{'s' if facts.fastest_delivery_business_days != 1 else ''})",
                  "Promise only the delivery times shown at checkout.")
    if shipping and facts.fastest_delivery_business_days > 1:
        for m in promises.NEXT_DAY_RE.finditer(text):
            block(m.start(), m.end(),
                  f"the fastest delivery is {facts.fastest_delivery_business_days} business days",
                  "Promise only the delivery times shown at checkout.")
    for m in promises.DELIVERED_IN_RE.finditer(text) if shipping else ():
        n = _to_int(m.group("num"))
        if 0 < n < facts.fastest_delivery_business_days:
            block(m.start(), m.end(),
                  f"the fastest delivery is {facts.fastest_delivery_business_days} business days",
                  "Promise only the delivery times shown at checkout.")

    threshold = facts.free_shipping_threshold_cents
    if "free" not in low and "minimum" not in low:
        pass
    elif threshold is None:
        for m in promises.FREE_SHIPPING_RE.finditer(text):
            if re.match(r"\s*returns?", text[m.end():m.end() + 10], re.I):
                continue
            block(m.start(), m.end(), "the shop does not offer free shipping",
                  "Drop the free-shipping promise.")
    elif threshold > 0:
        dollars = f"${threshold / 100:,.2f}".replace(".00", "")
        for m in promises.FREE_SHIP_ALL_RE.finditer(text):
            block(m.start(), m.end(),
                  f"free shipping only applies to orders of {dollars} or more",
                  f"Say 'free shipping on orders over {dollars}'.")
        for m in promises.FREE_SHIP_OVER_RE.finditer(text):
            amount = float(m.group("amount").replace(",", ""))
            if round(amount * 100) < threshold:
                block(m.start(), m.end(),
                      f"free shipping only applies to orders of {dollars} or more",
                      f"Say 'free shipping on orders over {dollars}'.")

    window = facts.return_window_days
    for m in _windowed(promises.RETURN_NUM_RE, promises.RETURN_ANCHOR_RE, text) if returns else ():
        raw = m.group("num") or m.group("num2") or m.group("num3")
        unit = m.group("unit") or m.group("unit2") or m.group("unit3")
        days = _days(_to_int(raw), unit)
        if days > window:
            block(m.start(), m.end(),
                  f"the return window is {window} days, not {days}",
                  f"Say 'returns within {window} days'.")
    for m in _windowed(promises.RETURN_FOREVER_RE, promises.RETURN_ANCHOR_RE, text) \
            if returns else ():
        block(m.start(), m.end(), f"returns are accepted for {window} days only",
              f"Say 'returns within {window} days'.")
    return out
