"""Checkout: the form, the order it creates, and the hand-off to Stripe Checkout."""
