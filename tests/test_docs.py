"""The docs hold: every link resolves inside the repo, every rule file's source document
is there, and the README's examples run in order, as written, on a fresh database."""

from __future__ import annotations

import datetime as dt
import re
import shlex
import sys
from pathlib import Path

import pytest

from govcal.cli import main, parser
from rules.frequencies import KINDS, parse_frequency
from rules.frequencies import table as frequency_table
from rules.loader import load_rules

ROOT = Path(__file__).parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), ROOT / "bench" / "RESULTS.md"]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(markdown: str) -> set[str]:
    """The heading anchors GitHub makes: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", markdown, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_resolves_inside_the_repo(doc):
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # an address on the web (or mailto:), not a file of ours
        path, _, anchor = target.partition("#")
        file = (doc.parent / path).resolve() if path else doc
        assert file.exists() and ROOT in file.parents, f"{doc.name}: {target} does not resolve"
        if anchor:
            assert anchor in anchors(file.read_text(encoding="utf-8")), f"{doc.name}: no #{anchor} in {file.name}"


def test_every_seed_body_names_a_source_document_that_is_in_the_repo():
    for body in load_rules():
        assert body.document and (ROOT / "docs" / "seeds" / body.document).is_file(), body.id


def readme_commands() -> list[tuple[int, str]]:
    """The README's shell examples, line by line (continuations joined), with their line numbers."""
    commands = []
    in_block, pending, start = False, "", 0
    for number, line in enumerate((ROOT / "README.md").read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            in_block = line.strip() == "```sh"
            continue
        if not in_block or not line.strip():
            continue
        if not pending:
            start = number
        pending += line.rstrip().removesuffix("\\") + " "
        if not line.rstrip().endswith("\\"):
            commands.append((start, pending.strip()))
            pending = ""
    return commands


# What the README's examples do that a test does not: install, serve, fetch over HTTP, benchmark.
NOT_RUN = ("python3", "curl", ".venv/bin/pip", ".venv/bin/python")
SERVES = ("serve",)
CLOCK = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # as the README says: before the 2026-27 cycles


def test_the_readme_examples_run_in_order_as_written(tmp_path, monkeypatch, capsys, inbox):
    """As written, but for the mail server: this machine's is the test's own (aiosmtpd)."""
    for name in ("GOVCAL_DATABASE_URL", "GOVCAL_TERMS", "GOVCAL_PUBLIC_URL", "GOVCAL_SMTP_URL", "GOVCAL_MAIL_FROM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # a fresh machine: govcal.db is created here
    parser()  # every command group imported (each imports its command's modules only when it runs)
    for module in [m for name, m in sys.modules.items() if name.startswith("govcal.")]:
        if getattr(module, "utc_now", None) is not None:
            monkeypatch.setattr(module, "utc_now", lambda: CLOCK)
    ran = 0
    for line, command in readme_commands():
        words = shlex.split(command, comments=True)
        if words[0] in NOT_RUN or words[0].startswith(".venv/bin/pytest"):
            continue
        if words[0] == "export":
            name, _, value = words[1].partition("=")
            monkeypatch.setenv(name, f"smtp://127.0.0.1:{inbox.smtp.port}" if name == "GOVCAL_SMTP_URL" else value)
            continue
        assert words[0] == "govcal", f"README.md:{line}: {command}"
        if words[1] in SERVES:
            continue
        argv, output = words[1:], None
        if ">" in argv:
            argv, output = argv[: argv.index(">")], tmp_path / argv[argv.index(">") + 1]
        try:
            status = main(argv)
        except SystemExit as stop:  # argparse refusing the command line
            status = int(stop.code or 0)
        said = capsys.readouterr()
        if output is not None:
            output.write_text(said.out)
        expected = 1 if "refused" in command else 0
        assert status == expected, f"README.md:{line}: {command}\n{said.out[-2000:]}{said.err}"
        assert "Traceback" not in said.err, f"README.md:{line}"
        ran += 1
    assert ran >= 35
    # Ann Clerk's digest went at 09:00 on Mon 2 Mar: the papers for the JCB's 17 Mar meeting
    # are due Mon 9 Mar, after her five working days; two of February's are still open
    assert [m["Subject"] for m in inbox.messages] == [
        "Your deadlines, Mon 02 Mar: nothing due by Fri 06 Mar, 2 overdue"
    ]


def test_the_rule_language_lists_every_frequency_kind_from_the_registry():
    """docs/rule-language.md's frequency table is the registry's, row for row, and each
    phrase it shows reads as the kind whose row it is in."""
    doc = (ROOT / "docs" / "rule-language.md").read_text(encoding="utf-8")
    assert frequency_table() in doc
    for kind in KINDS.values():
        assert kind.examples, kind.name
        for example in kind.examples:
            assert parse_frequency(example.replace("N", "3")).kind == kind.name, example
