"""Start-up: whole `govcal` processes timed side by side with the bare interpreter's start.

Issue 33's goals are multiples of `python -c pass` run from the same venv, measured in the
same run: `govcal --version` <= 4x, `govcal date "5 clear working days before 2026-05-28"`
<= 8x, and a one-body plan from its rule file (`govcal plan 2026 --rules
worcestershire-jcb.yaml`, the shipped seed file; no database) <= 15x; the same plan as
CSV is timed beside it, unjudged, to show what rich's table costs. The commands are run
in interleaved rounds (each command a few times a round, rounds repeated), so a machine
that slows down mid-run slows them all alike; each figure is the median over all rounds.
With hyperfine installed (Debian's `hyperfine`) each round is one hyperfine run of every
command (`--shell=none`); without it, this script times each process itself. Each command
runs once before the first round, in an empty folder of its own (so none finds a
database), with bytecode written (PYTHONDONTWRITEBYTECODE left out of its environment):
govcal's own modules then load from it, as an installed govcal's do, not compiled afresh.

The goals are judged only from a regular install (`pip install .`), as a user's govcal
starts: in an editable one (`pip install -e`) the editable finder is imported at every
start of the interpreter (pathlib and more), which makes the bare start itself about twice
as slow and the multiples read low (here 3.0x for `--version`, against 6.3x installed).

    python3 -m venv /tmp/startup && /tmp/startup/bin/pip install -q . \
        && /tmp/startup/bin/python bench/startup.py [--rounds 10] [--runs 2] [--no-hyperfine]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import distribution
from pathlib import Path

BIN = Path(sys.executable).parent
SEED = Path(__file__).resolve().parent.parent / "rules" / "seeds" / "worcestershire-jcb.yaml"
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}

# (name, arguments, goal as a multiple of the bare interpreter's start, or None): the first is
# the baseline; the last, with no goal, is the same plan as CSV, to show what its table costs
COMMANDS: list[tuple[str, list[str], float | None]] = [
    ("python -c pass", [str(BIN / "python"), "-c", "pass"], None),
    ("govcal --version", [str(BIN / "govcal"), "--version"], 4.0),
    (
        'govcal date "5 clear working days before 2026-05-28"',
        [str(BIN / "govcal"), "date", "5 clear working days before 2026-05-28"],
        8.0,
    ),
    (
        "govcal plan 2026 --rules worcestershire-jcb.yaml",
        [str(BIN / "govcal"), "plan", "2026", "--rules", SEED.name],
        15.0,
    ),
    (
        "  the same plan as CSV (--csv: no rich, no table)",
        [str(BIN / "govcal"), "plan", "2026", "--rules", SEED.name, "--csv"],
        None,
    ),
]


def quoted(argv: list[str]) -> str:
    """One command line for hyperfine's --shell=none, which splits on spaces and honours quotes."""
    return " ".join(f'"{part}"' if " " in part else part for part in argv)


def hyperfine_round(folder: Path, runs: int) -> list[list[float]]:
    """Each command's wall times (s) from one hyperfine run of all of them, one after another."""
    report = folder / "hyperfine.json"
    done = subprocess.run(
        ["hyperfine", "--shell=none", f"--runs={runs}", "--style=none", f"--export-json={report}"]
        + [quoted(argv) for _, argv, _ in COMMANDS],
        cwd=folder,
        env=ENVIRONMENT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"hyperfine failed: {done.stderr}")
    return [result["times"] for result in json.loads(report.read_text())["results"]]


def own_round(folder: Path, runs: int) -> list[list[float]]:
    """Each command's wall times (s), timed here: the commands take turns, `runs` times."""
    times: list[list[float]] = [[] for _ in COMMANDS]
    for _ in range(runs):
        for index, (_, argv, _) in enumerate(COMMANDS):
            start = time.perf_counter()
            subprocess.run(argv, cwd=folder, env=ENVIRONMENT, check=True, stdout=subprocess.DEVNULL)
            times[index].append(time.perf_counter() - start)
    return times


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--rounds", type=int, default=10, help="interleaved rounds (default 10)")
    options.add_argument("--runs", type=int, default=2, help="runs of each command a round (default 2)")
    options.add_argument("--no-hyperfine", action="store_true", help="time here even with hyperfine")
    args = options.parse_args()
    use_hyperfine = shutil.which("hyperfine") is not None and not args.no_hyperfine
    timed = hyperfine_round if use_hyperfine else own_round
    times: list[list[float]] = [[] for _ in COMMANDS]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        shutil.copy(SEED, folder / SEED.name)
        for _, argv, _ in COMMANDS:  # each answers as it should, and its bytecode is written, before any timing
            subprocess.run(argv, cwd=folder, env=ENVIRONMENT, check=True, stdout=subprocess.DEVNULL)
        for _ in range(args.rounds):
            for index, run_times in enumerate(timed(folder, args.runs)):
                times[index].extend(run_times)
        assert not any(folder.glob("*.db")), "a command that keeps no year made a database"
    print(
        f"start-up: {args.rounds} interleaved rounds of {args.runs} runs each, timed by "
        f"{'hyperfine' if use_hyperfine else 'this script'}; median wall time (min - max)"
    )
    judged = not editable()
    if not judged:
        print("  govcal is an editable install here: the goals are judged from a regular one (see this script's help)")
    baseline = statistics.median(times[0])
    for index, ((name, _, goal), each) in enumerate(zip(COMMANDS, times, strict=True)):
        median = statistics.median(each)
        line = f"  {name:52} {median * 1000:7.1f} ms  ({min(each) * 1000:.1f} - {max(each) * 1000:.1f})"
        if index:
            line += f"  {median / baseline:5.1f}x"
        if goal is not None:
            verdict = ("met" if median / baseline <= goal else "MISSED") if judged else "not judged"
            line += f"   goal <= {goal:g}x: {verdict}"
        print(line)


def editable() -> bool:
    """Whether this venv's govcal is an editable install (pip's direct_url.json says so)."""
    said = distribution("govcal").read_text("direct_url.json")
    return bool(said and json.loads(said).get("dir_info", {}).get("editable"))


if __name__ == "__main__":
    main()
