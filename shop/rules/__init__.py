"""Pure business rules: money, shipping, delivery dates, warranty, returns, copy claims.

Standard library only: nothing here imports flask, sqlalchemy or stripe.
"""
