"""A product's warranty terms can remove a part its category's terms name (0 months)."""
from shop.rules.warranty import WarrantyTerm, product_terms


def test_zero_months_removes_a_part_the_product_does_not_have():
    # given a cardio category (frame, motor, parts) and an air rower with no motor
    terms = product_terms("cardio", {"Motor": 0})
    # then its terms list no motor, and the other parts keep the category's terms
    assert terms == (WarrantyTerm("Frame", 120), WarrantyTerm("Parts and electronics", 12))


def test_removal_matches_the_part_whatever_its_case_and_other_overrides_still_apply():
    terms = product_terms("strength_machine", {"upholstery": 0, "Frame and welds": 240})
    assert [t.component for t in terms] == ["Frame and welds", "Cables and pulleys"]
    assert terms[0].months == 240


def test_removing_a_part_the_category_does_not_name_changes_nothing():
    assert product_terms("free_weights", {"Motor": 0}) == product_terms("free_weights", {})
