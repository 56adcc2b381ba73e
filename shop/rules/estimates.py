"""Shipping and delivery estimates shown to customers, built from the shipping and delivery rules."""
from dataclasses import dataclass, replace
from datetime import datetime

from shop.rules import delivery, shipping, shipping_choice


@dataclass(frozen=True)
class PricedOption:
    """A way the whole order can ship, with when everything arrives."""
    option: shipping.ShippingOption
    promise: delivery.DeliveryPromise
    promise_text: str
    buys: str = ""  # what paying more than for the cheapest option buys (shipping_choice)


@dataclass(frozen=True)
class ProductEstimate:
    """What the product page says about shipping one unit to the default destination."""
    shipping_class: str
    served: bool
    reason: str
    cheapest: PricedOption | None


def priced_options(quote: shipping.ShippingQuote, now: datetime,
                   config: delivery.DeliveryConfig = delivery.DEFAULT_DELIVERY_CONFIG
                   ) -> list[PricedOption]:
    """The options of a quote worth offering with their delivery promises, cheapest first:
    one that costs more but arrives no sooner is left out (shipping_choice)."""
    priced = []
    for option in quote.options:
        promise = delivery.order_delivery_window(now, option.methods, config)
        priced.append(PricedOption(option, promise, delivery.promise_text(promise)))
    speeds = [shipping_choice.Speed(p.option.total_cents, p.promise.earliest, p.promise.latest)
              for p in priced]
    kept = shipping_choice.worth_offering(speeds)
    if not kept:
        return []
    cheapest = kept[0]
    return [replace(priced[i], buys=shipping_choice.what_it_buys(
        speeds[i], speeds[cheapest], priced[cheapest].option.label)) for i in kept]


def product_estimate(item: shipping.ShipItem, unit_price_cents: int,
                     destination: shipping.Destination, now: datetime,
                     shipping_config: shipping.ShippingConfig = shipping.DEFAULT_SHIPPING_CONFIG,
                     delivery_config: delivery.DeliveryConfig = delivery.DEFAULT_DELIVERY_CONFIG
                     ) -> ProductEstimate:
    """The cheapest way one unit reaches `destination`, and when."""
    quote = shipping.quote_shipping([item], destination, unit_price_cents * item.quantity,
                                    shipping_config)
    shipping_class = shipping.item_shipping_class(item, shipping_config)
    if not quote.served:
        reason = quote.problems[0].reason if quote.problems else quote.reason
        return ProductEstimate(shipping_class, False, reason, None)
    options = priced_options(quote, now, delivery_config)
    return ProductEstimate(shipping_class, True, "", options[0])
