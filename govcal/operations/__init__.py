"""The operations layer: every change to the kept year, and every question asked of it.

One function per operation, called alike by the CLI, the admin API and the server:
the defaults, the checks, the messages and the audit entry live here, once. Each
takes a `Context` (the rules and the store) and, where it changes or dates anything,
`now` and the actor; none reads the clock or the environment.

- planning: plan, save, plan_if_empty, check_file, check_kept, kept_findings, explain, version
- meetings: edit_meeting (move, add, cancel, fix), extraordinary (propose, confirm)
- papers: set_papers, meeting_papers (a meeting's agenda, papers, minutes and video links)
- notices: send_summons, summons_with (the meeting's notice and its cancellation, to each member once)
- people: add_member, record_attendance, quorum_at, attendance_report
- attendance: send_apologies, name_substitute, meeting_forecast, forecasts, inquorate,
  queue_alerts and alert (a meeting forecast inquorate, told its clerks once)
- channels: set_webhook, webhooks (a body's or member's Teams or Slack webhook)
- access: create_token, rotate_token, revoke_tokens, admin_of, member_of_feed
- reminders: send_due, outbox, mark_done
- links: an e-mail's action links, signed (links_for), checked (opened), shown
- fields: text, whole_number, cycle_year, choice: the checks every value from outside passes
- drafting: draft (a rule file from a terms of reference), keep
- rulebook: publish (versions of bodies' rules from a day, previewed or kept), import_rules,
  export_rules, import_terms, export_terms, history, in_force
- feeds: public_feeds, all_feed, body_feed, member_feed, clerk_feed, private_feed
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govcal.operations.context import Context

__all__ = ["Context"]


def __getattr__(name: str) -> object:
    """`Context` imported when first asked for: a command that keeps no year (`govcal date`,
    `--version`) starts without the store and SQLAlchemy behind it."""
    if name == "Context":
        from govcal.operations.context import Context

        return Context
    raise AttributeError(f"module 'govcal.operations' has no attribute '{name}'")
