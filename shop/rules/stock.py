"""What a customer is told about stock: in stock, only a few left, or out of stock."""
from dataclasses import dataclass


@dataclass(frozen=True)
class StockState:
    code: str  # "in_stock", "low", "out"
    label: str
    schema_availability: str  # schema.org ItemAvailability


def stock_state(available: int, low_at: int = 5) -> StockState:
    """Describe `available` units: "Only 3 left" at or below `low_at`, never a negative count."""
    if available <= 0:
        return StockState("out", "Out of stock", "https://schema.org/OutOfStock")
    if available <= low_at:
        return StockState("low", f"Only {available} left", "https://schema.org/LimitedAvailability")
    return StockState("in_stock", "In stock", "https://schema.org/InStock")
