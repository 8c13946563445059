# PostgreSQL 15 from Debian, as a dedicated cluster (postgresql-common's pg_createcluster) whose data
# directory lives in this checkout. Sourced by scripts/stack.sh.

postgres_bin_dir() {
  printf '/usr/lib/postgresql/%s/bin' "$POSTGRES_VERSION"
}

ensure_postgres_installed() {
  if command -v pg_ctlcluster >/dev/null && [[ -x "$(postgres_bin_dir)/postgres" ]]; then
    return 0
  fi

  install_debian_packages postgresql "postgresql-$POSTGRES_VERSION"
  [[ -x "$(postgres_bin_dir)/postgres" ]] ||
    die "postgres: $(postgres_bin_dir)/postgres is still missing after apt-get install; this script needs PostgreSQL $POSTGRES_VERSION (Debian 12)"
}

# Prints the data directory of cluster POSTGRES_VERSION/POSTGRES_CLUSTER, or nothing when it does not exist.
postgres_cluster_data_dir() {
  pg_lsclusters --no-header 2>/dev/null |
    awk -v version="$POSTGRES_VERSION" -v cluster="$POSTGRES_CLUSTER" '$1 == version && $2 == cluster { print $6 }'
}

postgres_cluster_online() {
  pg_lsclusters --no-header 2>/dev/null |
    awk -v version="$POSTGRES_VERSION" -v cluster="$POSTGRES_CLUSTER" '$1 == version && $2 == cluster && $4 == "online" { found = 1 } END { exit !found }'
}

# The server runs as user postgres, which needs search permission on every parent of its data
# directory. Adds o+x (search only, no listing) where it is missing, and says so.
ensure_postgres_can_traverse() {
  local dir=$1

  while [[ $dir != / ]]; do
    if ! runuser -u postgres -- test -x "$dir"; then
      log "postgres: granting search permission (chmod o+x) on $dir so the postgres user can reach its data directory"
      chmod o+x "$dir"
    fi
    dir=$(dirname "$dir")
  done
}

# Makes cluster POSTGRES_CLUSTER exist with its data in POSTGRES_DATA_DIR. A cluster of that name
# whose data directory is elsewhere (another checkout) or gone is stopped and dropped first.
ensure_postgres_cluster() {
  local existing_dir

  existing_dir=$(postgres_cluster_data_dir)
  if [[ -n $existing_dir ]]; then
    if [[ $existing_dir == "$POSTGRES_DATA_DIR" && -f "$POSTGRES_DATA_DIR/PG_VERSION" ]]; then
      return 0
    fi

    log "postgres: dropping cluster $POSTGRES_VERSION/$POSTGRES_CLUSTER, whose data directory $existing_dir is not this checkout's $POSTGRES_DATA_DIR (or is gone)"
    pg_dropcluster --stop "$POSTGRES_VERSION" "$POSTGRES_CLUSTER" >>"$STACK_LOG_DIR/postgres-admin.log" 2>&1 ||
      fail_component postgres "pg_dropcluster --stop $POSTGRES_VERSION $POSTGRES_CLUSTER failed" "$STACK_LOG_DIR/postgres-admin.log"
  fi

  # A data directory left behind without its cluster configuration cannot be adopted safely.
  if [[ -e $POSTGRES_DATA_DIR ]]; then
    log "postgres: removing stale data directory $POSTGRES_DATA_DIR, which has no cluster configuration"
    rm -rf "$POSTGRES_DATA_DIR"
  fi

  mkdir -p "$(dirname "$POSTGRES_DATA_DIR")"
  ensure_postgres_can_traverse "$(dirname "$POSTGRES_DATA_DIR")"

  log "postgres: creating cluster $POSTGRES_VERSION/$POSTGRES_CLUSTER on port $POSTGRES_PORT in $POSTGRES_DATA_DIR"
  if ! pg_createcluster "$POSTGRES_VERSION" "$POSTGRES_CLUSTER" \
    --port "$POSTGRES_PORT" --datadir "$POSTGRES_DATA_DIR" --logfile "$STACK_LOG_DIR/postgres.log" \
    --start-conf manual --encoding UTF8 --locale C.UTF-8 \
    -o "listen_addresses='127.0.0.1'" \
    -- --auth-local=peer --auth-host=scram-sha-256 >>"$STACK_LOG_DIR/postgres-admin.log" 2>&1; then
    fail_component postgres "pg_createcluster failed" "$STACK_LOG_DIR/postgres-admin.log"
  fi
}

