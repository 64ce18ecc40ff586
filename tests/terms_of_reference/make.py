"""Build the terms-of-reference corpus: each source in sources/ as .docx, .pdf, .html and .txt.

Run by hand after editing a source (the tests read the committed files, never this script):

    .venv/bin/python tests/terms_of_reference/make.py

It needs python-docx, weasyprint and pypdf, and pdftoppm (poppler-utils) for the scanned
PDF. Every document's four files come from one source, so the clause numbers a reader sees
are the same in each; where Word numbers the clauses itself the script checks that Word's
count gives the numbers the source (and so the answer key) uses.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import subprocess
import tempfile
import textwrap
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from PIL import Image, ImageFilter
from pypdf import PdfReader
from weasyprint import HTML

from rules.frequencies import parse_frequency
from rules.offsets import parse_offset
from rules.phrases import (
    parse_day_of_year,
    parse_duration,
    parse_item_at,
    parse_month,
    parse_pattern,
    parse_time,
)

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
DOCUMENTS = HERE / "documents"
EXPECTED = HERE / "expected"
BUILT = dt.datetime(2025, 6, 2, 9, 0)  # the date stamped in every file, so a rebuild is byte-for-byte the same

# ---------------------------------------------------------------------------------------------
# The source format: YAML front matter between '---' lines, then blocks separated by blank lines.
#   ## 5. Meetings       a section heading (a typed number is optional)
#   ### Quorum           a sub-heading
#   5.1 The Board ...    a numbered clause (one a line; its depth is its number's)
#   12. The Forum ...    a top-level numbered paragraph
#   (a) ... / (i) ...    a lettered or roman sub-clause of the clause above
#   - ...                a bullet
#   | a | b |            a table row; a '|---|' row after the first makes it a header row
#   anything else        a paragraph (its lines are joined)
# **bold** is the only inline mark.
# ---------------------------------------------------------------------------------------------

_DECIMAL = re.compile(r"^(\d+(?:\.\d+)*)(\.?)\s+(.*)$")
_LETTER = re.compile(r"^\(([a-z]{1,4})\)\s+(.*)$")
_ROMAN = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"}


@dataclass(frozen=True)
class Heading:
    level: int  # 2 section, 3 sub-heading
    number: str | None
    text: str


@dataclass(frozen=True)
class Clause:
    label: str  # as typed: "5.1", "12.", "(a)", "(iv)"
    depth: int  # 0 for "5." or "12.", 1 for "5.1", then one deeper per level
    text: str
    kind: str  # decimal | letter | roman


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


Cell = tuple[str, ...]  # a table cell's paragraphs


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[Cell, ...], ...]
    header: bool


@dataclass(frozen=True)
class Para:
    text: str


Block = Heading | Clause | Bullets | Table | Para


@dataclass
class Source:
    name: str
    meta: dict[str, Any]
    blocks: list[Block] = field(default_factory=list)

    def get(self, key: str, default: Any = None) -> Any:
        return self.meta.get(key, default)


def read_source(path: Path) -> Source:
    """A source file as its front matter and its blocks."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    source = Source(path.stem, yaml.safe_load(front))
    depth, after_h = 0, False
    for chunk in re.split(r"\n\s*\n", body.strip()):
        lines = [line.rstrip() for line in chunk.splitlines() if not line.startswith("%")]
        if not lines:
            continue
        first = lines[0]
        if first.startswith("#"):
            level = len(first) - len(first.lstrip("#"))
            words = first.lstrip("#").strip()
            match = re.match(r"^(\d+)\.?\s+(.*)$", words)
            number, heading = (match[1], match[2]) if match else (None, words)
            source.blocks.append(Heading(level, number, heading))
        elif first.startswith("|"):
            source.blocks.append(_table(lines))
        elif first.startswith("- "):
            source.blocks.append(Bullets(tuple(_items(lines, "- "))))
        elif _DECIMAL.match(first) or _LETTER.match(first):
            bullets: list[str] = []
            for line in [*lines, ""]:
                if line.startswith("- "):
                    bullets.append(line[2:].strip())
                    continue
                if bullets:
                    source.blocks.append(Bullets(tuple(bullets)))
                    bullets = []
                if line:
                    clause = _clause(line, depth, after_h)
                    depth = clause.depth if clause.kind == "decimal" else depth
                    after_h = clause.label == "(h)"
                    source.blocks.append(clause)
        else:
            source.blocks.append(Para(" ".join(lines)))
    return source


