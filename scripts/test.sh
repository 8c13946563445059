#!/usr/bin/env bash
# `npm test`: installs what is missing, starts the local stack, builds the services, then runs
# the unit tier and the integration and end-to-end tier. Prints one summary line at the end.
# Arguments are passed to both jest runs, for example `npm test -- apps/inbox`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The tests share the local Kafka with `npm start`: services of both would join the same consumer
# groups and take each other's messages, so a running `npm start` has to stop first.
for port in "${ORG_ADMIN_HTTP_PORT:-3000}" "${IDENTITY_HTTP_PORT:-3001}" "${INBOX_HTTP_PORT:-3002}" "${NOTIFIER_HTTP_PORT:-3003}"; do
  if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/health" 2>/dev/null; then
    echo "test: a service responds on port $port (probably npm start). Stop it first: its Kafka consumers would take the tests' messages." >&2
    exit 1
  fi
done

bash scripts/install.sh
bash scripts/stack.sh up
eval "$(bash scripts/stack.sh env)"
npm run --silent build

results=.stack/test-results
mkdir -p "$results"
rm -f "$results"/*.json

status=0
npx jest --selectProjects unit --json --outputFile="$results/unit.json" "$@" || status=$?
npx jest --selectProjects integration --runInBand --json --outputFile="$results/integration.json" "$@" || status=$?

node -e '
  const fs = require("node:fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const file of fs.readdirSync(process.argv[1])) {
    const report = JSON.parse(fs.readFileSync(`${process.argv[1]}/${file}`, "utf8"));
    passed += report.numPassedTests;
    failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
    skipped += report.numPendingTests;
  }
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results"
exit "$status"
