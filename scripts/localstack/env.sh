# shellcheck shell=bash
# LocalStack harness for corsform's REST API (v1) Terraform modules.
#
# Source it (bash), then:
#   ls_install                       venv with LocalStack 4.12.0 (cached, pinned)
#   ls_start                         LocalStack in the background on 127.0.0.1:4566
#   ls_stop                          stop it and remove its temp dir
#   ls_stop_on_exit                  trap EXIT/INT/TERM to ls_stop (for scripts;
#                                    an existing EXIT trap still runs)
#   ls_wrap_module MOD OUT [k=v ..]  write a root module in OUT that uses MOD
#   ls_tf_apply DIR                  terraform init + apply DIR against LocalStack
#   ls_tf_plan_clean DIR             true when terraform plan in DIR is empty
#   ls_tf_output DIR NAME            one output of DIR's state (raw)
#   ls_probe ARGS...                 scripts/localstack/probe.py (see its --help)
#
# Settings (environment, all optional):
#   CORSFORM_CACHE   cache root (default ~/.cache/corsform-conformance): venv,
#                    terraform plugin cache
#   LS_PORT          port on 127.0.0.1 (default 4566)
#   LS_SERVICES      LocalStack services (default apigateway; add lambda, iam,
#                    sts, cloudformation, s3 when a module or test needs them)
#   LS_START_TIMEOUT seconds to wait for apigateway (default 60)
#   TF_PLUGIN_MIRROR terraform provider mirror (default /opt/tf-plugins)
#
# Nothing here talks to anything but 127.0.0.1 once installed: LocalStack binds
# 127.0.0.1 only (hypercorn server, see ls_start), its DNS server is off, and
# the AWS provider's endpoints all point at LocalStack.

LS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LS_CACHE=${CORSFORM_CACHE:-$HOME/.cache/corsform-conformance}
LS_VENV=$LS_CACHE/localstack-venv
LS_PORT=${LS_PORT:-4566}
LS_ENDPOINT=http://127.0.0.1:$LS_PORT
LS_SERVICES=${LS_SERVICES:-apigateway}
LS_START_TIMEOUT=${LS_START_TIMEOUT:-60}
TF_PLUGIN_MIRROR=${TF_PLUGIN_MIRROR:-/opt/tf-plugins}
LS_RUN_DIR=${LS_RUN_DIR:-}   # set by ls_start: log, pid, volume and temp dirs
LS_PYTHON=${LS_PYTHON:-}     # interpreter for the venv; found by ls_install

# ---------------------------------------------------------------- install ---

# The interpreter for the venv: python3.11 (localstack-core 4.12 runs on it;
# newer releases fail to start there), else python3 when it is 3.11.
ls_find_python() {
  local py
  for py in "$LS_PYTHON" python3.11 python3; do
    [[ -n $py ]] || continue
    command -v "$py" >/dev/null || continue
    if "$py" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      command -v "$py"
      return 0
    fi
  done
  echo "ls_find_python: no Python 3.11 found (set LS_PYTHON)" >&2
  return 1
}

# ls_install: create or reuse the venv. The stamp holds a hash of
# requirements.txt (the packages asked for) and constraints.txt (every version
# they pulled in, pip freeze); changing either rebuilds the venv.
ls_install() {
  local want stamp=$LS_VENV/.corsform-stamp py
  want=$(cat "$LS_HERE/requirements.txt" "$LS_HERE/constraints.txt" | sha256sum | cut -d' ' -f1)
  if [[ -x $LS_VENV/bin/python && -f $stamp && $(cat "$stamp") == "$want" ]]; then
    return 0
  fi
  py=$(ls_find_python) || return 1
  echo "ls_install: building $LS_VENV (about 2 minutes)" >&2
  rm -rf "$LS_VENV"
  mkdir -p "$LS_CACHE"
  "$py" -m venv "$LS_VENV" || return 1
  "$LS_VENV/bin/pip" install --quiet --disable-pip-version-check \
    -r "$LS_HERE/requirements.txt" -c "$LS_HERE/constraints.txt" || return 1
  echo "$want" >"$stamp"
}

# ------------------------------------------------------------- start/stop ---

# ls_health: the health JSON, or nothing when LocalStack does not answer.
ls_health() {
  curl -fsS --max-time 2 "$LS_ENDPOINT/_localstack/health" 2>/dev/null
}

# ls_service_available NAME: true when the health JSON says NAME is available
# (or running, its state once it has served a request).
ls_service_available() {
  ls_health | grep -Eq "\"$1\": \"(available|running)\""
}

