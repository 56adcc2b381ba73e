"""Promises about warranty, delivery, shipping and returns, checked against the shop's facts."""

from shop.rules.claims.patterns import ci, dispatch, words

NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
                "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
                "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
                "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90,
                "hundred": 100, "a hundred": 100, "one hundred": 100}
NUM = (r"(?P<num>" + dispatch(
    [r"\d{1,4}(?:,\d{3})?", r"a\s+hundred", r"one\s+hundred", r"forty-five"]
    + sorted((k for k in NUMBER_WORDS if " " not in k and "-" not in k), key=len, reverse=True))
    + r")")
UNIT = r"(?P<unit>years?|yrs?|months?|mos?|weeks?|wks?|days?|nights?)"

LIFETIME_WARRANTY_RE = ci(
    r"\b(?:lifetime|life-?long|life-time|forever|unlimited|limitless)\s+(?:\w+\s+){0,2}?"
    r"(?:warranty|warranties|guarantee|cover(?:age)?)\b"
    r"|\b(?:warranty|warranties|guarantee(?:d)?|warranted|covered)\s+(?:\w+\s+){0,3}?"
    r"(?:for\s+(?:a\s+|the\s+)?life(?:time)?|for\s+ever|forever)\b")
WARRANTY_NUM_RE = ci(
    r"\b" + NUM + r"[\s-]*(?:full\s+|whole\s+)?" + UNIT + r"(?:'s)?[\s-]+(?:of\s+)?"
    r"(?P<mid>(?:[a-z]+[\s-]+){0,3}?)(?:warranty|warranties|guarantee|coverage|cover|"
    r"protection\s+plan)\b"
    r"|\b(?:warranty|warranties|guarantee|warranted|covered)\s+(?:is\s+|of\s+|for\s+|lasts\s+|"
    r"runs\s+(?:for\s+)?|:\s*|-\s*)?(?:up\s+to\s+|a\s+full\s+|full\s+)?" +
    NUM.replace("num", "num2") + r"[\s-]*" + UNIT.replace("unit", "unit2") + r"\b")
DEFAULT_COMPONENTS = (
    r"frames?", r"welds?", r"motors?", r"(?:moving\s+|all\s+|wear\s+|spare\s+)?parts",
    r"electronics?", r"cables?", r"pulleys?", r"upholstery", r"belts?", r"decks?", r"consoles?",
    r"flywheels?", r"bearings?", r"brakes?", r"seats?", r"pads?", r"padding", r"handles?",
    r"rails?", r"springs?", r"labou?r", r"structur(?:e|al)", r"shocks?", r"rollers?",
    r"batter(?:y|ies)", r"screens?", r"displays?", r"chassis", r"plates?", r"drive\s+system",
)
DEFAULT_COMPONENT_RE = ci(words(*DEFAULT_COMPONENTS))
WARRANTY_NON_COMPONENT_RE = ci(
    r"\b(?:all|every|any|our|entire|whole)\s+(?:\w+\s+)?(?:equipment|products?|items?|machines?|"
    r"orders?|purchases?|gear|range|catalog(?:ue)?|everything)\b|\beverything\b")

FREE_OVERNIGHT_RE = ci(
    r"\bfree[\s-]+(?:\w+\s+)?(?:overnight|next[\s-]+day|next[\s-]+business[\s-]+day)"
    r"(?:\s+(?:shipping|delivery|express))?\b"
    r"|\b(?:overnight|next[\s-]+day)\s+(?:shipping|delivery)\s+(?:is\s+)?(?:always\s+)?"
    r"(?:free|included|on\s+us|at\s+no\s+(?:extra\s+)?cost)\b"
    r"|\bships?\s+(?:free\s+overnight|overnight\s+for\s+free|overnight\s+free)\b")
SAME_DAY_RE = ci(
    r"\bsame[\s-]+day\s+(?:home\s+)?(?:delivery|deliveries|delivered)\b"
    r"|\bdelivered\s+(?:the\s+)?same\s+day\b|\b(?:delivered|arrives?|get\s+it)\s+today\b"
    r"|\bdelivery\s+(?:the\s+)?same\s+day\b|\bwithin\s+hours\b")
