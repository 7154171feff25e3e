# The Node 20 image of opencharge-merchant. NOT BUILT OR RUN HERE: the machine this was written on has no
# Docker engine, so this file is unverified; build it once (`docker build -t opencharge-merchant .`) before relying on it.
#
# Two stages: better-sqlite3 may compile from source (node-gyp needs python3, make, g++), and those tools
# stay out of the runtime image. Bun is a devDependency, so this image runs the server on Node only.

FROM node:20-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# tsx is a runtime dependency (bin/opencharge-merchant.mjs loads the TypeScript through it), so --omit=dev keeps it.
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-slim
WORKDIR /app
ENV OC_HOST=0.0.0.0 \
    OC_PORT=8787 \
    OC_DATABASE_URL=file:./data/opencharge.db \
    OC_ENV=production
COPY --from=deps /app/node_modules ./node_modules
# tsconfig.json: tsx reads its JSX settings (hono/jsx) from it.
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY migrations ./migrations
# The image's own `node` user (uid 1000) owns only the data directory.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 8787
# Node is PID 1 and handles SIGTERM itself (`serve` closes the server and the database, then exits 0).
CMD ["node", "bin/opencharge-merchant.mjs", "serve"]