# ls_start: start LocalStack in the background and wait for apigateway.
# Refuses when something already answers on the port.
ls_start() {
  if ls_health >/dev/null; then
    echo "ls_start: something already answers on $LS_ENDPOINT; stop it first" >&2
    return 1
  fi
  [[ -x $LS_VENV/bin/python ]] || { echo "ls_start: run ls_install first" >&2; return 1; }
  LS_RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/corsform-localstack.XXXXXX")
  mkdir -p "$LS_RUN_DIR/volume" "$LS_RUN_DIR/tmp"
  # GATEWAY_SERVER=hypercorn: the default (twisted) server ignores the host in
  #   GATEWAY_LISTEN and binds 0.0.0.0; hypercorn binds 127.0.0.1 as asked.
  # DNS_ADDRESS=0: no DNS server (it would bind port 53 on all interfaces).
  # TMPDIR: keeps LocalStack's temp files (<tmp>/localstack) in the run dir;
  #   LocalStack logs a harmless deprecation warning about it.
  # setsid: own session and process group, so ls_stop ends it and nothing
  #   else; the shell inside writes its pid (= the group's id) and then execs
  #   LocalStack, so the pid file holds LocalStack's own pid whether or not
  #   setsid had to fork (it does under job control).
  (
    cd "$LS_RUN_DIR" || exit 1
    export GATEWAY_LISTEN="127.0.0.1:$LS_PORT" GATEWAY_SERVER=hypercorn \
      SERVICES="$LS_SERVICES" DISABLE_EVENTS=1 SKIP_SSL_CERT_DOWNLOAD=1 \
      DNS_ADDRESS=0 LOCALSTACK_VOLUME_DIR="$LS_RUN_DIR/volume"
    # shellcheck disable=SC2016 # $$, $1 and $2 are the inner shell's
    exec env TMPDIR="$LS_RUN_DIR/tmp" setsid bash -c 'echo $$ >"$1/pid"; exec "$2" -m localstack.runtime.main' \
      ls "$LS_RUN_DIR" "$LS_VENV/bin/python" >"$LS_RUN_DIR/localstack.log" 2>&1 </dev/null
  ) &
  # ls_stop ends it by process group (and with SIGKILL when it takes over
  # 10 s); disowned, the shell does not print a scary "Killed" job line then.
  disown $!
  ls_wait_ready
}

# ls_wait_ready: wait up to LS_START_TIMEOUT s for apigateway; on failure
# print the log, stop what was started, and fail.
ls_wait_ready() {
  local deadline=$((SECONDS + LS_START_TIMEOUT)) pid=
  until ls_service_available apigateway; do
    [[ -z $pid && -s $LS_RUN_DIR/pid ]] && pid=$(cat "$LS_RUN_DIR/pid")
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
      echo "ls_start: LocalStack did not get ready; its log:" >&2
      cat "$LS_RUN_DIR/localstack.log" >&2
      ls_stop
      return 1
    fi
    sleep 0.2
  done
}

