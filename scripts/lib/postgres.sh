# shellcheck shell=bash
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
# directory. Adds o+x (search only, no listing) where it is missing, and logs each change.
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

# Frees the cluster name POSTGRES_CLUSTER, registered with data directory $1 of another checkout
# (or with a directory that is gone). When that directory contains the configuration copies written by
# save_postgres_config, only the registration in /etc is removed, so the other checkout's next up
# adopts its data again. Otherwise the cluster is dropped with its data (pg_dropcluster --stop).
release_foreign_postgres_cluster() {
  local foreign_dir=$1
  local conf_dir="/etc/postgresql/$POSTGRES_VERSION/$POSTGRES_CLUSTER"

  if [[ -f "$foreign_dir/PG_VERSION" && -f "$foreign_dir/postgresql.conf" ]]; then
    log "postgres: unregistering cluster $POSTGRES_VERSION/$POSTGRES_CLUSTER of $foreign_dir (data kept, its checkout re-registers it on up)"
    if postgres_cluster_online; then
      pg_ctlcluster "$POSTGRES_VERSION" "$POSTGRES_CLUSTER" stop -- -t "$STACK_STOP_TIMEOUT" >>"$STACK_LOG_DIR/postgres-admin.log" 2>&1 ||
        fail_component postgres "pg_ctlcluster $POSTGRES_VERSION $POSTGRES_CLUSTER stop failed" "$STACK_LOG_DIR/postgres-admin.log"
    fi
    rm -rf "$conf_dir"
    return 0
  fi

  log "postgres: dropping cluster $POSTGRES_VERSION/$POSTGRES_CLUSTER, whose data directory $foreign_dir is not this checkout's $POSTGRES_DATA_DIR"
  pg_dropcluster --stop "$POSTGRES_VERSION" "$POSTGRES_CLUSTER" >>"$STACK_LOG_DIR/postgres-admin.log" 2>&1 ||
    fail_component postgres "pg_dropcluster --stop $POSTGRES_VERSION $POSTGRES_CLUSTER failed" "$STACK_LOG_DIR/postgres-admin.log"
}

# Makes cluster POSTGRES_CLUSTER exist with its data in POSTGRES_DATA_DIR. A cluster of that name
# whose data directory is elsewhere (another checkout) or gone is released first.
ensure_postgres_cluster() {
  local existing_dir

  existing_dir=$(postgres_cluster_data_dir)
  if [[ -n $existing_dir ]]; then
    if [[ $existing_dir == "$POSTGRES_DATA_DIR" && -f "$POSTGRES_DATA_DIR/PG_VERSION" ]]; then
      return 0
    fi

    release_foreign_postgres_cluster "$existing_dir"
  fi

  # The data directory is still here when only the registration is gone (another checkout dropped
  # it). pg_createcluster adopts a data directory that contains its postgresql.conf, which
  # save_postgres_config keeps there, so the databases survive.
  if [[ -f "$POSTGRES_DATA_DIR/PG_VERSION" && -f "$POSTGRES_DATA_DIR/postgresql.conf" ]]; then
    log "postgres: registering the existing data directory $POSTGRES_DATA_DIR as cluster $POSTGRES_VERSION/$POSTGRES_CLUSTER"
    if pg_createcluster "$POSTGRES_VERSION" "$POSTGRES_CLUSTER" \
      --port "$POSTGRES_PORT" --datadir "$POSTGRES_DATA_DIR" --logfile "$STACK_LOG_DIR/postgres.log" \
      --start-conf manual >>"$STACK_LOG_DIR/postgres-admin.log" 2>&1; then
      return 0
    fi
    warn "postgres: pg_createcluster could not adopt $POSTGRES_DATA_DIR (see $STACK_LOG_DIR/postgres-admin.log); creating an empty cluster instead"
  fi

  if [[ -e $POSTGRES_DATA_DIR ]]; then
    log "postgres: removing data directory $POSTGRES_DATA_DIR, which no cluster uses and which cannot be adopted"
    rm -rf "$POSTGRES_DATA_DIR"
  fi

  mkdir -p "$(dirname "$POSTGRES_DATA_DIR")"
  ensure_postgres_can_traverse "$(dirname "$POSTGRES_DATA_DIR")"

  log "postgres: creating cluster $POSTGRES_VERSION/$POSTGRES_CLUSTER on port $POSTGRES_PORT in $POSTGRES_DATA_DIR"
  if ! pg_createcluster "$POSTGRES_VERSION" "$POSTGRES_CLUSTER" \
    --port "$POSTGRES_PORT" --datadir "$POSTGRES_DATA_DIR" --logfile "$STACK_LOG_DIR/postgres.log" \
    --start-conf manual --encoding UTF8 --locale C.UTF-8 \
    -- --auth-local=peer --auth-host=scram-sha-256 >>"$STACK_LOG_DIR/postgres-admin.log" 2>&1; then
    fail_component postgres "pg_createcluster failed" "$STACK_LOG_DIR/postgres-admin.log"
  fi
}

# Writes the settings of this stack into the cluster's conf.d, which Debian's postgresql.conf
# includes last. Done on every start, so a cluster created by an older version of this script heals.
configure_postgres_cluster() {
  local conf_dir="/etc/postgresql/$POSTGRES_VERSION/$POSTGRES_CLUSTER/conf.d"

  mkdir -p "$conf_dir"
  cat >"$conf_dir/team-access.conf" <<EOF
# Written by scripts/stack.sh on every up.
listen_addresses = '127.0.0.1'
port = $POSTGRES_PORT
password_encryption = 'scram-sha-256'
EOF
}

# Copies the cluster's configuration files from /etc into its data directory, for adoption by a
# later pg_createcluster (see ensure_postgres_cluster). The server reads only the /etc copies.
save_postgres_config() {
  local conf_dir="/etc/postgresql/$POSTGRES_VERSION/$POSTGRES_CLUSTER" file

  for file in postgresql.conf pg_hba.conf pg_ident.conf; do
    install -o postgres -g postgres -m 0600 "$conf_dir/$file" "$POSTGRES_DATA_DIR/$file"
  done
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
  configure_postgres_cluster
  save_postgres_config

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

# Stops the cluster when this checkout started it. pg_ctlcluster uses fast mode (SIGINT, which rolls
# back open transactions) and waits for the server to exit.
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
