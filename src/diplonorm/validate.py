"""Checks of codes shared by the gazetteer loader and the public API."""

from __future__ import annotations

from functools import lru_cache

#: Codes in use that ISO 3166-1 has not assigned (user-assigned range), accepted as states.
EXTRA_ISO3 = frozenset({"XKX"})


@lru_cache(maxsize=1)
def iso3_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-3 code known to pycountry, plus Kosovo (XKX)."""
    import pycountry  # imported on first use: it is only needed to validate user data

    return frozenset(c.alpha_3 for c in pycountry.countries) | EXTRA_ISO3


def is_iso3(code: object) -> bool:
    """True when `code` is an ISO 3166-1 alpha-3 code (or XKX)."""
    return isinstance(code, str) and code in iso3_codes()
