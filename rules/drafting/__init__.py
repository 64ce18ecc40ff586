"""Drafting a body's rule file from its terms of reference.

`documents` reads a Word file, a PDF with a text layer, a web page or plain text into
blocks; `clauses` numbers them and cuts them into sentences; `prose` reads the ways
documents write numbers, months and day counts; `findings` finds the scheduling values,
each with the clause and words it came from; `draft` assembles them into a rule file
that plans, and says what the document did not give.
"""
