"""Which shipping options are worth offering: paying more must buy an earlier delivery.

Public API:
- ``Speed(cost_cents, earliest, latest)``: what one option costs and when it arrives.
- ``worth_offering(speeds) -> list[int]``: the indexes of the options to offer, cheapest
  first. An option is dropped when a cheaper (or equally priced) one arrives as soon, in
  both its earliest and its latest day; so a dearer option always buys a sooner day.
- ``what_it_buys(option, cheapest, cheaper_label) -> str``: the sentence that says what
  the extra money buys, e.g. "$18.00 more for delivery by Tue 1 Dec instead of Wed 2 Dec".
"""
from dataclasses import dataclass
from datetime import date

from shop.rules.delivery import format_day
from shop.rules.money import format_cents


@dataclass(frozen=True)
class Speed:
    """One shipping option as this rule sees it."""
    cost_cents: int
    earliest: date
    latest: date


def _arrives_sooner(option: Speed, than: Speed) -> bool:
    """Sooner on the latest day, or as late but possibly sooner (earlier first day)."""
    return option.latest < than.latest or (option.latest == than.latest
                                           and option.earliest < than.earliest)


def worth_offering(speeds: list[Speed]) -> list[int]:
    """Indexes of the options to offer, cheapest first; dearer ones only if they are faster."""
    order = sorted(range(len(speeds)), key=lambda i: (speeds[i].cost_cents, speeds[i].latest,
                                                       speeds[i].earliest))
    kept: list[int] = []
    for index in order:
        if all(_arrives_sooner(speeds[index], speeds[other]) for other in kept):
            kept.append(index)
    return kept


def what_it_buys(option: Speed, cheapest: Speed, cheaper_label: str) -> str:
    """What paying for `option` instead of the cheapest one buys; empty for the cheapest."""
    extra = option.cost_cents - cheapest.cost_cents
    if extra <= 0 or not _arrives_sooner(option, cheapest):
        return ""
    if option.latest < cheapest.latest:
        gain = (f"delivery by {format_day(option.latest)} instead of up to "
                f"{format_day(cheapest.latest)} with {cheaper_label}")
    else:
        gain = (f"a chance of delivery from {format_day(option.earliest)} instead of "
                f"{format_day(cheapest.earliest)} with {cheaper_label}")
    return f"{format_cents(extra)} more for {gain}"
