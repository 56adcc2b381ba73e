"""The shopping cart: server-side, keyed by a signed cookie, kept 30 days."""
