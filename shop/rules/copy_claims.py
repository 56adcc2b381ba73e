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

How it works: the text is normalised (HTML tags dropped, entities decoded, curly quotes and
odd spaces straightened) while keeping a map from every normalised character back to the
original, then split into sentences and clauses. Lexicons (conditions with
misspelling-tolerant patterns, claim verbs, targeting phrases, drugs and therapy, approval
phrases, mechanism terms) are matched per sentence; a condition linked to a claim verb or
targeting phrase blocks, a bare condition is sent to review. Standard library only; every
regex is compiled at import.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

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

# --------------------------------------------------------------------------------------
# Normalisation with an offset map
# --------------------------------------------------------------------------------------

_SPECIAL_RE = re.compile(r"[<&]|[^\x00-\x7f]")
_TAG_RE = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*>", re.S)
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_VISIBLE_ATTR_RE = re.compile(r"""\b(alt|title)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_INLINE_TAGS = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em",
                          "i", "kbd", "mark", "q", "s", "samp", "small", "span", "strong",
                          "sub", "sup", "time", "u", "var", "wbr", "font", "del", "ins"})
_CHAR_MAP = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "\u0060": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-",
    "\u2013": "\u2013", "\u2014": "\u2014", "\u2015": "\u2014", "\u00a0": " ", "\u2009": " ",
    "\u200a": " ", "\u202f": " ", "\u2007": " ", "\u2002": " ", "\u2003": " ", "\u2026": "\u2026",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "", "\u00ad": "",
}


def _norm_char(ch: str) -> str:
    """One character as the matcher sees it (may be empty or several characters)."""
    mapped = _CHAR_MAP.get(ch)
    if mapped is not None:
        return mapped
    if ch < "\x80":
        return ch
    out = unicodedata.normalize("NFKC", ch)
    return "".join(_CHAR_MAP.get(c, c) for c in out)


def _normalise(text: str) -> tuple[str, list[int], list[int]]:
    """Normalised text plus, for each of its characters, the original [start, end).

    Tags are dropped (block tags become a line break, which ends a sentence), the
    visible text of ``alt`` and ``title`` attributes is kept as a sentence of its own,
    ``<script>``/``<style>`` bodies are skipped, entities are decoded and odd quotes,
    dashes and spaces are straightened.
    """
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def emit(chunk: str, a: int, b: int) -> None:
        parts.append(chunk)
        starts.extend([a] * len(chunk))
        ends.extend([b] * len(chunk))

    def walk(pos: int, n: int, markup: bool) -> None:
        while pos < n:
            m = _SPECIAL_RE.search(text, pos, n)
            if m is None:
                parts.append(text[pos:n])
                starts.extend(range(pos, n))
                ends.extend(range(pos + 1, n + 1))
                return
            i = m.start()
            if i > pos:
                parts.append(text[pos:i])
                starts.extend(range(pos, i))
                ends.extend(range(pos + 1, i + 1))
            ch = text[i]
            tag = _TAG_RE.match(text, i, n) if ch == "<" and markup else None
            if tag:
                name = (tag.group(2) or "").lower()
                pos = tag.end()
                if name and name not in _INLINE_TAGS:
                    emit("\n", i, tag.end())      # block tags end a sentence
                for attr in _VISIBLE_ATTR_RE.finditer(text, i, tag.end()):
                    group = 2 if attr.group(2) is not None else 3
                    emit("\n", attr.start(), attr.start(group))
                    walk(attr.start(group), attr.end(group), markup=False)
                    emit("\n", attr.end(group), attr.end())
                if name in ("script", "style") and not tag.group(1):
                    close = re.compile(r"</\s*" + name + r"\s*>", re.I).search(text, pos, n)
                    pos = close.end() if close else n
                continue
            if ch == "&":
                ent = _ENTITY_RE.match(text, i, n)
                if ent:
                    decoded = html.unescape(ent.group())
                    if decoded != ent.group():
                        emit("".join(_norm_char(c) for c in decoded), i, ent.end())
                        pos = ent.end()
                        continue
            emit(_norm_char(ch), i, i + 1)
            pos = i + 1

    walk(0, len(text), markup=True)
    return "".join(parts), starts, ends


class _Doc:
    """Normalised text and the way back to the original."""

    def __init__(self, original: str):
        self.original = original
        self.text, self._starts, self._ends = _normalise(original)

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Original [start, end) for normalised [a, b), trimmed of whitespace."""
        t = self.text
        while a < b and t[a].isspace():
            a += 1
        while b > a and t[b - 1].isspace():
            b -= 1
        if a >= b:
            return (self._starts[a], self._starts[a]) if a < len(t) else (len(self.original),) * 2
        return self._starts[a], self._ends[b - 1]

    def finding(self, severity: str, category: str, a: int, b: int, reason: str,
                suggestion: str | None = None) -> Finding:
        """A Finding for normalised [a, b)."""
        start, end = self.span(a, b)
        return Finding(severity, category, start, end, self.original[start:end], reason,
                       suggestion or SUGGESTIONS[category])


# --------------------------------------------------------------------------------------
# Sentences and clauses
# --------------------------------------------------------------------------------------

_SENT_END_RE = re.compile(r"[.!?\u2026]+[\"')\]]*(?=\s|$)|\n+")
_ABBREV = frozenset({"dr", "mr", "mrs", "prof", "st", "vs", "e.g", "i.e", "approx", "fig",
                     "sr", "jr"})
_PREV_WORD_RE = re.compile(r"([A-Za-z.]+)$")
_CLAUSE_SPLIT_RE = re.compile(
    r"\s*[;:\u2014\u2013()]\s*|\s+-\s+|\s*,?\s+(?:but|however|yet|though|although|whereas)\b,?\s*",
    re.I)


def _sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence of the normalised text."""
    out = []
    start = 0
    for m in _SENT_END_RE.finditer(text):
        if m.group()[0] == ".":
            after = text[m.end():m.end() + 40].lstrip()
            prev = _PREV_WORD_RE.search(text, max(0, m.start() - 20), m.start())
            prev_word = prev.group(1).lower().strip(".") if prev else ""
            if prev_word in _ABBREV or (after[:1].islower()):
                continue
        end = m.end()
        if text[start:end].strip():
            out.append((start, end))
        start = end
    if text[start:].strip():
        out.append((start, len(text)))
    return out


def _clauses(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """[start, end) of the clauses of sentence [a, b)."""
    out = []
    start = a
    for m in _CLAUSE_SPLIT_RE.finditer(text, a, b):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if b > start:
        out.append((start, b))
    return out or [(a, b)]


def _ci(pattern: str) -> re.Pattern:
    """Compiled, case-insensitive."""
    return re.compile(pattern, re.I)


def _first_chars(items) -> tuple[set[str] | None, bool]:
    """(Characters a parsed regex sequence can start with, lower-cased; None if unknown),
    and whether the sequence can match the empty string."""
    c = re._parser  # type: ignore[attr-defined]  # opcodes LITERAL, IN, ... (Python 3.11+)
    first: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            return first | {chr(av).lower()}, False
        if op is c.IN:
            chars: set[str] = set()
            for sub_op, sub_av in av:
                if sub_op is c.LITERAL:
                    chars.add(chr(sub_av).lower())
                elif sub_op is c.RANGE and sub_av[1] - sub_av[0] < 128:
                    chars.update(chr(x).lower() for x in range(sub_av[0], sub_av[1] + 1))
                else:
                    return None, False
            return first | chars, False
        if op is c.AT or op in (c.ASSERT, c.ASSERT_NOT):
            continue                          # zero width: look further
        if op is c.SUBPATTERN:
            sub, nullable = _first_chars(av[-1])
        elif op is c.BRANCH:
            sub, nullable = set(), False
            for seq in av[1]:
                branch, branch_nullable = _first_chars(seq)
                if branch is None:
                    return None, False
                sub |= branch
                nullable = nullable or branch_nullable
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            sub, nullable = _first_chars(av[2])
            nullable = nullable or av[0] == 0
        else:
            return None, False
        if sub is None:
            return None, False
        first |= sub
        if not nullable:
            return first, False
    return first, True


def _dispatch(alternatives: tuple[str, ...] | list[str]) -> str:
    """One alternation, grouped by first character so the engine skips most branches.

    At any position only the group of the character there is tried, and inside a group the
    alternatives keep their order, so matches are the same as the plain alternation's.
    Falls back to the plain alternation if the stdlib parser is not available.
    """
    plain = "(?:" + "|".join(alternatives) + ")"
    try:
        firsts = []
        for alt in alternatives:
            chars, nullable = _first_chars(re._parser.parse(alt, re.I).data)  # type: ignore
            firsts.append(None if nullable or not chars else chars)
    except Exception:  # pragma: no cover - private parser changed: stay correct, just slower
        return plain
    alphabet = sorted(set().union(*(f for f in firsts if f)))
    generic = [alt for alt, f in zip(alternatives, firsts) if f is None]
    groups = []
    for ch in alphabet:
        members = [alt for alt, f in zip(alternatives, firsts) if f is None or ch in f]
        groups.append("(?=" + re.escape(ch) + ")(?:" + "|".join(members) + ")")
    if generic:
        groups.append("(?:" + "|".join(generic) + ")")
    return "(?:" + "|".join(groups) + ")"


def _words(*alternatives: str) -> str:
    """Alternatives joined into one group bounded by word boundaries."""
    return r"\b" + _dispatch(alternatives) + r"\b"


# --------------------------------------------------------------------------------------
# Lexicons
# --------------------------------------------------------------------------------------

_BODY = (r"(?:lower[- ])?(?:back|neck|shoulder|knee|hip|joint|wrist|hand|elbow|ankle|foot|feet|"
         r"heel|leg|nerve|sciatic|pelvic|jaw|spine|spinal)s?")
_BODY_LIST = _BODY + r"(?:\s*(?:,|and|or|&|/)\s*" + _BODY + r")*"

CONDITION_TERMS = [
    # mental health
    r"post[- ]?traumatic(?:\s+stress)?(?:\s+disorder)?", r"p\.?\s?t\.?\s?s\.?\s?d(?:\b\.?|(?=s\b))",
    r"traumatic brain injur(?:y|ies)", r"(?:emotional|childhood|psychological)\s+trauma",
    r"traumas?", r"traumati[sz]ed",
    r"(?:post[- ]?(?:natal|partum)\s+|clinical\s+|major\s+|manic\s+|seasonal\s+|teen\s+|"
    r"chronic\s+)?de?p+res+i?ons?", r"depressed",
    r"depressive(?:\s+(?:symptoms|episodes?|disorder))?",
    r"an(?:x|kx|xs)[ie]{0,2}t(?:y|ies)(?:\s+disorders?|\s+attacks?)?",
    r"panic\s+(?:attacks?|disorders?)", r"phobias?",
    r"a\.?d\.?h\.?d\b", r"(?-i:ADD)(?!\s+(?:to|TO|To|on|ON|a|A|it|IT)\b)",
    r"attention[- ]deficit(?:\s+(?:hyperactivity\s+)?disorder)?",
    r"hyperactivity", r"ocd", r"obsessive[- ]compulsive(?:\s+disorder)?",
    r"autis(?:m|tic)", r"asperger'?s?", r"on the (?:autism\s+)?spectrum",
    r"bipolar(?:\s+disorder)?", r"schizophreni\w*", r"psychos[ie]s", r"psychotic",
    r"mental (?:illness(?:es)?|disorders?|breakdowns?)",
    r"mental[- ]health (?:conditions?|issues?|problems?|disorders?|struggles?|crisis|crises)",
    r"suicid\w*", r"self[- ]harm\w*", r"seasonal affective(?:\s+disorder)?",
    r"eating disorders?", r"anorexi\w*", r"bulimi\w*", r"binge[- ]eating",
    r"ins[ao]m+(?:n?i|i?n)a(?:cs?)?", r"sleep (?:disorders?|apn(?:o)?ea)", r"apn(?:o)?ea",
    r"restless legs?(?:\s+syndrome)?", r"narcolepsy",
    r"dem[ae]nt[ui]?a", r"alz?h?[ei]{1,2}m[ei]?r(?:'?s)?(?:\s+disease)?",
    r"park[ie]ns[oe]n(?:'?s)?(?:\s+disease)?",
    r"cognitive (?:decline|impairment|dysfunction)", r"mental decline", r"memory (?:loss|decline)",
    r"brain fog", r"senility", r"senile",
    r"age-related\s+(?:cognitive\s+|mental\s+|memory\s+|brain\s+|muscle\s+)?(?:decline|loss)",
    r"sarcopenia", r"frailty", r"brain\s+health", r"cognitive\s+(?:function|health)",
    r"neuro-?diver(?:gent|gence|se|sity)", r"dyslexi\w*", r"dyspraxi\w*", r"tourette'?s?",
    r"nervous\s+breakdowns?", r"burn-?out", r"mental[- ]health",
    # addiction
    r"(?:drug|alcohol|opioid|substance|gambling|porn|nicotine)\s+addictions?", r"addictions?",
    r"(?:recovering|former|drug|alcohol|opioid|heroin|meth)\s+addicts?",
    r"alcoholi(?:sm|cs?)", r"substance (?:ab)?use(?:\s+disorder)?",
    r"drug (?:use|abuse|habits?|problems?)", r"opioids?", r"sobriety", r"sober", r"relapses?",
    r"(?:stay|staying|stays|keep|keeping)\s+clean",
    r"(?:stay|staying|stays|get|getting|remain|remaining|be|being)\s+sober",
    r"(?:people|those|anyone|someone|folks|members|men|women|veterans|adults|friends)"
    r"\s+(?:who\s+are\s+)?in\s+recovery",
    r"(?:addiction|alcohol|drug)\s+recovery", r"recovery from (?:addiction|alcohol\w*|drugs?)",
    r"(?:quit|quitting|stop|stopping|kick|kicking|give up|giving up)\s+"
    r"(?:smoking|cigarettes|vaping|nicotine|drinking|alcohol|drugs)",
    r"smokers?", r"smoking", r"nicotine",
    # metabolic, cardiovascular, other diseases
    r"(?:type\s*(?:1|2|one|two|i|ii)\s+)?diab[ea]t(?:es|is|ies|ees|us|ics?)", r"pre-?diab\w+",
    r"blood (?:sugar|glucose)(?:\s+levels?)?", r"insulin resistance", r"a1c",
    r"(?:osteo-?|rheumatoid\s+|psoriatic\s+)?ar?t?h?r[iy]t(?:is|us|es|ics?)", r"rheumatism",
    r"osteoporosis", r"osteopenia", r"gout", r"fibro-?myalgia", r"lupus",
    r"hyperten[st]ion", r"hypertensive", r"(?:high\s+|low\s+)?blood[- ]pressure",
    r"(?:high\s+)?cholesterol",
    r"(?:morbid(?:ly)?\s+)?obes(?:ity|e)", r"bariatric",
    r"heart (?:disease|attacks?|failure|conditions?|problems|issues|surgery|patients)"
    r"(?:\s*(?:,|and|or|&)\s*strokes?)?",
    r"cardiac (?:arrest|rehab\w*|patients?|events?|conditions?|disease)",
    r"cardiovascular (?:disease|conditions?|events?)", r"coronary(?:\s+\w+\s+disease)?",
    r"arrhythmias?", r"atrial fibrillation", r"a-?fib", r"angina", r"palpitations",
    r"strokes?",
    r"cancers?", r"tumou?rs?", r"chemo(?:therapy)?", r"oncology",
    r"asthma(?:tic)?", r"copd", r"emphysema", r"bronchitis", r"lung disease",
    r"multiple sclerosis", r"(?-i:MS)", r"epilep\w+", r"seizures?", r"cerebral palsy",
    r"spinal cord injur(?:y|ies)", r"paraly[sz]\w*", r"neuropath\w+",
    r"crohn'?s(?:\s+disease)?", r"ibs", r"irritable bowel(?:\s+syndrome)?", r"c[oe]eliac",
    r"(?:hypo|hyper)?thyroid\w*", r"pcos", r"endometriosis", r"erectile dysfunction",
    r"incontinen\w+", r"(?:overactive|weak|leaky)\s+bladders?",
    r"bladder\s+(?:leaks?|leakage|control|problems|issues|weakness)", r"urinary\s+\w+",
    r"prolapse", r"vertigo", r"tinnitus", r"lymph[oe]dema",
    r"varicose veins", r"poor\s+circulation",
    r"circulat(?:ion|ory)\s+(?:problems|issues|disorders?)",
    r"hangovers?", r"jet\s+lag", r"menstrual\s+(?:cramps|pain)", r"period\s+(?:pain|cramps)",
    r"(?-i:PMS)", r"hot\s+(?:flashes|flushes)", r"constipation", r"acid\s+reflux", r"heartburn",
    r"indigestion", r"bloating", r"snoring", r"flat\s+feet", r"bunions?", r"hernias?",
    r"nausea", r"(?:morning|motion)\s+sickness", r"allerg(?:y|ies)", r"common\s+colds?",
    r"colds?\s+(?:and|&)\s+(?:the\s+)?flu", r"the\s+flu\b(?!\s+season)", r"influenza",
    r"infections?", r"fatty\s+liver", r"fertility", r"infertility", r"tremors?", r"arthrosis",
    r"spinal\s+stenosis", r"spondyl\w+", r"repetitive\s+strain(?:\s+injur(?:y|ies))?", r"rsi",
    r"hypo-?glyc[ae]mi\w*", r"hyper-?glyc[ae]mi\w*", r"(?:premature|early)\s+death",
    r"mortality", r"chronic fatigue(?:\s+syndrome)?", r"long[- ]covid",
    r"covid(?:-19)?\s+(?:recovery|symptoms|patients|survivors)",
    r"migraines?", r"(?:tension\s+|chronic\s+)?headaches?",
    r"sciatica", r"(?:herniated|slipped|bulging|ruptured|degenerative)\s+dis[ck]s?",
    r"dis[ck] herniation", r"scoliosis", r"kyphosis",
    r"plantar fasc\w+", r"tend[oi]n(?:itis|opathy)", r"bursitis", r"tennis elbow",
    r"golfer'?s elbow", r"carpal tunnel(?:\s+syndrome)?", r"frozen shoulder", r"whiplash",
    r"concussions?", r"shin splints", r"fractures?", r"fractured", r"broken bones?",
    r"sprain(?:s|ed)?",
    r"(?:torn|ruptured)\s+(?:acl|mcl|meniscus|rotator cuff|achilles|ligaments?|cartilage|labrum)",
    r"(?:acl|mcl|meniscus|rotator cuff|achilles|ligament|labrum)\s+"
    r"(?:tears?|injur(?:y|ies)|surgery|reconstruction|rupture|repair)",
    r"injured\s+(?:knees?|backs?|shoulders?|hips?|ankles?|wrists?|elbows?|necks?|joints?)",
    r"bad\s+(?:knees?|backs?|hips?)",
    _BODY_LIST + r"\s+(?:pain|pains|aches?|problems|issues|trouble|injur(?:y|ies)|damage)",
    r"chronic (?:pain|illness(?:es)?|diseases?|conditions?|inflammation)",
    r"aches and pains", r"pain relief", r"pains?",
    r"sports injur(?:y|ies)",
    r"(?:post|pre)[- ]?(?:surgery|surgical|op)", r"surger(?:y|ies)",
    r"(?:knee|hip|joint|shoulder)\s+replacements?",
    r"rehab(?:ilitation)?", r"rehabilitat\w+",
    # generic
    r"diseases?", r"illness(?:es)?", r"ill[- ]health", r"ailments?", r"what ails you",
    r"disorders?", r"syndromes?", r"symptoms?",
    r"(?:health|medical|chronic|pre-?existing|heart|underlying|autoimmune|lung|joint|"
    r"neurological|mental)\s+conditions?",
    r"patients", r"sufferers?", r"sickness(?:es)?",
    r"(?:my|your|their|his|her|a|the)\s+diagnos[ie]s", r"diagnosed\s+(?:with|as)",
    r"(?:signs|effects|symptoms)\s+of\s+(?:ag(?:e)?ing|age|getting\s+older)", r"anti-?ag(?:e)?ing",
    r"(?:natural|miracle)\s+cures?", r"cure-?alls?",
]
_CONDITION_RE = _ci(_words(*CONDITION_TERMS))

# Conditions that are everyday words in another sense: checked with their context.
_TRAUMA_OBJECTS_RE = _ci(
    r"\b(?:floors?|subfloors?|flooring|platforms?|bars?|barbells?|plates?|surfaces?|concrete|"
    r"foundations?|tiles?|mats?|hardwood|decks?|walls?|equipment|frames?|bumpers?|slabs?|"
    r"garage|ceilings?|neighbours?|neighbors?)\b")
_PHYSICAL_DEPRESSION_RE = _ci(
    r"^\s*(?:in|on|of|at|along|into)\s+(?:the\s+|a\s+|this\s+|its\s+|each\s+|your\s+)?"
    r"(?:\w+\s+)?(?:pad|padding|seat|foam|cushion|surface|floor|deck|frame|bench|mat|plate|"
    r"handle|grip|lever|pedal|base|top|cent(?:er|re)|middle|board|tube|upholstery|button)")
_STROKE_LEFT_RE = _ci(
    r"(?:heart attacks?\s*(?:,|and|or|&)?|risk of|after|had|suffer(?:ed|ing)?|from|survived|"
    r"surviving|prevent\w*|mini|major|minor|ischemic|ischaemic|ha?emorrhagic)\s+"
    r"(?:a\s+|an\s+|your\s+|the\s+|their\s+)?$")
_STROKE_RIGHT_RE = _ci(r"^[\s-]+(?:survivors?|patients?|victims?|recovery|rehab\w*|risk|"
                       r"prevention)\b")
_PAIN_LEFT_RE = _ci(
    r"\b(?:reliev\w*|relief\s+(?:from|for)|eas(?:e|es|ed|ing)|sooth\w*|reduc\w*|eliminat\w*|"
    r"alleviat\w*|treat\w*|cur(?:e|es|ed|ing)|heal\w*|fight\w*|beat\w*|banish\w*|manag\w*|"
    r"goodbye\s+to|free\s+(?:from|of)|chronic|persistent|nagging|lower|numb\w*|fix\w*|"
    r"stop\w*|end(?:s|ed|ing)?|kill\w*|no\s+more|lessen\w*|muscle|nerve|arthritic)\s+"
    r"(?:(?:your|the|my|their|that|of|from|all)\s+){0,2}$")
_ADDICTION_HOBBY_LEFT_RE = _ci(
    r"\b(?:gym|fitness|workout|exercise|cardio|training|rowing|running|lifting|healthy|new|"
    r"latest|favou?rite|leaderboard|sweat|endorphin)\s+$")
_ADDICTION_HOBBY_RIGHT_RE = _ci(
    r"^\s+to\s+(?:the\s+|your\s+|this\s+)?(?:gym|fitness|workouts?|exercise|training|rowing|"
    r"running|lifting|gains|leaderboard|cardio|sweat)\b")
_SOBER_LEFT_RE = _ci(r"\b(?:stay|staying|stays|get|getting|remain\w*|be|being|living|life|"
                     r"newly|stayed|keep\w*|and)\s+$")

# Claim verbs and targeting phrases that tie a condition to the product.
_CLAIM_VERBS = (
    r"treat(?:s|ed|ing|ments?)?", r"cur(?:e|es|ed|ing)", r"prevent(?:s|ed|ing|ion|ive)?",
    r"reliev(?:e|es|ed|ing)", r"relief", r"eas(?:e|es|ed|ing)", r"manag(?:e|es|ed|ing|ement)",
    r"revers(?:e|es|ed|ing)", r"heal(?:s|ed|ing)?", r"recover(?:s|ed|ing|y)?(?:\s+from)?",
    r"fight(?:s|ing)?", r"fought", r"beat(?:s|ing)?", r"combat(?:s|ted|ting)?",
    r"control(?:s|led|ling)?", r"lower(?:s|ed|ing)?", r"reduc(?:e|es|ed|ing|tion)",
    r"cut(?:s|ting)?", r"slow(?:s|ed|ing)?", r"stave(?:s|d)?\s+off", r"eliminat\w*",
    r"kick(?:s|ed|ing)?", r"overc[oa]m\w*", r"conquer\w*", r"alleviat\w*", r"sooth\w*",
    r"calm(?:s|ed|ing)?", r"banish\w*", r"get(?:ting)?\s+rid\s+of", r"goodbye\s+to",
    r"free\s+(?:yourself\s+|you\s+)?(?:from|of)", r"break\s+free\s+(?:from|of)",
    r"cop(?:e|es|ing)\s+with", r"deal(?:s|ing)?\s+with", r"end(?:s|ed|ing)?",
    r"stop(?:s|ped|ping)?", r"lessen\w*", r"diminish\w*", r"regulat\w*", r"defeat\w*",
    r"protect(?:s|ing)?\s+(?:you\s+)?against", r"ward(?:s|ing)?\s+off", r"risk\s+of",
    r"remed(?:y|ies)\s+for", r"resolv\w*", r"help(?:s|ed|ing)?\s+(?:with|against)",
    r"improv(?:e|es|ed|ing)", r"clear(?:s|ed|ing)?\s+up", r"decompress\w*",
    r"rehab\w*", r"therapy\s+for", r"medicine\s+for", r"cure\s+for", r"aid(?:s|ing)?\s+in",
    r"against", r"after(?:\s+(?:a|an|your|their))?", r"regain\w*", r"rid\s+of",
    r"say\s+no\s+to", r"no\s+more", r"way\s+out\s+of", r"escape\w*", r"outrun",
    r"counteract\w*", r"offset\w*", r"minimi[sz]\w*", r"tackl\w*", r"address\w*",
    r"melt(?:s|ed|ing)?\s+away", r"shak(?:e|es|ing)\s+off", r"work(?:s|ed|ing)?\s+through",
    r"lift(?:s|ed|ing)?\s+(?:you\s+)?out\s+of", r"help(?:s|ed|ing)?", r"support(?:s|ed|ing)?",
    r"reliev(?:e|es|ed|ing)?\s+from", r"bounce\s+back\s+from", r"get\s+over",
    r"outgrow\w*", r"free\s+of", r"symptoms?\s+of", r"fix(?:es|ed|ing)?", r"repair(?:s|ed|ing)?",
    r"restor(?:e|es|ed|ing)", r"undo(?:es|ne|ing)?", r"eras(?:e|es|ed|ing)", r"wipe[sd]?\s+out",
    r"knock(?:s|ed|ing)?\s+out", r"crush(?:es|ed|ing)?", r"put(?:s|ting)?\s+an\s+end\s+to",
    r"(?:keep|keeps|keeping)",  # "keep Alzheimer's at bay" (right side checked too)
)
_TARGETING = (
    r"for", r"with", r"who\s+(?:have|has|had)", r"suffer(?:s|ed|ing)?\s+from",
    r"sufferers\s+of", r"living\s+with", r"live(?:s)?\s+with", r"battl(?:e|es|ed|ing)",
    r"struggl(?:e|es|ed|ing)\s+with", r"diagnosed\s+with", r"affected\s+by", r"prone\s+to",
    r"at\s+risk\s+(?:of|for)", r"channel\s+your", r"your",
)
_CUE_RE = _ci(_words(*_CLAIM_VERBS) + "|" + _words(*_TARGETING))
_STRONG_CUE_RE = _ci(r"^" + _words(*_CLAIM_VERBS) + r"$")
_PASSIVE_LEFT_RE = _ci(r"\b(?:being|been|are|is|was|were|get|gets|got|getting|be)\s+$")
_RIGHT_CUE_RE = _ci(
    r"[\s-]*(?:relief|recovery|management|rehab\w*|treatment|patients?|sufferers?|"
    r"survivors?|at\s+bay|disappears?|disappeared|vanish\w*|lift(?:s|ed|ing)?|goes\s+away|"
    r"go\s+away|gone|melts?\s+away|fades?|free\b|no\s+more|is\s+history|hold\s+you\s+back|"
    r"symptoms?)\b")
_BARRIER_RE = _ci(r"\b(?:if|when|whenever|unless|before|whether|until|while|because|so|who|"
                  r"which|that|should|must|may|might)\b")
_GAP_WORD_RE = re.compile(r"[A-Za-z0-9']+")

# Caution framing: the sentence tells people with a condition to take care.
_DOCTORS = (r"(?:doctor|physician|gp|cardiologist|healthcare|health\s+care|medical|physio\w*|"
            r"physical\s+therapist|midwife|specialist|pharmacist|nurse|obstetrician|"
            r"health\s+professional)")
CAUTION_CUES = [
    r"consult(?:s|ed|ing)?",
    r"ask\s+(?:your|a|their|his|her)\s+" + _DOCTORS,
    r"(?:talk|speak|check)(?:ing)?\s+(?:to|with)\s+(?:your|a|their|his|her)\s+(?:\w+\s+)?"
    + _DOCTORS,
    r"seek\s+(?:medical|professional)", r"medical\s+(?:clearance|advice|supervision|attention|"
    r"professional|guidance|approval)",
    r"cleared\s+(?:to\s+exercise\s+)?by\s+(?:a|your)\s+(?:doctor|physician)",
    r"(?:doctor|physician|gp)'?s\s+(?:approval|permission|clearance|advice|consent|ok)",
    r"not\s+(?:suitable|recommended|advised|safe|for\s+use)", r"unsuitable",
    r"should\s+not", r"shouldn't", r"must\s+not",
    r"(?:should|must)\s+(?:first\s+|always\s+|still\s+)?(?:consult|check|avoid|stop|speak|talk|"
    r"ask|seek|monitor|obtain|get\s+(?:medical|clearance|approval|advice|checked|the\s+ok)|"
    r"start\s+(?:slowly|on|with|at|gently)|begin\s+(?:slowly|with|at|gently)|use\s+caution|"
    r"take\s+care|be\s+(?:careful|cautious|supervised|cleared))",
    r"do\s+not\s+use", r"don't\s+use", r"never\s+use", r"avoid\s+(?:using|use|this)",
    r"stop\s+(?:exercising|using|immediately|training)",
    r"before\s+(?:use|using|starting|beginning|you\s+start|exercising|training)",
    r"with\s+caution", r"use\s+caution", r"under\s+(?:medical\s+)?supervision",
    r"get\s+(?:medical\s+)?clearance", r"contraindicated", r"at\s+your\s+own\s+risk",
    r"healthcare\s+professional", r"health\s+care\s+(?:professional|provider)",
]
_CAUTION_RE = _ci(_words(*CAUTION_CUES))

# Disclaimer negations: the clause after the cue is neutralised.
_NEGATION_RE = _ci(
    r"\b(?:(?:is|are|was|it's|it\s+is|isn't|aren't)\s+)?not\s+(?:intended|meant|designed|"
    r"a\s+(?:substitute|replacement|treatment|cure|remedy|medical|medicine|therapy|drug)|"
    r"an?\s+alternative\s+to|medical|evaluated|approved\s+by\s+the\s+fda|to\s+be\s+used\s+as|"
    r"(?:diagnose|treat|cure|prevent))"
    r"|\bno\s+(?:medical\s+|health\s+)?claims?\b|\bmakes?\s+no\s+\w*\s*claims?"
    r"|\b(?:do|does|did)\s*(?:not|n't)\s+(?:make\s+(?:any\s+)?(?:medical|health)\s+claims?|"
    r"diagnose|treat|cure|prevent|claim|replace)"
    r"|\b(?:don't|doesn't|didn't)\s+(?:make\s+(?:any\s+)?(?:medical|health)\s+claims?|diagnose|"
    r"treat|cure|prevent|claim|replace)"
    r"|\bhave\s+not\s+been\s+evaluated|\bnothing\s+(?:on|in)\s+this\s+\w+\s+is"
    r"|\bnot\s+(?:doctors|a\s+doctor|medical\s+professionals)|\bnor\s+(?:diagnose|treat|cure)"
    r"|\bnever\s+(?:a\s+)?(?:substitute|replacement)\s+for"
    r"|\b(?:won't|will\s+not|can't|cannot|can\s+not|couldn't|wouldn't)\s+(?:\w+\s+)?"
    r"(?:diagnose|treat|cure|prevent|fix|heal|replace)")
_NOT_JUST_RE = _ci(r"\bnot\s+(?:just|only|merely|simply)\b|\bisn't\s+(?:just|only)\b|"
                   r"\bmore\s+than\s+just\b")
_HEDGE_SEP_RE = _ci(r"\b(?:but|yet|though|however)\b|[,;\u2014\u2013]")
_HEDGE_WORDS_RE = _ci(
    r"\b(?:comes?\s+(?:\w+\s+)?close|almost|nearly|practically|pretty\s+much|next\s+best|"
    r"just\s+as\s+good|might\s+as\s+well|close\s+enough|as\s+good\s+as|does\s+the\s+job|"
    r"works?\s+(?:just\s+)?as\s+well|even\s+better|(?:it'?s|it\s+is)\s+better|works?\s+better|"
    r"more\s+effective|even\s+more)\b"
    r"|\bhelps?\b(?:\s+(?:a\s+lot|with\s+(?:it|that|them|this)))?[\s.!\"')]*$")

# Drug and therapy comparisons.
DRUG_TERMS = [
    r"anti-?depressants?", r"anti-?anxiety\s+(?:meds|medications?|drugs|pills)",
    r"xanax", r"prozac", r"zoloft", r"lexapro", r"valium", r"ativan", r"klonopin", r"wellbutrin",
    r"ritalin", r"adderall", r"concerta", r"ambien", r"ozempic", r"wegovy", r"metformin",
    r"statins?", r"ibuprofen", r"advil", r"tylenol", r"paracetamol", r"aspirin", r"oxycodone",
    r"viagra", r"cialis", r"benzos?", r"benzodiazepines?", r"ssris?", r"lithium",
    r"side[- ]effects?", r"pills?", r"meds", r"medications?", r"medicinal",
    r"medicines?(?!\s*-?\s*balls?)", r"prescri(?:ption|ptions|be|bes|bed|bing)(?:-strength)?",
    r"drugs?(?:-free)?", r"pharmaceuticals?", r"pharmacy",
    r"(?:self-?)?medicat(?:e|es|ed|ing)", r"steroids?", r"(?:weight[- ]loss\s+)?(?:injections|jabs)", r"beta[- ]blockers?", r"inhalers?",
    r"(?:medical|natural|drug-free|alternative)\s+treatments?", r"painkillers?", r"pain\s*killers?",
    r"pain relievers?", r"tranquili[sz]ers?",
    r"sedatives?", r"mood stabili[sz]ers?", r"sleep(?:ing)?\s+(?:pills|tablets|aids?)",
    r"natural\s+(?:remedy|remedies|alternative\s+to\s+\w+|medicine|treatment)",
    r"(?:(?:talk|cognitive|behavio(?:u)?ral|group|psycho|physical|light|massage|cold|heat|"
    r"percussive|percussion|vibration)\s+)?therap(?:y|ies)",
    r"physiotherapy", r"physio(?![\s-]*balls?)", r"therapeutic(?:ally)?",
]
_DRUG_RE = _ci(_words(*DRUG_TERMS))
_THERAPY_WEAK_RE = _ci(r"^(?:(?:physical|massage|cold|heat|percussive|percussion|vibration|light)"
                       r"\s+)?therap(?:y|ies)$|^physio(?:therapy)?$|^therapeutic(?:ally)?$")
_COMPARISON_RE = _ci(
    r"\b(?:than|instead\s+of|alternative\s+to|replac\w*|ditch\w*|swap\w*|instead|"
    r"off\s+(?:your|the)|"
    r"no\s+need\s+for|without|none\s+of|no\b|like|as\s+(?:effective|good|well|powerful)\s+as|"
    r"it'?s|is|your|natural|nature'?s|cheaper|better|works?|every|dose)\b")

_STRICT_COMPARISON_RE = _ci(
    r"\b(?:than|instead\s+of|alternative\s+to|replac\w*|ditch\w*|swap\w*|trade\w*|skip\w*|"
    r"off\s+(?:your|the)|no\s+need\s+for|none\s+of|as\s+(?:effective|good|well|powerful)\s+as|"
    r"better|cheaper|forget|who\s+needs|like)\b")
_RETAIL_LEFT_RE = _ci(r"\bretail\s+$")
_FOR_NEXT_RE = _ci(r"\s+for\b")
_THERAPY_COMPARISON_LEFT_RE = _ci(r"\b(?:than|instead\s+of|alternative\s+to|as\s+\w+\s+as|it'?s|is|"
                                  r"like)\s+(?:\w+\s+)?$")
_APPROVAL_CAUTION_LEFT_RE = _ci(r"\b(?:unless|until|once|without|after|if)\s+(?:\w+\s+)?$")
_MATERIAL_RE = _ci(r"\b(?:free\s+(?:of|from)|\w+-free|non-?toxic|phthalates?|bpa|latex|pvc|"
                   r"materials?|rubber|foam|odou?rs?|coatings?|paints?|vinyl|plastics?)\b")
_COACHING_RE = _ci(r"\b(?:coach\w*|trainers?|program(?:me)?s?|programming|wods?|sets|reps)\b")

_PROFESSIONAL_RE = _ci(r"\b(?:psychiatrists?|psychologists?|(?:talk\s+)?therapists?|counsell?ors?|"
                       r"shrinks?|"
                       r"doctors?|gps?|physios?|physiotherapists?|chiropractors?)\b")
_BEYOND_MEDICINE_RE = _ci(
    r"\b(?:doctors?|physicians?|medicine|medications?|meds|pills|drugs|therapy|therapists?)\s+"
    r"(?:can't|cannot|couldn't|won't|failed\s+to|never\s+could)\b")
_PROFESSIONAL_COMPARISON_RE = _ci(
    r"\b(?:than|instead\s+of|replac\w*|like|as\s+\w+\s+as|skip\w*|ditch\w*|cancel\w*|fire|"
    r"your\s+new|no\s+need\s+for|save\s+on|who\s+needs|forget|swap\w*|trade\w*|alternative\s+to)"
    r"\s+(?:\w+\s+){0,2}$")

_MEDICAL_PERSON_RE = _ci(
    r"\b(?:(?-i:Dr)\.?\s+[A-Z][a-z]+|(?:doctors?|physicians?|cardiologists?|physio(?:therapist)?s?|"
    r"chiropractors?|psychiatrists?|psychologists?|neurologists?|surgeons?|nurses?|gps?|"
    r"therapists?|counsell?ors?)\b(?!-))")
_ENDORSE_VERB_RE = _ci(r"\b(?:says?|said|recommends?|recommended|swears?|loves?|uses|trusts?|"
                       r"approves?|approved|endorses?|prescribes?|prescribed|told|calls?\s+it|"
                       r"rates?|noticed|saw\s+the\s+difference|was\s+amazed|impressed)\b")

# Approval and proof of a health effect.
_MEDICAL_PEOPLE = (r"(?:doctors?|dr\.?|physicians?|cardiologists?|orthop(?:a)?edi(?:c|st)s?|"
                   r"chiropractors?|physios?|physiotherapists?|physical\s+therapists?|therapists?|"
                   r"psychiatrists?|psychologists?|neurologists?|nurses?|pediatricians?|"
                   r"paediatricians?|dietitians?|dermatologists?|"
                   r"medical\s+(?:professionals|experts|doctors)|"
                   r"health(?:care)?\s+(?:professionals|experts|providers)|clinicians?|"
                   r"surgeons?|gps?)")
_APPROVAL_VERBS = (r"(?:recommended|approved|designed|developed|trusted|endorsed|certified|"
                   r"tested|formulated|backed|preferred|prescribed|created|used|loved|vetted|"
                   r"reviewed|validated)")
_HEALTH_BODIES = (r"(?:medical|psychiatric|psychological|heart|diabetes|cancer|arthritis|health|"
                  r"physiotherapy|physical\s+therapy|chiropractic|orthop(?:a)?edic|cardiology|"
                  r"lung|stroke|sleep|nursing|pediatrics|paediatrics|alzheimer'?s|obesity|"
                  r"osteopathic|hospital)")
APPROVAL_STRONG = [
    r"medically\s+(?:approved|necessary|proven|tested|recommended|certified|endorsed|validated|"
    r"reviewed|backed|sound)",
    r"(?:medical|hospital|clinical|clinic|pharmaceutical|pharma|therapeutic)[- ]grade",
    r"(?:a\s+|class\s+\w+\s+)?medical\s+devices?",
    r"clinically\s+(?:proven|shown|validated|demonstrated|documented|backed|effective)",
    r"clinical\s+(?:trials?|studies|study|research|evidence|data|results|tests?)",
    _MEDICAL_PEOPLE + r"['\s-]*" + _APPROVAL_VERBS,
    _APPROVAL_VERBS + r"\s+by\s+(?:\w+\s+){0,3}?" + _MEDICAL_PEOPLE,
    r"(?:doctors|physicians|cardiologists|therapists|experts)\s+(?:agree|recommend|say|love|"
    r"trust|approve|prescribe|swear)",
    r"(?:(?-i:Dr)\.?\s+[A-Z][a-z]+|(?:my|our|your)\s+(?:doctor|physician|gp|cardiologist|"
    r"physio|therapist))\s+(?:recommends|says|approves|prescribes|swears|told\s+me|endorses|"
    r"loves|trusts)",
    r"(?:recommended|endorsed|approved|backed|certified)\s+by\s+(?:the\s+)?"
    r"(?:(?-i:WHO|CDC|NHS|NIH|NICE)|"
    r"world\s+health\s+organi[sz]ation|mayo\s+clinic|cleveland\s+clinic)",
    r"(?:hsa|fsa)(?:\s*/\s*(?:hsa|fsa))?[- ]eligible", r"iso\s+13485",
    r"fda(?:[- ]|\s+)?(?:approved|cleared|registered|listed|certified|compliant|approval|"
    r"clearance)",
    r"(?:approved|cleared|registered|certified)\s+by\s+the\s+(?:fda|food\s+and\s+drug\s+"
    r"administration)",
    r"(?:endorsed|approved|recommended|certified|backed|accredited)\s+by\s+(?:the\s+)?"
    r"(?:\w+\s+){0,3}?" + _HEALTH_BODIES + r"\s+(?:\w+\s+)?(?:association|society|college|"
    r"academy|foundation|institute|organi[sz]ation|council|board|service)",
    r"(?:in|by|at)\s+(?:\w+\s+){0,2}?(?:hospitals|hospital\s+wards|medical\s+clinics|care\s+homes|"
    r"nursing\s+homes)",
    r"(?:use|uses|used|trusted|found|recommended|relied\s+on|chosen)\s+(?:in|by)\s+(?:\w+\s+){0,2}?"
    r"(?:hospitals?|clinics?|rehab(?:ilitation)?\s+(?:clinics?|cent(?:er|re)s?)|"
    r"physical\s+therapy\s+clinics?|physiotherapy\s+clinics?|care\s+homes|nursing\s+homes)",
]
APPROVAL_EFFECT = [   # block only with a health effect in the sentence, else review/ignore
    r"(?:scientifically|science|research|evidence|clinically|lab)[- ](?:proven|backed|based|"
    r"supported|tested|studied|researched)",
    r"backed\s+by\s+(?:science|research|studies|scientific\s+evidence|data)",
    r"proven\s+by\s+(?:science|research|studies)",
    r"(?:studies|research|science|(?:a|one|new|recent|landmark|the)\s+(?:\w+\s+)?study|trials|"
    r"data|evidence|scientists|researchers)\s+(?:show|shows|showed|shown|prove|proves|proved|"
    r"proven|found|finds|suggest|suggests|confirm|confirms|confirmed|demonstrate|demonstrates|"
    r"demonstrated|has\s+shown|have\s+shown|indicates?|reveals?|revealed)",
    r"(?:proven|shown|demonstrated)\s+(?:in\s+(?:clinical\s+)?(?:trials|studies)\s+)?to",
    r"peer-reviewed\s+(?:study|studies|research|trials?)",
    r"according\s+to\s+(?:a\s+|the\s+|new\s+|recent\s+)?(?:\w+\s+)?(?:study|studies|research|"
    r"scientists|researchers|doctors|(?-i:CDC|WHO|NIH|NHS))",
]
_APPROVAL_STRONG_RE = _ci(_words(*APPROVAL_STRONG))
_APPROVAL_EFFECT_RE = _ci(_words(*APPROVAL_EFFECT))
_HEALTH_EFFECT_RE = _ci(
    r"\b(?:treat\w*|prevent\w*|cur(?:e|es|ed|ing)|reliev\w*|heal\w*|risk|"
    r"symptoms?|health\w*|mood|brain|heart(?![\s-]*rate)|blood|sleep|stress|anxi\w*|"
    r"depress\w*|longevity|"
    r"live\s+longer|mortality|pain|cholesterol|immun\w*|mental\w*|cognitiv\w*|memory|"
    r"hormon\w*|inflamm\w*|diseases?|conditions?|recovery|calm\w*|happier|well-?being|"
    r"wellness|energy|fatigue|aging|ageing|weight|fat|metaboli\w*|bones?|joints?|"
    r"lifespan|medical|therap\w*)\b")

# Body-chemistry mechanisms.
MECHANISM_TERMS = [
    r"s[ei]r[ao]ton[ie]ne?", r"dopamin(?:e|es)?", r"endorph[ie]ne?s?", r"endorfine?s?",
    r"bdnf", r"brain[- ]derived\s+neurotrophic(?:\s+factor)?", r"cort[ie]sol",
    r"testoster[oa]ne?", r"(?:human\s+)?growth\s+hormones?", r"hgh",
    r"(?:(?:stress|feel[- ]good|happy|happiness|sex|thyroid)\s+)?hormon(?:e|es|al)",
    r"o?estrogen", r"oxytocin", r"melatonin", r"insulin(?:\s+sensitivity|\s+levels?)?",
    r"leptin", r"ghrelin", r"neurotransmitters?", r"endocannabinoids?", r"neurochemi\w+",
    r"brain\s+chemi(?:stry|cals?)", r"(?:happy|feel[- ]good)\s+chemicals?",
    r"inflammat(?:ion|ory)(?:\s+markers?)?", r"anti-?inflammatory", r"crp",
    r"rewir(?:e|es|ed|ing)\s+(?:your\s+|the\s+)?(?:brain|mind|nervous|neural|neurons|body)",
    r"neuroplasticity", r"neurogenesis",
    r"(?:new\s+)?brain\s+cells", r"neurons?", r"(?:central\s+|autonomic\s+|parasympathetic\s+|"
    r"sympathetic\s+)?nervous\s+system", r"vagus\s+nerve", r"vagal\s+tone",
    r"fight[- ]or[- ]flight", r"toxins?", r"(?<!digital\s)detox\w*",
    r"immune\s+(?:system|response|function)",
    r"immunity", r"free\s+radicals", r"oxidative\s+stress", r"telomeres?",
    r"dopamine\s+receptors?", r"gaba", r"norepinephrine", r"noradrenaline", r"mitochondria\w*",
    r"nitric\s+oxide", r"ketones", r"ketosis", r"autophagy", r"stem\s+cells", r"collagen",
    r"growth\s+factors?", r"igf-?1", r"brain\s?waves", r"alpha\s+waves", r"libido", r"sex\s+drive",
    r"reset(?:s|ting)?\s+your\s+(?:brain|nervous\s+system|hormones|metabolism)",
    r"cleans(?:e|es|ing)\s+your\s+(?:body|system|blood|lymph|organs|liver)",
    r"cellular\s+(?:repair|regeneration|renewal|ag(?:e)?ing|health)",
    r"lymphatic\s+(?:system|drainage)",
]
_MECHANISM_RE = _ci(_words(*MECHANISM_TERMS))

# Weak signals on their own.
_HEAL_RE = _ci(r"(?<![-\w])(?<!self-)(?<!self\s)\bheal(?:s|ed|ing|er|ers)?\b")
_SELF_HEAL_RE = _ci(r"self[- ]$")
_CLINICAL_RE = _ci(r"\bclinical\b(?!\s+(?:trials?|studies|study|research|evidence|data|results|tests?|"
                   r"depression)\b)(?![- ]grade)")


# --------------------------------------------------------------------------------------
# Health claims
# --------------------------------------------------------------------------------------

def _condition_ok_in_context(text: str, m: re.Match, sa: int, sb: int) -> bool:
    """False when a condition word is used in its everyday, non-medical sense."""
    word = m.group().lower()
    a, b = m.start(), m.end()
    near = text[max(sa, a - 150):min(sb, b + 150)]
    left = text[max(sa, a - 40):a]
    right = text[b:min(sb, b + 60)]
    if word.startswith("trauma"):
        around = text[max(sa, a - 50):min(sb, b + 50)]
        return not _TRAUMA_OBJECTS_RE.search(around)
    if word.startswith("stroke"):
        return bool(_STROKE_LEFT_RE.search(left) or _STROKE_RIGHT_RE.search(right))
    if re.match(r"de?p+res+i?ons?$", word):
        return not _PHYSICAL_DEPRESSION_RE.search(right)
    if word == "depressed":
        return not re.search(r"\b(?:levers?|buttons?|pedals?|keys?|switch|triggers?|latch|pins?|"
                             r"plungers?|clips?|clamps?|springs?|foot|feet|fully)\b",
                             near, re.I)
    if word.startswith("addiction"):
        return not (_ADDICTION_HOBBY_LEFT_RE.search(left)
                    or _ADDICTION_HOBBY_RIGHT_RE.search(right))
    if word == "sober":
        return bool(_SOBER_LEFT_RE.search(left))
    if word in ("fracture", "fractures", "fractured") and re.search(
            r"\b(?:steel|frame|weld|plastic|crack)", near, re.I):
        return False
    if word in ("symptom", "symptoms") and re.search(
            r"\b(?:overtraining|wear|worn|fault|error|problem|failing|broken|belt|motor)",
            right, re.I):
        return False
    if word.startswith("headache") and re.search(
            r"\b(?:assembl\w*|set-?up|install\w*|storage|deliver\w*|shipping|maintenance|"
            r"logistics|returns?|instructions|tools?|no\s+more|hassle)\b", near, re.I):
        return False
    if word in ("pain", "pains"):
        return bool(_PAIN_LEFT_RE.search(left) or re.match(r"\s+relie[fv]", right, re.I))
    if word.startswith("burn") and re.search(r"\b(?:training|overtraining|workouts?|programs?|"
                                           r"plateaus?|motivation|boredom)\b", near, re.I):
        return False
    if word.startswith("infection") and re.search(r"\b(?:anti-?microbial|anti-?bacterial|grips?|"
                                                  r"surfaces?|wipe|clean\w*|hygien\w*)\b",
                                                  near, re.I):
        return False
    if word in ("tremor", "tremors") and re.search(r"\b(?:frame|machine|motor|belt|deck|wobble)\b",
                                                   near, re.I):
        return False
    if word == "bloating":
        return not re.search(r"\b(?:packag\w*|box|air|inflat\w*)\b", near, re.I)
    if word == "smoking" and re.match(r"[\s-]+hot\b", right, re.I):
        return False
    if word == "ms":
        return bool(re.search(r"\b(?:with|managing|manage|has|have|had|for|and|or|battling|from|"
                              r"of|against|fight|fighting|living)\s+$", left, re.I)
                    or re.match(r"\s*(?:patients|sufferers|symptoms|fatigue|flare)", right, re.I))
    if word == "add":
        return bool(re.search(r"\b(?:with|for|has|have|had|kids|children|child|teens?|adults?|"
                              r"and|or)\s+$|/\s*$", left, re.I)
                    or re.match(r"\s*(?:/|kids|children|symptoms|and\s|or\s)", right, re.I))
    if word in ("disorder", "disorders") and re.search(r"\bin\s+$", left, re.I):
        return False
    return True


def _negated_ranges(text: str, clauses: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ranges of the sentence covered by a disclaimer negation (cue to end of its clause)."""
    out = []
    for ca, cb in clauses:
        for m in _NEGATION_RE.finditer(text, ca, cb):
            if _NOT_JUST_RE.match(text, m.start()):
                continue
            out.append((m.start(), cb))
            break
    return out


_INHERENT_CLAIM_RE = _ci(
    r"^(?:quit|quitting|stop|stopping|kick|kicking|give|giving|stay|staying|stays|keep|keeping|"
    r"natural|miracle|cure-?all|what\s+ails|(?:people|those|anyone|someone|folks|members|men|"
    r"women|veterans|adults|friends)\s)")


_TARGET_SUFFIX_RE = _ci(r"\s(?:patients?|sufferers?|survivors?|recovery|rehab\w*|relief)$")


def _link(text: str, a: int, b: int, clause: tuple[int, int]) -> tuple[str, int] | None:
    """How the condition at [a, b) is tied to the product: (kind, cue start) or None.

    kind is "verb" (treat, relieve, prevent, ... or "X relief"), "target" (for/with/living
    with ...) or "passive" ("being treated for": the person, not the product, is treated).
    """
    ca, cb = clause
    strong = None
    target = None
    for cue in _CUE_RE.finditer(text, max(ca, a - 90), a):
        if cue.end() > a:
            continue
        gap = text[cue.end():a]
        if len(_GAP_WORD_RE.findall(gap)) > 4 or _BARRIER_RE.search(gap):
            continue
        word = cue.group()
        if _STRONG_CUE_RE.match(word):
            if re.match(r"keep", word, re.I) and not re.search(r"\b(?:at\s+bay|away)\b",
                                                                 text[b:cb], re.I):
                continue
            strong = cue
        else:
            target = cue
    if _INHERENT_CLAIM_RE.match(text[a:b]) or _TARGET_SUFFIX_RE.search(text, a, b):
        return ("verb", strong.start() if strong else a)
    if strong is not None:
        if _PASSIVE_LEFT_RE.search(text, max(ca, strong.start() - 20), strong.start()):
            return ("passive", strong.start())
        return ("verb", strong.start())
    if _RIGHT_CUE_RE.match(text, b, cb):
        return ("verb", target.start() if target else a)
    if target is not None:
        return ("target", target.start())
    return None


def _condition_mentions(text: str, sa: int, sb: int) -> list[tuple[int, int]]:
    """Condition mentions of a sentence, adjacent ones merged ("diabetic neuropathy")."""
    spans: list[list[int]] = []
    for m in _CONDITION_RE.finditer(text, sa, sb):
        if not _condition_ok_in_context(text, m, sa, sb):
            continue
        if spans and re.fullmatch(r"[\s-]*", text[spans[-1][1]:m.start()]):
            spans[-1][1] = m.end()
        else:
            spans.append([m.start(), m.end()])
    return [(x, y) for x, y in spans]


def _last_le(values: list[int], x: int) -> int:
    """Index of the last value <= x in a sorted list, or -1."""
    lo, hi = 0, len(values)
    while lo < hi:
        mid = (lo + hi) // 2
        if values[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


class _Cover:
    """Ranges [a, b) answering "is [x, y) inside one of them?" in O(log n)."""

    def __init__(self, ranges) -> None:
        ranges = sorted(ranges)
        self.starts = [r[0] for r in ranges]
        self.max_end = []
        best = -1
        for r in ranges:
            best = max(best, r[1])
            self.max_end.append(best)

    def contains(self, x: int, y: int | None = None) -> bool:
        i = _last_le(self.starts, x)
        end = x + 1 if y is None else y
        return i >= 0 and self.max_end[i] >= end


def _health_findings(doc: _Doc) -> list[Finding]:
    """Health-claim findings of the whole document, sentence by sentence."""
    text = doc.text
    findings: list[Finding] = []
    for sa, sb in _sentences(text):
        findings.extend(_sentence_findings(doc, sa, sb))
    return findings


def _sentence_findings(doc: _Doc, sa: int, sb: int) -> list[Finding]:
    """Findings of one sentence [sa, sb) of the normalised text (the four families)."""
    text = doc.text
    out: list[Finding] = []
    clauses = _clauses(text, sa, sb)
    clause_starts = [c[0] for c in clauses]

    def clause_of(pos: int) -> tuple[int, int]:
        return clauses[max(0, _last_le(clause_starts, pos))]

    negated_list = _negated_ranges(text, clauses)
    negated = _Cover(negated_list)
    caution = bool(_CAUTION_RE.search(text, sa, sb))
    hedged = False
    if negated_list:
        hedge = _HEDGE_WORDS_RE.search(text, negated_list[0][0], sb)
        hedged = bool(hedge and _HEDGE_SEP_RE.search(text, negated_list[0][0], hedge.start()))

    def neutralised(pos: int) -> bool:
        """Inside a disclaimer that is not undercut later in the sentence."""
        return not hedged and negated.contains(pos)

    # 1. conditions
    mentions = _condition_mentions(text, sa, sb)
    covered = _Cover(mentions)
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
        link = _link(text, a, b, clause_of(a))
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
    for m in _DRUG_RE.finditer(text, sa, sb):
        a, b = m.start(), m.end()
        word = m.group()
        if covered.contains(a) or neutralised(a):
            continue
        left = text[max(sa, a - 40):a]
        low = word.lower()
        if low.startswith("therap") and _RETAIL_LEFT_RE.search(left):
            continue
        if low.startswith("prescri") and not _COMPARISON_RE.search(left):
            if coaching is None:
                coaching = bool(_COACHING_RE.search(text, sa, sb))
            if coaching:
                continue
        weak = bool(_THERAPY_WEAK_RE.match(word))
        for_next = bool(_FOR_NEXT_RE.match(text, b, sb))
        if caution and (weak or not _STRICT_COMPARISON_RE.search(left)):
            continue
        if weak and clause_of(a)[0] not in condition_clauses and not for_next \
                and not _THERAPY_COMPARISON_LEFT_RE.search(left):
            out.append(doc.finding(REVIEW, DRUG, a, b,
                                   f'"{word}" suggests a medical or therapeutic effect'))
            continue
        out.append(doc.finding(BLOCK, DRUG, a, b,
                               f'compares the product with medication or therapy ("{word}")'))

    if not caution:
        for m in _PROFESSIONAL_RE.finditer(text, sa, sb):
            a, b = m.start(), m.end()
            if not neutralised(a) and _PROFESSIONAL_COMPARISON_RE.search(
                    text, max(sa, a - 40), a):
                out.append(doc.finding(
                    BLOCK, DRUG, a, b,
                    f'compares the product with seeing a health professional ("{m.group()}")'))

    for m in _BEYOND_MEDICINE_RE.finditer(text, sa, sb):
        if not neutralised(m.start()) and not caution:
            out.append(doc.finding(BLOCK, DRUG, m.start(), m.end(),
                                   f'claims to do what medicine cannot ("{m.group()}")'))

    # a doctor quoted as endorsing the product ("Dr. Patel, a sports physician, says ...")
    if not caution:
        for ca, cb in clauses:
            who = _MEDICAL_PERSON_RE.search(text, ca, cb)
            if who and not neutralised(who.start()) \
                    and _ENDORSE_VERB_RE.search(text, who.end(), cb):
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
            effects = [e.start() for e in _HEALTH_EFFECT_RE.finditer(text, sa, sb)]
        return bool(effects) and effects[-1] >= pos

    def effect_before(pos: int) -> bool:
        nonlocal effects
        if effects is None:
            effect_after(sb)
        return bool(effects) and effects[0] < pos

    for m in _APPROVAL_STRONG_RE.finditer(text, sa, sb):
        a, b = m.start(), m.end()
        word = m.group()
        if neutralised(a) or _APPROVAL_CAUTION_LEFT_RE.search(text, max(sa, a - 25), a):
            continue
        if word.lower().endswith("tested") and not effect_after(b):
            out.append(doc.finding(
                REVIEW, APPROVAL, a, b,
                f'"{word}" suggests medical testing; fine only for safety or durability'))
            continue
        out.append(doc.finding(BLOCK, APPROVAL, a, b,
                               f'claims medical approval or proof ("{word}")'))
    for m in _APPROVAL_EFFECT_RE.finditer(text, sa, sb):
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
        for m in _MECHANISM_RE.finditer(text, sa, sb):
            a, b = m.start(), m.end()
            word = m.group()
            if neutralised(a):
                continue
            if word.lower().startswith("toxin"):
                if material is None:
                    material = bool(_MATERIAL_RE.search(text, sa, sb))
                if material:
                    continue
            out.append(doc.finding(BLOCK, MECHANISM, a, b,
                                   f'claims a body-chemistry effect ("{word}")'))

    # weak signals: "heals", "healing", a bare "clinical"
    if not caution:
        blocked_cover = _Cover(blocked)
        for m in _CLINICAL_RE.finditer(text, sa, sb):
            if not negated.contains(m.start()) and not covered.contains(m.start()):
                out.append(doc.finding(REVIEW, OTHER, m.start(), m.end(),
                                       '"clinical" suggests a medical context'))
        for m in _HEAL_RE.finditer(text, sa, sb):
            a, b = m.start(), m.end()
            if _SELF_HEAL_RE.search(text, max(sa, a - 6), a):
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


def _dedupe_sort(findings: list[Finding]) -> list[Finding]:
    """Sorted by start; exact repeats and review findings inside a block finding dropped."""
    blocks = _Cover((f.start, f.end) for f in findings if f.severity == BLOCK)
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


def check_copy(text: str) -> list[Finding]:
    """Health-claim findings for a piece of product copy, sorted by start offset."""
    if not text or not text.strip():
        return []
    return _dedupe_sort(_health_findings(_Doc(text)))


# --------------------------------------------------------------------------------------
# Promises against the shop's facts
# --------------------------------------------------------------------------------------

_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
                 "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
                 "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
                 "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90,
                 "hundred": 100, "a hundred": 100, "one hundred": 100}
_NUM = (r"(?P<num>" + _dispatch(
    [r"\d{1,4}(?:,\d{3})?", r"a\s+hundred", r"one\s+hundred", r"forty-five"]
    + sorted((k for k in _NUMBER_WORDS if " " not in k and "-" not in k), key=len, reverse=True))
    + r")")
_UNIT = r"(?P<unit>years?|yrs?|months?|mos?|weeks?|wks?|days?|nights?)"

_LIFETIME_WARRANTY_RE = _ci(
    r"\b(?:lifetime|life-?long|life-time|forever|unlimited|limitless)\s+(?:\w+\s+){0,2}?"
    r"(?:warranty|warranties|guarantee|cover(?:age)?)\b"
    r"|\b(?:warranty|warranties|guarantee(?:d)?|warranted|covered)\s+(?:\w+\s+){0,3}?"
    r"(?:for\s+(?:a\s+|the\s+)?life(?:time)?|for\s+ever|forever)\b")
_WARRANTY_NUM_RE = _ci(
    r"\b" + _NUM + r"[\s-]*(?:full\s+|whole\s+)?" + _UNIT + r"(?:'s)?[\s-]+(?:of\s+)?"
    r"(?P<mid>(?:[a-z]+[\s-]+){0,3}?)(?:warranty|warranties|guarantee|coverage|cover|"
    r"protection\s+plan)\b"
    r"|\b(?:warranty|warranties|guarantee|warranted|covered)\s+(?:is\s+|of\s+|for\s+|lasts\s+|"
    r"runs\s+(?:for\s+)?|:\s*|-\s*)?(?:up\s+to\s+|a\s+full\s+|full\s+)?" +
    _NUM.replace("num", "num2") + r"[\s-]*" + _UNIT.replace("unit", "unit2") + r"\b")
_DEFAULT_COMPONENTS = (
    r"frames?", r"welds?", r"motors?", r"(?:moving\s+|all\s+|wear\s+|spare\s+)?parts",
    r"electronics?", r"cables?", r"pulleys?", r"upholstery", r"belts?", r"decks?", r"consoles?",
    r"flywheels?", r"bearings?", r"brakes?", r"seats?", r"pads?", r"padding", r"handles?",
    r"rails?", r"springs?", r"labou?r", r"structur(?:e|al)", r"shocks?", r"rollers?",
    r"batter(?:y|ies)", r"screens?", r"displays?", r"chassis", r"plates?", r"drive\s+system",
)
_DEFAULT_COMPONENT_RE = _ci(_words(*_DEFAULT_COMPONENTS))
_WARRANTY_NON_COMPONENT_RE = _ci(
    r"\b(?:all|every|any|our|entire|whole)\s+(?:\w+\s+)?(?:equipment|products?|items?|machines?|"
    r"orders?|purchases?|gear|range|catalog(?:ue)?|everything)\b|\beverything\b")
_SEGMENT_SPLIT_RE = re.compile(r"[.;,!?\n]")

_FREE_OVERNIGHT_RE = _ci(
    r"\bfree[\s-]+(?:\w+\s+)?(?:overnight|next[\s-]+day|next[\s-]+business[\s-]+day)"
    r"(?:\s+(?:shipping|delivery|express))?\b"
    r"|\b(?:overnight|next[\s-]+day)\s+(?:shipping|delivery)\s+(?:is\s+)?(?:always\s+)?"
    r"(?:free|included|on\s+us|at\s+no\s+(?:extra\s+)?cost)\b"
    r"|\bships?\s+(?:free\s+overnight|overnight\s+for\s+free|overnight\s+free)\b")
_SAME_DAY_RE = _ci(
    r"\bsame[\s-]+day\s+(?:home\s+)?(?:delivery|deliveries|delivered)\b"
    r"|\bdelivered\s+(?:the\s+)?same\s+day\b|\b(?:delivered|arrives?|get\s+it)\s+today\b"
    r"|\bdelivery\s+(?:the\s+)?same\s+day\b|\bwithin\s+hours\b")
_NEXT_DAY_RE = _ci(
    r"\b(?:next[\s-]+day|overnight|24[\s-]+hour)\s+(?:delivery|shipping)\b"
    r"|\bdelivered\s+(?:tomorrow|overnight|(?:the\s+)?next\s+day)\b|\barrives?\s+tomorrow\b")
_DELIVERED_IN_RE = _ci(
    r"\b(?:delivered|arrives?|delivery|at\s+your\s+door)\s+(?:with)?in\s+" + _NUM +
    r"\s+(?:business\s+|working\s+)?days?\b")
_FREE_SHIPPING_RE = _ci(r"\bfree\s+(?:standard\s+|ground\s+|home\s+)?(?:shipping|delivery)\b"
                        r"|\bships?\s+(?:for\s+)?free\b")
_FREE_SHIP_ALL_RE = _ci(
    r"\bfree\s+(?:standard\s+|ground\s+)?(?:shipping|delivery)\s+(?:on|for)\s+(?:all|every|any)"
    r"\s+(?:orders?|items?|products?|purchases?)\b|\bfree\s+(?:shipping|delivery)\s+on\s+"
    r"everything\b|\bfree\s+(?:shipping|delivery),?\s+no\s+minimum\b|\bno[\s-]+minimum\b|"
    r"\beverything\s+ships\s+free\b|\bfree\s+(?:shipping|delivery)\s+(?:always|every\s+time)\b")
_FREE_SHIP_OVER_RE = _ci(
    r"\bfree\s+(?:standard\s+|ground\s+)?(?:shipping|delivery)\s+(?:on\s+)?(?:orders?\s+)?"
    r"(?:over|above|from|of|\$)\s*\$?\s*(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d+(?:\.\d{2})?)")
_RETURN_NUM_RE = _ci(
    r"\b" + _NUM + r"[\s-]*" + _UNIT + r"[\s-]+(?:free\s+|hassle[\s-]free\s+|easy\s+|no[\s-]"
    r"questions[\s-]asked\s+)?(?:returns?|return\s+(?:policy|window|period)|money[\s-]+back|"
    r"refunds?|refund\s+policy|satisfaction\s+guarantee|(?:risk[\s-]free\s+|home\s+|free\s+)?"
    r"trial)\b"
    r"|\b(?:returns?|return\s+it|send\s+it\s+back|refunds?|money[\s-]+back(?:\s+guarantee)?|"
    r"satisfaction\s+guarantee)\s+(?:\w+\s+){0,4}?(?:within|for|up\s+to|in|over)\s+"
    r"(?:up\s+to\s+|a\s+full\s+|the\s+first\s+)?" + _NUM.replace("num", "num2") + r"\s+" +
    _UNIT.replace("unit", "unit2") + r"\b"
    r"|\b" + _NUM.replace("num", "num3") + r"\s+" + _UNIT.replace("unit", "unit3") +
    r"\s+to\s+(?:return|send\s+it\s+back|change\s+your\s+mind|get\s+a\s+refund)\b")
_RETURN_FOREVER_RE = _ci(
    r"\b(?:returns?|refunds?|money[\s-]+back(?:\s+guarantee)?|return\s+it)\s+(?:\w+\s+){0,3}?"
    r"(?:forever|for\s+life|any\s?time|at\s+any\s+time|no\s+matter\s+when|with\s+no\s+time\s+"
    r"limit|for\s+as\s+long\s+as\s+you\s+(?:like|want))\b"
    r"|\b(?:lifetime|unlimited|forever|endless)\s+(?:\w+\s+)?"
    r"(?:returns?|refunds?|money[\s-]+back)\b"
    r"|\bno\s+time\s+limit\s+on\s+(?:returns|refunds)\b")


_WARRANTY_ANCHOR_RE = _ci(r"warrant|guarant|cover|protection")
_RETURN_ANCHOR_RE = _ci(r"return|refund|money|satisfaction|trial|send\s+it\s+back")
_SPACE_RE = re.compile(r"\s")


def _windowed(pattern: re.Pattern, anchor: re.Pattern, text: str, before: int = 60,
              after: int = 90):
    """Matches of ``pattern`` in windows around ``anchor`` keywords (overlapping windows merged).

    The long promise patterns only ever match within a few words of their keyword, so
    scanning small windows around the keywords finds the same matches much faster.
    """
    windows: list[list[int]] = []
    for key in anchor.finditer(text):
        lo = max(0, key.start() - before)
        while lo > 0 and not _SPACE_RE.match(text, lo - 1):   # start the window at a word
            lo -= 1
        hi = min(len(text), key.end() + after)
        while hi < len(text) and not _SPACE_RE.match(text, hi):
            hi += 1
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
    return _NUMBER_WORDS.get(raw, 0)


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
    if _WARRANTY_NON_COMPONENT_RE.search(segment) and not re.search(
            r"\ball\s+parts\b", segment, re.I):
        return None
    m = _DEFAULT_COMPONENT_RE.search(segment)
    if m:
        return m.group(), None
    return None


def _fact_findings(doc: _Doc, facts: CopyFacts) -> list[Finding]:
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
    for m in _windowed(_LIFETIME_WARRANTY_RE, _WARRANTY_ANCHOR_RE, text) if warranty else ():
        block(m.start(), m.end(), f"the shop gives no lifetime warranty (longest term: {max_text})",
              "State the real term per component, e.g. 'frame: 10 years'.")
    for m in _windowed(_WARRANTY_NUM_RE, _WARRANTY_ANCHOR_RE, text) if warranty else ():
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
        for m in _FREE_OVERNIGHT_RE.finditer(text):
            block(m.start(), m.end(), "the shop does not offer free overnight shipping",
                  "Drop the promise or name the paid express option.")
    if shipping and facts.fastest_delivery_business_days > 0:
        for m in _SAME_DAY_RE.finditer(text):
            block(m.start(), m.end(),
                  f"the shop has no same-day delivery (fastest: "
                  f"{facts.fastest_delivery_business_days} business day"
                  f"{'s' if facts.fastest_delivery_business_days != 1 else ''})",
                  "Promise only the delivery times shown at checkout.")
    if shipping and facts.fastest_delivery_business_days > 1:
        for m in _NEXT_DAY_RE.finditer(text):
            block(m.start(), m.end(),
                  f"the fastest delivery is {facts.fastest_delivery_business_days} business days",
                  "Promise only the delivery times shown at checkout.")
    for m in _DELIVERED_IN_RE.finditer(text) if shipping else ():
        n = _to_int(m.group("num"))
        if 0 < n < facts.fastest_delivery_business_days:
            block(m.start(), m.end(),
                  f"the fastest delivery is {facts.fastest_delivery_business_days} business days",
                  "Promise only the delivery times shown at checkout.")

    threshold = facts.free_shipping_threshold_cents
    if "free" not in low and "minimum" not in low:
        pass
    elif threshold is None:
        for m in _FREE_SHIPPING_RE.finditer(text):
            if re.match(r"\s*returns?", text[m.end():m.end() + 10], re.I):
                continue
            block(m.start(), m.end(), "the shop does not offer free shipping",
                  "Drop the free-shipping promise.")
    elif threshold > 0:
        dollars = f"${threshold / 100:,.2f}".replace(".00", "")
        for m in _FREE_SHIP_ALL_RE.finditer(text):
            block(m.start(), m.end(),
                  f"free shipping only applies to orders of {dollars} or more",
                  f"Say 'free shipping on orders over {dollars}'.")
        for m in _FREE_SHIP_OVER_RE.finditer(text):
            amount = float(m.group("amount").replace(",", ""))
            if round(amount * 100) < threshold:
                block(m.start(), m.end(),
                      f"free shipping only applies to orders of {dollars} or more",
                      f"Say 'free shipping on orders over {dollars}'.")

    window = facts.return_window_days
    for m in _windowed(_RETURN_NUM_RE, _RETURN_ANCHOR_RE, text) if returns else ():
        raw = m.group("num") or m.group("num2") or m.group("num3")
        unit = m.group("unit") or m.group("unit2") or m.group("unit3")
        days = _days(_to_int(raw), unit)
        if days > window:
            block(m.start(), m.end(),
                  f"the return window is {window} days, not {days}",
                  f"Say 'returns within {window} days'.")
    for m in _windowed(_RETURN_FOREVER_RE, _RETURN_ANCHOR_RE, text) if returns else ():
        block(m.start(), m.end(), f"returns are accepted for {window} days only",
              f"Say 'returns within {window} days'.")
    return out


def check_copy_against_facts(text: str, facts: CopyFacts) -> list[Finding]:
    """Warranty, delivery, shipping and return promises the shop does not give."""
    if not text or not text.strip():
        return []
    return _dedupe_sort(_fact_findings(_Doc(text), facts or CopyFacts()))


def check_all(text: str, facts: CopyFacts | None = None) -> list[Finding]:
    """Health claims and fact checks together, sorted by start offset."""
    if not text or not text.strip():
        return []
    doc = _Doc(text)
    return _dedupe_sort(_health_findings(doc) + _fact_findings(doc, facts or CopyFacts()))
