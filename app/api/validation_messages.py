"""Pydantic's validation errors in the caller's language.

A validation error keeps its `pointer`, `type` and `code`; only its `message` is worded in the
answer's language. English answers keep Pydantic's own message; Swedish and Spanish ones read
the translation of the error's type below, with the figures of its context (`{min_length}`). A
type not listed here (one a JSON body cannot cause) keeps Pydantic's English message; a message
the app raises itself (`ValueError(_("..."))` in a schema) is worded when raised.
"""

from collections.abc import Mapping
from typing import Any, Final

from app.core.i18n import DEFAULT_LANGUAGE, Message, _, current_language

# Each placeholder is a key of the error's context (pydantic_core's `ErrorType`).
MESSAGES: Final[dict[str, Message]] = {
    "missing": _("Field required"),
    "extra_forbidden": _("Extra inputs are not permitted"),
    "json_invalid": _("Invalid JSON: {error}"),
    "json_type": _("JSON input should be string, bytes or bytearray"),
    "model_type": _("Input should be an object"),
    "model_attributes_type": _("Input should be an object"),
    "dict_type": _("Input should be an object"),
    "list_type": _("Input should be a list"),
    "tuple_type": _("Input should be a list"),
    "set_type": _("Input should be a list of distinct items"),
    "string_type": _("Input should be a string"),
    "string_unicode": _("Input should be a string of Unicode text"),
    "string_too_short": _("Input should have at least {min_length} characters"),
    "string_too_long": _("Input should have at most {max_length} characters"),
    "string_pattern_mismatch": _("Input should match the pattern '{pattern}'"),
    "too_short": _("Input should have at least {min_length} items"),
    "too_long": _("Input should have at most {max_length} items"),
    "bool_type": _("Input should be true or false"),
    "bool_parsing": _("Input should be true or false"),
    "int_type": _("Input should be an integer"),
    "int_parsing": _("Input should be an integer"),
    "int_parsing_size": _("Input should be an integer of a smaller size"),
    "int_from_float": _("Input should be an integer, without a fractional part"),
    "float_type": _("Input should be a number"),
    "float_parsing": _("Input should be a number"),
    "finite_number": _("Input should be a finite number"),
    "greater_than": _("Input should be greater than {gt}"),
    "greater_than_equal": _("Input should be greater than or equal to {ge}"),
    "less_than": _("Input should be less than {lt}"),
    "less_than_equal": _("Input should be less than or equal to {le}"),
    "multiple_of": _("Input should be a multiple of {multiple_of}"),
    "decimal_type": _("Input should be a decimal number"),
    "decimal_parsing": _("Input should be a decimal number"),
    "decimal_max_digits": _("Input should have no more than {max_digits} digits in total"),
    "decimal_max_places": _("Input should have no more than {decimal_places} decimal places"),
    "decimal_whole_digits": _(
        "Input should have no more than {whole_digits} digits before the decimal point"
    ),
    "decimal_format": _("Input should be a decimal string such as '{example}': {shape}"),
    "enum": _("Input should be one of: {expected}"),
    "literal_error": _("Input should be one of: {expected}"),
    "none_required": _("Input should be null"),
    "date_type": _("Input should be a date"),
    "date_parsing": _("Input should be a date as YYYY-MM-DD"),
    "date_from_datetime_parsing": _("Input should be a date as YYYY-MM-DD"),
    "date_from_datetime_inexact": _("Input should be a date, without a time of day"),
    "date_format": _("Input should be a date as YYYY-MM-DD"),
    "datetime_type": _("Input should be a date and time"),
    "datetime_parsing": _("Input should be an RFC 3339 date and time"),
    "datetime_from_date_parsing": _("Input should be an RFC 3339 date and time"),
    "datetime_format": _(
        "Input should be an RFC 3339 date and time with an offset, as YYYY-MM-DDThh:mm:ssZ or "
        "YYYY-MM-DDThh:mm:ss+hh:mm"
    ),
    "timezone_aware": _("Input should have an offset from UTC"),
    "timezone_naive": _("Input should have no offset from UTC"),
    "time_type": _("Input should be a time of day"),
    "time_parsing": _("Input should be a time of day as hh:mm:ss"),
    "uuid_type": _("Input should be a UUID"),
    "uuid_parsing": _("Input should be a UUID"),
    "url_type": _("Input should be a URL"),
    "url_parsing": _("Input should be a valid URL"),
    "url_syntax_violation": _("Input should be a valid URL"),
    "url_too_long": _("Input should be a URL of at most {max_length} characters"),
    "url_scheme": _("The URL's scheme should be {expected_schemes}"),
    "union_tag_invalid": _("The value of {discriminator} should be one of: {expected_tags}"),
    "union_tag_not_found": _("The object should have a value for {discriminator}"),
}


def validation_message(error: Mapping[str, Any]) -> str:
    """The message of one of Pydantic's errors in the answer's language."""
    message = str(error.get("msg", "invalid"))
    template = MESSAGES.get(str(error.get("type", "")))
    if template is None or current_language() == DEFAULT_LANGUAGE:
        return message
    context = {str(k): v for k, v in (error.get("ctx") or {}).items()}
    try:
        return Message(template.msgid, tuple(context.items())).render()
    except (KeyError, IndexError, ValueError):  # a context without a figure: Pydantic's own
        return message
