# The Node 20 image of opencharge-merchant: compiled JavaScript (dist/), no TypeScript at run time.
#
# Build stage: the full install (TypeScript included) compiles dist/; better-sqlite3 may compile from source
# (node-gyp needs python3, make, g++). Then the dev dependencies are pruned. Those tools stay out of the
# runtime image. Bun is a devDependency, so this image runs the server on Node only.

FROM node:20-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (the build) needs the sources, copied below; install scripts run in the rebuild.
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3 secp256k1
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-slim
WORKDIR /app
ENV OC_HOST=0.0.0.0 \
    OC_PORT=8787 \
    OC_DATABASE_URL=file:./data/opencharge.db \
    OC_ENV=production \
    NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
# The image's own `node` user (uid 1000) owns only the data directory.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 8787
# /healthz answers 200 {"status":"ok"} once the server listens (Node 20's fetch; no curl in the slim image).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.OC_PORT || 8787) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node is PID 1 and handles SIGTERM itself (`serve` closes the server and the database, then exits 0).
CMD ["node", "dist/cli/main.js", "serve"]
