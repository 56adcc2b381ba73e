"""Every email template's own words pass the claims checker, as product copy must.

The static text of each template in templates/emails/ (what Jinja's lexer calls data: all
but the {{ ... }} and {% ... %} parts) is checked with the same checker and facts as product
copy; a blocking finding fails the test, with the template, the wording and the reason.
"""

from pathlib import Path

import pytest
from jinja2 import Environment

from shop.catalog.copy_review import review_customer_text

EMAILS = Path(__file__).resolve().parents[1] / "templates" / "emails"
TEMPLATES = sorted(EMAILS.glob("*"))


def static_text(source: str) -> str:
    """The template's own words; each {{ value }} becomes a neutral word, tags vanish."""
    parts = []
    for _, kind, value in Environment(keep_trailing_newline=True).lex(source):
        if kind == "data":
            parts.append(value)
        elif kind == "variable_begin":
            parts.append("item")
    return "".join(parts)


def blocking_findings(source: str):
    return [f for f in review_customer_text("email", static_text(source))
            if f.severity == "block"]


def test_there_are_email_templates_to_check():
    assert len(TEMPLATES) >= 10


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_email_template_static_text_makes_no_blocked_claim(path):
    # given: the template's own words
    source = path.read_text(encoding="utf-8")
    # when: they are checked as copy a customer reads
    found = blocking_findings(source)
    # then: nothing would be blocked
    assert found == [], [(f.text, f.reason) for f in found]


def test_static_text_keeps_the_words_and_drops_the_template_code():
    source = "Hello {{ order.name }},\n{% if x %}Our rower relieves anxiety.{% endif %}\n"
    assert static_text(source) == "Hello item,\nOur rower relieves anxiety.\n"


@pytest.mark.parametrize("source", [
    "Thanks for your order {{ order.number }}!\nOur rowers are medically approved.\n",
    "{% if order.discreet %}Rowing rebuilds the cartilage in your knees.{% endif %}",
    "Every bike comes with a lifetime warranty. {{ shop_name }}",
])
def test_a_template_with_a_claim_or_a_false_promise_would_fail(source):
    assert blocking_findings(source)
