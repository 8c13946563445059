# shellcheck shell=bash
# Shared helpers for scripts/stack.sh: progress output, pid files, background start, graceful stop
# and bounded readiness waits. It is sourced, never run on its own, and expects STACK_DIR,
# STACK_LOG_DIR, STACK_PID_DIR, STACK_READY_TIMEOUT and STACK_STOP_TIMEOUT to be set.

log() {
  printf '[stack] %s\n' "$*"
}

warn() {
  printf '[stack] WARNING: %s\n' "$*" >&2
}

die() {
  printf '[stack] ERROR: %s\n' "$*" >&2
  exit 1
}

# Prints milliseconds since the epoch, for the progress timings.
now_ms() {
  date +%s%3N
}

pid_file() {
  printf '%s/%s.pid' "$STACK_PID_DIR" "$1"
}

# Prints the pid recorded for component $1 and returns 0 when that process is alive and its command
# line contains $2. The marker check keeps a reused pid from being taken for the component.
running_pid() {
  local name=$1 marker=$2
  local file pid cmdline

  file=$(pid_file "$name")
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1

  # A zombie has an empty command line, so a component that exited reads as stopped here.
  cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  [[ $cmdline == *"$marker"* ]] || return 1

  printf '%s' "$pid"
}

# Starts "$@" detached from this shell (own session, no standard input), appending its output to
# log file $2, and records its pid for component $1.
start_background() {
  local name=$1 logfile=$2
  shift 2

  # setsid execs without forking here: a background child of a shell without job control is not a
  # process group leader. So $! is the pid of the component itself.
  setsid "$@" >>"$logfile" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$(pid_file "$name")"
}

# Returns 0 when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Fails when port $2 is taken by a process this checkout did not start, naming component $1.
require_free_port() {
  local name=$1 port=$2

  if port_open "$port"; then
    die "$name: port 127.0.0.1:$port is already in use by a process this checkout did not start." \
      "Stop it (for another checkout: bash scripts/stack.sh down there), or set another port, see the top of scripts/stack.sh."
  fi
}

# Prints the last lines of each log file given, for a failed start.
show_log_tail() {
  local file

  for file in "$@"; do
    if [[ -s $file ]]; then
      printf '[stack] ---- last 40 lines of %s ----\n' "$file" >&2
      tail -n 40 "$file" >&2
      printf '[stack] ---- end of %s ----\n' "$file" >&2
    else
      printf '[stack] (log %s is empty or missing)\n' "$file" >&2
    fi
  done
}

# Reports a component that did not become ready and exits non-zero.
# Usage: fail_component NAME REASON LOGFILE...
fail_component() {
  local name=$1 reason=$2
  shift 2

  printf '[stack] ERROR: %s failed: %s\n' "$name" "$reason" >&2
  show_log_tail "$@"
  exit 1
}

# Runs "$@" until it succeeds or STACK_READY_TIMEOUT seconds pass, polling every 0.25 s.
# Returns 1 on timeout, and 2 at once when pid $1 (if not empty) has exited.
poll_until_ready() {
  local pid=$1
  shift
  local deadline=$(($(date +%s) + STACK_READY_TIMEOUT))

  while true; do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi

    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      return 2
    fi

    if (($(date +%s) >= deadline)); then
      return 1
    fi

    sleep 0.25
  done
}

# Sends SIGTERM to component $1 (marker $2) if this checkout started it, waits up to
# STACK_STOP_TIMEOUT seconds for it to exit, then falls back to SIGKILL with a warning.
stop_component() {
  local name=$1 marker=$2
  local pid deadline

  if ! pid=$(running_pid "$name" "$marker"); then
    log "$name: not running"
    rm -f "$(pid_file "$name")"
    return 0
  fi

  log "$name: stopping (SIGTERM to pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true

  deadline=$(($(date +%s) + STACK_STOP_TIMEOUT))
  while running_pid "$name" "$marker" >/dev/null; do
    if (($(date +%s) >= deadline)); then
      warn "$name: pid $pid still running ${STACK_STOP_TIMEOUT}s after SIGTERM, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done

  rm -f "$(pid_file "$name")"
  log "$name: stopped"
}

# Runs node probe $1 (scripts/lib/probe.mjs) for component $2 against target $3 with the ready
# deadline, watching pid $4. On failure it reports the component with log files $5...
wait_node_probe() {
  local kind=$1 name=$2 target=$3 pid=$4
  shift 4
  local output status=0

  output=$(node "$STACK_LIB_DIR/probe.mjs" "$kind" "$target" \
    --timeout-ms "$((STACK_READY_TIMEOUT * 1000))" --pid "$pid" 2>&1) || status=$?

  if ((status != 0)); then
    fail_component "$name" "${output:-probe of $target failed with exit code $status}" "$@"
  fi
}
