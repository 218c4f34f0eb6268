# venue-recorder container: build on Node 22 LTS (better-sqlite3 compiled from source), run as a non-root user
# with Debian's ffmpeg, the data directory on a volume, and SIGTERM delivered straight to node (PID 1).
# Node 22 is the line .ci/run also tests on (see .ci/node-versions); engines in package.json admits 20, 22 and 24.

FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# .prebuild-installrc makes better-sqlite3's install compile from source with node-gyp instead of downloading a
# prebuilt binary (not npm's configuration: npm 11 warns about keys it does not know, and later majors refuse them).
COPY package.json package-lock.json .prebuild-installrc ./
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system venue && useradd --system --gid venue --home-dir /app venue \
 && mkdir -p /data && chown venue:venue /data
WORKDIR /app
COPY --from=build --chown=venue:venue /app/node_modules ./node_modules
COPY --from=build --chown=venue:venue /app/dist ./dist
COPY --chown=venue:venue package.json ./
USER venue
ENV NODE_ENV=production DATA_DIR=/data HOST=0.0.0.0 PORT=8080
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/main.js"]
