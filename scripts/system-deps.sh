#!/usr/bin/env bash
# Install the Debian packages the Pantau test suite needs, only if missing.
#
#   postgresql        throwaway PostgreSQL server for tests marked `postgres`
#   chromium          headless browser driven through Playwright (`browser`)
#   tesseract-ocr     OCR of scanned regulation PDFs
#   tesseract-ocr-ind Indonesian language data for tesseract
#   poppler-utils     pdftoppm / pdftotext
#   docker-compose    Debian's compose CLI: `docker-compose config -q` validates docker-compose.yml
#                     (no Docker daemon needed; the tests never start containers)
#   redis-server      a throwaway Redis for the rate-limit counters shared by gunicorn workers
#   openjdk-17-jdk-headless, maven, curl   (only if `javac`/`mvn`/`curl` are missing)
#                     the real OpenSearch node for search-engine tests
#
# Idempotent: when everything is present it prints one line and exits 0;
# `apt-get update` runs only when something has to be installed.
#
# Environment overrides:
#   PANTAU_SYSTEM_PACKAGES    space-separated package list (replaces the default)
#   PANTAU_SYSTEM_DEPS_DRY_RUN=1  print the apt-get commands instead of running them
set -euo pipefail

default_packages=(postgresql chromium tesseract-ocr tesseract-ocr-ind poppler-utils docker-compose
                  redis-server)
if [[ -n "${PANTAU_SYSTEM_PACKAGES:-}" ]]; then
    read -r -a packages <<<"${PANTAU_SYSTEM_PACKAGES}"
else
    packages=("${default_packages[@]}")
fi

is_installed() {
    local status
    status="$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]]
}

missing=()
for pkg in "${packages[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done
# The OpenSearch test node needs a JDK (17+) and Maven; a machine may have them from outside
# Debian's packages, so these are checked by command, not by package.
if [[ -z "${PANTAU_SYSTEM_PACKAGES:-}" ]]; then
    command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
    command -v mvn >/dev/null 2>&1 || missing+=(maven)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "system-deps: all ${#packages[@]} packages present (${packages[*]})"
    exit 0
fi

echo "system-deps: missing packages: ${missing[*]}" >&2

if [[ "$(id -u)" -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "system-deps: error: not root and sudo is not available;" \
        "install these packages as root: apt-get install ${missing[*]}" >&2
    exit 1
fi

run() {
    if [[ "${PANTAU_SYSTEM_DEPS_DRY_RUN:-0}" == "1" ]]; then
        echo "+ $*"
    else
        "$@"
    fi
}

run "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
run "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"

if [[ "${PANTAU_SYSTEM_DEPS_DRY_RUN:-0}" == "1" ]]; then
    echo "system-deps: dry run, would install ${missing[*]}"
    exit 0
fi

still_missing=()
for pkg in "${missing[@]}"; do
    is_installed "$pkg" || still_missing+=("$pkg")
done
if [[ ${#still_missing[@]} -ne 0 ]]; then
    echo "system-deps: error: still missing after install: ${still_missing[*]}" >&2
    exit 1
fi
echo "system-deps: installed ${missing[*]}"
