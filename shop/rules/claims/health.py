"""Health claims, sentence by sentence.

Each sentence goes through named steps, each finding one kind of claim: conditions the product
treats or targets, comparisons with medication, therapy or health professionals, claims to do
what medicine cannot, quoted medical endorsements, approval or proof, body-chemistry mechanisms,
weak signals sent to review, and a disclaimer that the sentence undercuts. A step reads the
sentence's shared context (``Sentence``) and its own lexicon; a new family of claims is a new
lexicon module and one more step in ``_sentence_findings``.
"""

from __future__ import annotations

import re

from shop.rules.claims.document import Doc, sentence_spans
from shop.rules.claims.findings import (APPROVAL, BLOCK, CONDITION, DRUG, MECHANISM, OTHER, REVIEW,
                                        Finding)
from shop.rules.claims.lexicon import (approval, body_systems, conditions, drugs, framing,
                                       mechanisms)
from shop.rules.claims.mentions import condition_link
from shop.rules.claims.sentence import Sentence
from shop.rules.claims.spans import Cover

_GAP_WORD_RE = re.compile(r"[A-Za-z0-9']+")


# Every step needs one of these in the sentence before it can find anything, so a sentence
# with none of them is skipped after one search (most sentences of a long page are).
# A new step adds the pattern it starts from.
_TRIGGER_RE = re.compile("|".join("(?:" + p.pattern + ")" for p in (
    conditions.CONDITION_RE, drugs.DRUG_RE, drugs.PROFESSIONAL_RE, drugs.BEYOND_MEDICINE_RE,
    approval.MEDICAL_PERSON_RE, approval.APPROVAL_STRONG_RE, approval.APPROVAL_EFFECT_RE,
    mechanisms.MECHANISM_RE, mechanisms.CLINICAL_RE, mechanisms.HEAL_RE, framing.NEGATION_RE,
    body_systems.ANATOMY_RE, body_systems.STRUCTURE_ONLY_RE,
)), re.I)


def health_findings(doc: Doc) -> list[Finding]:
    """Health-claim findings of the whole document, sentence by sentence."""
    findings: list[Finding] = []
    for start, end in sentence_spans(doc.text):
        if _TRIGGER_RE.search(doc.text, start, end):
            findings.extend(_sentence_findings(doc, start, end))
    return findings


def _sentence_findings(doc: Doc, start: int, end: int) -> list[Finding]:
    """Findings of one sentence [start, end) of the normalised text, step by step."""
    s = Sentence(doc, start, end)
    condition_claims, blocked = _condition_claims(s)
    findings = [
        *condition_claims,
        *_drug_and_therapy_comparisons(s),
        *_professional_comparisons(s),
        *_beyond_medicine_claims(s),
        *_quoted_medical_endorsements(s),
        *_approval_and_proof_claims(s),
        *_mechanism_claims(s),
        *_body_system_claims(s),
        *_weak_medical_signals(s, blocked),
    ]
    return findings + _undercut_disclaimer(s, findings)


def _condition_claims(s: Sentence) -> tuple[list[Finding], list[tuple[int, int]]]:
    """Conditions the product is said to treat, prevent or target (block), and conditions merely
    named (review); also the spans blocked, for the weak-signal step."""
    text = s.text
    out: list[Finding] = []
    blocked: list[tuple[int, int]] = []
    by_cue: dict[int, list[tuple[int, int]]] = {}
    for a, b in s.mentions:
        if s.neutralised(a):
            continue
        word = text[a:b]
        if s.hedged and s.negated.contains(a):
            out.append(s.finding(
                BLOCK, CONDITION, s.disclaimer_start, s.end,
                f'the disclaimer is undercut: it still suggests the product treats "{word}"'))
            blocked.append((s.disclaimer_start, s.end))
            continue
        link = condition_link(text, a, b, s.clause_of(a))
        if link is None or link[0] == "passive" or (s.caution and link[0] != "verb"):
            if s.caution or (link is None and _topic_heading(s, word)):
                continue
            out.append(s.finding(
                REVIEW, CONDITION, a, b,
                f'names the health condition "{word}"; copy should not link the product '
                f'to a condition'))
            continue
        by_cue.setdefault(link[1], []).append((a, b))
    for cue_start, spans in by_cue.items():
        words = ", ".join(f'"{text[x:y]}"' for x, y in spans[:6])
        start = min(cue_start, spans[0][0])
        out.append(s.finding(
            BLOCK, CONDITION, start, spans[-1][1],
            f"presents the product as treating, preventing or targeting a health "
            f"condition ({words})"))
        blocked.append((start, spans[-1][1]))
    return out, blocked


