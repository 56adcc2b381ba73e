"""Condition mentions in a sentence: which words are meant as a condition, and what ties each one
to the product (a claim verb, a targeting phrase, or nothing)."""

from __future__ import annotations

import re

from shop.rules.claims.lexicon import conditions, links


def _condition_ok_in_context(text: str, m: re.Match, sa: int, sb: int) -> bool:
    """False when a condition word is used in its everyday, non-medical sense."""
    word = m.group().lower()
    a, b = m.start(), m.end()
    near = text[max(sa, a - 150):min(sb, b + 150)]
    left = text[max(sa, a - 40):a]
    right = text[b:min(sb, b + 60)]
    if word.startswith("trauma"):
        around = text[max(sa, a - 50):min(sb, b + 50)]
        return not conditions.TRAUMA_OBJECTS_RE.search(around)
    if word.startswith("stroke"):
        return bool(conditions.STROKE_LEFT_RE.search(left)
                    or conditions.STROKE_RIGHT_RE.search(right))
    if re.match(r"de?p+res+i?ons?$", word):
        return not conditions.PHYSICAL_DEPRESSION_RE.search(right)
    if word == "depressed":
        return not conditions.DEPRESSED_CONTROL_RE.search(near)
    if word.startswith("addiction"):
        return not (conditions.ADDICTION_HOBBY_LEFT_RE.search(left)
                    or conditions.ADDICTION_HOBBY_RIGHT_RE.search(right))
    if word == "sober":
        return bool(conditions.SOBER_LEFT_RE.search(left))
    if word in ("fracture", "fractures", "fractured") \
            and conditions.FRACTURE_MATERIAL_RE.search(near):
        return False
    if word in ("symptom", "symptoms") and conditions.SYMPTOM_OF_WEAR_RE.search(right):
        return False
    if word.startswith("headache") and conditions.HEADACHE_HASSLE_RE.search(near):
        return False
    if word in ("pain", "pains"):
        return bool(conditions.PAIN_LEFT_RE.search(left)
                    or conditions.PAIN_RELIEF_RIGHT_RE.match(right))
    if word.startswith("burn") and conditions.BURNOUT_TRAINING_RE.search(near):
        return False
    if word.startswith("infection") and conditions.INFECTION_HYGIENE_RE.search(near):
        return False
    if word in ("tremor", "tremors") and conditions.TREMOR_MACHINE_RE.search(near):
        return False
    if word == "bloating":
        return not conditions.BLOATING_PACKAGING_RE.search(near)
    if word == "smoking" and conditions.SMOKING_HOT_RIGHT_RE.match(right):
        return False
    if word == "ms":
        return bool(conditions.MS_LEFT_RE.search(left) or conditions.MS_RIGHT_RE.match(right))
    if word == "add":
        return bool(conditions.ADD_LEFT_RE.search(left) or conditions.ADD_RIGHT_RE.match(right))
    if word in ("disorder", "disorders") and conditions.IN_DISORDER_LEFT_RE.search(left):
        return False
    return True


def condition_link(text: str, a: int, b: int, clause: tuple[int, int]) -> tuple[str, int] | None:
    """How the condition at [a, b) is tied to the product: (kind, cue start) or None.

    kind is "verb" (treat, relieve, prevent, ... or "X relief"), "target" (for/with/living
    with ...) or "passive" ("being treated for": the person, not the product, is treated).
    """
    ca, cb = clause
    strong = None
    target = None
    for cue in links.CUE_RE.finditer(text, max(ca, a - 90), a):
        if cue.end() > a:
            continue
        gap = text[cue.end():a]
        if len(links.GAP_WORD_RE.findall(gap)) > 4 or links.BARRIER_RE.search(gap):
            continue
        word = cue.group()
        if links.STRONG_CUE_RE.match(word):
            if links.KEEP_RE.match(word) and not links.AT_BAY_RE.search(text[b:cb]):
                continue
            strong = cue
        else:
            target = cue
    if links.INHERENT_CLAIM_RE.match(text[a:b]) or links.TARGET_SUFFIX_RE.search(text, a, b):
        return ("verb", strong.start() if strong else a)
    if strong is not None:
        if links.PASSIVE_LEFT_RE.search(text, max(ca, strong.start() - 20), strong.start()):
            return ("passive", strong.start())
        return ("verb", strong.start())
    if links.RIGHT_CUE_RE.match(text, b, cb):
        return ("verb", target.start() if target else a)
    if target is not None:
        return ("target", target.start())
    return None


def condition_mentions(text: str, sa: int, sb: int) -> list[tuple[int, int]]:
    """Condition mentions of a sentence, adjacent ones merged ("diabetic neuropathy")."""
    spans: list[list[int]] = []
    for m in conditions.CONDITION_RE.finditer(text, sa, sb):
        if not _condition_ok_in_context(text, m, sa, sb):
            continue
        if spans and re.fullmatch(r"[\s-]*", text[spans[-1][1]:m.start()]):
            spans[-1][1] = m.end()
        else:
            spans.append([m.start(), m.end()])
    return [(x, y) for x, y in spans]
