# syntax=docker/dockerfile:1
# One image per service of the monorepo, chosen with the build argument APP:
#   docker build --build-arg APP=identity -t team-access/identity .
# APP is one of identity, inbox, org-admin, notifier; the entry is dist/apps/$APP/src/main.js.

ARG NODE_IMAGE=node:20-bookworm-slim

# Compiles the whole monorepo with the same command as a developer (npm run build).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY libs libs
COPY apps apps
# scripts/demo.ts is part of the build and imports helpers from test/support.
COPY scripts scripts
COPY test test
RUN npm run build

# Production dependencies only, installed from the same lockfile.
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ARG APP
ENV NODE_ENV=production \
    APP=${APP}
WORKDIR /app

COPY --from=production-dependencies /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
# Creates the local session and personal-data keys; docker-compose.yml runs it once in a keys volume.
COPY scripts/dev-keys.mjs scripts/dev-keys.mjs

# Fails the build early on a missing or unknown APP instead of at container start.
RUN test -n "${APP}" || { echo "missing build argument APP: use identity, inbox, org-admin or notifier" >&2; exit 1; }; \
    test -f "dist/apps/${APP}/src/main.js" || { echo "invalid APP=${APP}: dist/apps/${APP}/src/main.js does not exist" >&2; exit 1; }; \
    mkdir -p /keys && chown node:node /keys

USER node
# exec makes node PID 1, so SIGTERM from docker stop reaches the service.
CMD ["sh", "-c", "exec node dist/apps/${APP}/src/main.js"]
