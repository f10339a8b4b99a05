"""E-mail in-process: headers, the body a reader sees, attachments within their limits."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from docsort.parsing.dispatch import parse_path
from docsort.parsing.models import ParseLimits
from tests.parsing.support import ALL, LIMITS


def test_email_reads_decoded_headers_plain_body_and_attachments(corpus_dir: Path) -> None:
    document = parse_path(corpus_dir / "mail.eml", ALL, LIMITS)

    text = document.text
    assert (document.detected_type, document.page_count) == ("eml", 1)
    assert text.startswith("From: Jürgen Weiß <juergen@example.com>\nTo: ap@example.org\n")
    assert "Subject: Rechnung März \u2013 EMAIL-SUBJECT-MARKER" in text
    assert text.count("EMAIL-BODY-MARKER") == 1  # the HTML alternative is not read again
    assert "Attachment: rechnung.pdf\nDocument reference DS-00100" in text
    assert "Subject: forwarded\n\nFORWARDED-INNER-MARKER" in text
    assert document.warnings == []


def test_html_only_email_is_read_as_visible_text(tmp_path: Path) -> None:
    message = _message("HTML only")
    message.set_content(
        "<html><body><p>HTML-BODY</p><script>SCRIPT-TEXT</script></body></html>", subtype="html"
    )
    path = _save(message, tmp_path)

    document = parse_path(path, ALL, LIMITS)

    assert document.text.endswith("Subject: HTML only\n\nHTML-BODY")


def test_attached_eml_file_is_parsed_recursively(corpus_dir: Path, tmp_path: Path) -> None:
    message = _message("outer")
    message.set_content("OUTER-BODY")
    message.add_attachment(
        (corpus_dir / "mail.eml").read_bytes(),
        maintype="application",
        subtype="octet-stream",
        filename="inner.eml",
    )

    document = parse_path(_save(message, tmp_path), ALL, LIMITS)

    assert "OUTER-BODY" in document.text
    assert "EMAIL-BODY-MARKER" in document.text
    assert "FORWARDED-INNER-MARKER" in document.text
    assert "DS-00100" in document.text


def test_attachment_that_cannot_be_read_leaves_a_warning_not_an_error(
    corpus_dir: Path, tmp_path: Path
) -> None:
    message = _message("with archive")
    message.set_content("BODY-STILL-READ")
    message.add_attachment(
        (corpus_dir / "plain_archive.zip").read_bytes(),
        maintype="application",
        subtype="zip",
        filename="files.zip",
    )

    document = parse_path(_save(message, tmp_path), ALL, LIMITS)

    assert "BODY-STILL-READ" in document.text
    assert document.warnings == [
        "attachment 1 (application/zip) was not read: "
        "unsupported type: ZIP archive (application/zip)"
    ]


def test_attachments_nested_too_deep_are_not_read(corpus_dir: Path) -> None:
    document = parse_path(corpus_dir / "mail.eml", ALL, ParseLimits(email_max_depth=0))

    assert "EMAIL-BODY-MARKER" in document.text
    assert "DS-00100" not in document.text
    assert "FORWARDED-INNER-MARKER" not in document.text
    assert document.warnings == [
        "attachment 1 (application/pdf) was not read: it is nested deeper than 0 levels",
        "attachment 2 (message/rfc822) was not read: it is nested deeper than 0 levels",
    ]


def test_only_the_first_attachments_up_to_the_count_limit_are_read(corpus_dir: Path) -> None:
    document = parse_path(corpus_dir / "mail.eml", ALL, ParseLimits(email_max_attachments=1))

    assert "DS-00100" in document.text
    assert "FORWARDED-INNER-MARKER" not in document.text
    assert document.warnings == ["only the first 1 attachments were read"]


def test_attachment_over_the_size_limit_is_not_read(corpus_dir: Path) -> None:
    limits = ParseLimits(email_max_attachment_bytes=1000)

    document = parse_path(corpus_dir / "mail.eml", ALL, limits)

    assert "DS-00100" not in document.text
    assert "FORWARDED-INNER-MARKER" in document.text
    assert len(document.warnings) == 1
    assert document.warnings[0].startswith("attachment 1 (application/pdf) was not read: ")
    assert document.warnings[0].endswith("bytes is over the limit of 1,000")


def _message(subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "sender@example.com"
    message["To"] = "ap@example.org"
    message["Subject"] = subject
    return message


def _save(message: EmailMessage, directory: Path) -> Path:
    path = directory / "message.eml"
    path.write_bytes(bytes(message))
    return path
