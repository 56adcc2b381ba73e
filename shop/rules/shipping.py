"""Shipping zones, billable weight, parcel vs freight, and priced shipping options.

Public API (all money in int cents, weights in grams, sizes in whole cm):
- ``ShipItem(sku, name, quantity, weight_g, length_cm, width_cm, height_cm)``: one cart line.
- ``Destination(country, region="")``: ISO country code; for the US, the state code.
- ``zone_for(dest, config) -> Zone | None``: which zone an address is in (None: not served).
- ``billable_weight_g(item, config) -> int``: per unit, max(actual, dimensional L*W*H/5000 kg).
- ``item_shipping_class(item, config) -> "parcel" | "freight"``: for the product page.
- ``quote_shipping(items, dest, subtotal_cents, config) -> ShippingQuote``: every way the
  whole order can ship. One option per parcel method of the zone, each carrying the
  freight lines too; a freight-only order gets one ``freight`` option. ``served`` is
  False (with ``reason`` and per-item ``problems``) when the order cannot ship there.
- ``countries_served(config) -> list[(code, name)]``: the checkout country list.
Everything staff may change lives in ``ShippingConfig`` (``DEFAULT_SHIPPING_CONFIG``).
"""

import math
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Mapping

from shop.rules.money import format_cents


class Zone(StrEnum):
    """Shipping zones; the values are the codes used in config and storage."""
    US_CONTIGUOUS = "us_contiguous"
    US_REMOTE = "us_remote"
    CANADA = "canada"
    INTERNATIONAL = "international"


PARCEL = "parcel"
FREIGHT = "freight"


@dataclass(frozen=True)
class Text:
    """Human-readable name of a zone or method: a heading label and a description."""
    label: str
    description: str


@dataclass(frozen=True)
class ParcelRate:
    """A parcel method offered in a zone: base price plus a price per started kg."""
    zone: Zone
    method: str
    base_cents: int
    per_kg_cents: int


@dataclass(frozen=True)
class DiscreetPackaging:
    """What the free discreet packaging option means, for pages and packing staff."""
    label: str = "Discreet packaging"
    price_cents: int = 0
    sender_name: str = "GF Supply"  # the shop sets its own (SHOP_DISCREET_SENDER)

    @property
    def means(self) -> tuple[str, ...]:
        """What the customer gets, in sentences for the shipping page."""
        return ("Plain brown outer box with no logos or product pictures",
                "No product names on the shipping label",
                f'Packing slip and label show the sender as "{self.sender_name}"')


