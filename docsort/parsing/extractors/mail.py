"""E-mail (EML): headers, the text (or HTML) body, and attachments parsed in turn.

Attachments are read by the same dispatcher as any document (a nested message too), within
limits on nesting depth, count and size; one that cannot be read leaves a warning, not an
error, so a mail with an odd attachment is still classified by its body.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from pathlib import Path

from docsort.parsing.errors import DocumentError
from docsort.parsing.extractors import Extracted, TextBudget, clean_text
from docsort.parsing.extractors.html import declared_charset, html_to_text
from docsort.parsing.extractors.text import decode_bytes
from docsort.parsing.models import ParsedPage, ParseLimits, ParseRequest
from docsort.parsing.pages import select_pages

# Reads an attachment saved at a path, at a nesting depth: its text and warnings.
AttachmentReader = Callable[[Path, int], Extracted]

_HEADERS = ("From", "To", "Cc", "Date", "Subject")
_PRESCAN_BYTES = 4096


def extract_email(
    path: Path,
    request: ParseRequest,
    limits: ParseLimits,
    *,
    depth: int,
    read_attachment: AttachmentReader,
) -> Extracted:
    """A message as one page: headers, body, then each attachment's text under a heading.
    `depth` is how deep this message sits inside others (0 for the document itself)."""
    selected = select_pages(1, request)
    with path.open("rb") as handle:
        message = BytesParser(policy=policy.default).parse(handle)
    walk = _Walk(limits, read_attachment)
    lines = walk.message_lines(message, depth)
    text = clean_text("\n".join(lines))
    if not text:
        raise DocumentError("empty", "the e-mail contains no text")
    taken = TextBudget(limits.max_text_chars).take(text)
    return Extracted(1, [ParsedPage(number=p, text=taken) for p in selected], tuple(walk.warnings))


@dataclass
class _Walk:
    """State shared across one message and those nested in it."""

    limits: ParseLimits
    read_attachment: AttachmentReader
    attachments: int = 0
    warnings: list[str] = field(default_factory=list)

    def message_lines(self, message: Message, depth: int) -> list[str]:
        lines = [f"{name}: {value}" for name in _HEADERS if (value := _header(message, name))]
        body = _body(message)
        if body is not None:
            lines += ["", _part_text(body)]
        for part in _attachments(message, body):
            lines += self._attachment_lines(part, depth + 1)
        return lines

    def _attachment_lines(self, part: Message, depth: int) -> list[str]:
        self.attachments += 1
        number = self.attachments
        described = f"attachment {number} ({part.get_content_type()})"
        if number > self.limits.email_max_attachments:
            if number == self.limits.email_max_attachments + 1:
                self.warnings.append(
                    f"only the first {self.limits.email_max_attachments} attachments were read"
                )
            return []
        if depth > self.limits.email_max_depth:
            self.warnings.append(
                f"{described} was not read: it is nested deeper than "
                f"{self.limits.email_max_depth} levels"
            )
            return []
        heading = ["", f"Attachment: {part.get_filename() or part.get_content_type()}"]
        inner = _attached_message(part)
        if inner is not None:
            return heading + self.message_lines(inner, depth)
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data:
            return []
        if len(data) > self.limits.email_max_attachment_bytes:
            self.warnings.append(
                f"{described} was not read: {len(data):,} bytes is over the limit of "
                f"{self.limits.email_max_attachment_bytes:,}"
            )
            return []
        try:
            extracted = self._read(data, depth)
        except DocumentError as error:
            self.warnings.append(f"{described} was not read: {error.message}")
            return []
        self.warnings.extend(extracted.warnings)
        return heading + [page.text for page in extracted.pages]

    def _read(self, data: bytes, depth: int) -> Extracted:
        with tempfile.NamedTemporaryFile(prefix="docsort-attachment-") as saved:
            saved.write(data)
            saved.flush()
            return self.read_attachment(Path(saved.name), depth)


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError, AttributeError, LookupError):
        return ""  # a header the parser cannot decode
    return " ".join(str(value).split()) if value is not None else ""


def _body(message: Message) -> Message | None:
    """The part a reader sees first: plain text when there is one, else HTML."""
    if isinstance(message, EmailMessage):
        body = message.get_body(preferencelist=("plain", "html"))
        if body is not None:
            return body
    if message.get_content_maintype() == "text" and not message.is_multipart():
        return message
    return None


def _attachments(message: Message, body: Message | None) -> list[Message]:
    """Parts that are not the body or its alternatives (a single non-text part counts)."""
    if not message.is_multipart():
        return [] if body is message else [message]
    if isinstance(message, EmailMessage):
        return list(message.iter_attachments())
    return []


def _attached_message(part: Message) -> Message | None:
    if part.get_content_type() != "message/rfc822":
        return None
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        return payload[0]
    return None


def _part_text(part: Message) -> str:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return ""
    charset = part.get_content_charset()
    if part.get_content_subtype() == "html":
        declared = charset or declared_charset(data[:_PRESCAN_BYTES])
        return html_to_text(decode_bytes(data, declared=declared))
    return decode_bytes(data, declared=charset)
