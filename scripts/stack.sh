#!/usr/bin/env bash
# Local infrastructure of team-access: Kafka, FerretDB (MongoDB wire protocol), PostgreSQL, the
# Entra OpenID provider stand-in and the SMTP sink, all on 127.0.0.1 and without Docker.
#
# Usage: bash scripts/stack.sh up|down|status|env
#   up      installs what is missing, starts every component that is not running and waits until
#           each is ready; a second up is a no-op. Exits non-zero naming the component that failed.
#   down    stops what up started in this checkout (pid files under $STACK_DIR/pids), SIGTERM first.
#   status  prints each component and whether it is up; exits 0 when all are up, 3 otherwise.
#   env     prints `export NAME=value` lines with the connection settings: eval "$(bash scripts/stack.sh env)"
#
# Environment (default in brackets). Ports are on 127.0.0.1.
#   TEAM_ACCESS_CACHE      downloads and builds shared by every clone [$HOME/.cache/team-access]
#   STACK_DIR              runtime data, pid files and logs of this checkout [<repo>/.stack]
#   STACK_READY_TIMEOUT    seconds each component may take to become ready [120]
#   STACK_STOP_TIMEOUT     seconds a component may take to exit after SIGTERM before SIGKILL [30]
#   KAFKA_PORT             Kafka PLAINTEXT listener [19092]
#   KAFKA_CONTROLLER_PORT  Kafka KRaft controller listener [19093]
#   KAFKA_DATA_DIR         Kafka log and metadata directory [$STACK_DIR/data/kafka]
#   KAFKA_HEAP_OPTS        JVM heap flags of the broker [-Xms256m -Xmx768m]
#   FERRETDB_PORT          FerretDB MongoDB listener [27117]
#   FERRETDB_DATA_DIR      FerretDB SQLite directory [$STACK_DIR/data/ferretdb]
#   FERRETDB_HANDLER       FerretDB backend, postgresql or sqlite [postgresql]; see infra/ferretdb/main.go
#   POSTGRES_PORT          PostgreSQL port [55432]
#   POSTGRES_DATA_DIR      PostgreSQL data directory, owned by user postgres [$STACK_DIR/data/postgres]
#   POSTGRES_CLUSTER       postgresql-common cluster name [teamaccess]
#   POSTGRES_VERSION       PostgreSQL major version from Debian [15]
#   POSTGRES_PASSWORD      password of role team_access [team_access]
#   ENTRA_STAND_IN_PORT    OpenID provider stand-in HTTP port [4011]
#   ENTRA_STAND_IN_DATA    OpenID provider stand-in data directory [$STACK_DIR/data/entra-stand-in]
#   SMTP_SINK_PORT         SMTP sink SMTP port [2525]
#   SMTP_SINK_HTTP_PORT    SMTP sink HTTP API port [4012]
#
# Needs: bash, Node 20 with this repository's node_modules (npm ci), Java 17 and Maven (installed
# from Debian when missing), Go 1.24 or later. PostgreSQL is installed from Debian when missing,
# which needs root (or passwordless sudo).
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
STACK_LIB_DIR="$REPO_ROOT/scripts/lib"

# Absolute, symlink-free paths: pid-file markers and the PostgreSQL cluster check compare them.
absolute_path() {
  realpath -m -- "$1"
}

TEAM_ACCESS_CACHE=$(absolute_path "${TEAM_ACCESS_CACHE:-$HOME/.cache/team-access}")
STACK_DIR=$(absolute_path "${STACK_DIR:-$REPO_ROOT/.stack}")
STACK_LOG_DIR="$STACK_DIR/logs"
STACK_PID_DIR="$STACK_DIR/pids"
STACK_READY_TIMEOUT=${STACK_READY_TIMEOUT:-120}
STACK_STOP_TIMEOUT=${STACK_STOP_TIMEOUT:-30}

KAFKA_PORT=${KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-19093}
KAFKA_DATA_DIR=$(absolute_path "${KAFKA_DATA_DIR:-$STACK_DIR/data/kafka}")
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}

FERRETDB_PORT=${FERRETDB_PORT:-27117}
FERRETDB_DATA_DIR=$(absolute_path "${FERRETDB_DATA_DIR:-$STACK_DIR/data/ferretdb}")
FERRETDB_HANDLER=${FERRETDB_HANDLER:-postgresql}

