"""The claims checker's second round of families (issue 17): body-system structure/function
claims, disease course, dependence on a substance, chemistry that names no chemical,
misspelled approval words; and topic-only wellness statements that must not block."""

import pytest

from shop.rules.copy_claims import check_copy


def blocks(text):
    return [f for f in check_copy(text) if f.severity == "block"]


@pytest.mark.parametrize("text, category", [
    # structure/function: a change verb aimed at a named organ or body system
    ("Hill sprints grow new connections between your frontal lobe and hippocampus.",
     "mechanism"),
    ("Our yoga wheel calms your adrenal glands.", "mechanism"),
    ("Cycling normalises liver enzymes.", "mechanism"),
    ("Regular rowing improves kidney function.", "mechanism"),
    ("Boosts circulation to the brain.", "mechanism"),
    ("Raises your heart rate variability.", "mechanism"),
    ("Restores the balance of your endocrine system.", "mechanism"),
    ("Low-impact cardio rebuilds the cartilage in your knees.", "mechanism"),
    ("Heals your gut and balances your gut flora.", "mechanism"),
    ("Keeps your arteries clear and flexible.", "mechanism"),
    # disease course, with or without a named disease
    ("Slows the progression of neurodegeneration.", "condition"),
    ("Reverses age-related brain shrinkage.", "condition"),
    ("Turn back the clock on your aging brain.", "condition"),
    # dependence on a substance
    ("Break your dependence on alcohol with a daily ride.", "condition"),
    ("Trade your cigarettes for kettlebells.", "condition"),
    ("Swap the evening beers for a session on the rower and stay off the booze.", "condition"),
    # chemistry that names no chemical
    ("Teaches your brain to release its reward chemicals on a schedule.", "mechanism"),
    ("Raises its levels in your brain after every ride.", "mechanism"),
    ("Rebalances the chemicals in your brain.", "mechanism"),
    # misspelled approval words
    ("Medicaly approved by physiotherapists.", "approval"),
    ("Clinicaly proven results.", "approval"),
    ("Doctor aproved design for home workouts.", "approval"),
    ("Medicallly approved.", "approval"),
    ("Recomended by doctors.", "approval"),
    ("Clinically prooven to lower stress.", "approval"),
])
def test_new_families_block_with_their_category(text, category):
    # when
    found = blocks(text)
    # then
    assert found, text
    assert category in {f.category for f in found}
    for f in found:
        assert f.text == text[f.start:f.end]


@pytest.mark.parametrize("text", [
    "Build stronger muscles in your legs and glutes.",
    "Improve your balance and coordination with single-leg drills.",
    "Better mobility in your hips and shoulders after every session.",
    "Boost your stamina for long rides.",
    "Strengthen your core and back for everyday lifting.",
    "Raise your heart rate and break a sweat in ten minutes.",
    "Protect your joints with the padded knee rest.",
    "Tone your gut and core with the ab roller.",
    "Calm your nerves before race day with a steady warm-up.",
    "The bike produces its own power for the console.",
    "No harsh chemicals: clean the seat with a damp cloth.",
    "Swap your evening scrolling for a session on the rower.",
    "Slow down and focus on form for the last set.",
    "Approved for use in commercial gyms.",
    "Mental health and movement",
    "Cognition and exercise: a short reading list",
    "Brain health, fitness and you",
    "Exercise is good for attention and memory.",
    "Staying active is good for your memory and focus in general.",
])
def test_general_fitness_and_topic_headings_stay_clean(text):
    assert check_copy(text) == []


@pytest.mark.parametrize("text", [
    "Mental health and exercise go together, as many of our readers tell us.",
    "We write about cognition and training every month.",
])
def test_a_wellness_topic_in_a_sentence_is_review_at_most(text):
    assert blocks(text) == []


def test_a_caution_naming_an_organ_is_not_a_claim():
    text = "If you have kidney disease, ask your doctor before use."
    assert blocks(text) == []