NEXT_DAY_RE = ci(
    r"\b(?:next[\s-]+day|overnight|24[\s-]+hour)\s+(?:delivery|shipping)\b"
    r"|\bdelivered\s+(?:tomorrow|overnight|(?:the\s+)?next\s+day)\b|\barrives?\s+tomorrow\b")
DELIVERED_IN_RE = ci(
    r"\b(?:delivered|arrives?|delivery|at\s+your\s+door)\s+(?:with)?in\s+" + NUM +
    r"\s+(?:business\s+|working\s+)?days?\b")
FREE_SHIPPING_RE = ci(r"\bfree\s+(?:standard\s+|ground\s+|home\s+)?(?:shipping|delivery)\b"
                      r"|\bships?\s+(?:for\s+)?free\b")
FREE_SHIP_ALL_RE = ci(
    r"\bfree\s+(?:standard\s+|ground\s+)?(?:shipping|delivery)\s+(?:on|for)\s+(?:all|every|any)"
    r"\s+(?:orders?|items?|products?|purchases?)\b|\bfree\s+(?:shipping|delivery)\s+on\s+"
    r"everything\b|\bfree\s+(?:shipping|delivery),?\s+no\s+minimum\b|\bno[\s-]+minimum\b|"
    r"\beverything\s+ships\s+free\b|\bfree\s+(?:shipping|delivery)\s+(?:always|every\s+time)\b")
FREE_SHIP_OVER_RE = ci(
    r"\bfree\s+(?:standard\s+|ground\s+)?(?:shipping|delivery)\s+(?:on\s+)?(?:orders?\s+)?"
    r"(?:over|above|from|of|\$)\s*\$?\s*(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d+(?:\.\d{2})?)")
RETURN_NUM_RE = ci(
    r"\b" + NUM + r"[\s-]*" + UNIT + r"[\s-]+(?:free\s+|hassle[\s-]free\s+|easy\s+|no[\s-]"
    r"questions[\s-]asked\s+)?(?:returns?|return\s+(?:policy|window|period)|money[\s-]+back|"
    r"refunds?|refund\s+policy|satisfaction\s+guarantee|(?:risk[\s-]free\s+|home\s+|free\s+)?"
    r"trial)\b"
    r"|\b(?:returns?|return\s+it|send\s+it\s+back|refunds?|money[\s-]+back(?:\s+guarantee)?|"
    r"satisfaction\s+guarantee)\s+(?:\w+\s+){0,4}?(?:within|for|up\s+to|in|over)\s+"
    r"(?:up\s+to\s+|a\s+full\s+|the\s+first\s+)?" + NUM.replace("num", "num2") + r"\s+" +
    UNIT.replace("unit", "unit2") + r"\b"
    r"|\b" + NUM.replace("num", "num3") + r"\s+" + UNIT.replace("unit", "unit3") +
    r"\s+to\s+(?:return|send\s+it\s+back|change\s+your\s+mind|get\s+a\s+refund)\b")
RETURN_FOREVER_RE = ci(
    r"\b(?:returns?|refunds?|money[\s-]+back(?:\s+guarantee)?|return\s+it)\s+(?:\w+\s+){0,3}?"
    r"(?:forever|for\s+life|any\s?time|at\s+any\s+time|no\s+matter\s+when|with\s+no\s+time\s+"
    r"limit|for\s+as\s+long\s+as\s+you\s+(?:like|want))\b"
    r"|\b(?:lifetime|unlimited|forever|endless)\s+(?:\w+\s+)?"
    r"(?:returns?|refunds?|money[\s-]+back)\b"
    r"|\bno\s+time\s+limit\s+on\s+(?:returns|refunds)\b")


WARRANTY_ANCHOR_RE = ci(r"warrant|guarant|cover|protection")
RETURN_ANCHOR_RE = ci(r"return|refund|money|satisfaction|trial|send\s+it\s+back")
