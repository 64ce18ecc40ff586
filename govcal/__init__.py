"""govcal, the application: the operations on the kept year and the faces over them.

The edge of govcal's layers (rules -> scheduler -> scheduler.store -> calendars ->
here): `operations` holds every change to the kept year, with its defaults, checks,
messages and audit entry; `cli`, `api`, `web` and `page` are thin faces over it; `mail`,
`clock`, `terms` and `settings` do the I/O the layers below never do.
"""

__version__ = "0.1.0"  # the one place it is written: pyproject.toml reads it (`govcal --version` imports nothing more)
