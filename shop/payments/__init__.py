"""Payments: the Stripe gateway (the only module that imports stripe) and the payment service."""
