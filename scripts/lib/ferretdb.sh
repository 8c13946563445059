# shellcheck shell=bash
# FerretDB 1.24.2, built from our embedding module in infra/ferretdb (see the backend choice in its
# main.go). Sourced by scripts/stack.sh.

# Prints the cached binary path, keyed by the sources that determine the build.
ferretdb_binary() {
  local module="$REPO_ROOT/infra/ferretdb" key
  key=$(cat "$module/go.mod" "$module/go.sum" "$module/main.go" | sha256sum | cut -c1-16)
  printf '%s/ferretdb/%s/ferretdb' "$TEAM_ACCESS_CACHE" "$key"
}

ensure_ferretdb_binary() {
  local binary module="$REPO_ROOT/infra/ferretdb"
  binary=$(ferretdb_binary)

  [[ -x $binary ]] && return 0

  command -v go >/dev/null ||
    die "ferretdb: go is missing; install Go 1.24 or later (go.mod of $module needs it) and run up again"

  mkdir -p "$(dirname "$binary")"
  (
    flock -w 600 9 || die "ferretdb: timed out waiting for the cache lock $(dirname "$binary")/.lock"
    [[ -x $binary ]] && exit 0

    log "ferretdb: building $module into $binary (about a minute on 2 cores on the first run)"
    # GOTOOLCHAIN=local keeps go from fetching another toolchain, and -mod=readonly requires a complete go.sum.
    if ! (cd "$module" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS='-buildvcs=false -mod=readonly' \
      go build -trimpath -o "$binary.tmp.$$" .) >"$STACK_LOG_DIR/ferretdb-build.log" 2>&1; then
      rm -f "$binary.tmp.$$"
      fail_component ferretdb "go build failed in $module" "$STACK_LOG_DIR/ferretdb-build.log"
    fi
    mv "$binary.tmp.$$" "$binary"
  ) 9>"$(dirname "$binary")/.lock"
}

ferretdb_postgresql_url() {
  printf 'postgres://%s:%s@127.0.0.1:%s/ferretdb' "$POSTGRES_USER" "$POSTGRES_PASSWORD" "$POSTGRES_PORT"
}

start_ferretdb() {
  local pid

  if pid=$(running_pid ferretdb ferretdb); then
    log "ferretdb: already running (pid $pid)"
    return 0
  fi
  require_free_port ferretdb "$FERRETDB_PORT"

  mkdir -p "$FERRETDB_DATA_DIR"
  start_background ferretdb "$STACK_LOG_DIR/ferretdb.log" \
    env FERRETDB_LISTEN_ADDR="127.0.0.1:$FERRETDB_PORT" \
    FERRETDB_HANDLER="$FERRETDB_HANDLER" \
    FERRETDB_SQLITE_URL="file:$FERRETDB_DATA_DIR/" \
    FERRETDB_POSTGRESQL_URL="$(ferretdb_postgresql_url)" \
    "$(ferretdb_binary)"
  log "ferretdb: started (pid $(<"$(pid_file ferretdb)"), $FERRETDB_HANDLER backend, 127.0.0.1:$FERRETDB_PORT)"
}

wait_ferretdb() {
  local pid
  pid=$(running_pid ferretdb ferretdb) ||
    fail_component ferretdb "the process exited right after start" "$STACK_LOG_DIR/ferretdb.log"

  wait_node_probe mongo ferretdb "mongodb://127.0.0.1:$FERRETDB_PORT/" "$pid" "$STACK_LOG_DIR/ferretdb.log"
}

stop_ferretdb() {
  stop_component ferretdb "ferretdb"
}

status_ferretdb() {
  print_status ferretdb "ferretdb" "$FERRETDB_PORT"
}
