#!/usr/bin/env bash
# `npm start`: installs what is missing, starts the local stack and the four services, seeds the
# demo organization and prints how to sign in. Runs in the foreground; Ctrl-C stops the services
# (the stack keeps running: `npm run stack -- down` stops it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install.sh
bash scripts/stack.sh up
eval "$(bash scripts/stack.sh env)"
# Each service gets its own read-model database and event-store database on the stack's servers,
# including ports overridden for stack.sh. A shared MONGODB_URL would merge the read models.
mongodb_server=${MONGODB_URL%/*}
unset MONGODB_URL
declare -A event_store_urls=([identity]=$EVENT_STORE_PG_URL_IDENTITY [inbox]=$EVENT_STORE_PG_URL_INBOX [org-admin]=$EVENT_STORE_PG_URL_ORG_ADMIN)
declare -A databases=([identity]=identity [inbox]=inbox [notifier]=notifier [org-admin]=org_admin)
npm run --silent build

mkdir -p .stack/logs
declare -A ports=([identity]=${IDENTITY_HTTP_PORT:-3001} [inbox]=${INBOX_HTTP_PORT:-3002} [notifier]=${NOTIFIER_HTTP_PORT:-3003} [org-admin]=${ORG_ADMIN_HTTP_PORT:-3000})
pids=()

stop_services() {
  echo "start: stopping services"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_services EXIT
trap 'exit 130' INT TERM
# npm does not pass SIGTERM on to this script, so the loop at the end also stops the services
# when the process that started the script is gone.
parent_pid=$PPID

for service in identity inbox notifier org-admin; do
  if curl -fsS -o /dev/null "http://127.0.0.1:${ports[$service]}/health" 2>/dev/null; then
    echo "start: port ${ports[$service]} already responds to /health; stop the other instance first" >&2
    exit 1
  fi
  MONGODB_URL="$mongodb_server/${databases[$service]}" EVENT_STORE_PG_URL="${event_store_urls[$service]:-}" \
    node "dist/apps/$service/src/main.js" >>".stack/logs/$service.log" 2>&1 &
  pids+=("$!")
  echo "start: $service (pid $!, http://127.0.0.1:${ports[$service]}, log .stack/logs/$service.log)"
done

deadline=$((SECONDS + 120))
for service in identity inbox notifier org-admin; do
  until curl -fsS -o /dev/null "http://127.0.0.1:${ports[$service]}/health" 2>/dev/null; do
    if (( SECONDS > deadline )); then
      echo "start: $service did not become healthy within 120 s; last log lines:" >&2
      tail -n 20 ".stack/logs/$service.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "start: $service is healthy"
done

node scripts/seed-demo.mjs

cat <<INFO

The system is up.
  Sign in:        http://127.0.0.1:${ports[org-admin]}/signin  ("Sign in with Microsoft")
  Local Entra:    ${ENTRA_AUTHORITY_HOST:-http://127.0.0.1:4011}  (type admin@contoso.example, the organization owner; no password)
  Emails sent:    ${SMTP_SINK_API:-http://127.0.0.1:4012}/messages
  Logs:           .stack/logs/
Press Ctrl-C to stop the services.
INFO

while kill -0 "$parent_pid" 2>/dev/null; do
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "start: a service exited; see .stack/logs/" >&2
      exit 1
    fi
  done
  sleep 1
done
echo "start: the parent process is gone; stopping the services"