ZONE_TEXT = MappingProxyType({
    Zone.US_CONTIGUOUS: Text("Contiguous US", "the contiguous US"),
    Zone.US_REMOTE: Text("Alaska, Hawaii and US territories", "Alaska, Hawaii and US territories"),
    Zone.CANADA: Text("Canada", "Canada"),
    Zone.INTERNATIONAL: Text("International", "the countries listed under international"),
})
METHOD_TEXT = MappingProxyType({
    "standard": Text("Standard parcel", "Tracked parcel by ground carrier, to your door."),
    "overnight": Text("Overnight parcel", "Tracked express parcel, our fastest option."),
    "remote": Text("Remote parcel", "Tracked parcel to Alaska, Hawaii and US territories."),
    "international": Text("International parcel", "Tracked international parcel."),
    "freight": Text("Freight curbside",
                    "Pallet delivery by a freight carrier to the curb or driveway."),
})
PARCEL_RATES = (
    ParcelRate(Zone.US_CONTIGUOUS, "standard", 695, 95),
    ParcelRate(Zone.US_CONTIGUOUS, "overnight", 2495, 250),
    ParcelRate(Zone.CANADA, "standard", 1495, 150),
    ParcelRate(Zone.CANADA, "overnight", 3495, 350),
    ParcelRate(Zone.US_REMOTE, "remote", 1995, 200),
    ParcelRate(Zone.INTERNATIONAL, "international", 2995, 400),
)
FREIGHT_PER_ITEM_CENTS = MappingProxyType({Zone.US_CONTIGUOUS: 14900, Zone.CANADA: 19900})
US_CONTIGUOUS_REGIONS = tuple((
    "AL AZ AR CA CO CT DE DC FL GA ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split())
US_REMOTE_REGIONS = ("AK", "HI", "PR", "GU", "VI", "AS", "MP")
US_TERRITORY_COUNTRIES = ("PR", "GU", "VI", "AS", "MP")
INTERNATIONAL_COUNTRIES = ("GB", "IE", "FR", "DE", "NL", "BE", "LU", "AT", "DK", "SE", "AU", "NZ")
COUNTRY_NAMES = MappingProxyType({
    "US": "United States", "CA": "Canada", "PR": "Puerto Rico", "GU": "Guam",
    "VI": "U.S. Virgin Islands", "AS": "American Samoa", "MP": "Northern Mariana Islands",
    "GB": "United Kingdom", "IE": "Ireland", "FR": "France", "DE": "Germany",
    "NL": "Netherlands", "BE": "Belgium", "LU": "Luxembourg", "AT": "Austria",
    "DK": "Denmark", "SE": "Sweden", "AU": "Australia", "NZ": "New Zealand",
})


def _const(value):
    """A dataclass field whose default is a shared read-only value."""
    return field(default_factory=lambda: value)


@dataclass(frozen=True)
class ShippingConfig:
    """Every shipping number and name staff may change; replace fields, never edit code."""
    zones: Mapping[Zone, Text] = _const(ZONE_TEXT)
    methods: Mapping[str, Text] = _const(METHOD_TEXT)
    parcel_rates: tuple[ParcelRate, ...] = PARCEL_RATES
    freight_per_item_cents: Mapping[Zone, int] = _const(FREIGHT_PER_ITEM_CENTS)
    free_shipping_method: str = "standard"
    free_shipping_zones: tuple[Zone, ...] = (Zone.US_CONTIGUOUS,)
    free_shipping_threshold_cents: int = 9900
    dim_divisor_cm3_per_kg: int = 5000
    freight_over_g: int = 32_000
    freight_over_side_cm: int = 150
    us_contiguous_regions: tuple[str, ...] = US_CONTIGUOUS_REGIONS
    us_remote_regions: tuple[str, ...] = US_REMOTE_REGIONS
    us_territory_countries: tuple[str, ...] = US_TERRITORY_COUNTRIES
    international_countries: tuple[str, ...] = INTERNATIONAL_COUNTRIES
    country_names: Mapping[str, str] = _const(COUNTRY_NAMES)
    discreet_packaging: DiscreetPackaging = field(default_factory=DiscreetPackaging)

    def free_shipping_text(self) -> str:
        """Describe the free-shipping rule, e.g. for the /shipping page."""
        zones = " and ".join(self.zones[z].description for z in self.free_shipping_zones)
        method = self.methods[self.free_shipping_method].label
        return (f"{method} is free within {zones} on orders of "
                f"{format_cents(self.free_shipping_threshold_cents)} or more")


DEFAULT_SHIPPING_CONFIG = ShippingConfig()


def _positive_int(value: object, name: str, minimum: int) -> None:
    """Raise ValueError unless value is an int >= minimum (bool refused)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")


@dataclass(frozen=True)
class ShipItem:
    """One cart line to ship: weight per unit in grams, box size per unit in whole cm."""
    sku: str
    name: str
    quantity: int
    weight_g: int
    length_cm: int
    width_cm: int
    height_cm: int

    def __post_init__(self) -> None:
        _positive_int(self.quantity, "quantity", 1)
        _positive_int(self.weight_g, "weight_g", 0)
        for side in ("length_cm", "width_cm", "height_cm"):
            _positive_int(getattr(self, side), side, 1)


@dataclass(frozen=True)
class Destination:
    """Where an order goes: ISO country code and, for the US, the state or territory code."""
    country: str
    region: str = ""


@dataclass(frozen=True)
class ShippingLine:
    """One charge in an option: which items, by which method, billable grams, amount."""
    method: str
    label: str
    items: tuple[ShipItem, ...]
    billable_g: int
    amount_cents: int
    note: str = ""

    @property
    def billable_kg(self) -> int:
        """Billable weight in started kilograms."""
        return math.ceil(self.billable_g / 1000)


@dataclass(frozen=True)
class ShippingOption:
    """One way the whole order can ship; ``method`` is the parcel part's method code."""
    method: str
    label: str
    total_cents: int
    lines: tuple[ShippingLine, ...]

    @property
    def methods(self) -> tuple[str, ...]:
        """Distinct methods used by the lines, e.g. ("standard", "freight")."""
        return tuple(dict.fromkeys(line.method for line in self.lines))


@dataclass(frozen=True)
class ItemProblem:
    """An item that cannot ship to the destination, and why."""
    sku: str
    name: str
    reason: str


@dataclass(frozen=True)
class ShippingQuote:
    """The answer for a cart and a destination: options, or why it cannot ship."""
    served: bool
    reason: str
    zone: Zone | None = None
    options: tuple[ShippingOption, ...] = ()
    problems: tuple[ItemProblem, ...] = ()

    def option(self, method: str) -> ShippingOption | None:
        """The option whose method code is ``method``, or None."""
        return next((o for o in self.options if o.method == method), None)


def _normalise(dest: Destination) -> tuple[str, str]:
    """Upper-cased, stripped (country, region)."""
    return dest.country.strip().upper(), dest.region.strip().upper()


def zone_for(dest: Destination, config: ShippingConfig = DEFAULT_SHIPPING_CONFIG) -> Zone | None:
    """Return the zone of a destination, or None when we don't ship there."""
    country, region = _normalise(dest)
    if country == "US":
        if region in config.us_remote_regions:
            return Zone.US_REMOTE
        return Zone.US_CONTIGUOUS if region in config.us_contiguous_regions else None
    if country in config.us_territory_countries:
        return Zone.US_REMOTE
    if country == "CA":
        return Zone.CANADA
    return Zone.INTERNATIONAL if country in config.international_countries else None


def _unserved_reason(dest: Destination, config: ShippingConfig) -> str:
    """Why a destination without a zone is not served."""
    country, region = _normalise(dest)
    if not country:
        return "Choose a country to see shipping options"
    if country == "US":  # every state and territory is served: an unknown one is a typo
        return "Choose a US state or territory to see shipping options"
    return f"We don't ship to {config.country_names.get(country, 'that country')} yet"


def _parcel_rates(zone: Zone, config: ShippingConfig) -> list[ParcelRate]:
    """The parcel rates of a zone, in the order options are offered; none: zone not served."""
    return [rate for rate in config.parcel_rates if rate.zone == zone]


def countries_served(config: ShippingConfig = DEFAULT_SHIPPING_CONFIG) -> list[tuple[str, str]]:
    """(code, name) pairs for the checkout country list: US and Canada first, then by name."""
    zones = {"US": (Zone.US_CONTIGUOUS, Zone.US_REMOTE), "CA": (Zone.CANADA,)}
    zones |= {code: (Zone.US_REMOTE,) for code in config.us_territory_countries}
    zones |= {code: (Zone.INTERNATIONAL,) for code in config.international_countries}
    served = [(code, config.country_names.get(code, code)) for code, in_zones in zones.items()
              if any(_parcel_rates(zone, config) for zone in in_zones)]
    head = [pair for pair in served if pair[0] in ("US", "CA")]
    return head + sorted((pair for pair in served if pair not in head), key=lambda p: p[1])


def billable_weight_g(item: ShipItem, config: ShippingConfig = DEFAULT_SHIPPING_CONFIG) -> int:
    """Billable grams per unit: the larger of actual and dimensional weight (rounded up)."""
    volume_cm3 = item.length_cm * item.width_cm * item.height_cm
    dimensional_g = -(-volume_cm3 * 1000 // config.dim_divisor_cm3_per_kg)
    return max(item.weight_g, dimensional_g)


def _kg_text(grams: int) -> str:
    """Grams as kg rounded up to 0.1: 148000 -> "148", 32050 -> "32.1"."""
    tenths = -(-grams // 100)
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"


def _freight_causes(item: ShipItem, config: ShippingConfig) -> list[str]:
    """Why an item ships by freight (empty list: it ships as a parcel)."""
    causes = []
    weight_g = billable_weight_g(item, config)
    if weight_g > config.freight_over_g:
        causes.append(f"{_kg_text(weight_g)} kg")
    longest = max(item.length_cm, item.width_cm, item.height_cm)
    if longest > config.freight_over_side_cm:
        causes.append(f"{longest} cm long")
    return causes


def item_shipping_class(item: ShipItem, config: ShippingConfig = DEFAULT_SHIPPING_CONFIG) -> str:
    """"freight" when over the weight limit or any side is over the size limit, else "parcel"."""
    return FREIGHT if _freight_causes(item, config) else PARCEL


def _freight_problem(item: ShipItem, config: ShippingConfig) -> ItemProblem:
    """The problem for a freight item sent to a zone freight does not reach."""
    reach = " and ".join(config.zones[z].description for z in config.freight_per_item_cents)
    causes = ", ".join(_freight_causes(item, config))
    return ItemProblem(item.sku, item.name,
                       f"{item.name} ships by freight ({causes}) and freight only reaches {reach}")


def _parcel_line(rate: ParcelRate, items: tuple[ShipItem, ...], subtotal_cents: int,
                 config: ShippingConfig) -> ShippingLine:
    """Price all parcel items together by one method."""
    grams = sum(billable_weight_g(i, config) * i.quantity for i in items)
    amount = rate.base_cents + rate.per_kg_cents * math.ceil(grams / 1000)
    note = ""
    if (rate.method == config.free_shipping_method and rate.zone in config.free_shipping_zones
            and subtotal_cents >= config.free_shipping_threshold_cents):
        threshold = format_cents(config.free_shipping_threshold_cents)
        amount, note = 0, f"Free on orders of {threshold} or more"
    return ShippingLine(rate.method, config.methods[rate.method].label, items, grams, amount, note)


def _freight_lines(items: tuple[ShipItem, ...], zone: Zone, config: ShippingConfig):
    """One freight line per freight item, priced per unit for the zone."""
    return tuple(ShippingLine(FREIGHT, config.methods[FREIGHT].label, (item,),
                              billable_weight_g(item, config) * item.quantity,
                              config.freight_per_item_cents[zone] * item.quantity)
                 for item in items)


def _option(method: str, lines: tuple[ShippingLine, ...]) -> ShippingOption:
    """An option named after its lines' labels, totalling their amounts."""
    label = " + ".join(dict.fromkeys(line.label for line in lines))
    return ShippingOption(method, label, sum(line.amount_cents for line in lines), lines)


def quote_shipping(items, dest: Destination, subtotal_cents: int,
                   config: ShippingConfig = DEFAULT_SHIPPING_CONFIG) -> ShippingQuote:
    """Quote every way the whole order can ship to ``dest``, or say why it cannot."""
    items = tuple(items)
    _positive_int(subtotal_cents, "subtotal_cents", 0)
    zone = zone_for(dest, config)
    rates = _parcel_rates(zone, config) if zone else []
    if not rates:
        return ShippingQuote(False, _unserved_reason(dest, config), zone)
    if not items:
        return ShippingQuote(False, "There is nothing to ship", zone)
    freight = tuple(i for i in items if item_shipping_class(i, config) == FREIGHT)
    parcels = tuple(i for i in items if item_shipping_class(i, config) == PARCEL)
    if freight and zone not in config.freight_per_item_cents:
        country = _normalise(dest)[0]
        where = (config.country_names.get(country, country) if zone == Zone.INTERNATIONAL
                 else config.zones[zone].description)
        return ShippingQuote(False, f"Some items in your cart can't ship to {where}", zone,
                             problems=tuple(_freight_problem(i, config) for i in freight))
    freight_lines = _freight_lines(freight, zone, config)
    if not parcels:
        return ShippingQuote(True, "", zone, (_option(FREIGHT, freight_lines),))
    options = tuple(_option(rate.method,
                            (_parcel_line(rate, parcels, subtotal_cents, config),) + freight_lines)
                    for rate in rates)
    return ShippingQuote(True, "", zone, options)
