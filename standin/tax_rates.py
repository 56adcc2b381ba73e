"""SAMPLE sales tax rates for the local Stripe stand-in: NOT real tax advice or current law.

The stand-in computes tax with these when a Checkout Session has `automatic_tax` enabled,
so the demo, the tests and the screenshots show a tax line the way Stripe Tax would add
one. Real Stripe decides tax from your registrations, the product tax codes and the
address; these numbers are rounded, simplified, illustrative rates for a few US states
and every Canadian province, and a place not listed is charged no tax.

A rate is in millionths (88_750 = 8.875%); `shipping_taxable` says whether a separately
stated shipping charge is taxed there (simplified too).
"""
from dataclasses import dataclass

SHIPPING_TAX_CODE = "txcd_92010001"  # Stripe's tax code for shipping


@dataclass(frozen=True)
class SampleRate:
    label: str
    rate_millionths: int
    shipping_taxable: bool


SAMPLE_RATES: dict[tuple[str, str], SampleRate] = {
    # United States: a sample combined state + local rate for one city of each state.
    ("US", "NY"): SampleRate("NY sales tax (sample)", 88_750, True),
    ("US", "CA"): SampleRate("CA sales tax (sample)", 72_500, False),
    ("US", "TX"): SampleRate("TX sales tax (sample)", 62_500, True),
    ("US", "WA"): SampleRate("WA sales tax (sample)", 65_000, True),
    ("US", "FL"): SampleRate("FL sales tax (sample)", 60_000, False),
    ("US", "IL"): SampleRate("IL sales tax (sample)", 62_500, False),
    ("US", "PA"): SampleRate("PA sales tax (sample)", 60_000, True),
    ("US", "NJ"): SampleRate("NJ sales tax (sample)", 66_250, True),
    ("US", "MA"): SampleRate("MA sales tax (sample)", 62_500, False),
    ("US", "OR"): SampleRate("OR: no sales tax", 0, False),
    ("US", "MT"): SampleRate("MT: no sales tax", 0, False),
    ("US", "NH"): SampleRate("NH: no sales tax", 0, False),
    ("US", "DE"): SampleRate("DE: no sales tax", 0, False),
    # Canada: GST, HST, or GST + PST/QST (sample).
    ("CA", "ON"): SampleRate("HST 13% (sample)", 130_000, True),
    ("CA", "NB"): SampleRate("HST 15% (sample)", 150_000, True),
    ("CA", "NL"): SampleRate("HST 15% (sample)", 150_000, True),
    ("CA", "NS"): SampleRate("HST 14% (sample)", 140_000, True),
    ("CA", "PE"): SampleRate("HST 15% (sample)", 150_000, True),
    ("CA", "BC"): SampleRate("GST 5% + PST 7% (sample)", 120_000, True),
    ("CA", "MB"): SampleRate("GST 5% + RST 7% (sample)", 120_000, True),
    ("CA", "SK"): SampleRate("GST 5% + PST 6% (sample)", 110_000, True),
    ("CA", "QC"): SampleRate("GST 5% + QST 9.975% (sample)", 149_750, True),
    ("CA", "AB"): SampleRate("GST 5% (sample)", 50_000, True),
    ("CA", "NT"): SampleRate("GST 5% (sample)", 50_000, True),
    ("CA", "NU"): SampleRate("GST 5% (sample)", 50_000, True),
    ("CA", "YT"): SampleRate("GST 5% (sample)", 50_000, True),
}


def sample_rate(country: str | None, state: str | None) -> SampleRate | None:
    """The sample rate for a country and state/province code, None when not listed."""
    return SAMPLE_RATES.get(((country or "").upper(), (state or "").upper()))


def line_tax(amount_cents: int, rate: SampleRate | None, tax_code: str | None) -> int:
    """The sample tax on one line's amount, rounded half up to the cent."""
    if rate is None or amount_cents <= 0:
        return 0
    if tax_code == SHIPPING_TAX_CODE and not rate.shipping_taxable:
        return 0
    return (amount_cents * rate.rate_millionths + 500_000) // 1_000_000
