"""Rules into dated occurrences and action on them: working days, school terms,
the planner, the compliance checker and the command line."""