# ls_stop: stop the LocalStack that ls_start started (its process group
# only), then remove its run dir. Safe to call twice or without ls_start.
ls_stop() {
  local pid
  [[ -n $LS_RUN_DIR && -d $LS_RUN_DIR ]] || return 0
  if [[ -f $LS_RUN_DIR/pid ]]; then
    pid=$(cat "$LS_RUN_DIR/pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
      done
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$LS_RUN_DIR"
  LS_RUN_DIR=
}

# ls_log: print LocalStack's log so far (for debugging a failed test).
ls_log() {
  [[ -n $LS_RUN_DIR ]] && cat "$LS_RUN_DIR/localstack.log"
}

# ls_stop_on_exit: stop LocalStack however the calling script ends. An EXIT
# trap the caller already has (cleaning up its own temp dir, say) still runs,
# after ls_stop; calling it twice is harmless.
ls_stop_on_exit() {
  local previous
  # `trap -p EXIT` prints the current trap quoted for re-reading:
  # trap -- 'cmd' EXIT; eval unquotes 'cmd'.
  previous=$(trap -p EXIT)
  previous=${previous#"trap -- "}
  previous=${previous%" EXIT"}
  eval "previous=${previous:-''}"
  if [[ $previous != ls_stop && $previous != "ls_stop; "* ]]; then
    # shellcheck disable=SC2064 # expand $previous now: it is the old trap's text
    trap "ls_stop${previous:+; $previous}" EXIT
  fi
  trap 'ls_stop; exit 130' INT
  trap 'ls_stop; exit 143' TERM
}

# -------------------------------------------------------------- terraform ---

# ls_tf_cli_config: write the terraform CLI config (offline: providers from
# the filesystem mirror only, shared plugin cache) and export it.
ls_tf_cli_config() {
  local file=$LS_CACHE/terraform-localstack.tfrc
  mkdir -p "$LS_CACHE/terraform-plugin-cache"
  cat >"$file" <<EOF
plugin_cache_dir = "$LS_CACHE/terraform-plugin-cache"
provider_installation {
  filesystem_mirror {
    path    = "$TF_PLUGIN_MIRROR"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
EOF
  export TF_CLI_CONFIG_FILE=$file
  export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
}

# ls_hcl_string VALUE: VALUE as an HCL quoted string (escapes ", \, ${, %{).
ls_hcl_string() {
  # shellcheck disable=SC2016 # Python code, "${" is literal
  python3 -c 'import json, sys
print(json.dumps(sys.argv[1]).replace("${", "$${").replace("%{", "%%{"))' "$1"
}

# ls_wrap_module MODULE_DIR OUT_DIR [name=value | name:=hcl ...]
# Writes OUT_DIR/main.tf: a root module with an aws provider pointed at
# LocalStack and `module "api"` using MODULE_DIR, passing each name=value as
# a string (name:=expr passes expr as raw HCL: numbers, lists, maps, null).
# Outputs rest_api_id and stage_name from the module.
ls_wrap_module() {
  local module out arg name value args=""
  module=$(cd "$1" && pwd) || return 1
  out=$2
  shift 2
  for arg in "$@"; do
    if [[ $arg == *:=* ]]; then
      name=${arg%%:=*} value=${arg#*:=}
    elif [[ $arg == *=* ]]; then
      name=${arg%%=*} value=$(ls_hcl_string "${arg#*=}")
    else
      echo "ls_wrap_module: expected name=value or name:=hcl, got: $arg" >&2
      return 1
    fi
    if [[ ! $name =~ ^[A-Za-z_][A-Za-z0-9_-]*$ ]]; then
      echo "ls_wrap_module: not a variable name: $name" >&2
      return 1
    fi
    args+="  $name = $value"$'\n'
  done
  mkdir -p "$out"
  cat >"$out/main.tf" <<EOF
# Written by scripts/localstack/env.sh (ls_wrap_module): deploys
# $module
# into LocalStack at $LS_ENDPOINT with test credentials.

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true

  endpoints {
    apigateway = "$LS_ENDPOINT"
    iam        = "$LS_ENDPOINT"
    lambda     = "$LS_ENDPOINT"
    sts        = "$LS_ENDPOINT"
  }
}

module "api" {
  source = $(ls_hcl_string "$module")
$args}

output "rest_api_id" {
  value = module.api.rest_api_id
}

output "stage_name" {
  value = module.api.stage_name
}
EOF
  terraform fmt "$out/main.tf" >/dev/null 2>&1 || true
}

# ls_tf_apply DIR: terraform init (offline) and apply in DIR. Output goes to
# DIR/terraform.log, printed only on failure.
ls_tf_apply() {
  local dir=$1
  ls_tf_cli_config
  if ! terraform -chdir="$dir" init -no-color >"$dir/terraform.log" 2>&1 ||
    ! terraform -chdir="$dir" apply -auto-approve -no-color >>"$dir/terraform.log" 2>&1; then
    echo "ls_tf_apply: terraform failed in $dir:" >&2
    cat "$dir/terraform.log" >&2
    return 1
  fi
}

# ls_tf_plan_clean DIR: true when `terraform plan` in DIR finds nothing to
# change (the deployed API matches the configuration); otherwise prints the
# plan's summary lines and fails.
ls_tf_plan_clean() {
  local rc=0
  ls_tf_cli_config
  terraform -chdir="$1" plan -detailed-exitcode -no-color >"$1/plan.log" 2>&1 || rc=$?
  ((rc == 0)) && return 0
  grep -E '^  # |^Plan:|Error' "$1/plan.log" >&2
  return 1
}

# ls_tf_output DIR NAME: the raw value of output NAME.
ls_tf_output() {
  terraform -chdir="$1" output -raw "$2"
}

# ------------------------------------------------------------------ probe ---

# ls_probe ARGS...: run probe.py against this LocalStack.
ls_probe() {
  python3 "$LS_HERE/probe.py" --endpoint "$LS_ENDPOINT" "$@"
}
