"""Counting the claims checker's regex work, so tests can show it grows linearly with the text.

``count_regex_work(monkeypatch)`` swaps every compiled pattern held by a module of
``shop.rules.claims`` for a counting stand-in (same methods, same results) and returns the
``RegexWork`` tally. A search-type call (search, finditer, findall) counts the characters it
is given (``endpos - pos``); an anchored call (match, fullmatch) counts one; each match a
``finditer`` yields counts one. A ``search`` counts up to the end of its match, where the
scan stops. Python's ``re`` gives no step count, so the tally also keeps
the widest stretch handed to one search: when that is bounded, no single call can take
longer than a fixed amount of time, and the total work is the tally times that bound.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass, field

import shop.rules.claims


@dataclass
class RegexWork:
    units: int = 0
    calls: int = 0
    by_pattern: dict = field(default_factory=dict)
    widest: dict = field(default_factory=dict)     # pattern -> widest stretch one search read

    def reset(self) -> None:
        self.units = self.calls = 0
        self.by_pattern.clear()
        self.widest.clear()

    def add(self, name: str, units: int, search_width: int = 0) -> None:
        self.units += units
        self.calls += 1
        self.by_pattern[name] = self.by_pattern.get(name, 0) + units
        self.widest[name] = max(self.widest.get(name, 0), search_width)


class CountingPattern:
    """A compiled pattern that reports its work to a RegexWork tally."""

    def __init__(self, name: str, pattern: re.Pattern, work: RegexWork):
        self._name, self._pattern, self._work = name, pattern, work
        self.pattern, self.flags = pattern.pattern, pattern.flags

    def _width(self, string, pos, endpos):
        return max(0, min(len(string), endpos) - pos)

    def search(self, string, pos=0, endpos=2**62):
        found = self._pattern.search(string, pos, endpos)    # the scan stops at a match
        width = self._width(string, pos, found.end() if found else endpos)
        self._work.add(self._name, width, width)
        return found

    def findall(self, string, pos=0, endpos=2**62):
        width = self._width(string, pos, endpos)
        self._work.add(self._name, width, width)
        return self._pattern.findall(string, pos, endpos)

    def finditer(self, string, pos=0, endpos=2**62):
        width = self._width(string, pos, endpos)
        self._work.add(self._name, width, width)
        for m in self._pattern.finditer(string, pos, endpos):
            self._work.add(self._name, 1)
            yield m

    def match(self, string, pos=0, endpos=2**62):
        self._work.add(self._name, 1)
        return self._pattern.match(string, pos, endpos)

    def fullmatch(self, string, pos=0, endpos=2**62):
        self._work.add(self._name, 1)
        return self._pattern.fullmatch(string, pos, endpos)


def checker_modules():
    """Every module of shop.rules.claims, lexicons included."""
    package = shop.rules.claims
    names = [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    return [package, *(importlib.import_module(name) for name in names)]


def count_regex_work(monkeypatch) -> RegexWork:
    """Route every module-level compiled pattern of the checker through one tally."""
    work = RegexWork()
    for module in checker_modules():
        for attr, value in vars(module).items():
            if isinstance(value, re.Pattern):
                name = f"{module.__name__.rsplit('.', 1)[-1]}.{attr}"
                monkeypatch.setattr(module, attr, CountingPattern(name, value, work))
    return work
