"""Separate virtual environments for client versions the test venv cannot hold.

One environment holds one version of a package: the older client (``llama-cloud-services``,
which pins ``llama-cloud==0.1.46``) and the newest SDK each get their own venv, built with
``python -m venv`` and pip. pip runs with the machine's own configuration (index, find-links,
constraints), so it reaches only the package index that configuration names.

``build_client_venv`` is idempotent: a marker file written after a successful install records
the requirements (and the base interpreter); a later call with the same ones returns at once.
A lock file next to the venv serialises builds of the same venv across processes.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# llama-cloud-services 0.6.94 is the last 0.6.x release (the package is deprecated); it pins
# llama-cloud==0.1.46 and floats llama-index-core>=0.12, which is pinned here so the
# environment does not drift. About 20 s and 280 MB to build; importing it needs no network.
LEGACY_CLIENT_REQUIREMENTS: list[str] = [
    "llama-cloud-services==0.6.94",
    "llama-cloud==0.1.46",
    "llama-index-core==0.14.25",
]
SDK_2_19_REQUIREMENTS: list[str] = ["llama-cloud==2.19.0"]

# The script that drives the older client's ClassifyClient; run it with the legacy venv's python.
LEGACY_CLASSIFY_SCRIPT: Path = Path(__file__).with_name("legacy_classify.py")

MARKER_NAME = ".docsort-client-venv.json"
DEFAULT_TIMEOUT_SECONDS = 900.0


def default_venv_root() -> Path:
    """Where the client venvs live: ``$DOCSORT_CLIENT_VENV_ROOT``, else a folder in the temp dir."""
    configured = os.environ.get("DOCSORT_CLIENT_VENV_ROOT")
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / "docsort-client-venvs"


def venv_python(venv_dir: Path) -> Path:
    """The python executable inside a venv."""
    if os.name == "nt":
        return venv_dir / "Scripts" / "python.exe"
    return venv_dir / "bin" / "python"


def _marker_content(requirements: list[str]) -> dict[str, object]:
    return {
        "requirements": list(requirements),
        "base_python": os.path.realpath(sys.executable),
        "base_version": sys.version,
    }


def _is_current(venv_dir: Path, requirements: list[str]) -> bool:
    marker = venv_dir / MARKER_NAME
    if not (marker.is_file() and venv_python(venv_dir).exists()):
        return False
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(recorded == _marker_content(requirements))


@contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    with path.open("a", encoding="utf-8") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _clean_env() -> dict[str, str]:
    """The current environment without what would point pip at another interpreter."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_TARGET", "PIP_PREFIX"}
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    return env


def _run(command: list[str], timeout: float) -> None:
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_clean_env(),
        check=False,
    )
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr)[-4000:]
        raise RuntimeError(
            f"command failed with exit code {completed.returncode}: {' '.join(command)}\n{output}"
        )


def build_client_venv(
    root: Path,
    name: str,
    requirements: list[str],
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> Path:
    """Create ``root/name`` as a venv holding exactly ``requirements``; return its python.

    Skips the work when the venv's marker says the same requirements are installed (built
    from the same base interpreter). Otherwise any previous venv there is removed and rebuilt,
    and the marker is written only after pip succeeded. Raises ``RuntimeError`` with pip's
    output when the install fails, ``subprocess.TimeoutExpired`` after ``timeout`` seconds
    for one step.
    """
    if not requirements:
        raise ValueError("requirements must not be empty")
    root.mkdir(parents=True, exist_ok=True)
    venv_dir = root / name
    python = venv_python(venv_dir)
    if _is_current(venv_dir, requirements):
        return python
    with _exclusive_lock(root / f".{name}.lock"):
        if _is_current(venv_dir, requirements):  # another process built it meanwhile
            return python
        if venv_dir.exists():
            shutil.rmtree(venv_dir)
        _run([sys.executable, "-m", "venv", str(venv_dir)], timeout)
        _run(
            [str(python), "-m", "pip", "install", "--no-input", *requirements],
            timeout,
        )
        marker = venv_dir / MARKER_NAME
        marker.write_text(json.dumps(_marker_content(requirements), indent=2), encoding="utf-8")
    return python
