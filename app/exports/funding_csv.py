"""CSV for ICLD's finance office: grants, payments and the yearly summary, from the figures
app/services/funding/figures.py gathers."""

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Literal

from app.core.vocabularies import label
from app.schemas.funding.figures import FundingSummary
from app.services.funding.figures import GrantFigures, PaymentFigures

Dialect = Literal["rfc4180", "excel-sv"]


def _cell(value: object, dialect: Dialect) -> object:
    """Amounts with two decimals (a decimal comma for a Swedish spreadsheet); text that a
    spreadsheet would run as a formula (=, +, -, @, tab, CR) is quoted with a leading
    apostrophe, so that a name typed into the API cannot act in the finance office's sheet."""
    if isinstance(value, Decimal):
        text = f"{value:.2f}"
        return text.replace(".", ",") if dialect == "excel-sv" else text
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(header: list[str], rows: Iterable[Sequence[object]], dialect: Dialect) -> str:
    """RFC 4180 (comma, decimal point) or, for a Swedish spreadsheet, semicolons and decimal
    commas. A byte-order mark tells spreadsheets it is UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";" if dialect == "excel-sv" else ",", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v, dialect) for v in row])
    return out.getvalue()


def headers(export: str, columns: list[str]) -> list[str]:
    """The column headers in the caller's language (labels.csv, `<export>`): in English the
    column names as they always were, for programs; in Swedish and Spanish words for people."""
    return [label(export, column) for column in columns]


def grants_csv(grants: Iterable[GrantFigures], dialect: Dialect) -> str:
    columns = [
        "reference", "kind", "status", "partnership", "swedish_party", "partner_country",
        "decided_on", "starts", "original_ends", "ends", "original_amount_sek", "amount_sek",
        "paid_sek", "remaining_sek",
    ]  # fmt: skip
    return to_csv(
        headers("grants_csv", columns),
        (
            [
                x.grant.reference,
                x.grant.kind,
                x.grant.status,
                x.partnership_title,
                x.swedish_party,
                x.partner_country,
                x.grant.decided_on,
                x.grant.starts,
                x.grant.original_ends,
                x.grant.ends,
                x.grant.original_amount,
                x.grant.amount,
                x.paid,
                x.grant.amount - x.paid,
            ]
            for x in grants
        ),
        dialect,
    )


def payments_csv(payments: Iterable[PaymentFigures], dialect: Dialect) -> str:
    columns = [
        "paid_on",
        "reference",
        "grant_reference",
        "report_kind",
        "report_year",
        "amount_sek",
    ]
    return to_csv(
        headers("payments_csv", columns),
        (
            [
                x.payment.paid_on,
                x.payment.reference,
                x.grant_reference,
                x.report_kind,
                x.report_year,
                x.payment.amount,
            ]
            for x in payments
        ),
        dialect,
    )


def summary_csv(figures: FundingSummary, dialect: Dialect) -> str:
    rows: list[Sequence[object]] = [
        ["total", "all", figures.grants, figures.decided.amount, figures.paid.amount]
    ]
    for dimension, breakdown in (
        ("country", figures.by_country),
        ("region", figures.by_region),
        ("kind", figures.by_kind),
        ("theme", figures.by_theme),
    ):
        rows += [[dimension, r.key, r.grants, r.decided.amount, r.paid.amount] for r in breakdown]
    columns = ["dimension", "key", "grants", "decided_sek", "paid_sek"]
    return to_csv(headers("summary_csv", columns), rows, dialect)