def _table(lines: list[str]) -> Table:
    """A table; a row whose first cell is empty adds a paragraph to the cells above it."""
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]
    header = len(rows) > 1 and set("".join(rows[1])) <= set("-: ")
    table: list[list[Cell]] = []
    for row in rows:
        if set("".join(row)) <= set("-: "):
            continue
        if table and not row[0]:
            table[-1] = [cell + ((text,) if text else ()) for cell, text in zip(table[-1], row, strict=True)]
        else:
            table.append([(text,) for text in row])
    return Table(tuple(tuple(row) for row in table), header)


def _title_block(source: Source) -> list[tuple[Cell, ...]]:
    return [tuple((str(text),) for text in row) for row in source.get("title_block")]


def _items(lines: list[str], marker: str) -> list[str]:
    items: list[str] = []
    for line in lines:
        if line.startswith(marker):
            items.append(line[len(marker) :].strip())
        else:
            items[-1] += " " + line.strip()
    return items


def _clause(line: str, depth: int, after_h: bool) -> Clause:
    """One clause; "(i)" is roman unless it follows "(h)"."""
    letter = _LETTER.match(line)
    if letter:
        kind = "roman" if letter[1] in _ROMAN and not (letter[1] == "i" and after_h) else "letter"
        return Clause(f"({letter[1]})", depth + (1 if kind == "letter" else 2), letter[2], kind)
    match = _DECIMAL.match(line)
    if not match:
        raise ValueError(f"not a clause: {line!r}")
    number, dot, text = match[1], match[2], match[3]
    return Clause(number + dot, number.count("."), text, "decimal")


# ---------------------------------------------------------------------------------------------
# Word's own numbering: where a source asks for it, the numbers are not in the text, and this
# count is what Word will show. It must equal what the source typed.
# ---------------------------------------------------------------------------------------------


def _roman(n: int) -> str:
    numerals = ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out = ""
    for value, letters in numerals:
        while n >= value:
            out, n = out + letters, n - value
    return out


def check_word_numbering(source: Source) -> None:
    """Raise unless Word's automatic numbering shows exactly the numbers the source typed."""
    mode = source.get("docx_numbering", "typed")
    if mode == "multilevel":
        counters = [0, 0, 0, 0]
        for block in source.blocks:
            if isinstance(block, Heading) and block.number and block.level == 2:
                counters = [counters[0] + 1, 0, 0, 0]
                _same(source, block.number, str(counters[0]))
            elif isinstance(block, Clause):
                level = {"decimal": 1, "letter": 2, "roman": 3}[block.kind]
                counters[level] += 1
                counters[level + 1 :] = [0] * (3 - level)
                shown = {
                    1: f"{counters[0]}.{counters[1]}",
                    2: f"({chr(96 + counters[2])})",
                    3: f"({_roman(counters[3])})",
                }[level]
                _same(source, block.label, shown)
    elif mode == "list-number":
        count = 0
        for block in source.blocks:
            if isinstance(block, Clause) and block.depth == 0:
                count += 1
                _same(source, block.label, f"{count}.")
            elif isinstance(block, Clause):
                raise ValueError(f"{source.name}: 'list-number' documents have no sub-clauses ({block.label})")


def _same(source: Source, typed: str, shown: str) -> None:
    if typed != shown:
        raise ValueError(f"{source.name}: the source says {typed!r} where Word's numbering shows {shown!r}")


# ---------------------------------------------------------------------------------------------
# .docx
# ---------------------------------------------------------------------------------------------

_MULTILEVEL = f"""<w:abstractNum {nsdecls("w")} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>
    <w:lvlJc w:val="left"/><w:pPr><w:ind w:left="709" w:hanging="709"/></w:pPr></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/>
    <w:lvlJc w:val="left"/><w:pPr><w:ind w:left="709" w:hanging="709"/></w:pPr></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/>
    <w:lvlJc w:val="left"/><w:pPr><w:ind w:left="1276" w:hanging="567"/></w:pPr></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%4)"/>
    <w:lvlJc w:val="left"/><w:pPr><w:ind w:left="1843" w:hanging="567"/></w:pPr></w:lvl>
</w:abstractNum>"""
_MULTILEVEL_NUM_ID = 90


