"""Sales tax arithmetic on cents: splitting an amount Stripe reports over our lines.

Stripe computes the tax (Stripe Tax, or the local stand-in's sample rates); the shop only
stores what it said and, for refunds, gives back the share of it that belongs to what
comes back. Standard library only.
"""


def allocate(total_cents: int, weights: list[int]) -> list[int]:
    """Split `total_cents` over `weights` in proportion, exactly (largest remainder).

    allocate(100, [1, 1, 1]) -> [34, 33, 33]; all-zero weights split evenly."""
    if total_cents < 0:
        raise ValueError("total_cents must not be negative")
    if not weights:
        return []
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    basis = weights if sum(weights) > 0 else [1] * len(weights)
    whole = sum(basis)
    shares = [total_cents * w // whole for w in basis]
    remainders = sorted(range(len(basis)), key=lambda i: (-(total_cents * basis[i] % whole), i))
    for index in remainders[:total_cents - sum(shares)]:
        shares[index] += 1
    return shares


def share(amount_cents: int, part: int, whole: int) -> int:
    """The share of `amount_cents` that `part` units of `whole` carry, rounded down, so the
    shares of a line returned piece by piece never add up to more than the line."""
    if whole <= 0 or not 0 <= part <= whole:
        raise ValueError("need 0 <= part <= whole and whole > 0")
    return amount_cents * part // whole
