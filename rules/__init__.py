"""govcal's rule language: terms of reference as typed, immutable rules.

Reads rule files (YAML, one per body) into `rules.model` objects and rejects bad
ones with `file:line: field: what is wrong`. Knows nothing of dates on a calendar.
"""

from rules.errors import NotFound, RuleError

__all__ = ["NotFound", "RuleError"]
