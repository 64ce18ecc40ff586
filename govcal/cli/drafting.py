"""`govcal rules draft`: a new body's rule file, drafted from its terms of reference."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from govcal.cli.common import OK, Commands


def cmd_draft(args: argparse.Namespace) -> int:
    from govcal.operations import drafting

    drafted = drafting.draft(Path(args.document), args.id, args.body)
    if args.output:
        drafting.keep(drafted, Path(args.output))
    else:
        sys.stdout.write(drafted.text)
    where = args.output or "the draft"
    print(
        f"Drafted {drafted.name} ({drafted.body_id}) from {drafted.document.name}: {len(drafted.used)} "
        f"value{'' if len(drafted.used) == 1 else 's'} from its clauses, {len(drafted.decisions)} to decide, "
        f"{len(drafted.passed_over)} passed over "
        f"as not this body's rules. Read {where}'s header, then plan it: govcal plan --rules {args.output or 'FILE'}",
        file=sys.stderr,
    )
    if drafted.others:
        print(
            f"The document also holds the terms of reference of {', '.join(drafted.others)}: draft each with"
            f" --body NAME.",
            file=sys.stderr,
        )
    return OK


def register(rules_commands: Commands) -> None:
    """`rules draft`, among the `rules` commands (`govcal.cli.rulebook` makes the group)."""
    draft = rules_commands.add_parser(
        "draft",
        help="draft a rule file from a terms of reference (.docx, .pdf with text, .html, .txt)",
        description="Reads the document, finds its scheduling clauses and writes a rule file that "
        "`govcal plan --rules FILE` accepts. Every value cites its clause and quotes its words; what the "
        "document does not say is marked 'not in the document: choose'.",
    )
    draft.add_argument("document", help="the terms of reference: Word (.docx), PDF, web page (.html) or text")
    draft.add_argument("--id", help="the body's id (default: from its name)")
    draft.add_argument(
        "--body", metavar="NAME", help="where the document holds several bodies' terms: the one to draft (its name)"
    )
    draft.add_argument("-o", "--output", metavar="FILE", help="write the rule file here (default: standard output)")
    draft.set_defaults(run=cmd_draft)