# Prints the postmaster pid from the cluster's postmaster.pid.
postgres_postmaster_pid() {
  head -n 1 "$POSTGRES_DATA_DIR/postmaster.pid" 2>/dev/null
}

start_postgres() {
  local pid

  if pid=$(running_pid postgres "$POSTGRES_DATA_DIR"); then
    log "postgres: already running (pid $pid)"
    return 0
  fi

  ensure_postgres_installed
  ensure_postgres_cluster

  if postgres_cluster_online; then
    # Our cluster, started earlier by this checkout whose pid file is gone: adopt it.
    log "postgres: cluster $POSTGRES_VERSION/$POSTGRES_CLUSTER already online, adopting it"
  else
    require_free_port postgres "$POSTGRES_PORT"
    # pg_ctlcluster start returns once the server accepts connections, or fails.
    if ! pg_ctlcluster "$POSTGRES_VERSION" "$POSTGRES_CLUSTER" start >>"$STACK_LOG_DIR/postgres-admin.log" 2>&1; then
      fail_component postgres "pg_ctlcluster $POSTGRES_VERSION $POSTGRES_CLUSTER start failed" \
        "$STACK_LOG_DIR/postgres-admin.log" "$STACK_LOG_DIR/postgres.log"
    fi
  fi

  postgres_postmaster_pid >"$(pid_file postgres)"
  log "postgres: started (pid $(<"$(pid_file postgres)"), 127.0.0.1:$POSTGRES_PORT)"
}

wait_postgres() {
  local pid status=0
  pid=$(running_pid postgres "$POSTGRES_DATA_DIR") ||
    fail_component postgres "the postmaster is not running" "$STACK_LOG_DIR/postgres.log"

  poll_until_ready "$pid" "$(postgres_bin_dir)/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT" -t 2 || status=$?
  if ((status != 0)); then
    fail_component postgres "pg_isready -h 127.0.0.1 -p $POSTGRES_PORT did not succeed within ${STACK_READY_TIMEOUT}s" \
      "$STACK_LOG_DIR/postgres.log"
  fi
}

# Creates the role and databases (idempotent), as the postgres superuser over the Unix socket.
provision_postgres() {
  local extra_database=''
  [[ $FERRETDB_HANDLER == postgresql ]] && extra_database=ferretdb

  if ! runuser -u postgres -- "$(postgres_bin_dir)/psql" -X -q -v ON_ERROR_STOP=1 \
    -p "$POSTGRES_PORT" -d postgres \
    -v app_password="$POSTGRES_PASSWORD" -v extra_database="$extra_database" \
    <"$REPO_ROOT/infra/postgres/init.sql" >>"$STACK_LOG_DIR/postgres-admin.log" 2>&1; then
    fail_component postgres "applying infra/postgres/init.sql failed" "$STACK_LOG_DIR/postgres-admin.log"
  fi
}

# Stops the cluster with pg_ctlcluster in its default fast mode (SIGINT: rolls back open
# transactions) when this checkout started it; pg_ctlcluster waits for the server to exit.
stop_postgres() {
  local pid

  if ! pid=$(running_pid postgres "$POSTGRES_DATA_DIR"); then
    log "postgres: not running"
    rm -f "$(pid_file postgres)"
    return 0
  fi

  log "postgres: stopping cluster $POSTGRES_VERSION/$POSTGRES_CLUSTER (pid $pid)"
  pg_ctlcluster "$POSTGRES_VERSION" "$POSTGRES_CLUSTER" stop -- -t "$STACK_STOP_TIMEOUT" \
    >>"$STACK_LOG_DIR/postgres-admin.log" 2>&1 ||
    stop_component postgres "$POSTGRES_DATA_DIR"
  rm -f "$(pid_file postgres)"
  log "postgres: stopped"
}

status_postgres() {
  print_status postgres "$POSTGRES_DATA_DIR" "$POSTGRES_PORT"
}
