"""Parsing identifiers from request parameters and cells.

``str.isdigit`` accepts "³" and other Unicode digits that ``int`` refuses, and an id longer
than 18 digits overflows PostgreSQL's bigint; both became server errors under fuzzing.
"""


def is_id(value) -> bool:
    """ASCII digits only, at most 18 of them: safe for ``int()`` and for a bigint column."""
    return isinstance(value, str) and 0 < len(value) <= 18 and value.isascii() and value.isdigit()


def as_id(value) -> int | None:
    return int(value) if is_id(value) else None
