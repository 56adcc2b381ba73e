"""The claims checker does work linear in the length of the text, whatever the text repeats.

Speed targets are checked by a benchmark (``python -m tests.rules.measure_claims --bench``),
not by timed tests. Here the work is counted (``regex_work``): every regex call is tallied in
characters read, and no pattern but the document-wide passes is ever handed more than one
bounded sentence, so no single call can go quadratic on a long input.
"""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shop.rules.claims.document import MAX_SENTENCE_CHARS
from shop.rules.claims.lexicon import (approval, conditions, drugs, framing, links, mechanisms,
                                       promises)
from shop.rules.copy_claims import check_all, check_copy
from tests.rules.regex_work import count_regex_work

# One pass each over the whole text, with patterns whose cost per start is bounded
# (no nested or unbounded repeats that can re-read the text): normalising, sentence ends,
# and the promise checks, which read the whole text once per kind of promise.
WHOLE_TEXT_PASSES = {"document._SPECIAL_RE", "document._SENT_END_RE"}
SENTENCE_BOUND = 1000          # the longest stretch one search may read (MAX_SENTENCE_CHARS)
UNITS_PER_CHAR = 200           # measured: 3 to 130 on adversarial repeats ("cognition, " x N), ~12 on a catalog

PLAIN_TERM_RE = re.compile(r"[a-z][a-z ]*[a-z]")
LEXICON_WORDS = sorted({term for term in (*conditions.CONDITION_TERMS, *drugs.DRUG_TERMS,
                                          *mechanisms.MECHANISM_TERMS, *links.CLAIM_VERBS,
                                          *links.TARGETING)
                        if PLAIN_TERM_RE.fullmatch(term)})
EXTRA_WORDS = ["knee", "back", "hip", "pain", "not", "medically", "approved", "clinically",
               "proven", "warranty", "return", "free", "10", "year", "Dr", "doctor", "keep",
               "brain", "studies show", "a", "x", "<b>", "</p>", "&amp;", "it's", "30-day"]
SEPARATORS = ["", " ", ", ", "-", " and ", ". ", ".", "... ", "\n", ";", "'s ", "? ", "  ",
              " - ", " but ", "/", "(", ")", "\u2014", "\u00a0", '"']

units = st.lists(st.sampled_from(LEXICON_WORDS + EXTRA_WORDS), min_size=1, max_size=4)
separated = st.tuples(units, st.sampled_from(SEPARATORS), st.sampled_from(SEPARATORS))


def repeated(parts, length):
    words, inner, outer = parts
    unit = inner.join(words) + outer
    return (unit * (length // len(unit) + 1))[:length]


@pytest.fixture
def work(monkeypatch):
    return count_regex_work(monkeypatch)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=separated)
def test_regex_work_grows_linearly_on_repeated_lexicon_words(work, parts):
    # given: a lexicon word pattern repeated to 4,000 and to 8,000 characters
    short, long = repeated(parts, 4000), repeated(parts, 8000)
    # when: both are checked
    work.reset()
    check_all(short)
    short_units = work.units
    work.reset()
    findings = check_all(long)
    long_units = work.units
    # then: twice the text costs about twice the work, within a fixed budget per character
    assert long_units <= UNITS_PER_CHAR * len(long)
    assert long_units <= 2 * short_units + 20 * UNITS_PER_CHAR * 100
    for f in findings:
        assert f.text == long[f.start:f.end]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=separated)
def test_no_pattern_but_the_whole_text_passes_reads_more_than_a_sentence(work, parts):
    # given: 20,000 characters of a repeated lexicon word pattern
    text = repeated(parts, 20000)
    # when: the health checks run
    work.reset()
    check_copy(text)
    # then: every other search read at most one sentence, which is bounded
    wide = {name: width for name, width in work.widest.items()
            if name not in WHOLE_TEXT_PASSES and width > SENTENCE_BOUND}
    assert wide == {}


def test_a_long_list_of_body_parts_is_read_in_bounded_sentences(work):
    # given: the input that used to take 4 s ("knee, " x 2,000: 12,000 characters)
    text = "knee, " * 2000
    # when
    work.reset()
    findings = check_copy(text)
    # then: the sentence is read in bounded pieces, each once
    assert findings == []
    assert work.widest["health._TRIGGER_RE"] <= SENTENCE_BOUND
    assert work.units <= UNITS_PER_CHAR * len(text)


LEXICON_PATTERNS = [(f"{module.__name__.rsplit('.', 1)[-1]}.{name}", value)
                    for module in (conditions, drugs, links, mechanisms, approval, framing,
                                   promises)
                    for name, value in sorted(vars(module).items())
                    if isinstance(value, re.Pattern)
                    and name != "GAP_WORD_RE"]    # a word: [A-Za-z0-9']+, read once per run
MOST_WORDS = 16              # words in one match; a word itself may be long ("xxxx...")
WORD_START_RE = re.compile(r"\b\w")


@settings(max_examples=40, deadline=None)
@given(parts=separated)
def test_no_lexicon_pattern_matches_an_unbounded_stretch(parts):
    # given: 3,000 characters of a repeated lexicon word pattern
    text = repeated(parts, 3000)
    for name, pattern in LEXICON_PATTERNS:
        # when: the pattern is run over it
        longest = max((len(WORD_START_RE.findall(m.group())) for m in pattern.finditer(text)),
                      default=0)
        # then: no match runs on with the repetition (an unbounded repeat would, and would
        # re-read the rest of the text from every start: quadratic time)
        assert longest <= MOST_WORDS, name


def test_a_list_of_body_parts_before_pain_is_one_short_mention():
    # given: "knee, knee, ... knee pain"
    text = "knee, " * 200 + "knee pain"
    # when
    spans = [m.span() for m in conditions.CONDITION_RE.finditer(text)]
    # then: the mention is the last few body parts, not the whole list
    assert len(spans) == 1 and spans[0][1] == len(text)
    assert len(WORD_START_RE.findall(text[spans[0][0]:spans[0][1]])) <= MOST_WORDS


def test_sentences_are_cut_below_the_bound():
    assert MAX_SENTENCE_CHARS <= SENTENCE_BOUND


@pytest.mark.parametrize("word", ["warranty", "return", "guarantee "])
def test_promise_windows_grow_linearly_on_words_with_no_spaces(work, word):
    # given: a promise keyword repeated with no space, 12,000 characters
    text = (word * 3000)[:12000]
    # when
    work.reset()
    check_all(text)
    # then: each keyword's window widens to a word edge at a bounded cost
    assert work.units <= UNITS_PER_CHAR * len(text)


def test_a_claim_deep_inside_a_long_run_is_still_found():
    # given: a claim after 30,000 characters with no sentence end
    text = "knee, " * 5000 + "it relieves depression"
    # when
    findings = check_copy(text)
    # then
    assert [f.text for f in findings] == ["relieves depression"]
