#!/usr/bin/env bash
# `npm test`: installs what is missing, starts the local stack, builds the services, then runs
# the unit tier and the integration and end-to-end tier. Prints one summary line at the end.
# Arguments are passed to both jest runs, for example `npm test -- apps/inbox`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

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
