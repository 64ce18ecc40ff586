"""Writes scheduler/bank_holidays.py from the installed `holidays` package and GOV.UK's list,
and gives the tests that answer to hold the written table equal to.

The days are the `holidays` package's. The names are GOV.UK's ("Early May bank holiday",
"Boxing Day (substitute day)") for the years GOV.UK publishes (tests/data/govuk-bank-holidays.json,
a copy of its bank-holidays.json), and the package's names put into GOV.UK's words (NAMES) for
the rest, so that a holiday reads the same in every year.

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
GOVUK = Path(__file__).resolve().parent / "data" / "govuk-bank-holidays.json"

# The `holidays` package's names in GOV.UK's words; "X (observed)" becomes "X (substitute day)".
# A name missing here stops the writing: a new holiday's GOV.UK name must be added by hand.
NAMES = {
    "New Year's Day": "New Year’s Day",
    "New Year Holiday": "2nd January",
    "Saint Patrick's Day": "St Patrick’s Day",
    "Good Friday": "Good Friday",
    "Easter Monday": "Easter Monday",
    "May Day": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Battle of the Boyne": "Battle of the Boyne (Orangemen’s Day)",
    "Summer Bank Holiday": "Summer bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
    "Saint Andrew's Day": "St Andrew’s Day",
    "Christmas Day": "Christmas Day",
    "Boxing Day": "Boxing Day",
    "Wedding of William and Catherine": "Royal wedding",
    "Golden Jubilee of Elizabeth II": "Queen’s Golden Jubilee",
    "Diamond Jubilee of Elizabeth II": "Queen’s Diamond Jubilee",
    "Platinum Jubilee of Elizabeth II": "Platinum Jubilee bank holiday",
    "State Funeral of Queen Elizabeth II": "Bank Holiday for the State Funeral of Queen Elizabeth II",
    "Coronation of Charles III": "Bank holiday for the coronation of King Charles III",
    "Scotland's participation in the FIFA World Cup final": "World Cup bank holiday",
}
OBSERVED = " (observed)"

HEADER = '''"""The bank and public holidays of the UK's nations on weekdays, {first}-{last}, by nation.

Data, written by tests/bank_holiday_table.py from the `holidays` package ({version}) and named
as GOV.UK names them (its own list for the years it publishes, the package's names in GOV.UK's
words for the rest: "Early May bank holiday", "Boxing Day (substitute day)"), so
that building a working calendar imports no library: `holidays` loads every country's
module to give the UK's, a third or more of a command's start (issue 33).
tests/test_workdays.py holds this table equal to what the installed `holidays` and GOV.UK's
list give for every nation and year: when `holidays` learns of a newly proclaimed bank
holiday, or GOV.UK publishes another year, that test fails until the table is written again.
`holidays` also lists the nominal day of a holiday that falls at a weekend (Boxing Day on a
Saturday); GOV.UK lists only the weekday taken, and so does this table.
"""

# The span of years the table covers, and so every working calendar: a date outside it is
# refused, not guessed.
FIRST_YEAR = {first}
LAST_YEAR = {last}

BANK_HOLIDAYS: dict[str, tuple[tuple[str, str], ...]] = {{
'''


def package_holidays(nation: str) -> dict[dt.date, str]:
    """The nation's holidays on weekdays, FIRST_YEAR to LAST_YEAR, as `holidays` gives them
    (in British English, whatever the locale)."""
    table = holidays.country_holidays(
        "GB", subdiv=SUBDIVISIONS[nation], years=range(FIRST_YEAR, LAST_YEAR + 1), language="en_GB"
    )
    return {day: name for day, name in sorted(table.items()) if day.weekday() < 5}


def govuk_name(package_name: str) -> str:
    """A `holidays` name in GOV.UK's words: 'May Day' -> 'Early May bank holiday', 'Boxing Day
    (observed)' -> 'Boxing Day (substitute day)'; of two names on one day, the last (Scotland's
    Mon 2 Jan 2023, 'New Year Holiday; New Year's Day (observed)', is GOV.UK's New Year's Day
    substitute)."""
    name = package_name.split("; ")[-1]
    observed = name.endswith(OBSERVED)
    base = NAMES[name.removesuffix(OBSERVED)]
    return f"{base} (substitute day)" if observed else base


def govuk_published(nation: str) -> dict[dt.date, str]:
    """GOV.UK's list for the nation: its title, with '(substitute day)' when its notes say so."""
    events = json.loads(GOVUK.read_text(encoding="utf-8"))[nation]["events"]
    return {
        dt.date.fromisoformat(event["date"]): event["title"]
        + (" (substitute day)" if event["notes"] == "Substitute day" else "")
        for event in events
    }


def from_holidays(nation: str) -> dict[dt.date, str]:
    """The table for the nation: the `holidays` package's days, named as GOV.UK names them in
    the years it publishes and in GOV.UK's words (NAMES) in the others."""
    published = govuk_published(nation)
    years = {day.year for day in published}
    return {
        day: published[day] if day.year in years else govuk_name(name) for day, name in package_holidays(nation).items()
    }


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
