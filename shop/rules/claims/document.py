"""The text as the matcher sees it: normalised (tags, entities, odd quotes and spaces), with a
map back to the original, split into sentences and clauses."""

from __future__ import annotations

import html
import re
import unicodedata

from shop.rules.claims.findings import SUGGESTIONS, Finding


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


class Doc:
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

_SENT_END_RE = re.compile(r"(?<![.!?\u2026])[.!?\u2026]++[\"')\]]*+(?=\s|$)|(?<!\n)\n+")
_ABBREV = frozenset({"dr", "mr", "mrs", "prof", "st", "vs", "e.g", "i.e", "approx", "fig",
                     "sr", "jr"})
_PREV_WORD_RE = re.compile(r"([A-Za-z.]+)$")
_CLAUSE_SPLIT_RE = re.compile(
    r"(?<!\s)(?:\s*+[;:\u2014\u2013()]\s*|\s+-\s+|\s*,?\s+(?:but|however|yet|though|although|"
    r"whereas)\b,?\s*)|(?<=\s)[;:\u2014\u2013()]\s*", re.I)
_SPACE_RE = re.compile(r"\s")

# Linear time: no sentence the steps read is longer than this. Real sentences are far
# shorter; a longer run (a list of 10,000 words, a page with no full stop) is cut into
# pieces at a space, so every pattern runs over a bounded stretch of text.
MAX_SENTENCE_CHARS = 600
_CUT_REACH = 120         # how far back from the limit a cut looks for a space


def _bounded(text: str, a: int, b: int):
    """[a, b) as pieces of at most MAX_SENTENCE_CHARS, cut at a space where there is one."""
    while b - a > MAX_SENTENCE_CHARS:
        cut = a + MAX_SENTENCE_CHARS
        for i in range(cut, cut - _CUT_REACH, -1):
            if _SPACE_RE.match(text, i - 1):
                cut = i
                break
        yield a, cut
        a = cut
    if text[a:b].strip():
        yield a, b


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence of the normalised text (long ones cut into pieces)."""
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
            out.extend(_bounded(text, start, end))
        start = end
    if text[start:].strip():
        out.extend(_bounded(text, start, len(text)))
    return out


def clause_spans(text: str, a: int, b: int) -> list[tuple[int, int]]:
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
