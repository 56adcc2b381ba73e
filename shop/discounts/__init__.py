"""Discount codes: managers create them, customers enter them in the cart."""
