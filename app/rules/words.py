"""How the rules' descriptions state their figures."""

from app.core.i18n import Listing, Text, _

_NUMBERS = (
    _("zero"),
    _("one"),
    _("two"),
    _("three"),
    _("four"),
    _("five"),
    _("six"),
    _("seven"),
    _("eight"),
    _("nine"),
    _("ten"),
    _("eleven"),
    _("twelve"),
)


def in_words(n: int) -> Text:
    """A small number as a word, as the descriptions state figures ('three', 'tre', 'tres');
    larger ones in digits."""
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def code_listing(values: list[str], *, disjunction: bool = False) -> Listing:
    """API values (`a`, `b` and `c`) in a message, joined in its language."""
    return Listing(tuple(f"`{v}`" for v in values), disjunction=disjunction)
