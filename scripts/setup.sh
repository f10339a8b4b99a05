#!/usr/bin/env bash
# Installs what docsort needs on a Debian machine: system packages, then a virtualenv in .venv.
#   scripts/setup.sh           the service
#   scripts/setup.sh test      the service plus the test and lint tools
set -euo pipefail
cd "$(dirname "$0")/.."

# OCR languages: English, German, Russian, Chinese (simplified) and Arabic by default; add more
# with DOCSORT_OCR_PACKS="fra spa …" (Debian package suffixes of tesseract-ocr-*).
OCR_PACKS=(eng deu rus chi-sim ara ${DOCSORT_OCR_PACKS:-})
SYSTEM_PACKAGES=(libmagic1 python3-venv tesseract-ocr "${OCR_PACKS[@]/#/tesseract-ocr-}")
missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing system packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
target="."
[ "${1:-}" = "test" ] && target=".[test]"
log=.venv/pip-install.log
if ! { .venv/bin/python -m pip install -q --disable-pip-version-check -U pip &&
       .venv/bin/python -m pip install -q --disable-pip-version-check -e "$target"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "installing docsort failed (log above, also in $log)" >&2
  exit 1
fi
