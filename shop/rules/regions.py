"""US states and Canadian provinces: their codes, their names, and what a customer typed
read as a code ("New York", "new york" and "ny" are all NY)."""
import unicodedata
from types import MappingProxyType

US_STATE_NAMES = MappingProxyType({
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands", "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
})
CANADIAN_PROVINCE_NAMES = MappingProxyType({
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "NT": "Northwest Territories",
    "NU": "Nunavut", "ON": "Ontario", "PE": "Prince Edward Island", "QC": "Quebec",
    "SK": "Saskatchewan", "YT": "Yukon",
})
CANADIAN_PROVINCES = tuple(CANADIAN_PROVINCE_NAMES)
NAMES = {"US": US_STATE_NAMES, "CA": CANADIAN_PROVINCE_NAMES}
MAX_TYPED = 40  # the longest name is 25 letters; room for spaces and a stray word
MAX_CODE = 3  # what an order, a cart and an address keep (String(3) columns)


def _plain(text: str) -> str:
    """Lower case, accents and punctuation dropped, single spaces: "Québec" -> "quebec"."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c if c.isalnum() else " " for c in decomposed
                      if not unicodedata.combining(c))
    return " ".join(letters.casefold().split())


_BY_NAME = {country: {_plain(name): code for code, name in names.items()}
            for country, names in NAMES.items()}
_BY_NAME["US"].update({"virgin islands": "VI", "us virgin islands": "VI",
                       "washington dc": "DC", "washington d c": "DC"})
_BY_NAME["CA"].update({"newfoundland": "NL", "pei": "PE", "yukon territory": "YT"})


def region_code(country: str, typed: str) -> str:
    """What the customer typed as a region code: a state's or province's name as its code,
    anything else upper-cased with the spaces around it dropped (for the caller to check)."""
    return _BY_NAME.get(country, {}).get(_plain(typed)) or typed.strip().upper()
