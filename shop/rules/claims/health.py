"""Health claims, sentence by sentence: conditions, drug and therapy comparisons, medical approval,
body-chemistry mechanisms, and weak signals sent to review."""

from __future__ import annotations

from shop.rules.claims.document import Doc, clause_spans, sentence_spans
from shop.rules.claims.findings import (APPROVAL, BLOCK, CONDITION, DRUG, MECHANISM, OTHER, REVIEW,
                                        Finding)
from shop.rules.claims.lexicon import approval, drugs, framing, mechanisms
from shop.rules.claims.mentions import condition_link, condition_mentions
from shop.rules.claims.spans import Cover, last_le


def _negated_ranges(text: str, clauses: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ranges of the sentence covered by a disclaimer negation (cue to end of its clause)."""
    out = []
    for ca, cb in clauses:
        for m in framing.NEGATION_RE.finditer(text, ca, cb):
            if framing.NOT_JUST_RE.match(text, m.start()):
                continue
            out.append((m.start(), cb))
            break
    return out


def health_findings(doc: Doc) -> list[Finding]:
    """Health-claim findings of the whole document, sentence by sentence."""
    text = doc.text
    findings: list[Finding] = []
    for sa, sb in sentence_spans(text):
        findings.extend(_sentence_findings(doc, sa, sb))
    return findings


def _sentence_findings(doc: Doc, sa: int, sb: int) -> list[Finding]:
    """Findings of one sentence [sa, sb) of the normalised text (the four families)."""
    text = doc.text
    out: list[Finding] = []
    clauses = clause_spans(text, sa, sb)
    clause_starts = [c[0] for c in clauses]

    def clause_of(pos: int) -> tuple[int, int]:
        return clauses[max(0, last_le(clause_starts, pos))]

    negated_list = _negated_ranges(text, clauses)
    negated = Cover(negated_list)
    caution = bool(framing.CAUTION_RE.search(text, sa, sb))
    hedged = False
    if negated_list:
        hedge = framing.HEDGE_WORDS_RE.search(text, negated_list[0][0], sb)
        hedged = bool(hedge and framing.HEDGE_SEP_RE.search(text, negated_list[0][0],
                                                            hedge.start()))

    def neutralised(pos: int) -> bool:
        """Inside a disclaimer that is not undercut later in the sentence."""
        return not hedged and negated.contains(pos)

    # 1. conditions
    mentions = condition_mentions(text, sa, sb)
    covered = Cover(mentions)
    condition_clauses = {clause_of(x)[0] for x, _ in mentions}
    groups: dict[int, list[tuple[int, int]]] = {}
    blocked: list[tuple[int, int]] = []
    for a, b in mentions:
        if neutralised(a):
            continue
        word = text[a:b]
        if hedged and negated.contains(a):
            out.append(doc.finding(
                BLOCK, CONDITION, negated_list[0][0], sb,
                f'the disclaimer is undercut: it still suggests the product treats "{word}"'))
            blocked.append((negated_list[0][0], sb))
            continue
        link = condition_link(text, a, b, clause_of(a))
        if link is None or link[0] == "passive" or (caution and link[0] != "verb"):
            if caution:
                continue
            out.append(doc.finding(
                REVIEW, CONDITION, a, b,
                f'names the health condition "{word}"; copy should not link the product '
                f'to a condition'))
            continue
        groups.setdefault(link[1], []).append((a, b))
    for cue_start, spans in groups.items():
        words = ", ".join(f'"{text[x:y]}"' for x, y in spans[:6])
        start = min(cue_start, spans[0][0])
        out.append(doc.finding(
            BLOCK, CONDITION, start, spans[-1][1],
            f"presents the product as treating, preventing or targeting a health "
            f"condition ({words})"))
        blocked.append((start, spans[-1][1]))

    # 2. drugs and therapy
    coaching = None
    for m in drugs.DRUG_RE.finditer(text, sa, sb):
        a, b = m.start(), m.end()
        word = m.group()
        if covered.contains(a) or neutralised(a):
            continue
        left = text[max(sa, a - 40):a]
        low = word.lower()
        if low.startswith("therap") and drugs.RETAIL_LEFT_RE.search(left):
            continue
        if low.startswith("prescri") and not drugs.COMPARISON_RE.search(left):
            if coaching is None:
                coaching = bool(drugs.COACHING_RE.search(text, sa, sb))
            if coaching:
                continue
        weak = bool(drugs.THERAPY_WEAK_RE.match(word))
        for_next = bool(drugs.FOR_NEXT_RE.match(text, b, sb))
        if caution and (weak or not drugs.STRICT_COMPARISON_RE.search(left)):
            continue
        if weak and clause_of(a)[0] not in condition_clauses and not for_next \
                and not drugs.THERAPY_COMPARISON_LEFT_RE.search(left):
            out.append(doc.finding(REVIEW, DRUG, a, b,
                                   f'"{word}" suggests a medical or therapeutic effect'))
            continue
        out.append(doc.finding(BLOCK, DRUG, a, b,
                               f'compares the product with medication or therapy ("{word}")'))

    if not caution:
        for m in drugs.PROFESSIONAL_RE.finditer(text, sa, sb):
            a, b = m.start(), m.end()
            if not neutralised(a) and drugs.PROFESSIONAL_COMPARISON_RE.search(
                    text, max(sa, a - 40), a):
                out.append(doc.finding(
                    BLOCK, DRUG, a, b,
                    f'compares the product with seeing a health professional ("{m.group()}")'))

    for m in drugs.BEYOND_MEDICINE_RE.finditer(text, sa, sb):
        if not neutralised(m.start()) and not caution:
            out.append(doc.finding(BLOCK, DRUG, m.start(), m.end(),
                                   f'claims to do what medicine cannot ("{m.group()}")'))

    # a doctor quoted as endorsing the product ("Dr. Patel, a sports physician, says ...")
    if not caution:
        for ca, cb in clauses:
            who = approval.MEDICAL_PERSON_RE.search(text, ca, cb)
            if who and not neutralised(who.start()) \
                    and approval.ENDORSE_VERB_RE.search(text, who.end(), cb):
                out.append(doc.finding(
                    REVIEW, APPROVAL, who.start(), who.end(),
                    f'quotes "{who.group()}" about the product, which reads as a medical '
                    f'endorsement'))

    # 3. approval and proof
    effects: list[int] | None = None

    def effect_after(pos: int) -> bool:
        """A health-effect word starts at or after pos in this sentence."""
        nonlocal effects
        if effects is None:
            effects = [e.start() for e in approval.HEALTH_EFFECT_RE.finditer(text, sa, sb)]
        return bool(effects) and effects[-1] >= pos

    def effect_before(pos: int) -> bool:
        nonlocal effects
        if effects is None:
            effect_after(sb)
        return bool(effects) and effects[0] < pos

    for m in approval.APPROVAL_STRONG_RE.finditer(text, sa, sb):
        a, b = m.start(), m.end()
        word = m.group()
        if neutralised(a) or approval.APPROVAL_CAUTION_LEFT_RE.search(text, max(sa, a - 25), a):
            continue
        if word.lower().endswith("tested") and not effect_after(b):
            out.append(doc.finding(
                REVIEW, APPROVAL, a, b,
                f'"{word}" suggests medical testing; fine only for safety or durability'))
            continue
        out.append(doc.finding(BLOCK, APPROVAL, a, b,
                               f'claims medical approval or proof ("{word}")'))
    for m in approval.APPROVAL_EFFECT_RE.finditer(text, sa, sb):
        a, b = m.start(), m.end()
        word = m.group()
        if neutralised(a):
            continue
        if effect_after(b) or effect_before(a):
            out.append(doc.finding(BLOCK, APPROVAL, a, b,
                                   f'claims scientific proof of a health effect ("{word}")'))
        elif word.lower().startswith("clinical"):
            out.append(doc.finding(
                REVIEW, APPROVAL, a, b,
                f'"{word}" suggests medical testing; fine only for safety or durability'))

    # 4. mechanisms
    if not caution:
        material = None
        for m in mechanisms.MECHANISM_RE.finditer(text, sa, sb):
            a, b = m.start(), m.end()
            word = m.group()
            if neutralised(a):
                continue
            if word.lower().startswith("toxin"):
                if material is None:
                    material = bool(mechanisms.MATERIAL_RE.search(text, sa, sb))
                if material:
                    continue
            out.append(doc.finding(BLOCK, MECHANISM, a, b,
                                   f'claims a body-chemistry effect ("{word}")'))

    # weak signals: "heals", "healing", a bare "clinical"
    if not caution:
        blocked_cover = Cover(blocked)
        for m in mechanisms.CLINICAL_RE.finditer(text, sa, sb):
            if not negated.contains(m.start()) and not covered.contains(m.start()):
                out.append(doc.finding(REVIEW, OTHER, m.start(), m.end(),
                                       '"clinical" suggests a medical context'))
        for m in mechanisms.HEAL_RE.finditer(text, sa, sb):
            a, b = m.start(), m.end()
            if mechanisms.SELF_HEAL_RE.search(text, max(sa, a - 6), a):
                continue
            if negated.contains(a) or covered.contains(a) or blocked_cover.contains(a, b):
                continue
            out.append(doc.finding(REVIEW, OTHER, a, b,
                                   f'"{m.group()}" suggests a medical effect'))

    if hedged and not any(f.severity == BLOCK for f in out):
        out.append(doc.finding(
            BLOCK, CONDITION, negated_list[0][0], sb,
            "the disclaimer is undercut: it still suggests a medical effect"))
    return out
