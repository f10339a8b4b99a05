"""Parsing cost: docsort's sandboxed parser against the libraries called directly.

Side by side, in one run, on the shared parsing corpus:
  text  the 500-page PDF: pages/s through `parse_document` (zygote-forked child, limits on)
        against pypdfium2 called directly in this process (open, text of every page, close)
        with the call docsort makes (`get_text_bounded`: full Unicode, the page's box) and
        with the cheaper `get_text_range` (UCS-2 only); also a fresh
        `python -m docsort.parsing.child` process per document (the design before the
        zygote);
  cap   the 500-page PDF with max_pages=10 against a PDF of those 10 pages (milliseconds);
  small a one-page text file: milliseconds per document, zygote against fresh process;
  OCR   the scanned PDF's pages: CPU seconds per page through `parse_document` (render at
        300 dpi, tesseract, in the child) against the tesseract CLI run directly on the same
        pages (rendered beforehand, outside the timing; OMP_THREAD_LIMIT=1 on both sides);
  RSS   peak resident memory of this process, the zygote, and the largest child.
Targets: text ratio >= 0.8, OCR ratio <= 1.2. Rounds are interleaved; medians are reported.
Run: `python bench/parsing.py [--rounds 15]`.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pypdfium2 as pdfium

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docsort.logging import configure_logging
from docsort.parsing import forkserver
from docsort.parsing.child import ChildJob, ChildOutcome
from docsort.parsing.models import ParseLimits, ParseRequest
from docsort.parsing.sandbox import parse_document_with_usage
from docsort.settings import Settings

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "parsing-corpus" / "files"
TEXT_PDF = CORPUS / "pages_500.pdf"
SMALL_FILE = CORPUS / "notes.txt"
SCANNED_PDF = CORPUS / "scanned_en.pdf"
OCR_DPI = 300
LIMITS = ParseLimits()


def main() -> None:
    """Run every comparison and print the figures, then the RESULT line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15, help="text rounds (OCR: a fifth)")
    args = parser.parse_args()
    configure_logging(Settings(log_level="WARNING"))
    forkserver.shared_server()  # started once per worker: not part of any measurement
    peak_child_mb = 0.0

    text = _text_rates(args.rounds)
    peak_child_mb = max(peak_child_mb, text.pop("child_rss_mb"))
    text_ratio = text["docsort"] / text["direct"]
    range_ratio = text["docsort"] / text["direct_range"]
    print(
        f"text, {TEXT_PDF.name} (500 pages), median of {args.rounds} rounds:\n"
        f"  pypdfium2 directly, get_text_bounded  {text['direct']:6.0f} pages/s "
        f"(the call docsort makes: full Unicode, page box)\n"
        f"  pypdfium2 directly, get_text_range    {text['direct_range']:6.0f} pages/s "
        f"(UCS-2 only, text off the page too)\n"
        f"  docsort parse_document                {text['docsort']:6.0f} pages/s   "
        f"ratio {text_ratio:.2f} (target >= 0.8), {range_ratio:.2f} against get_text_range\n"
        f"  fresh process per document            {text['fresh']:6.0f} pages/s   "
        f"ratio {text['fresh'] / text['direct']:.2f} (the design before the zygote)"
    )
    capped = _capped_ms(args.rounds)
    print(
        f"{TEXT_PDF.name} with max_pages=10: {capped['capped']:.1f} ms; "
        f"a 10-page PDF of the same pages: {capped['ten_pages']:.1f} ms"
    )
    small = _small_file_ms(args.rounds)
    print(
        f"small file, {SMALL_FILE.name}: docsort {small['docsort']:.1f} ms/document, "
        f"fresh process {small['fresh']:.1f} ms/document"
    )
    ocr = _ocr_cpu_per_page(max(1, args.rounds // 5))
    peak_child_mb = max(peak_child_mb, ocr.pop("child_rss_mb"))
    ocr_ratio = ocr["docsort"] / ocr["direct"]
    print(
        f"OCR, {SCANNED_PDF.name} (3 scanned pages), CPU per page:\n"
        f"  tesseract CLI directly    {ocr['direct']:.3f} s/page\n"
        f"  docsort parse_document    {ocr['docsort']:.3f} s/page   "
        f"ratio {ocr_ratio:.2f} (target <= 1.2; includes rendering the page)"
    )
    parent_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    zygote_mb = _zygote_rss_mb()
    print(
        f"peak RSS: this process {parent_mb:.0f} MB, zygote {zygote_mb:.0f} MB, "
        f"largest child {peak_child_mb:.0f} MB"
    )
    print(
        f"RESULT text_pages_per_s_docsort={text['docsort']:.0f} "
        f"text_pages_per_s_direct={text['direct']:.0f} text_ratio={text_ratio:.3f} "
        f"text_pages_per_s_direct_range={text['direct_range']:.0f} "
        f"text_ratio_vs_range={range_ratio:.3f} "
        f"text_pages_per_s_fresh_process={text['fresh']:.0f} "
        f"max_pages_10_of_500_ms={capped['capped']:.1f} ten_page_pdf_ms={capped['ten_pages']:.1f} "
        f"small_file_ms_docsort={small['docsort']:.1f} "
        f"small_file_ms_fresh_process={small['fresh']:.1f} "
        f"ocr_cpu_s_per_page_docsort={ocr['docsort']:.3f} "
        f"ocr_cpu_s_per_page_direct={ocr['direct']:.3f} ocr_ratio={ocr_ratio:.3f} "
        f"peak_rss_mb_parent={parent_mb:.0f} peak_rss_mb_zygote={zygote_mb:.0f} "
        f"peak_rss_mb_child={peak_child_mb:.0f}"
    )
    forkserver.shutdown()


def _text_rates(rounds: int) -> dict[str, float]:
    """Pages/s (median over interleaved rounds) for each way of reading the 500-page PDF."""
    child_rss = 0.0

    def docsort() -> int:
        nonlocal child_rss
        document, usage = parse_document_with_usage(TEXT_PDF, ParseRequest(), LIMITS)
        child_rss = max(child_rss, usage.max_rss_mb)
        return len(document.pages)

    seconds = _interleaved(
        {
            "direct": lambda: _pypdfium2_directly(bounded=True),
            "direct_range": lambda: _pypdfium2_directly(bounded=False),
            "docsort": docsort,
            "fresh": lambda: _fresh_process(TEXT_PDF),
        },
        rounds,
    )
    rates: dict[str, float] = {name: 500 / value for name, value in seconds.items()}
    rates["child_rss_mb"] = child_rss
    return rates


def _capped_ms(rounds: int) -> dict[str, float]:
    """Milliseconds for the first 10 pages of the 500-page PDF (max_pages=10) against a PDF
    that holds only those 10 pages."""
    capped = ParseRequest(max_pages=10)
    with tempfile.TemporaryDirectory(prefix="docsort-bench-") as tmp:
        ten_pages = Path(tmp) / "ten-pages.pdf"
        source = pdfium.PdfDocument(str(TEXT_PDF))
        target = pdfium.PdfDocument.new()
        target.import_pages(source, list(range(10)))
        target.save(str(ten_pages))
        target.close()
        source.close()
        seconds = _interleaved(
            {
                "capped": lambda: len(parse_document_with_usage(TEXT_PDF, capped, LIMITS)[0].pages),
                "ten_pages": lambda: len(
                    parse_document_with_usage(ten_pages, ParseRequest(), LIMITS)[0].pages
                ),
            },
            rounds,
        )
    return {name: value * 1000 for name, value in seconds.items()}


def _small_file_ms(rounds: int) -> dict[str, float]:
    """Milliseconds per one-page text document, zygote against fresh process."""
    seconds = _interleaved(
        {
            "docsort": lambda: len(
                parse_document_with_usage(SMALL_FILE, ParseRequest(), LIMITS)[0].pages
            ),
            "fresh": lambda: _fresh_process(SMALL_FILE),
        },
        rounds,
    )
    return {name: value * 1000 for name, value in seconds.items()}


def _ocr_cpu_per_page(rounds: int) -> dict[str, float]:
    """CPU seconds per scanned page: docsort's child (and its tesseract) against the CLI."""
    with tempfile.TemporaryDirectory(prefix="docsort-bench-") as tmp:
        images = _render_pages(SCANNED_PDF, Path(tmp))
        direct: list[float] = []
        docsort: list[float] = []
        child_rss = 0.0
        for _ in range(rounds):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            for image in images:
                _tesseract_directly(image)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            direct.append(_cpu(after) - _cpu(before))
            document, usage = parse_document_with_usage(
                SCANNED_PDF, ParseRequest(lang="eng"), LIMITS
            )
            assert "DS-00202" in document.text
            docsort.append(usage.cpu_s)
            child_rss = max(child_rss, usage.max_rss_mb)
    pages = len(images)
    return {
        "direct": statistics.median(direct) / pages,
        "docsort": statistics.median(docsort) / pages,
        "child_rss_mb": child_rss,
    }


def _pypdfium2_directly(*, bounded: bool) -> int:
    """The text of every page, with nothing around it."""
    document = pdfium.PdfDocument(str(TEXT_PDF))
    try:
        pages = 0
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            if bounded:
                textpage.get_text_bounded()
            else:
                textpage.get_text_range()
            textpage.close()
            page.close()
            pages += 1
        return pages
    finally:
        document.close()


def _fresh_process(path: Path) -> int:
    """One `python -m docsort.parsing.child` per document, as the sandbox did before."""
    job = ChildJob(path=str(path), request=ParseRequest(), limits=LIMITS)
    environment = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(Path.cwd())}
    finished = subprocess.run(
        [sys.executable, "-m", "docsort.parsing.child"],
        input=job.model_dump_json().encode(),
        capture_output=True,
        check=True,
        env=environment,
        start_new_session=True,
    )
    document = ChildOutcome.model_validate_json(finished.stdout).document
    assert document is not None
    return len(document.pages)


def _render_pages(path: Path, directory: Path) -> list[Path]:
    """Each page at 300 dpi as a greyscale PNM (the form docsort hands tesseract)."""
    document = pdfium.PdfDocument(str(path))
    images = []
    try:
        for index in range(len(document)):
            page = document[index]
            image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
            target = directory / f"page-{index + 1}.pgm"
            image.save(target, format="PPM")
            images.append(target)
            page.close()
    finally:
        document.close()
    return images


def _tesseract_directly(image: Path) -> None:
    subprocess.run(
        ["tesseract", str(image), "stdout", "-l", "eng", "--dpi", str(OCR_DPI)],
        capture_output=True,
        check=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )


def _interleaved(candidates: dict[str, Callable[[], int]], rounds: int) -> dict[str, float]:
    """Median wall-clock seconds of each candidate, run in turn round after round."""
    for run in candidates.values():
        run()  # warm caches (the page cache, the zygote's pages) before timing
    timings: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, run in candidates.items():
            started = time.perf_counter()
            run()
            timings[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in timings.items()}


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def _zygote_rss_mb() -> float:
    server = forkserver.shared_server()
    assert server.pid is not None
    return psutil.Process(server.pid).memory_info().rss / 2**20


if __name__ == "__main__":
    main()