def _topic_heading(s: Sentence, word: str) -> bool:
    """A wellness topic ("mental health", "cognition") named in a heading: a topic, not a
    claim."""
    return bool(conditions.TOPIC_RE.match(word)) \
        and not conditions.SENTENCE_END_RE.search(s.text, s.start, s.end) \
        and len(_GAP_WORD_RE.findall(s.text, s.start, s.end)) <= conditions.HEADING_MAX_WORDS


def _drug_and_therapy_comparisons(s: Sentence) -> list[Finding]:
    """Medication or therapy set beside the product ("better than Xanax"); a bare
    "therapeutic" or "physical therapy" away from any condition goes to review."""
    text = s.text
    out: list[Finding] = []
    condition_clauses = {s.clause_of(x)[0] for x, _ in s.mentions}
    coaching = None
    for m in drugs.DRUG_RE.finditer(text, s.start, s.end):
        a, b = m.start(), m.end()
        word = m.group()
        if s.covered.contains(a) or s.neutralised(a):
            continue
        left = s.left(a, 40)
        low = word.lower()
        if low.startswith("therap") and drugs.RETAIL_LEFT_RE.search(left):
            continue
        if low.startswith("prescri") and not drugs.COMPARISON_RE.search(left):
            if coaching is None:                         # "prescribed sets and reps"
                coaching = bool(drugs.COACHING_RE.search(text, s.start, s.end))
            if coaching:
                continue
        weak = bool(drugs.THERAPY_WEAK_RE.match(word))
        for_next = bool(drugs.FOR_NEXT_RE.match(text, b, s.end))
        if s.caution and (weak or not drugs.STRICT_COMPARISON_RE.search(left)):
            continue
        if weak and s.clause_of(a)[0] not in condition_clauses and not for_next \
                and not drugs.THERAPY_COMPARISON_LEFT_RE.search(left):
            out.append(s.finding(REVIEW, DRUG, a, b,
                                 f'"{word}" suggests a medical or therapeutic effect'))
            continue
        out.append(s.finding(BLOCK, DRUG, a, b,
                             f'compares the product with medication or therapy ("{word}")'))
    return out


def _professional_comparisons(s: Sentence) -> list[Finding]:
    """The product instead of a health professional ("cheaper than a therapist")."""
    if s.caution:
        return []
    out = []
    for m in drugs.PROFESSIONAL_RE.finditer(s.text, s.start, s.end):
        a, b = m.start(), m.end()
        if not s.neutralised(a) and drugs.PROFESSIONAL_COMPARISON_RE.search(
                s.text, max(s.start, a - 40), a):
            out.append(s.finding(
                BLOCK, DRUG, a, b,
                f'compares the product with seeing a health professional ("{m.group()}")'))
    return out


def _beyond_medicine_claims(s: Sentence) -> list[Finding]:
    """The product doing what medicine cannot ("what pills can't fix")."""
    out = []
    for m in drugs.BEYOND_MEDICINE_RE.finditer(s.text, s.start, s.end):
        if not s.neutralised(m.start()) and not s.caution:
            out.append(s.finding(BLOCK, DRUG, m.start(), m.end(),
                                 f'claims to do what medicine cannot ("{m.group()}")'))
    return out


def _quoted_medical_endorsements(s: Sentence) -> list[Finding]:
    """A doctor quoted about the product ("Dr. Patel, a sports physician, says ..."): review."""
    if s.caution:
        return []
    out = []
    for ca, cb in s.clauses:
        who = approval.MEDICAL_PERSON_RE.search(s.text, ca, cb)
        if who and not s.neutralised(who.start()) \
                and approval.ENDORSE_VERB_RE.search(s.text, who.end(), cb):
            out.append(s.finding(
                REVIEW, APPROVAL, who.start(), who.end(),
                f'quotes "{who.group()}" about the product, which reads as a medical '
                f'endorsement'))
    return out


def _approval_and_proof_claims(s: Sentence) -> list[Finding]:
    """Medical approval ("medically approved", "FDA cleared") and proof of a health effect
    ("studies show it lowers stress"); testing with no health effect goes to review."""
    text = s.text
    strong = list(approval.APPROVAL_STRONG_RE.finditer(text, s.start, s.end))
    proof = list(approval.APPROVAL_EFFECT_RE.finditer(text, s.start, s.end))
    if not strong and not proof:
        return []
    effects = [e.start() for e in approval.HEALTH_EFFECT_RE.finditer(text, s.start, s.end)]
    out = []
    for m in strong:
        a, b = m.start(), m.end()
        word = m.group()
        if s.neutralised(a) or approval.APPROVAL_CAUTION_LEFT_RE.search(
                text, max(s.start, a - 25), a):
            continue
        if word.lower().endswith("tested") and not (effects and effects[-1] >= b):
            out.append(s.finding(
                REVIEW, APPROVAL, a, b,
                f'"{word}" suggests medical testing; fine only for safety or durability'))
            continue
        out.append(s.finding(BLOCK, APPROVAL, a, b,
                             f'claims medical approval or proof ("{word}")'))
    for m in proof:
        a, b = m.start(), m.end()
        word = m.group()
        if s.neutralised(a):
            continue
        if effects and (effects[-1] >= b or effects[0] < a):    # a health effect around it
            out.append(s.finding(BLOCK, APPROVAL, a, b,
                                 f'claims scientific proof of a health effect ("{word}")'))
        elif word.lower().startswith("clinical"):
            out.append(s.finding(
                REVIEW, APPROVAL, a, b,
                f'"{word}" suggests medical testing; fine only for safety or durability'))
    return out