POSTGRES_PORT=${POSTGRES_PORT:-55432}
POSTGRES_DATA_DIR=$(absolute_path "${POSTGRES_DATA_DIR:-$STACK_DIR/data/postgres}")
POSTGRES_CLUSTER=${POSTGRES_CLUSTER:-teamaccess}
POSTGRES_VERSION=${POSTGRES_VERSION:-15}
POSTGRES_USER=team_access
POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-team_access}

ENTRA_STAND_IN_PORT=${ENTRA_STAND_IN_PORT:-4011}
ENTRA_STAND_IN_DATA=$(absolute_path "${ENTRA_STAND_IN_DATA:-$STACK_DIR/data/entra-stand-in}")
SMTP_SINK_PORT=${SMTP_SINK_PORT:-2525}
SMTP_SINK_HTTP_PORT=${SMTP_SINK_HTTP_PORT:-4012}

# shellcheck source=scripts/lib/common.sh
source "$STACK_LIB_DIR/common.sh"
# shellcheck source=scripts/lib/kafka.sh
source "$STACK_LIB_DIR/kafka.sh"
# shellcheck source=scripts/lib/ferretdb.sh
source "$STACK_LIB_DIR/ferretdb.sh"
# shellcheck source=scripts/lib/postgres.sh
source "$STACK_LIB_DIR/postgres.sh"
# shellcheck source=scripts/lib/node-services.sh
source "$STACK_LIB_DIR/node-services.sh"

validate_settings() {
  local name

  for name in KAFKA_PORT KAFKA_CONTROLLER_PORT FERRETDB_PORT POSTGRES_PORT ENTRA_STAND_IN_PORT SMTP_SINK_PORT SMTP_SINK_HTTP_PORT; do
    if ! [[ ${!name} =~ ^[0-9]+$ ]] || ((${!name} < 1 || ${!name} > 65535)); then
      die "invalid $name=${!name}: expected a TCP port number from 1 to 65535"
    fi
  done

  for name in STACK_READY_TIMEOUT STACK_STOP_TIMEOUT; do
    [[ ${!name} =~ ^[1-9][0-9]*$ ]] || die "invalid $name=${!name}: expected a whole number of seconds"
  done

  [[ $FERRETDB_HANDLER == sqlite || $FERRETDB_HANDLER == postgresql ]] ||
    die "invalid FERRETDB_HANDLER=$FERRETDB_HANDLER: expected sqlite or postgresql"
}

# Installs Debian packages "$@" with apt-get, non-interactively, as root or through passwordless sudo.
install_debian_packages() {
  local -a run_as_root=()

  if ((EUID != 0)); then
    if ! command -v sudo >/dev/null || ! sudo -n true 2>/dev/null; then
      die "installing $* needs root: run this script as root, or install $* and run up again"
    fi
    run_as_root=(sudo -n)
  fi

  log "installing Debian packages: $* (apt-get output in $STACK_LOG_DIR/apt.log)"
  if ! "${run_as_root[@]}" apt-get update >>"$STACK_LOG_DIR/apt.log" 2>&1 ||
    ! "${run_as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >>"$STACK_LOG_DIR/apt.log" 2>&1; then
    fail_component "apt-get" "installing $* failed" "$STACK_LOG_DIR/apt.log"
  fi
}

require_node_modules() {
  command -v node >/dev/null || die "node is missing; install Node.js 20 and run npm ci in $REPO_ROOT"

  (cd "$REPO_ROOT" && node -e "require.resolve('kafkajs'); require.resolve('mongodb')" 2>/dev/null) ||
    die "kafkajs or mongodb is missing from $REPO_ROOT/node_modules (the readiness probes use them); run npm ci in $REPO_ROOT"
}

# Prints one status line: NAME, up/down, and the pid and address when known.
print_status() {
  local name=$1 marker=$2 port=$3 pid

  if pid=$(running_pid "$name" "$marker"); then
    if port_open "$port"; then
      printf '  %-16s up        pid %s, 127.0.0.1:%s\n' "$name" "$pid" "$port"
    else
      printf '  %-16s starting  pid %s, 127.0.0.1:%s not accepting connections yet\n' "$name" "$pid" "$port"
      STATUS_ALL_UP=false
    fi
  elif port_open "$port"; then
    printf '  %-16s down      (127.0.0.1:%s is taken by a process this checkout did not start)\n' "$name" "$port"
    STATUS_ALL_UP=false
  else
    printf '  %-16s down\n' "$name"
    STATUS_ALL_UP=false
  fi
}

