# shellcheck shell=bash
# The local Entra OpenID provider stand-in and the SMTP sink: Node scripts under tools/, started when
# their server.mjs exists. Sourced by scripts/stack.sh.

entra_stand_in_script() {
  printf '%s/tools/entra-stand-in/server.mjs' "$REPO_ROOT"
}

smtp_sink_script() {
  printf '%s/tools/smtp-sink/server.mjs' "$REPO_ROOT"
}

# Starts node script $2 as component $1 with the environment assignments "$@" after it, unless it
# is already running or missing. Returns 1 when the script does not exist.
start_node_service() {
  local name=$1 script=$2 port=$3 pid
  shift 3

  if [[ ! -f $script ]]; then
    log "$name: skipped, ${script#"$REPO_ROOT"/} does not exist"
    return 1
  fi

  if pid=$(running_pid "$name" "$script"); then
    log "$name: already running (pid $pid)"
    return 0
  fi
  require_free_port "$name" "$port"

  start_background "$name" "$STACK_LOG_DIR/$name.log" env "$@" node "$script"
  log "$name: started (pid $(<"$(pid_file "$name")"), 127.0.0.1:$port)"
}

start_entra_stand_in() {
  mkdir -p "$ENTRA_STAND_IN_DATA"
  start_node_service entra-stand-in "$(entra_stand_in_script)" "$ENTRA_STAND_IN_PORT" \
    ENTRA_STAND_IN_PORT="$ENTRA_STAND_IN_PORT" ENTRA_STAND_IN_DATA="$ENTRA_STAND_IN_DATA" || true
}

start_smtp_sink() {
  start_node_service smtp-sink "$(smtp_sink_script)" "$SMTP_SINK_HTTP_PORT" \
    SMTP_SINK_PORT="$SMTP_SINK_PORT" SMTP_SINK_HTTP_PORT="$SMTP_SINK_HTTP_PORT" || true
}

# Waits on GET $3 for component $1 (script $2) if that script exists.
wait_node_service() {
  local name=$1 script=$2 health_url=$3 pid

  [[ -f $script ]] || return 0

  pid=$(running_pid "$name" "$script") ||
    fail_component "$name" "the process exited right after start" "$STACK_LOG_DIR/$name.log"
  wait_node_probe http "$name" "$health_url" "$pid" "$STACK_LOG_DIR/$name.log"
}

wait_entra_stand_in() {
  wait_node_service entra-stand-in "$(entra_stand_in_script)" "http://127.0.0.1:$ENTRA_STAND_IN_PORT/healthz"
}

wait_smtp_sink() {
  wait_node_service smtp-sink "$(smtp_sink_script)" "http://127.0.0.1:$SMTP_SINK_HTTP_PORT/healthz"
}

stop_entra_stand_in() {
  stop_component entra-stand-in "$(entra_stand_in_script)"
}

stop_smtp_sink() {
  stop_component smtp-sink "$(smtp_sink_script)"
}

status_entra_stand_in() {
  if [[ ! -f $(entra_stand_in_script) ]]; then
    print_absent entra-stand-in "tools/entra-stand-in/server.mjs does not exist"
    return 0
  fi
  print_status entra-stand-in "$(entra_stand_in_script)" "$ENTRA_STAND_IN_PORT"
}

status_smtp_sink() {
  if [[ ! -f $(smtp_sink_script) ]]; then
    print_absent smtp-sink "tools/smtp-sink/server.mjs does not exist"
    return 0
  fi
  print_status smtp-sink "$(smtp_sink_script)" "$SMTP_SINK_HTTP_PORT"
}
