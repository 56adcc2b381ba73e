"""Building the lexicons' regular expressions: case-insensitive alternations bounded by words.

A lexicon is a list of terms, each a regex fragment; ``words(*terms)`` joins them into one
alternation. Python's ``re`` tries every alternative in turn at every word boundary, which for
a few hundred terms is most of the checker's time. So the alternation is grouped by the letter
a term starts with, ``(?=d)(?:depress...|diabet...)|(?=i)(?:insomnia|...)``: at any position
only the group of the letter found there is tried. Inside a group the terms keep their order,
so the matches are exactly those of the plain alternation.

A term's first letters are read from its text (``first_letters``) for the shapes the lexicons
use: a term that opens with a letter (``insomnia``), or with a group of such alternatives, which
may be optional (``(?:knee|hip)\\s+replacements?``, ``(?:high\\s+)?cholesterol``). A term of
any other shape (an escape, a class, a lookbehind) goes into every group: still found, just
tried at every position. Only for patterns compiled with ``ci`` (the groups compare letters
case-insensitively).
"""

from __future__ import annotations

import re

_GROUP_OPEN_RE = re.compile(r"\(\?(?:-i)?:")      # (?:  and  (?-i:
_OPTIONAL = ("?", "*")


def ci(pattern: str) -> re.Pattern:
    """Compiled, case-insensitive."""
    return re.compile(pattern, re.I)


def _class_end(pattern: str, i: int) -> int:
    """Index just past the character class that opens at ``pattern[i] == "["``."""
    j = i + 1
    if pattern[j:j + 1] == "^":
        j += 1
    if pattern[j:j + 1] == "]":                   # "[]...]": a leading "]" is a plain character
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def _structure(pattern: str):
    """(index, character, depth after it) of each ( ) | that is not escaped or inside a class."""
    depth, i = 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(pattern, i)
            continue
        if ch in "()|":
            depth += {"(": 1, ")": -1, "|": 0}[ch]
            yield i, ch, depth
        i += 1


def _branches(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern: "a|b(?:c|d)" -> ["a", "b(?:c|d)"]."""
    cuts = [i for i, ch, depth in _structure(pattern) if ch == "|" and depth == 0]
    bounds = [-1, *cuts, len(pattern)]
    return [pattern[a + 1:b] for a, b in zip(bounds, bounds[1:])]


def _leading_item(term: str) -> tuple[str, str] | None:
    """The term's first item and what follows it: a letter ("a", "bc") or a non-capturing group,
    given as its inside ("(?:a|b)?c" -> ("a|b", "?c")). None for any other opening."""
    if term[:1].isascii() and term[:1].isalnum():
        return term[0], term[1:]
    opening = _GROUP_OPEN_RE.match(term)
    if opening is None:
        return None
    for i, ch, depth in _structure(term):
        if ch == ")" and depth == 0:
            return term[opening.end():i], term[i + 1:]
    return None


def first_letters(term: str) -> set[str] | None:
    """The lower-case letters every match of ``term`` starts with; None when they cannot be read
    plainly (then the term may start anywhere)."""
    letters: set[str] = set()
    branches = _branches(term)
    if len(branches) > 1:
        for branch in branches:
            found = first_letters(branch)
            if found is None:
                return None
            letters |= found
        return letters
    item = _leading_item(term)
    if item is None:
        return None
    inside, rest = item
    found = {inside.lower()} if len(inside) == 1 and inside.isalnum() else first_letters(inside)
    if found is None or rest[:1] == "{":
        return None
    if rest[:1] not in _OPTIONAL:
        return found
    rest = rest[2:] if rest[1:2] in ("?", "+") else rest[1:]   # lazy or possessive
    after = first_letters(rest)                    # the item may be skipped: what follows it
    return None if after is None else found | after


def dispatch(alternatives: tuple[str, ...] | list[str]) -> str:
    """One alternation, grouped by first letter so the engine skips most branches.

    At any position only the group of the letter there is tried (plus, at other characters,
    the terms whose first letters are unknown), and inside a group the alternatives keep their
    order, so matches are the same as the plain alternation's.
    """
    firsts = [first_letters(alt) for alt in alternatives]
    alphabet = sorted(set().union(*(f for f in firsts if f)))
    groups = []
    for letter in alphabet:
        members = [alt for alt, f in zip(alternatives, firsts) if f is None or letter in f]
        groups.append("(?=" + re.escape(letter) + ")(?:" + "|".join(members) + ")")
    anywhere = [alt for alt, f in zip(alternatives, firsts) if f is None]
    if anywhere:
        groups.append("(?:" + "|".join(anywhere) + ")")
    return "(?:" + "|".join(groups) + ")"


def words(*alternatives: str) -> str:
    """Alternatives joined into one group bounded by word boundaries."""
    return r"\b" + dispatch(alternatives) + r"\b"
