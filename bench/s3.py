"""Upload and download MB/s through docsort's S3 blob layer against the S3 client called directly.

Both sides talk to the same real S3-compatible HTTP server on 127.0.0.1 (moto's server mode,
with authentication on, as in the tests) with the same credentials and SigV4; both stream the
file from and to disk. Alternates the two sides R times and keeps each one's median, then prints
the ratios (docsort / direct; 1.0 means the layer costs nothing) and the peak RSS growth of
docsort's own transfers, which shows the file is never held whole in memory.
Run: `python bench/s3.py [--mb 100] [--rounds 3]`.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from boto3.s3.transfer import TransferConfig

from docsort.blobs import S3BlobStore
from tests.support.s3 import REGION, MotoServer


def main() -> None:
    """Measure both sides, print a table and the RESULT line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=100, help="file size in MB")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docsort-bench-s3-") as tmp:
        work = Path(tmp)
        source = work / "source.bin"
        with source.open("wb") as out:
            for _ in range(args.mb):
                out.write(os.urandom(1024 * 1024))
        server = MotoServer(log_path=work / "moto.log").start()
        try:
            figures = measure(server, source, work, args.rounds)
        finally:
            server.stop()
    mb = args.mb
    print(f"{mb} MB file, {args.rounds} rounds each, median MB/s")
    print(f"{'':10} {'upload':>8} {'download':>9}")
    print(f"{'direct':10} {mb / figures['direct_up']:8.1f} {mb / figures['direct_down']:9.1f}")
    print(f"{'docsort':10} {mb / figures['docsort_up']:8.1f} {mb / figures['docsort_down']:9.1f}")
    print(f"peak RSS growth of docsort's transfers: {figures['rss_growth_mb']:.0f} MB")
    print(
        f"RESULT mb={mb} "
        f"direct_upload_mb_s={mb / figures['direct_up']:.1f} "
        f"docsort_upload_mb_s={mb / figures['docsort_up']:.1f} "
        f"upload_ratio={figures['direct_up'] / figures['docsort_up']:.2f} "
        f"direct_download_mb_s={mb / figures['direct_down']:.1f} "
        f"docsort_download_mb_s={mb / figures['docsort_down']:.1f} "
        f"download_ratio={figures['direct_down'] / figures['docsort_down']:.2f} "
        f"docsort_peak_rss_growth_mb={figures['rss_growth_mb']:.0f}"
    )


def measure(server: MotoServer, source: Path, work: Path, rounds: int) -> dict[str, float]:
    """Median seconds of each transfer, and the peak RSS growth of docsort's first round."""
    bucket = server.new_bucket()
    store = S3BlobStore(
        bucket,
        "bench/",
        endpoint_url=server.endpoint_url,
        region=REGION,
        access_key_id=server.access_key_id,
        secret_access_key=server.secret_access_key,
    )
    client = server.client()
    direct = TransferConfig()  # the S3 client's own defaults
    target = work / "target.bin"
    before = _peak_rss_mb()
    times: dict[str, list[float]] = {k: [] for k in ("direct_up", "docsort_up")}
    times |= {"direct_down": [], "docsort_down": []}
    docsort_growth = 0.0
    for round_number in range(rounds):
        # docsort first in each round: the RSS growth after round one is docsort's alone.
        times["docsort_up"].append(_timed(lambda: store.put_file("files/p/doc", source)))
        times["docsort_down"].append(_timed(lambda: store.download("files/p/doc", target)))
        assert target.stat().st_size == source.stat().st_size
        target.unlink()
        if round_number == 0:
            docsort_growth = _peak_rss_mb() - before
        times["direct_up"].append(
            _timed(lambda: client.upload_file(str(source), bucket, "direct", Config=direct))
        )
        times["direct_down"].append(
            _timed(lambda: client.download_file(bucket, "direct", str(target), Config=direct))
        )
        target.unlink()
    figures = {name: statistics.median(values) for name, values in times.items()}
    figures["rss_growth_mb"] = docsort_growth
    return figures


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
