"""The partnerships' themes as DAC 5-digit sectors for IATI (docs/funding.md, "IATI sectors").

Themes are free text; `app/reference_data/iati-sectors.csv` maps the ones the programme uses to
OECD DAC purpose codes, and every partnership also carries the programme's own purpose,
15112 (decentralisation and support to subnational government). A theme without a row adds
nothing. The tests check every code against IATI's Sector codelist.
"""

import csv
from collections.abc import Iterable
from functools import cache
from pathlib import Path

MAPPING_PATH = Path(__file__).resolve().parents[1] / "reference_data" / "iati-sectors.csv"
# Every municipal partnership strengthens local and regional government: ICLD is the
# International Centre for Local Democracy, and its grant holders are municipalities and regions.
PROGRAMME_SECTOR = "15112"


def theme_key(theme: str) -> str:
    """Themes match whatever their case and spacing: "Gender  Equality" is "gender equality"."""
    return " ".join(theme.split()).casefold()


@cache
def mapping() -> dict[str, str]:
    """Theme (as `theme_key` writes it) to DAC code, read once from the CSV."""
    with MAPPING_PATH.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    result = {theme_key(row["theme"]): row["code"] for row in rows}
    if len(result) != len(rows):
        raise ValueError(f"{MAPPING_PATH.name} names a theme twice")
    return result


def sectors_for(themes: Iterable[str]) -> tuple[str, ...]:
    """The programme's sector, then each mapped theme's, in the themes' order, each once."""
    codes = [PROGRAMME_SECTOR]
    known = mapping()
    for theme in themes:
        code = known.get(theme_key(theme))
        if code is not None and code not in codes:
            codes.append(code)
    return tuple(codes)
