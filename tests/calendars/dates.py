"""Real 2026-27 dates used across the calendar tests.

Term dates follow a typical English local-authority pattern for 2026-27; bank holidays are
England's as published (Good Friday 26 March 2027, Easter Monday 29 March 2027).
"""

from __future__ import annotations

import datetime as dt

D = dt.date

TERMS_2026_27: list[tuple[str, dt.date, dt.date]] = [
    ("Autumn 1 2026", D(2026, 9, 3), D(2026, 10, 23)),  # October half-term 26-30 Oct
    ("Autumn 2 2026", D(2026, 11, 2), D(2026, 12, 18)),  # Christmas from Mon 21 Dec
    ("Spring 1 2027", D(2027, 1, 4), D(2027, 2, 12)),  # February half-term 15-19 Feb
    ("Spring 2 2027", D(2027, 2, 22), D(2027, 3, 25)),  # Easter holiday from Good Friday
    ("Summer 1 2027", D(2027, 4, 12), D(2027, 5, 28)),  # half-term 31 May - 4 Jun
    ("Summer 2 2027", D(2027, 6, 7), D(2027, 7, 21)),
]
INSET_2026_27 = [D(2026, 9, 1), D(2026, 9, 2)]
# An INSET day in the October half-term week: staff work, so it counts.
HALF_TERM_INSET = D(2026, 10, 30)
# Polling day for the May 2027 local elections: the school is a polling station.
POLLING_DAY_CLOSURE = D(2027, 5, 6)
