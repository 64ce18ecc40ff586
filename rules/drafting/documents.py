"""Terms of reference as councils publish them, read into blocks of text.

A Word file is read with python-docx, numbering included (Word's automatic clause numbers
are not in a paragraph's text); a PDF's text layer with pypdf, without the running headers,
footers and page numbers that repeat on every page; a council's web page with Beautiful
Soup, without its navigation, banners and sidebars; plain text as pasted, hard wrapping and
all. What cannot be read is one `RuleError` naming the file; nothing else is returned.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rules.errors import RuleError

WORD, PDF, WEB, TEXT = "Word document", "PDF", "web page", "text"


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph, heading, list item or table cell, in document order. `label` is the
    clause number the document's own numbering gives it where that is not in its text (Word's
    automatic numbering, an HTML ordered list). `cell` marks the text beside a row's label in
    a table ("Frequency of meetings | Every two months"): a value, however short, not a heading."""

    text: str
    label: str = ""
    heading: bool = False
    cell: bool = False


@dataclass(frozen=True, slots=True)
class Document:
    """A document's blocks, with its file name and what kind of file it was."""

    name: str
    kind: str
    blocks: tuple[Block, ...]


def read_document(path: Path) -> Document:
    """The blocks of a terms of reference, by the file's content (its suffix decides only for text)."""
    try:
        head = path.read_bytes()[:1024]
    except OSError as error:
        raise RuleError(f"cannot read: {error.strerror or error}", file=str(path)) from None
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF"):
        kind, blocks = PDF, _pdf_blocks(path)
    elif head.startswith(b"PK") or suffix == ".docx":
        kind, blocks = WORD, _docx_blocks(path)
    elif suffix == ".pdf":
        raise RuleError("is not a PDF: it does not begin as one (damaged, or misnamed?)", file=str(path))
    elif suffix in (".doc", ".rtf", ".odt"):
        raise RuleError(f"{suffix} files are not read: save it as Word (.docx), PDF or text", file=str(path))
    else:
        source = _decode(path)
        looks_html = suffix in (".html", ".htm") or re.match(r"\s*(<!doctype html|<html)", source[:500], re.I)
        kind, blocks = (WEB, _html_blocks(source)) if looks_html else (TEXT, _text_blocks(source))
    found = tuple(block for block in blocks if block.text)
    if not found:
        why = "no text layer (a scanned PDF? use the Word original or run it through OCR)" if kind == PDF else "no text"
        raise RuleError(f"holds {why}", file=str(path))
    return Document(path.name, kind, found)


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise RuleError("is not a document govcal reads: Word (.docx), PDF, a web page or text", file=str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Windows' own, as older council files are


def _clean(text: str) -> str:
    """One line: spaces and non-breaking spaces run together, curly quotes kept."""
    return " ".join(text.replace("\u00ad", "").split())


# -- Word ---------------------------------------------------------------------------


def _docx_blocks(path: Path) -> list[Block]:
    from docx import Document as open_docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = open_docx(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise RuleError(f"is not a Word document (.docx) that can be opened: {error}", file=str(path)) from None
    numbering = _Numbering(document)
    blocks: list[Block] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(_docx_paragraph(element, document, numbering))
        elif tag == "tbl":
            blocks += _docx_table(element, document, numbering)
    return blocks


def _docx_paragraph(element: Any, document: Any, numbering: _Numbering) -> Block:
    from docx.text.paragraph import Paragraph

    paragraph = Paragraph(element, document)
    style = paragraph.style.name if paragraph.style is not None else ""
    heading = style.startswith(("Heading", "Title"))
    return Block(_clean(paragraph.text), numbering.label(paragraph), heading)


def _docx_table(element: Any, document: Any, numbering: _Numbering) -> list[Block]:
    """A table row by row; a row whose first cell is a short label ("Frequency of meetings")
    is that heading over the text of the others, as terms of reference set them out."""
    from docx.table import Table

    blocks: list[Block] = []
    for row in Table(element, document).rows:
        cells = _unique_cells(row.cells)
        label = _clean(cells[0].text) if cells else ""
        is_heading = len(cells) > 1 and 0 < len(label) <= 60 and not label.endswith(".")
        for n, cell in enumerate(cells):
            for paragraph in cell.paragraphs:
                block = _docx_paragraph(paragraph._p, document, numbering)
                blocks.append(
                    Block(block.text, block.label, block.heading or (is_heading and n == 0), is_heading and n > 0)
                )
    return blocks


def _unique_cells(cells: Iterable[Any]) -> list[Any]:
    """A row's cells, each once (python-docx repeats a merged cell for every column it spans)."""
    seen: list[Any] = []
    for cell in cells:
        if all(cell._tc is not other._tc for other in seen):
            seen.append(cell)
    return seen


class _Numbering:
    """Word's automatic numbering: the label each numbered paragraph shows, counted in order."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> (format, text, start)
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract = {
            each.get(_w("abstractNumId")): {
                int(level.get(_w("ilvl"))): (
                    _val(level, "numFmt", "decimal"),
                    _val(level, "lvlText", ""),
                    int(_val(level, "start", "1")),
                )
                for level in each.iterchildren(_w("lvl"))
            }
            for each in root.iterchildren(_w("abstractNum"))
        }
        for num in root.iterchildren(_w("num")):
            abstract_id = _val(num, "abstractNumId", "")
            self.levels[num.get(_w("numId"))] = abstract.get(abstract_id, {})

    def label(self, paragraph: Any) -> str:
        num_id, level = self._number_of(paragraph)
        if num_id is None or num_id not in self.levels or level not in self.levels[num_id]:
            return ""
        counters = self.counters.setdefault(num_id, {})
        start = self.levels[num_id][level][2]
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [each for each in counters if each > level]:
            del counters[deeper]
        fmt, text, _ = self.levels[num_id][level]
        if fmt in ("bullet", "none") or not text:
            return ""

        def shown(match: re.Match[str]) -> str:
            at = int(match[1]) - 1
            kind, _, first = self.levels[num_id].get(at, ("decimal", "", 1))
            return _formatted(counters.get(at, first), kind)

        return re.sub(r"%(\d)", shown, text).strip().rstrip(".")

    @staticmethod
    def _number_of(paragraph: Any) -> tuple[str | None, int]:
        """The paragraph's list and level, from its own properties or its style's."""
        for holder in (paragraph._p.pPr, getattr(paragraph.style, "element", None)):
            properties = holder if holder is None or holder.tag.endswith("pPr") else holder.find(_w("pPr"))
            found = properties.find(_w("numPr")) if properties is not None else None
            if found is not None:
                num_id = found.find(_w("numId"))
                level = found.find(_w("ilvl"))
                value = num_id.get(_w("val")) if num_id is not None else None
                if value in (None, "0"):
                    return None, 0
                return value, int(level.get(_w("val"))) if level is not None else 0
        return None, 0


def _w(name: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + name


def _val(element: Any, child: str, default: str) -> str:
    found = element.find(_w(child))
    return str(found.get(_w("val"))) if found is not None and found.get(_w("val")) is not None else default


def _formatted(n: int, kind: str) -> str:
    """A list counter as Word shows it: 3, c, C, iii, III."""
    if kind == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if kind == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if kind in ("lowerRoman", "upperRoman"):
        numerals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
        roman = ""
        for value, numeral in numerals:
            while n >= value:
                roman, n = roman + numeral, n - value
        return roman if kind == "lowerRoman" else roman.upper()
    return str(n)


# -- PDF ----------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d+(?:\s*(?:of|/)\s*\d+)?$", re.I)


def _pdf_blocks(path: Path) -> list[Block]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise RuleError("is a password-protected PDF: save an unprotected copy", file=str(path))
        pages = [(page.extract_text() or "").splitlines() for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as error:
        raise RuleError(f"is not a PDF that can be read: {error}", file=str(path)) from None
    return list(_paragraphs(_without_running_lines(pages)))


def _without_running_lines(pages: list[list[str]]) -> list[str]:
    """Every page's lines, less page numbers and the headers and footers every page repeats."""
    pages = [[line.strip() for line in page if line.strip()] for page in pages]
    edges: Counter[str] = Counter()
    for page in pages:
        edges.update({_shape(line) for line in page[:3] + page[-3:]})
    repeated = {shape for shape, count in edges.items() if len(pages) > 1 and count >= max(2, len(pages) // 2 + 1)}
    lines: list[str] = []
    for page in pages:
        for n, line in enumerate(page):
            at_edge = n < 3 or n >= len(page) - 3
            if _PAGE_NUMBER.match(line) or (at_edge and _shape(line) in repeated):
                continue
            lines.append(line)
    return lines


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower())


# -- web pages ------------------------------------------------------------------------

# What a council's page wraps around the document: never part of the terms of reference.
_AROUND = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button", "svg")
_AROUND_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog"}
_AROUND_NAMES = re.compile(
    r"cookie|breadcrumb|skip|sidebar|side-bar|related|social|share|site-header|site-footer|masthead|menu|^nav|-nav|nav-",
    re.I,
)
_BLOCKS = {"p", "div", "li", "td", "th", "dt", "dd", "blockquote", "section", "article", "main", "tr", "table", "body"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "caption"}


def _html_blocks(source: str) -> list[Block]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(source, "html.parser")
    for tag in soup.find_all(_AROUND):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        names = " ".join([str(tag.get("id") or ""), *(str(c) for c in tag.get("class") or [])])
        if tag.get("role") in _AROUND_ROLES or (names.strip() and _AROUND_NAMES.search(names)):
            tag.decompose()
    root = (
        soup.find("main")
        or soup.find(role="main")
        or soup.find("article")
        or soup.find(id=re.compile(r"^(content|main|main-content|maincontent)$", re.I))
        or soup.body
        or soup
    )
    walker = _HtmlWalker()
    walker.walk(root)
    walker.flush()
    return walker.blocks


class _HtmlWalker:
    """Block elements into blocks, in order; ordered lists give their items' numbers."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.words: list[str] = []
        self.label = ""
        self.heading = False
        self.cell = False

    def flush(self) -> None:
        text = _clean(" ".join(self.words))
        if text:
            self.blocks.append(Block(text, self.label, self.heading, self.cell))
        self.words, self.label, self.heading = [], "", False

    def walk(self, node: Any, label: str = "") -> None:
        from bs4 import NavigableString, Tag
        from bs4.element import Comment

        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.words.append(str(child))
            elif isinstance(child, Tag):
                if child.name == "br":
                    self.words.append(" ")
                elif child.name == "ol":
                    self.flush()
                    self._ordered(child, label)
                elif child.name in _HEADINGS:
                    self.flush()
                    self.walk(child)
                    self.heading = True
                    self.flush()
                elif child.name == "tr":
                    self.flush()
                    self._row(child)
                elif child.name in _BLOCKS or child.name == "ul":
                    self.flush()
                    self.label = label if child.name == "li" else ""
                    self.walk(child, label)
                    self.flush()
                else:
                    self.walk(child, label)

    def _ordered(self, ol: Any, parent: str) -> None:
        kind = (ol.get("type") or "1").strip()
        start = int(ol.get("start")) if str(ol.get("start") or "").isdigit() else 1
        items = [child for child in ol.children if getattr(child, "name", None) == "li"]
        for n, item in enumerate(items, start=start):
            shown = _formatted(
                n, {"a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}.get(kind, "")
            )
            label = f"{parent} ({shown})" if parent and kind in "aAiI" else f"{parent}.{shown}" if parent else shown
            self.flush()
            self.label = label
            self.walk(item, label)
            self.flush()

    def _row(self, row: Any) -> None:
        cells = [cell for cell in row.children if getattr(cell, "name", None) in ("td", "th")]
        first = _clean(cells[0].get_text(" ")) if cells else ""
        labelled = len(cells) > 1 and 0 < len(first) <= 60 and not first.endswith(".")
        for n, cell in enumerate(cells):
            self.cell = labelled and n > 0  # every paragraph of the cell beside the label
            self.walk(cell)
            self.heading = labelled and n == 0
            self.flush()
        self.cell = False


# -- plain text -----------------------------------------------------------------------

_MARKUP = re.compile(r"<(/?)(p|li|ul|ol|br|div|h\d|tr|td)\b[^>]*>", re.I)


def _text_blocks(source: str) -> list[Block]:
    """Text as pasted: markup a converter left in it read as breaks, a tab-separated label
    ("Quorum<TAB>Three members") as a heading, hard-wrapped lines joined into paragraphs."""
    if _MARKUP.search(source):
        source = html.unescape(re.sub(r"<[^>]+>", " ", _MARKUP.sub("\n\n", source)))
    source = re.sub(r"[ \t]+[•▪●][ \t]+", "\n\n• ", source)  # bullets run into one line by a converter
    lines: list[str] = []
    for line in source.replace("\r\n", "\n").replace("\f", "\n\n").split("\n"):
        label, tab, rest = line.partition("\t")
        if tab and 0 < len(label.strip()) <= 60 and rest.strip() and not label.strip().endswith("."):
            lines += ["", f"{_LABEL}{label.strip().rstrip(':')}", "", f"{_CELL}{rest}"]
        else:
            lines.append(line.replace("\t", " "))
    return list(_paragraphs(lines))


_LABEL, _CELL = "\ue000", "\ue001"  # a tab row's label and its text, marked until they are blocks
_STARTS_CLAUSE = re.compile(r"^(?:[-–•▪·*●]\s|\(?[a-z0-9]{1,3}\)\s|\d{1,2}(?:\.\d{1,2})*\.?\s|[A-Z]\d{0,2}\.\s)")


def _paragraphs(lines: Iterable[str]) -> Iterator[Block]:
    """Lines into paragraphs: a blank line, a clause number or bullet, or a short line that
    ends a sentence (a paragraph's last line) ends one; a word broken at a line's end is joined."""
    lines = [" ".join(line.split()) for line in lines]
    longest = max((len(line) for line in lines), default=0)
    current: list[str] = []
    for line in [*lines, ""]:
        starts_anew = not line or bool(_STARTS_CLAUSE.match(line.lstrip(_LABEL + _CELL))) or line[:1] in (_LABEL, _CELL)
        if current and (starts_anew or _ends_paragraph(current[-1], longest) or _is_title(current[-1])):
            text = _join(current)
            yield Block(text.lstrip(_LABEL + _CELL), heading=text[:1] == _LABEL, cell=text[:1] == _CELL)
            current = []
        if line:
            current.append(line)


def _ends_paragraph(line: str, longest: int) -> bool:
    return line.endswith((".", ":", "?", "!")) and len(line) < 0.8 * longest


def _is_title(line: str) -> bool:
    """A short line with no sentence in it: a heading on a line of its own ("Staffing Committee –
    Terms of Reference": its words capitalised but the small ones)."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if w.lower() not in _SMALL_WORDS]
    capitalised = bool(words) and all(w[0].isupper() for w in words)
    return len(line) <= 60 and not line.endswith((".", ",", ";", "and", "or")) and (line.isupper() or capitalised)


_SMALL_WORDS = {"of", "and", "the", "for", "to", "in", "on", "at", "a", "an", "by", "with"}


def _join(lines: list[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        text = text[:-1] + line if text.endswith("-") and line[:1].islower() else f"{text} {line}"
    return text
