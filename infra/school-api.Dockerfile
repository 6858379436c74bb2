# Multi-stage build of the school API. Build context: the repository root.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /repo
COPY . .
RUN npm ci --no-audit --no-fund && CI=true NX_DAEMON=false NX_NO_CLOUD=true npx nx run @npo/school-api:build --output-style=static \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production NPO_DATA_DIR=/data NPO_HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=node:node /repo /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD node -e "fetch('http://127.0.0.1:'+(process.env.NPO_API_PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "apps/school-api/dist/main.js"]