def _mechanism_claims(s: Sentence) -> list[Finding]:
    """Body-chemistry effects ("floods your brain with serotonin"); "toxins" in a sentence
    about materials ("free of toxins and phthalates") is left alone."""
    if s.caution:
        return []
    out = []
    material = None
    for m in mechanisms.MECHANISM_RE.finditer(s.text, s.start, s.end):
        a, b = m.start(), m.end()
        word = m.group()
        if s.neutralised(a):
            continue
        if word.lower().startswith("toxin"):
            if material is None:
                material = bool(mechanisms.MATERIAL_RE.search(s.text, s.start, s.end))
            if material:
                continue
        out.append(s.finding(BLOCK, MECHANISM, a, b,
                             f'claims a body-chemistry effect ("{word}")'))
    return out


def _body_system_claims(s: Sentence) -> list[Finding]:
    """A change to the inner workings of a named organ or body system ("grows your hippocampus",
    "rebalances your adrenal glands"): a change verb a few words before the organ, or a
    structural change after it ("your gut heals"). Joints, cartilage and a bare "gut" only with
    a structural change ("rebuilds cartilage", not "protects your joints")."""
    if s.caution:
        return []
    out = []
    organs = [(m, body_systems.CHANGE_VERB_RE)
              for m in body_systems.ANATOMY_RE.finditer(s.text, s.start, s.end)]
    organs += [(m, body_systems.STRUCTURAL_VERB_RE)
               for m in body_systems.STRUCTURE_ONLY_RE.finditer(s.text, s.start, s.end)]
    for organ, verbs in organs:
        a, b = organ.span()
        if s.neutralised(a):
            continue
        ca, _ = s.clause_of(a)
        verb = None
        for v in verbs.finditer(s.text, max(ca, a - 80), a):
            gap = s.text[v.end():a]
            if len(_GAP_WORD_RE.findall(gap)) <= body_systems.MAX_GAP_WORDS \
                    and not body_systems.GAP_BARRIER_RE.search(gap):
                verb = v
        after = body_systems.AFTER_VERB_RE.match(s.text, b, min(s.end, b + 40))
        if verb is None and after is None:
            continue
        start, end = (verb.start(), b) if verb else (a, after.end())
        out.append(s.finding(BLOCK, MECHANISM, start, end,
                             f'claims to change how an organ or body system works '
                             f'("{s.text[start:end]}")'))
    return out


def _weak_medical_signals(s: Sentence, blocked: list[tuple[int, int]]) -> list[Finding]:
    """Weak signals outside anything already found ("heals", "healing", a bare "clinical"):
    review."""
    if s.caution:
        return []
    out = []
    blocked_cover = Cover(blocked)
    for m in mechanisms.CLINICAL_RE.finditer(s.text, s.start, s.end):
        if not s.negated.contains(m.start()) and not s.covered.contains(m.start()):
            out.append(s.finding(REVIEW, OTHER, m.start(), m.end(),
                                 '"clinical" suggests a medical context'))
    for m in mechanisms.HEAL_RE.finditer(s.text, s.start, s.end):
        a, b = m.start(), m.end()
        if mechanisms.SELF_HEAL_RE.search(s.text, max(s.start, a - 6), a):
            continue
        if s.negated.contains(a) or s.covered.contains(a) or blocked_cover.contains(a, b):
            continue
        out.append(s.finding(REVIEW, OTHER, a, b, f'"{m.group()}" suggests a medical effect'))
    return out


def _undercut_disclaimer(s: Sentence, findings: list[Finding]) -> list[Finding]:
    """A hedged disclaimer ("not a cure for X, but it comes close") blocks even when no other
    step blocked anything in the sentence."""
    if s.hedged and not any(f.severity == BLOCK for f in findings):
        return [s.finding(BLOCK, CONDITION, s.disclaimer_start, s.end,
                          "the disclaimer is undercut: it still suggests a medical effect")]
    return []
