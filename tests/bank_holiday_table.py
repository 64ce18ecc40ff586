"""Writes scheduler/bank_holidays.py from the installed `holidays` package, and gives the
tests that package's answer to hold the written table equal to.

    .venv/bin/python tests/bank_holiday_table.py    # after upgrading `holidays`, when the test says so
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import holidays

MODULE = Path(__file__).resolve().parent.parent / "scheduler" / "bank_holidays.py"
FIRST_YEAR, LAST_YEAR = 2000, 2060  # the span every working calendar covers
SUBDIVISIONS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}  # each nation's, of GB

HEADER = '''"""The bank and public holidays of the UK's nations on weekdays, {first}-{last}, by nation.

Data, written by tests/bank_holiday_table.py from the `holidays` package ({version}), so
that building a working calendar imports no library: `holidays` loads every country's
module to give the UK's, a third or more of a command's start (issue 33).
tests/test_workdays.py holds this table equal to what the installed `holidays` gives for
every nation and year, and to GOV.UK's published list for 2012-2028: when `holidays`
learns of a newly proclaimed bank holiday, that test fails until the table is written again.
`holidays` also lists the nominal day of a holiday that falls at a weekend (Boxing Day on a
Saturday); GOV.UK lists only the weekday taken, and so does this table.
"""

# The span of years the table covers, and so every working calendar: a date outside it is
# refused, not guessed.
FIRST_YEAR = {first}
LAST_YEAR = {last}

BANK_HOLIDAYS: dict[str, tuple[tuple[str, str], ...]] = {{
'''


def from_holidays(nation: str) -> dict[dt.date, str]:
    """The nation's holidays on weekdays, FIRST_YEAR to LAST_YEAR, as `holidays` gives them
    (in British English, whatever the locale)."""
    table = holidays.country_holidays(
        "GB", subdiv=SUBDIVISIONS[nation], years=range(FIRST_YEAR, LAST_YEAR + 1), language="en_GB"
    )
    return {day: name for day, name in sorted(table.items()) if day.weekday() < 5}


def module_text() -> str:
    """scheduler/bank_holidays.py as ruff formats it: a line a holiday, by nation, in date order."""
    text = [HEADER.format(first=FIRST_YEAR, last=LAST_YEAR, version=holidays.__version__)]
    for nation in SUBDIVISIONS:
        text.append(f"    {json.dumps(nation)}: (\n")
        text += [
            f'        ("{day}", {json.dumps(name, ensure_ascii=False)}),\n'
            for day, name in from_holidays(nation).items()
        ]
        text.append("    ),\n")
    text.append("}\n")
    return "".join(text)


if __name__ == "__main__":
    MODULE.write_text(module_text(), encoding="utf-8")
    print(f"wrote {MODULE}")
