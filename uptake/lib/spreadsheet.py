"""Cells that a spreadsheet will not run: every exported .xlsx and .csv goes through here.

A spreadsheet treats text starting with ``=``, ``+``, ``-`` or ``@`` as a formula, and a tab or
a carriage return in front of one hides it (OWASP's "CSV injection"). A unit named
``=HYPERLINK("http://evil.example","Click")`` or a note ``+cmd|'/c calc'!A1`` would run on the
coordinator's computer when the file is opened. ``safe_cell`` puts an apostrophe in front of such
text, which every spreadsheet shows as text; numbers, dates and empty cells are left alone, so
that a negative number stays a number.
"""

from __future__ import annotations

# What a spreadsheet reads as the start of a formula (CSV injection, OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as it may be written into a cell: text that would run gets a leading "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unsafe_text(value):
    """The text ``safe_cell`` was given back: what an exported file's cell meant, on import."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value
