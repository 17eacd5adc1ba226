#!/usr/bin/env bash
# The browser differential test: real Chromium's CORS verdicts against
# `corsform explain` (tests/browser/differential.mjs says how).
#
#   tests/browser/run.sh [--policy NAME]... [--full] [--pages N] [--deployed NAME=URL]...
#
# (--deployed: against a deployment instead of `corsform serve`; scripts/conformance
# uses it on its LocalStack deployments.)
#
# Installs what it needs by itself: Debian's chromium (apt-get, when `chromium` is
# not on PATH; never a browser download), playwright-core from the lock file
# (npm ci, when node_modules does not match it), and builds corsform (cargo build
# --release). Exits non-zero on any disagreement. When Chromium or a recent enough
# Node cannot be had it says SKIPPED loudly, and fails under CI=true.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

skip() {
  echo ""
  echo "################################################################"
  echo "### SKIPPED: browser differential test: $*"
  echo "################################################################"
  if [ "${CI:-}" = "true" ]; then
    echo "### (CI=true: a skipped browser test fails the run)"
    exit 1
  fi
  exit 0
}

# Node 20+ (playwright-core 1.65 needs it).
if ! command -v node >/dev/null 2>&1; then
  skip "node is not installed (Node 20 or newer is needed)"
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  skip "node $(node --version) is too old (playwright-core needs Node 20 or newer)"
fi

# Chromium from Debian, installed when missing.
if ! command -v chromium >/dev/null 2>&1; then
  echo "browser test: chromium not on PATH, installing Debian's chromium package"
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    skip "chromium is not installed and there is no apt-get to install it"
  fi
  if [ "$(id -u)" != 0 ] && [ -z "$sudo" ]; then
    skip "chromium is not installed and installing it needs root (apt-get install chromium)"
  fi
  log="$(mktemp)"
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium; } >"$log" 2>&1; then
    tail -20 "$log" || true
  fi
  rm -f "$log"
  command -v chromium >/dev/null 2>&1 || skip "chromium is not installed and apt-get install chromium failed"
fi

# playwright-core, exactly as locked; it never downloads a browser (no install
# scripts, and the skip variable for good measure).
lock_sum="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
stamp="$here/node_modules/.corsform-lock-sha256"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ] || [ ! -f "$here/node_modules/playwright-core/package.json" ]; then
  echo "browser test: npm ci (tests/browser)"
  (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  echo "$lock_sum" >"$stamp"
fi

# corsform itself.
if [ -z "${CORSFORM_BIN:-}" ]; then
  (cd "$root" && cargo build --release --quiet)
fi

cd "$root"
# Against deployments (scripts/conformance) only the differential applies; the
# matrix pages test and the probe and audit pages test (issue 32) run with the
# local binary after it.
case " $* " in
  *" --deployed "*) exec node "$here/differential.mjs" "$@" ;;
esac
node "$here/differential.mjs" "$@"
node "$here/matrix.mjs"
node "$here/reports.mjs"
