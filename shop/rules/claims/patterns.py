"""Building the lexicons' regular expressions: case-insensitive alternations bounded by words."""

from __future__ import annotations

import re


def ci(pattern: str) -> re.Pattern:
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


def dispatch(alternatives: tuple[str, ...] | list[str]) -> str:
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


def words(*alternatives: str) -> str:
    """Alternatives joined into one group bounded by word boundaries."""
    return r"\b" + dispatch(alternatives) + r"\b"
