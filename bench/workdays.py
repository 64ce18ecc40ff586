"""Working-day offsets: govcal against numpy.busday_offset, workalendar and a naive loop.

One run, one workload: random meeting days in 2012-2028 (England and Wales) and
"N working days before/after" with N from 1 to 20. Every method is first checked
to give the same answers on a sample (workalendar's disagreements are counted,
not hidden), then timed; rates are printed with ratios to numpy.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/workdays.py
"""

from __future__ import annotations

import datetime as dt
import platform
import random
import sys
import time
from collections.abc import Callable

import numpy as np

from rules.offsets import Count, Offset
from scheduler.workdays import bank_holidays, working_calendar

SIZE = 200_000
SAMPLE = 20_000  # for the slow methods, scaled
NATION = "england-and-wales"


def workload(size: int, seed: int = 2026) -> tuple[list[dt.date], list[int]]:
    rng = random.Random(seed)
    first = dt.date(2012, 3, 1).toordinal()
    span = dt.date(2028, 10, 31).toordinal() - first
    return [dt.date.fromordinal(first + rng.randrange(span)) for _ in range(size)], [
        rng.randint(1, 20) for _ in range(size)
    ]


def rate(run: Callable[[], object], count: int, repeat: int = 3) -> float:
    """Elements per second, best of `repeat`."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return count / best


def main() -> None:
    days, ns = workload(SIZE)
    holidays = sorted(bank_holidays(NATION, range(2000, 2061)))
    calendar = working_calendar(NATION)
    busdays = np.busdaycalendar(holidays=np.array(holidays, dtype="datetime64[D]"))
    np_days = np.array(days, dtype="datetime64[D]")
    np_ns = np.array(ns)
    holiday_set = set(holidays)

    def naive(day: dt.date, n: int, step: int) -> dt.date:
        while n:
            day += dt.timedelta(days=step)
            n -= day.weekday() < 5 and day not in holiday_set
        return day

    # numpy rolls a non-working day first: 'N before' from D is roll='forward' then -N only
    # when D is a working day; for a non-working D, govcal counts from D itself, which numpy
    # gives with roll='backward' then -(N-1). Both forms are used so every answer matches.
    def numpy_before(day: np.datetime64, n: int) -> np.datetime64:
        if np.is_busday(day, busdaycal=busdays):
            return np.busday_offset(day, -n, roll="forward", busdaycal=busdays)
        return np.busday_offset(day, -(n - 1), roll="backward", busdaycal=busdays)

    def numpy_before_vector(days: np.ndarray, ns: np.ndarray) -> np.ndarray:
        working = np.is_busday(days, busdaycal=busdays)
        on = np.busday_offset(days, -ns, roll="forward", busdaycal=busdays)
        off = np.busday_offset(days, -(ns - 1), roll="backward", busdaycal=busdays)
        return np.where(working, on, off)

    # -- every method agrees (before timing anything) ------------------------------------
    check = range(0, SIZE, SIZE // 5_000)
    for i in check:
        want = naive(days[i], ns[i], -1)
        assert calendar.working_days_before(days[i], ns[i]) == want, (days[i], ns[i])
        assert numpy_before(np_days[i], ns[i]).astype(dt.date) == want, (days[i], ns[i])
    by_n: dict[int, list[int]] = {}
    for i, n in enumerate(ns):
        by_n.setdefault(n, []).append(i)
    batch = [None] * SIZE
    for n, index in by_n.items():
        for i, result in zip(
            index, calendar.shift_many([days[i] for i in index], Offset(Count.WORKING, -n, "")), strict=True
        ):
            batch[i] = result
    vector = numpy_before_vector(np_days, np_ns).astype(dt.date).tolist()
    assert batch == vector, "govcal's batch form and numpy's vectorised form disagree"

    try:
        from workalendar.europe import UnitedKingdom

        wcal = UnitedKingdom()
        workalendar_wrong = sum(
            wcal.sub_working_days(days[i], ns[i]) != naive(days[i], ns[i], -1) for i in range(SAMPLE)
        )
    except ImportError:  # pragma: no cover - bench extra not installed
        wcal, workalendar_wrong = None, None

    # -- timing ---------------------------------------------------------------------------
    rates: dict[str, float] = {}
    before = calendar.working_days_before
    rates["govcal scalar (working_days_before)"] = rate(
        lambda: [before(d, n) for d, n in zip(days, ns, strict=True)], SIZE
    )
    groups = [([days[i] for i in index], Offset(Count.WORKING, -n, "")) for n, index in by_n.items()]
    rates["govcal batch (shift_many, grouped by N)"] = rate(
        lambda: [calendar.shift_many(d, o) for d, o in groups], SIZE
    )
    # numpy is timed in its cheapest form, one call with roll='forward' (the extra branch that
    # makes its answers match for non-working anchors above is left out, in numpy's favour)
    offset = np.busday_offset
    rates["numpy busday_offset, per element"] = rate(
        lambda: [offset(np_days[i], -ns[i], roll="forward", busdaycal=busdays) for i in range(SAMPLE)], SAMPLE, 1
    )
    rates["numpy busday_offset, vectorised"] = rate(
        lambda: offset(np_days, -np_ns, roll="forward", busdaycal=busdays), SIZE
    )
    rates["naive day-by-day loop"] = rate(lambda: [naive(days[i], ns[i], -1) for i in range(SAMPLE)], SAMPLE, 1)
    if wcal is not None:
        rates["workalendar UnitedKingdom.sub_working_days"] = rate(
            lambda: [wcal.sub_working_days(days[i], ns[i]) for i in range(SAMPLE // 10)], SAMPLE // 10, 1
        )

    per_element = rates["numpy busday_offset, per element"]
    vectorised = rates["numpy busday_offset, vectorised"]
    print(f"working-day offsets, {NATION}, {SIZE:,} random (day, N) pairs, N 1-20, days 2012-2028")
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"answers checked equal first: govcal, numpy, naive loop on {len(check):,} pairs; batch vs numpy on all")
    if workalendar_wrong is not None:
        print(
            f"workalendar disagrees with GOV.UK's calendar on {workalendar_wrong} of {SAMPLE:,} (it misses 2023-05-08)"
        )
    print()
    print(f"{'method':46} {'elements/s':>14} {'x numpy/elem':>13} {'x numpy vect':>13}")
    for name, value in rates.items():
        print(f"{name:46} {value:14,.0f} {value / per_element:13.3f} {value / vectorised:13.3f}")
    print()
    scalar = rates["govcal scalar (working_days_before)"] / per_element
    batch_ratio = rates["govcal batch (shift_many, grouped by N)"] / per_element
    print(f"goal: govcal scalar >= 0.3x numpy per element: {scalar:.2f}x {'met' if scalar >= 0.3 else 'MISSED'}")
    print(
        f"goal: govcal batch  >= 1x numpy per element:   {batch_ratio:.2f}x {'met' if batch_ratio >= 1 else 'MISSED'}"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
