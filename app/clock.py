"""The programme's calendar day: ICLD works in Sweden, so "today" is Stockholm's date (a round
that closes on 15 March is still open at 00:30 on the 15th Swedish time, 23:30 UTC the 14th)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def today() -> date:
    return datetime.now(STOCKHOLM).date()
