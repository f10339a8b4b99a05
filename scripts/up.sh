#!/usr/bin/env bash
# One command from a fresh machine to a running docsort: install, then `docsort up`.
# Extra arguments go to `docsort up` (e.g. --data-dir DIR --port N).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/docsort up "$@"