print_absent() {
  printf '  %-16s absent    (%s)\n' "$1" "$2"
}

command_up() {
  local started_ms elapsed_ms build_pid build_status=0
  started_ms=$(now_ms)

  require_node_modules
  ensure_postgres_installed

  # The FerretDB build (a minute when cold) runs beside the Maven copy of the Kafka jars and the
  # Kafka and PostgreSQL starts.
  ensure_ferretdb_binary &
  build_pid=$!
  ensure_kafka_libs

  # Kafka first: its JVM start is the slowest, and readiness is awaited only after all started.
  start_kafka
  start_postgres
  wait_postgres
  provision_postgres

  wait "$build_pid" || build_status=$?
  ((build_status == 0)) || exit "$build_status"
  start_ferretdb
  start_entra_stand_in
  start_smtp_sink

  wait_kafka
  log "kafka: ready"
  wait_ferretdb
  log "ferretdb: ready"
  log "postgres: ready"
  wait_entra_stand_in
  [[ -f $(entra_stand_in_script) ]] && log "entra-stand-in: ready"
  wait_smtp_sink
  [[ -f $(smtp_sink_script) ]] && log "smtp-sink: ready"

  elapsed_ms=$(($(now_ms) - started_ms))
  log "up: stack ready in $((elapsed_ms / 1000)).$((elapsed_ms % 1000 / 100))s (logs in $STACK_LOG_DIR)"
}

command_down() {
  stop_smtp_sink
  stop_entra_stand_in
  stop_ferretdb
  stop_kafka
  stop_postgres
}

command_status() {
  STATUS_ALL_UP=true

  printf 'team-access stack (%s)\n' "$STACK_DIR"
  status_kafka
  status_ferretdb
  status_postgres
  status_entra_stand_in
  status_smtp_sink

  [[ $STATUS_ALL_UP == true ]] || return 3
}

command_env() {
  local pg="postgres://$POSTGRES_USER:$POSTGRES_PASSWORD@127.0.0.1:$POSTGRES_PORT"

  cat <<EOF
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
export MONGODB_URL=mongodb://127.0.0.1:$FERRETDB_PORT/team_access
export EVENT_STORE_PG_URL_IDENTITY=$pg/identity
export EVENT_STORE_PG_URL_INBOX=$pg/inbox
export EVENT_STORE_PG_URL_ORG_ADMIN=$pg/org_admin
export EVENT_STORE_PG_URL_TEST=$pg/team_access_test
export ENTRA_AUTHORITY_HOST=http://127.0.0.1:$ENTRA_STAND_IN_PORT
export SMTP_URL=smtp://127.0.0.1:$SMTP_SINK_PORT
export SMTP_SINK_API=http://127.0.0.1:$SMTP_SINK_HTTP_PORT
EOF
}

# Re-runs this script under flock(1) on this checkout's lock file, so two up/down runs never
# interleave. flock -o closes the lock descriptor before running the script, so the daemons that
# up starts cannot inherit it and hold the lock after up has exited.
run_with_stack_lock() {
  local lock_file="$STACK_DIR/stack.lock"

  local status=0

  mkdir -p "$STACK_DIR"
  STACK_LOCK_HELD=1 flock -o -w 300 -E 75 "$lock_file" bash "${BASH_SOURCE[0]}" "$@" || status=$?
  if ((status == 75)); then
    die "timed out after 300s waiting for $lock_file: another up or down of this checkout is running"
  fi
  exit "$status"
}

prepare_directories() {
  mkdir -p "$STACK_LOG_DIR" "$STACK_PID_DIR" "$STACK_DIR/data" "$TEAM_ACCESS_CACHE"
}

main() {
  validate_settings

  if [[ ${1:-} == up || ${1:-} == down ]] && [[ ${STACK_LOCK_HELD:-} != 1 ]]; then
    run_with_stack_lock "$@"
  fi
  # The components started below must not inherit the flag.
  unset STACK_LOCK_HELD

  case "${1:-}" in
    up) prepare_directories && command_up ;;
    down) prepare_directories && command_down ;;
    status) command_status ;;
    env) command_env ;;
    *)
      printf 'usage: bash scripts/stack.sh up|down|status|env\n' >&2
      exit 64
      ;;
  esac
}

main "$@"
