"""HTML: visible text with block structure as line breaks (selectolax / lexbor)."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from docsort.parsing.errors import DocumentError
from docsort.parsing.extractors import Extracted, TextBudget, clean_text
from docsort.parsing.extractors.text import decode_bytes
from docsort.parsing.models import ParsedPage, ParseLimits, ParseRequest
from docsort.parsing.pages import select_pages

# Elements whose content is never visible text.
_SKIPPED = frozenset({"script", "style", "noscript", "template", "iframe"})
# Elements that start a new line.
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "dd", "details",
        "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
        "main", "menu", "nav", "ol", "option", "p", "pre", "section", "summary", "table",
        "tbody", "tfoot", "thead", "title", "tr", "ul",
    }
)  # fmt: skip
# Elements separated from their neighbours by a space (table cells).
_CELLS = frozenset({"td", "th"})

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_PRESCAN_BYTES = 4096
# Markers for line breaks while walking, so source newlines inside text stay plain spaces.
_BREAK = "\x00"


def extract_html(path: Path, request: ParseRequest, limits: ParseLimits) -> Extracted:
    """An HTML document's visible text as one page."""
    selected = select_pages(1, request)
    data = path.read_bytes()
    html = decode_bytes(data, declared=declared_charset(data[:_PRESCAN_BYTES]))
    text = html_to_text(html)
    if not text:
        raise DocumentError("empty", "the HTML document contains no visible text")
    taken = TextBudget(limits.max_text_chars).take(text)
    return Extracted(1, [ParsedPage(number=page, text=taken) for page in selected])


def declared_charset(head: bytes) -> str | None:
    """The charset named by a `<meta charset>` or `<meta http-equiv>` tag, as a Python codec.

    Labels follow the HTML standard: Latin-1 and ASCII mean windows-1252, and a UTF-16
    declaration in an ASCII-compatible byte stream means UTF-8.
    """
    match = _META_CHARSET.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii", errors="ignore").strip().lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in {"latin-1", "iso8859-1", "ascii"}:
        return "cp1252"
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return "utf-8"
    return name


def html_to_text(html: str) -> str:
    """Visible text of an HTML document: scripts, styles and comments dropped, one line per
    block element, whitespace collapsed."""
    tree = LexborHTMLParser(html.replace(_BREAK, ""))
    root = tree.root
    if root is None:
        return ""
    parts: list[str] = []
    # Iterative walk (deeply nested documents must not hit the recursion limit).
    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag or ""
        if leaving:
            parts.append(_BREAK if tag in _BLOCKS else " ")
            continue
        if tag == "-text":
            parts.append(node.text_content or "")
            continue
        if tag.startswith("-") or tag.startswith("!") or tag in _SKIPPED:
            continue  # comments, doctype, processing instructions, invisible content
        if tag == "br":
            parts.append(_BREAK)
            continue
        if tag in _BLOCKS:
            parts.append(_BREAK)
        if tag in _BLOCKS or tag in _CELLS:
            stack.append((node, True))
        children = list(node.iter(include_text=True))
        stack.extend((child, False) for child in reversed(children))
    return _collapse("".join(parts))


def _collapse(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split(_BREAK))
    return clean_text("\n".join(line for line in lines if line))
