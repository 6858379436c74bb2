# The school API (apps/school-api). Build context: the repository root (see .dockerignore).
# Multi-stage: compile the workspace (native modules need python3, make, g++), keep production
# dependencies only, run as the unprivileged `node` user. The token CLI comes along so tokens can be
# signed with the data dir's key inside the container:
#   docker compose exec school-api node tools/token-cli/dist/main.js --role ocw
FROM node:20.20.2-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /repo
# node-gyp builds better-sqlite3 and sqlite3 against the headers of the image's own Node.
ENV npm_config_nodedir=/usr/local CI=true NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
COPY . .
RUN npm ci --no-audit --no-fund \
 && npx nx run-many -t build --projects=@npo/school-api,@npo/token-cli --output-style=static \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf .nx

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production NPO_DATA_DIR=/data NPO_HOST=0.0.0.0 NPO_API_PORT=3000
WORKDIR /app
# Owned by root: the service can read its code but not change it; it writes only to /data.
COPY --from=build /repo /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.NPO_API_PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/school-api/dist/main.js"]
