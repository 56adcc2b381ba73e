"""One sentence of a document, read once for every health-claim step: its clauses, the
disclaimers that cover parts of it, whether it is a caution, and its condition mentions."""

from __future__ import annotations

from shop.rules.claims.document import Doc, clause_spans
from shop.rules.claims.findings import Finding
from shop.rules.claims.lexicon import framing
from shop.rules.claims.mentions import condition_mentions
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


class Sentence:
    """Sentence [start, end) of ``doc.text`` (normalised offsets) and what the steps ask of it.

    - ``caution``: the sentence tells people with a condition to take care ("ask your doctor").
    - ``negated``: the ranges a disclaimer covers ("not intended to treat ..." to clause end);
      ``disclaimer_start`` is where the first one starts, or None.
    - ``hedged``: a disclaimer undercut later on ("not a cure, but it comes close").
    - ``mentions``: condition mentions meant as conditions; ``covered`` answers "inside one?".
    """

    def __init__(self, doc: Doc, start: int, end: int):
        self.doc = doc
        self.text = text = doc.text
        self.start, self.end = start, end
        self.clauses = clause_spans(text, start, end)
        self._clause_starts = [c[0] for c in self.clauses]
        negated = _negated_ranges(text, self.clauses)
        self.negated = Cover(negated)
        self.disclaimer_start = negated[0][0] if negated else None
        self.caution = bool(framing.CAUTION_RE.search(text, start, end))
        self.hedged = False
        if negated:
            hedge = framing.HEDGE_WORDS_RE.search(text, self.disclaimer_start, end)
            self.hedged = bool(hedge and framing.HEDGE_SEP_RE.search(text, self.disclaimer_start,
                                                                     hedge.start()))
        self.mentions = condition_mentions(text, start, end)
        self.covered = Cover(self.mentions)

    def clause_of(self, pos: int) -> tuple[int, int]:
        """The clause that holds position ``pos``."""
        return self.clauses[max(0, last_le(self._clause_starts, pos))]

    def neutralised(self, pos: int) -> bool:
        """Inside a disclaimer that is not undercut later in the sentence."""
        return not self.hedged and self.negated.contains(pos)

    def left(self, pos: int, width: int) -> str:
        """Up to ``width`` characters before ``pos``, not reaching before the sentence."""
        return self.text[max(self.start, pos - width):pos]

    def finding(self, severity: str, category: str, a: int, b: int, reason: str) -> Finding:
        """A Finding for normalised [a, b), with the category's suggestion."""
        return self.doc.finding(severity, category, a, b, reason)