def _add_multilevel(document: Any) -> None:
    numbering = document.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    first_num.addprevious(parse_xml(_MULTILEVEL))
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="{_MULTILEVEL_NUM_ID}"><w:abstractNumId w:val="90"/></w:num>')
    )


def _number(paragraph: Any, level: int) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.insert(
        0,
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{_MULTILEVEL_NUM_ID}"/></w:numPr>'
        ),
    )


def _runs(paragraph: Any, text: str, bold: bool = False) -> None:
    for i, part in enumerate(re.split(r"\*\*", text)):
        if part:
            paragraph.add_run(part).bold = bold or i % 2 == 1


def _field(paragraph: Any, instruction: str) -> None:
    paragraph._p.append(
        parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" {instruction} "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    )


def write_docx(source: Source, path: Path) -> None:
    """The document as Word would hold it: styles, tables, and Word's numbering where asked."""
    document = WordDocument()
    mode = source.get("docx_numbering", "typed")
    if mode == "multilevel":
        _add_multilevel(document)
    normal = document.styles["Normal"]
    normal.font.name = source.get("docx_font", "Arial")
    normal.font.size = Pt(source.get("docx_size", 11))
    for style in ("Title", "Heading 1", "Heading 2"):
        document.styles[style].font.name = source.get("docx_font", "Arial")
        document.styles[style].font.color.rgb = RGBColor.from_string(source.get("colour", "1F3864").lstrip("#"))
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)
    if source.get("docx_header_footer"):
        header = section.header.paragraphs[0]
        header.text = f"{source.get('council')}\t\t{source.get('short_title', source.get('title'))}"
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        _field(footer, "PAGE")
        footer.add_run(" of ")
        _field(footer, "NUMPAGES")
    for line in source.get("preamble", []):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph(source.get("title"), style="Title")
    if source.get("subtitle"):
        _runs(document.add_paragraph(), source.get("subtitle"), bold=True)
    if source.get("title_block"):
        _docx_table(document, _title_block(source), header=False)
        document.add_paragraph()
    for block in source.blocks:
        if isinstance(block, Heading):
            style = "Heading 1" if block.level == 2 else "Heading 2"
            if mode == "multilevel" and block.number and block.level == 2:
                _number(document.add_paragraph(block.text, style=style), 0)
            else:
                number = f"{block.number}. " if block.number else ""
                document.add_paragraph(number + block.text, style=style)
        elif isinstance(block, Clause):
            _docx_clause(document, block, mode)
        elif isinstance(block, Bullets):
            for item in block.items:
                _runs(document.add_paragraph(style="List Bullet"), item)
        elif isinstance(block, Table):
            _docx_table(document, list(block.rows), block.header)
            document.add_paragraph()
        else:
            paragraph = document.add_paragraph()
            _runs(paragraph, block.text)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    properties = document.core_properties
    properties.title = f"{source.get('body')}: {source.get('title')}"
    properties.author = properties.last_modified_by = source.get("author", "Democratic Services")
    properties.created = properties.modified = properties.last_printed = BUILT
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(_stable_zip(buffer.getvalue()))


