"""How the rules' descriptions state their figures."""

_NUMBERS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)


def in_words(n: int) -> str:
    """A small number as a word, as the descriptions state figures ('three'); larger ones in
    digits."""
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def listing(words: list[str], conjunction: str = "and") -> str:
    """'a, b and c' (or 'a, b or c')."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"
