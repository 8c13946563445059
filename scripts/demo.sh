#!/usr/bin/env bash
# `npm run demo`: installs what is missing, starts the stack, builds, and runs scripts/demo.ts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install.sh
bash scripts/stack.sh up
eval "$(bash scripts/stack.sh env)"
npm run --silent build
npx ts-node --transpile-only scripts/demo.ts