def _stable_zip(data: bytes) -> bytes:
    """The same zip with every entry dated BUILT, so rebuilding an unchanged source changes no byte."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=BUILT.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            new.writestr(entry, old.read(info.filename))
    return out.getvalue()


def _docx_clause(document: Any, clause: Clause, mode: str) -> None:
    if mode == "multilevel":
        paragraph = document.add_paragraph()
        _number(paragraph, {"decimal": 1, "letter": 2, "roman": 3}[clause.kind])
    elif mode == "list-number" and clause.depth == 0:
        paragraph = document.add_paragraph(style="List Number")
    else:
        paragraph = document.add_paragraph()
        indent = Cm(1.5 * {"decimal": 1, "letter": 2, "roman": 3}[clause.kind])
        paragraph.paragraph_format.left_indent = paragraph.paragraph_format.tab_stops.add_tab_stop(indent).position
        paragraph.paragraph_format.first_line_indent = Cm(-1.5)
        paragraph.add_run(f"{clause.label}\t")
    _runs(paragraph, clause.text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _docx_table(document: Any, rows: list[tuple[Cell, ...]], header: bool) -> None:
    table = document.add_table(rows=0, cols=len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, row in enumerate(rows):
        cells = table.add_row().cells
        for j, paragraphs in enumerate(row):
            bold = (header and i == 0) or (not header and j == 0 and len(row) == 2)
            for k, text in enumerate(paragraphs):
                _runs(cells[j].paragraphs[0] if k == 0 else cells[j].add_paragraph(), text, bold=bold)
    if len(rows[0]) == 2:
        for row in table.rows:
            row.cells[0].width, row.cells[1].width = Cm(5.0), Cm(11.5)


# ---------------------------------------------------------------------------------------------
# The ToR as HTML: one fragment, used by the web page and (with print CSS) by the PDF.
# ---------------------------------------------------------------------------------------------


def _inline(text: str) -> str:
    parts = re.split(r"\*\*", html.escape(text, quote=False))
    return "".join(f"<strong>{part}</strong>" if i % 2 else part for i, part in enumerate(parts))


def tor_html(source: Source, for_print: bool) -> str:
    """The terms of reference as HTML elements, headings to tables."""
    lists = source.get("print_lists" if for_print else "html_lists", "typed")
    out = [f"<h1>{_inline(source.get('title'))}</h1>"]
    if source.get("subtitle"):
        out.append(f'<p class="subtitle">{_inline(source.get("subtitle"))}</p>')
    if source.get("title_block"):
        out.append(_html_table(_title_block(source), False, "title-block"))
    blocks = source.blocks
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if isinstance(block, Heading):
            tag = f"h{block.level}"
            number = f"{block.number}. " if block.number else ""
            out.append(f"<{tag}>{_inline(number + block.text)}</{tag}>")
        elif isinstance(block, Clause) and lists == "ol" and block.depth == 0:
            start = int(block.label.rstrip("."))
            items = []
            while i < len(blocks) and isinstance(item := blocks[i], Clause):
                items.append(f"<li>{_inline(item.text)}</li>")
                i += 1
            # WeasyPrint ignores start=, so print sets the counter itself, as browsers do for start=.
            reset = f' style="counter-reset: list-item {start - 1}"' if for_print else ""
            out.append(f'<ol start="{start}"{reset}>' + "".join(items) + "</ol>")
            continue
        elif isinstance(block, Clause):
            css = f"clause {block.kind}"
            out.append(f'<p class="{css}"><span class="num">{block.label}</span> {_inline(block.text)}</p>')
        elif isinstance(block, Bullets):
            out.append("<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in block.items) + "</ul>")
        elif isinstance(block, Table):
            out.append(_html_table(list(block.rows), block.header, source.get("table_class", "arrangements")))
        else:
            out.append(f"<p>{_inline(block.text)}</p>")
        i += 1
    return "\n".join(out)


def _cell(paragraphs: Cell) -> str:
    if len(paragraphs) == 1:
        return _inline(paragraphs[0])
    return "".join(f"<p>{_inline(text)}</p>" for text in paragraphs)


def _html_table(rows: list[tuple[Cell, ...]], header: bool, css: str) -> str:
    out = [f'<table class="{css}">']
    for i, row in enumerate(rows):
        if header and i == 0:
            out.append("<thead><tr>" + "".join(f"<th>{_cell(c)}</th>" for c in row) + "</tr></thead><tbody>")
        elif len(row) == 2 and not header:
            out.append(f'<tr><th scope="row">{_cell(row[0])}</th><td>{_cell(row[1])}</td></tr>')
        else:
            out.append("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>" if header else "</table>")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# .html: the council's web page around the ToR
# ---------------------------------------------------------------------------------------------

_SITE_CSS = """
body{font-family:%(font)s;margin:0;color:#222;line-height:1.5}
.cookie-banner{background:#222;color:#fff;padding:.8em 2em}
.cookie-banner button{margin-left:1em}
header.site{background:%(colour)s;color:#fff;padding:1em 2em}
header.site .logo{font-size:1.6em;font-weight:bold}
header.site nav a{color:#fff;margin-right:1.2em}
.breadcrumbs{padding:.5em 2em;font-size:.9em}
.layout{display:flex;gap:2em;padding:0 2em}
.layout > main,.layout > #content{flex:3}
aside{flex:1;border-left:4px solid %(colour)s;padding-left:1em}
table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .6em;text-align:left;vertical-align:top}
p.letter{margin-left:2.5em}p.roman{margin-left:5em}
footer.site{background:#eee;margin-top:2em;padding:1em 2em;font-size:.9em}
"""


def write_html(source: Source, path: Path) -> None:
    """A council web page: cookie banner, header and navigation, breadcrumbs, the ToR, a sidebar, a footer."""
    site = source.get("site")
    council = html.escape(source.get("council"))
    title = html.escape(f"{source.get('body')} - terms of reference")
    nav = "".join(f'<a href="/{_slug(item)}">{html.escape(item)}</a>' for item in site["nav"])
    crumbs = " &gt; ".join(f'<a href="/{_slug(c)}">{html.escape(c)}</a>' for c in site["breadcrumbs"])
    related = "".join(f'<li><a href="/{_slug(item)}">{_inline(item)}</a></li>' for item in site["related"])
    footer = "".join(f"<p>{_inline(line)}</p>" for line in site["footer"])
    css = _SITE_CSS % {"font": source.get("web_font", "Arial, sans-serif"), "colour": source.get("colour", "#1F3864")}
    wrapper_open, wrapper_close = (
        ('<main id="main-content">', "</main>")
        if source.get("html_wrapper", "main") == "main"
        else ('<div id="content" class="content-area">', "</div>")
    )
    anchor = "main-content" if source.get("html_wrapper", "main") == "main" else "content"
    page = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | {council}</title>
<style>{css}</style>
</head>
<body>
<div class="cookie-banner" role="region" aria-label="Cookies on {council}">
<p>We use some essential cookies to make this website work. We would like to set additional cookies to understand
how you use the site. <button type="button">Accept additional cookies</button>
<button type="button">Reject additional cookies</button> <a href="/cookies">View cookies</a></p>
</div>
<a class="skip-link" href="#{anchor}">Skip to main content</a>
<header class="site">
<div class="logo">{html.escape(site.get("logo", source.get("council")))}</div>
<nav aria-label="Main navigation">{nav}</nav>
<form class="search" action="/search"><label>Search this site <input type="search" name="q"></label></form>
</header>
<nav class="breadcrumbs" aria-label="Breadcrumb">{crumbs}</nav>
<div class="layout">
{wrapper_open}
{tor_html(source, for_print=False)}
<p class="updated">Page last updated: {html.escape(str(site["updated"]))}</p>
{wrapper_close}
<aside class="sidebar">
<h2>Related pages</h2>
<ul>{related}</ul>
</aside>
</div>
<footer class="site">
{footer}
<p>&copy; {council}</p>
</footer>
</body>
</html>
"""
    path.write_text(page, encoding="utf-8")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", re.sub(r"\*\*", "", text).lower()).strip("-")


# ---------------------------------------------------------------------------------------------
# .pdf: the same ToR with print CSS through WeasyPrint
# ---------------------------------------------------------------------------------------------

_PRINT_CSS = """
@page {
  size: A4; margin: 2.6cm 2.2cm 2.4cm 2.2cm; font-family: %(font)s;
  @top-left { content: "%(council)s"; font-size: 8.5pt; color: #555 }
  @top-right { content: "%(short)s"; font-size: 8.5pt; color: #555 }
  @bottom-left { content: "%(footer)s"; font-size: 8pt; color: #555 }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8.5pt }
}
body { font-family: %(font)s; font-size: %(size)s; line-height: 1.4; text-align: justify; hyphens: manual }
h1 { font-size: 17pt; color: %(colour)s; text-align: left; margin: 0 0 .4em }
h2 { font-size: 12.5pt; color: %(colour)s; margin: 1.1em 0 .4em; text-align: left; break-after: avoid }
h3 { font-size: 11pt; margin: .9em 0 .3em; break-after: avoid }
p { margin: 0 0 .55em; orphans: 2; widows: 2 }
p.subtitle { font-weight: bold; font-size: 12pt }
p.clause { padding-left: 3.2em; text-indent: -3.2em }
p.clause .num { display: inline-block; width: 3.2em; text-indent: 0 }
p.letter { margin-left: 3.2em } p.roman { margin-left: 6.4em }
ol { padding-left: 2.4em } ol li { margin-bottom: .5em } ul li { margin-bottom: .2em }
table { border-collapse: collapse; width: 100%%; margin: .4em 0 1em; text-align: left }
td, th { border: .6pt solid #777; padding: 3pt 6pt; vertical-align: top; font-size: .95em }
table.title-block th { width: 32%%; background: #eef1f6 }
table.arrangements th[scope=row] { width: 34%%; background: #f3f3f3 }
"""


def write_pdf(source: Source, path: Path) -> None:
    """A4, running header and 'Page N of M' footer, justified; checked to have a text layer."""
    css = _PRINT_CSS % {
        "council": _css_string(source.get("council")),
        "short": _css_string(source.get("short_title", source.get("title"))),
        "footer": _css_string(source.get("pdf_footer", "")),
        "font": source.get("print_font", "'Liberation Sans', Arial, sans-serif"),
        "size": source.get("print_size", "10.5pt"),
        "colour": source.get("colour", "#1F3864"),
    }
    document = f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>{html.escape(source.get("body"))}: {html.escape(source.get("title"))}</title>
<meta name="author" content="{html.escape(source.get("author", "Democratic Services"))}">
<style>{css}</style></head><body>
{tor_html(source, for_print=True)}
</body></html>"""
    HTML(string=document).write_pdf(path)
    reader = PdfReader(path)
    text = "".join(page.extract_text() or "" for page in reader.pages)
    if len(reader.pages) < 2 or source.get("body").split()[0] not in text:
        raise ValueError(f"{path.name}: {len(reader.pages)} page(s), text layer {len(text)} characters")


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


# ---------------------------------------------------------------------------------------------
# .txt: as a council pastes it
# ---------------------------------------------------------------------------------------------


def write_txt(source: Source, path: Path) -> None:
    """Plain text, numbers typed in; hard-wrapped at the source's width, or a paragraph a line."""
    width = source.get("txt_wrap", 0)
    bullet = source.get("txt_bullet", "-")
    upper = source.get("txt_upper_headings", False)

    def wrap(text: str, first: str = "", rest: str = "") -> str:
        plain = text.replace("**", "")
        if not width:
            return first + plain
        return textwrap.fill(plain, width, initial_indent=first, subsequent_indent=rest)

    out = [*source.get("preamble", []), "", source.get("title").upper() if upper else source.get("title")]
    if source.get("subtitle"):
        out += ["", source.get("subtitle").replace("**", "")]
    if source.get("title_block"):
        out += [""] + ["\t".join(cell[0] for cell in row) for row in _title_block(source)]
    for block in source.blocks:
        out.append("")
        if isinstance(block, Heading):
            number = f"{block.number}. " if block.number else ""
            heading = number + block.text
            out.append(heading.upper() if upper and block.level == 2 else heading)
        elif isinstance(block, Clause):
            indent = {"decimal": "", "letter": "    ", "roman": "        "}[block.kind]
            label = f"{indent}{block.label} "
            out.append(wrap(block.text, label, " " * len(label)))
        elif isinstance(block, Bullets):
            out.append("\n".join(wrap(item, f"{bullet} ", "  ") for item in block.items))
        elif isinstance(block, Table):
            out.append("\n".join(_txt_row(row) for row in block.rows))
        else:
            out.append(wrap(block.text))
    path.write_text("\n".join(out).strip("\n") + "\n", encoding="utf-8")


def _txt_row(row: tuple[Cell, ...]) -> str:
    """A table row pasted from Word: cells split by tabs, a cell's later paragraphs on lines of their own."""
    lines = ["\t".join(cell[0] for cell in row)]
    depth = max(len(cell) for cell in row)
    lines += ["\t".join(cell[k] if k < len(cell) else "" for cell in row) for k in range(1, depth)]
    return "\n".join(line.replace("**", "") for line in lines)


# ---------------------------------------------------------------------------------------------
# The two files a drafter must refuse
# ---------------------------------------------------------------------------------------------


def write_scanned(pdf: Path, path: Path) -> None:
    """A PDF of page images only, as a scanner makes it: no text layer at all."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", "110", "-gray", "-png", str(pdf), f"{folder}/page"], check=True)
        pages = []
        for i, png in enumerate(sorted(Path(folder).glob("page*.png"))):
            image = Image.open(png).convert("L").rotate(0.6 if i % 2 == 0 else -0.4, fillcolor=255, expand=False)
            pages.append(image.filter(ImageFilter.GaussianBlur(0.5)).point(lambda v: 255 if v > 235 else v))
        pages[0].save(
            path,
            "PDF",
            resolution=110,
            save_all=True,
            append_images=pages[1:],
            creationDate=BUILT.timetuple(),
            modDate=BUILT.timetuple(),
        )
    if any((page.extract_text() or "").strip() for page in PdfReader(path).pages):
        raise ValueError(f"{path.name} has a text layer")


def write_corrupt(docx: Path, path: Path) -> None:
    """A Word file cut off part-way, as an interrupted download leaves it: not a readable zip."""
    data = docx.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 5])
    try:
        zipfile.ZipFile(io.BytesIO(path.read_bytes())).testzip()
    except zipfile.BadZipFile:
        return
    raise ValueError(f"{path.name} still opens as a zip")


# ---------------------------------------------------------------------------------------------
# The answer key against the documents: every phrase govcal must read, every quote in every file
# ---------------------------------------------------------------------------------------------


class _Text(HTMLParser):
    """A web page's visible text (style and script left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _flat(text: str) -> str:
    return " ".join(text.replace("**", "").split())


def document_texts(name: str) -> dict[str, str]:
    """Each format's text, whitespace collapsed: what a reader of that file sees."""
    word = WordDocument(str(DOCUMENTS / f"{name}.docx"))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    page = _Text()
    page.feed((DOCUMENTS / f"{name}.html").read_text(encoding="utf-8"))
    return {
        "docx": _flat("\n".join([p.text for p in word.paragraphs] + cells)),
        # a line that breaks after a hyphen ("re-" / "elected") is one word to a reader
        "pdf": _flat(
            re.sub(r"-\n", "-", "\n".join(p.extract_text() or "" for p in PdfReader(DOCUMENTS / f"{name}.pdf").pages))
        ),
        "html": _flat(" ".join(page.parts)),
        "txt": _flat((DOCUMENTS / f"{name}.txt").read_text(encoding="utf-8")),
    }


def check_expected(path: Path) -> None:
    """Raise unless the answer key's phrases are govcal's and its quotes are in the documents."""
    key = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts = document_texts(key["document"])
    meetings = key["meetings"] or {}
    if meetings.get("frequency"):
        parse_frequency(meetings["frequency"])
    if meetings.get("pattern"):
        parse_pattern(meetings["pattern"])
    for field_name, reader in (("time", parse_time), ("duration", parse_duration)):
        if meetings.get(field_name):
            reader(meetings[field_name])
    for month in meetings.get("months", []) + meetings.get("except_months", []):
        parse_month(month)
    quotes = [(d["said"], False) for d in key["deadlines"]]
    for deadline in key["deadlines"]:
        parse_offset(deadline["offset"])
    extraordinary = key["extraordinary"] or {}
    for phrase in (extraordinary.get("window"), extraordinary.get("notice")):
        if phrase:
            parse_offset(phrase)
    for item in key["items"]:
        if item["at"]:
            parse_item_at(item["at"])
        if item["by"]:
            parse_day_of_year(item["by"])
    quotes += [(d["quote"], d["why"].startswith("web page only")) for d in key["distractors"]]
    for quote, web_only in quotes:
        for kind, text in texts.items():
            if (quote in text) != (kind == "html" or not web_only):
                raise ValueError(f"{path.name}: {quote!r} {'missing from' if not web_only else 'in'} the .{kind}")


def main() -> None:
    DOCUMENTS.mkdir(exist_ok=True)
    for path in sorted(SOURCES.glob("*.tor")):
        source = read_source(path)
        check_word_numbering(source)
        write_docx(source, DOCUMENTS / f"{source.name}.docx")
        write_pdf(source, DOCUMENTS / f"{source.name}.pdf")
        write_html(source, DOCUMENTS / f"{source.name}.html")
        write_txt(source, DOCUMENTS / f"{source.name}.txt")
        if source.get("scanned"):
            write_scanned(DOCUMENTS / f"{source.name}.pdf", DOCUMENTS / "scanned.pdf")
        if source.get("corrupt"):
            write_corrupt(DOCUMENTS / f"{source.name}.docx", DOCUMENTS / "corrupt.docx")
        print(f"{source.name}: .docx .pdf .html .txt")
    for path in sorted(EXPECTED.glob("*.yaml")):
        check_expected(path)
        print(f"{path.name}: its phrases read, its quotes found")


if __name__ == "__main__":
    main()
