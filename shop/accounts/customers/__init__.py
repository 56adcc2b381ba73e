"""Customer accounts (separate from staff): sign-up, sign-in, orders, addresses, erasure.

Customers sign in to /account with their own table and their own session keys; they
are never Flask-Login users, so nothing of the back office (/admin) ever sees them.
"""
