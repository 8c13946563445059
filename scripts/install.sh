#!/usr/bin/env bash
# Installs the Node dependencies when node_modules is missing or older than package-lock.json.
# Everything else the system needs (Kafka, FerretDB, PostgreSQL) is installed by scripts/stack.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install: npm ci"
  npm ci --no-audit --no-fund
fi
node scripts/dev-keys.mjs
