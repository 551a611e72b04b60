"""Reading numbers from query strings: page numbers, cursors, old WordPress post ids.

Only ASCII digits make a number. `str.isdigit()` also passes "²", which `int()` refuses,
and `int()` also takes "١٢", " 12", "+12" and "1_2", which no link of ours writes. A value
that is not a number is never put in a query either: PostgreSQL refuses a NUL in text
outright, so a raw parameter compared with a text column can turn junk into a 500.
"""

import re

_WHOLE_NUMBER = re.compile(r"[0-9]+")


def whole_number(value):
    """The number `value` writes in ASCII digits, or None for anything else (None, "",
    "-1", "²", "١٢", " 12", a NUL, or more digits than Python converts)."""
    if value is None or not _WHOLE_NUMBER.fullmatch(value):
        return None
    try:
        return int(value)
    except ValueError:  # longer than sys.get_int_max_str_digits()
        return None
