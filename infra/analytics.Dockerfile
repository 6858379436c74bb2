# The analytics service (apps/analytics): projector, reports, releases. Build context: the repository
# root (see .dockerignore). Multi-stage; runs as the unprivileged `node` user; DuckDB files, releases and
# the signing key (shared with the school API) live in /data. The rebuild CLI is in the image too:
#   docker compose exec analytics node apps/analytics/dist/cli-main.js rebuild
FROM node:20.20.2-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /repo
# node-gyp builds better-sqlite3 and sqlite3 against the headers of the image's own Node.
ENV npm_config_nodedir=/usr/local CI=true NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
COPY . .
RUN npm ci --no-audit --no-fund \
 && npx nx run @npo/analytics:build --output-style=static \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf .nx

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production NPO_DATA_DIR=/data NPO_HOST=0.0.0.0 NPO_ANALYTICS_PORT=3001
WORKDIR /app
# Owned by root: the service can read its code but not change it; it writes only to /data.
COPY --from=build /repo /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.NPO_ANALYTICS_PORT||3001)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/analytics/dist/main.js"]
