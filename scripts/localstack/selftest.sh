#!/usr/bin/env bash
# Self-test of the LocalStack harness (scripts/localstack/env.sh, probe.py):
# installs LocalStack, starts it, deploys example-module/ with terraform,
# checks real preflights and GETs against example-cases.json, changes the
# exact origin and re-applies to prove the new deployment goes live
# (example-cases-redeploy.json), checks that a last `terraform plan` is empty,
# then stops LocalStack. Prints timings and a closing "N passed, M failed".
#
# Usage: scripts/localstack/selftest.sh [-v]    (-v: full response of failures)
# Exit status: 0 when every check passed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR
source "$HERE/env.sh"

VERBOSE=()
[[ ${1:-} == -v ]] && VERBOSE=(-v)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/corsform-ls-selftest.XXXXXX")
cleanup() { ls_stop; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PASSED=0 FAILED=0
declare -A TIME=()

# timed LABEL CMD...: runs CMD, adds its wall time to TIME[LABEL].
timed() {
  local label=$1 start=$EPOCHREALTIME rc=0
  shift
  "$@" || rc=$?
  TIME[$label]=$(python3 -c "print(round(${TIME[$label]:-0} + $EPOCHREALTIME - $start, 2))")
  return "$rc"
}

# verdict OK NAME: count and print one check.
verdict() {
  if [[ $1 == 0 ]]; then
    PASSED=$((PASSED + 1))
    echo "PASS $2"
  else
    FAILED=$((FAILED + 1))
    echo "FAIL $2"
  fi
}

# apply_example [var=value ...]: wrap example-module/ and apply it.
apply_example() {
  ls_wrap_module "$HERE/example-module" "$WORK/root" "$@"
  ls_tf_apply "$WORK/root"
}

# probe_cases FILE: run FILE's cases against the deployed API; adds its
# counts to PASSED and FAILED.
probe_cases() {
  local out rc=0 counts
  out=$(ls_probe "${VERBOSE[@]}" --api-id "$API_ID" --stage "$STAGE" --cases "$1") || rc=$?
  printf '%s\n' "$out"
  counts=$(tail -n1 <<<"$out")
  if [[ $counts =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    PASSED=$((PASSED + BASH_REMATCH[1])) FAILED=$((FAILED + BASH_REMATCH[2]))
  else
    verdict 1 "probe.py ran: $1"
  fi
  return "$rc"
}

redeployed() {
  grep -Eq 'aws_api_gateway_deployment.this (must be replaced|will be created)' "$WORK/root/terraform.log"
}

timed install ls_install
timed start ls_start

echo "== apply example-module (exact origin https://a.example.com)"
timed apply apply_example
API_ID=$(ls_tf_output "$WORK/root" rest_api_id)
STAGE=$(ls_tf_output "$WORK/root" stage_name)
echo "rest api $API_ID, stage $STAGE"

echo "== cases: example-cases.json"
timed probe probe_cases "$HERE/example-cases.json" || true

echo "== re-apply with exact origin https://b.example.com"
timed apply apply_example exact_origin=https://b.example.com
rc=0 && redeployed || rc=1
verdict "$rc" "re-apply replaced the deployment (triggers)"

echo "== cases: example-cases-redeploy.json"
timed probe probe_cases "$HERE/example-cases-redeploy.json" || true

echo "== terraform plan after the re-apply"
rc=0 && timed plan ls_tf_plan_clean "$WORK/root" || rc=1
verdict "$rc" "plan after re-apply is empty"

timed stop ls_stop
echo "timings (s): install ${TIME[install]}, start ${TIME[start]}, apply ${TIME[apply]} (two applies)," \
  "probe ${TIME[probe]}, plan ${TIME[plan]}, stop ${TIME[stop]}"
echo "selftest: $PASSED passed, $FAILED failed"
((FAILED == 0))
