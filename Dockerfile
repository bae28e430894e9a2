# localmcp as a container: `docker compose up` (docker-compose.yml) runs it with Redis, Prometheus, Grafana and
# Jaeger. The config is read from LOCALMCP_CONFIG (the compose file mounts deploy/localmcp at /config).
#
# Build stage: the full dev install (TypeScript, oclif) to build dist/ and the oclif manifest, then only the
# production dependencies are kept. g++/make/python3 build hnswlib-node's addon; the faiss plugin's addon needs
# Debian's libfaiss-dev, which is left out (npm ci only warns, and the plugin then reports itself unavailable).
FROM node:20-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends g++ make python3 \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund \
  && npm run build \
  && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    LOCALMCP_HOST=0.0.0.0 \
    LOCALMCP_PORT=7420 \
    LOCALMCP_DATA_DIR=/data \
    LOCALMCP_LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /data /var/log/localmcp && chown node:node /data /var/log/localmcp
USER node
EXPOSE 7420
# /healthz is public (it says only that the process is alive), so the probe needs no token.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:7420/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "/app/cli/bin/run.js"]
CMD ["serve"]
