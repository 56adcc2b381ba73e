"""Engagement around a product page: back-in-stock alerts and the accessories that go with it.

- `restock`: "email me when it's back" (double opt-in, one email when stock is received).
- `goes_with`: accessories staff link to a product (J-cups for a rack, collars for a bar).
"""
