"""Money is a decimal string with its currency; logs are JSON lines carrying the request id."""

import json
import logging
from decimal import Decimal

import pytest
from httpx import AsyncClient
from pydantic import ValidationError

from app.logging import JsonFormatter
from app.schemas.common import Money


def test_money_is_a_two_decimal_string() -> None:
    money = Money(amount="12500", currency="SEK")
    assert money.model_dump(mode="json") == {"amount": "12500.00", "currency": "SEK"}
    assert Money(amount="7.5").amount == Decimal("7.50")
    with pytest.raises(ValidationError):
        Money(amount="0.005")  # no silent rounding: a third decimal is refused


def test_money_refuses_floats_and_bad_currencies() -> None:
    with pytest.raises(ValidationError, match="decimal string"):
        Money(amount=12.5)
    with pytest.raises(ValidationError):
        Money(amount="1.00", currency="sek")


async def test_access_log_is_json_with_the_request_id(
    client: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="partnership_api.access"):
        await client.get("/api/v1/countries/SE", headers={"X-Request-ID": "log-check-1"})
    records = [r for r in caplog.records if r.name == "partnership_api.access"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["request_id"] == "log-check-1"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/api/v1/countries/SE", 200)
    assert line["level"] == "INFO"
