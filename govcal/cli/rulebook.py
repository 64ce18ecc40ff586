"""`govcal rules` and `govcal terms`: bodies' rules and term calendars in and out of the database.

`rules import DIR|FILE [--from DATE]` publishes rule files as new versions (applying from
today unless `--from`) and re-plans the kept cycles they reach; `rules export DIR` writes
each body's newest rules as a `--rules` directory. `terms import` and `terms export` do
the same for term calendars. `rules draft` (in `govcal.cli.drafting`) is one of the group.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from govcal.cli import drafting
from govcal.cli.common import OK, Commands, context, date_arg, with_database
from govcal.clock import utc_now


def cmd_rules_import(args: argparse.Namespace) -> int:
    from govcal.operations import database, rulebook

    ctx = context(args, kept=True)
    published = rulebook.import_rules(
        ctx, args.paths, args.applies_from, actor=args.by, reason=args.reason, now=utc_now()
    )
    print(f"kept in {database.where(ctx)}: {published.replanned.changes.summary()}", file=sys.stderr)
    for line in published.said():
        print(line)
    return OK


def cmd_rules_export(args: argparse.Namespace) -> int:
    from govcal.operations import rulebook

    written = rulebook.export_rules(context(args, kept=True), Path(args.folder))
    print(f"wrote {len(written)} rule files to {args.folder}")
    return OK


def cmd_terms_import(args: argparse.Namespace) -> int:
    from govcal.operations import rulebook

    names = rulebook.import_terms(context(args, kept=True), args.paths, actor=args.by, now=utc_now())
    print(f"kept term calendars: {', '.join(names)}")
    return OK


def cmd_terms_export(args: argparse.Namespace) -> int:
    from govcal.operations import rulebook

    written = rulebook.export_terms(context(args, kept=True), Path(args.folder))
    print(f"wrote {len(written)} term calendars to {args.folder}")
    return OK


def register(commands: Commands) -> None:
    rules = commands.add_parser(
        "rules", help="bodies' rules: import and export them, draft one from its terms of reference"
    )
    rules_commands = rules.add_subparsers(dest="rules_command", required=True, metavar="COMMAND")
    drafting.register(rules_commands)
    imported = with_database(
        rules_commands.add_parser(
            "import",
            help="publish rule files as new versions of their bodies' rules (and re-plan what they reach)",
        )
    )
    imported.add_argument("paths", nargs="+", type=Path, metavar="DIR|FILE")
    imported.add_argument(
        "--from", dest="applies_from", type=date_arg, metavar="DATE", help="the day they apply from (default: today)"
    )
    imported.add_argument("--reason", default="", help="why, for the audit trail")
    imported.set_defaults(run=cmd_rules_import)
    exported = with_database(
        rules_commands.add_parser("export", help="write each body's newest rules to DIR (a --rules directory)"),
        actor=False,
    )
    exported.add_argument("folder", metavar="DIR")
    exported.set_defaults(run=cmd_rules_export)

    terms = commands.add_parser("terms", help="school term calendars kept in the database: import and export")
    terms_commands = terms.add_subparsers(dest="terms_command", required=True, metavar="COMMAND")
    terms_in = with_database(
        terms_commands.add_parser("import", help="keep term calendar files (NAME.yaml or NAME.ics) by their names")
    )
    terms_in.add_argument("paths", nargs="+", type=Path, metavar="DIR|FILE")
    terms_in.set_defaults(run=cmd_terms_import)
    terms_out = with_database(
        terms_commands.add_parser("export", help="write the kept term calendars to DIR (a --terms directory)"),
        actor=False,
    )
    terms_out.add_argument("folder", metavar="DIR")
    terms_out.set_defaults(run=cmd_terms_export)
