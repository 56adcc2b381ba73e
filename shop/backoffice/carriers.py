"""Carriers the warehouse ships with, and the public tracking page of each parcel.

Plain values only (no Flask, no database): the ship form offers `CARRIERS`, and
`tracking_url` builds the link the customer's order page and email show.
"""
import re
from dataclasses import dataclass
from urllib.parse import quote

TRACKING_NUMBER = re.compile(r"[A-Za-z0-9]{6,40}")
FREIGHT = "freight"


@dataclass(frozen=True)
class Carrier:
    code: str
    label: str
    # The carrier's public tracking page with `{number}` where the tracking number goes;
    # empty for freight, whose many carriers each have their own site.
    url_template: str


CARRIERS = (
    Carrier("ups", "UPS", "https://www.ups.com/track?loc=en_US&tracknum={number}"),
    Carrier("fedex", "FedEx", "https://www.fedex.com/fedextrack/?trknbr={number}"),
    Carrier("usps", "USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}"),
    Carrier("canada_post", "Canada Post",
            "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}"),
    Carrier("dhl", "DHL",
            "https://www.dhl.com/us-en/home/tracking/tracking-express.html"
            "?submit=1&tracking-id={number}"),
    Carrier(FREIGHT, "Freight", ""),
)
BY_CODE = {carrier.code: carrier for carrier in CARRIERS}
# The carrier each shipping method is booked with (the ship form starts on it).
CARRIER_FOR_METHOD = {"standard": "ups", "overnight": "fedex", "remote": "usps",
                      "international": "dhl", "freight": FREIGHT}
CANADA_CARRIER = "canada_post"


def carrier_for(shipping_method: str, country: str = "") -> str:
    """The carrier code the order's method ships with: freight for anything with a freight
    part (it goes on a pallet), Canada Post for parcels to Canada, else per method."""
    methods = (shipping_method or "").split("+")
    if FREIGHT in methods:
        return FREIGHT
    if country == "CA":
        return CANADA_CARRIER
    return CARRIER_FOR_METHOD.get(methods[0], CARRIERS[0].code)


def normalise_tracking_number(text: str) -> str:
    """What staff paste, without spaces or dashes and in capitals: "1z 999-aa1" -> "1Z999AA1"."""
    return re.sub(r"[\s-]+", "", text or "").upper()


def is_valid_tracking_number(number: str) -> bool:
    return TRACKING_NUMBER.fullmatch(number or "") is not None


def tracking_url(code: str, number: str, given_url: str = "") -> str:
    """The parcel's tracking page: built from the carrier's template, or for freight the
    address staff typed (or none)."""
    carrier = BY_CODE[code]
    if not carrier.url_template:
        return given_url
    return carrier.url_template.format(number=quote(number, safe=""))


def carrier_name(code: str, freight_name: str = "") -> str:
    """The name the customer sees: "UPS", or the freight company's name staff typed."""
    if code == FREIGHT:
        return freight_name or "Freight"
    return BY_CODE[code].label


def code_for_name(name: str) -> tuple[str, str]:
    """(carrier code, freight company) for a name `carrier_name` gave: ("ups", "") for
    "UPS"; ("freight", "Estes") for a freight company's name."""
    for carrier in CARRIERS:
        if carrier.code != FREIGHT and carrier.label == name:
            return carrier.code, ""
    return FREIGHT, "" if name == BY_CODE[FREIGHT].label else name
