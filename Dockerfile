# One image for every role: `--role api|worker|all`, `--role migrate` as a one-shot command, and the
# Atlassian emulator (`--entrypoint node … dist/emulator.js`). It runs compiled JavaScript (dist/),
# production dependencies only, as the non-root `node` user, on Node.js 24 (an LTS line; the code also
# runs on 20.18+ and 22, docs/operations.md#deploy-with-docker-compose).
ARG NODE_IMAGE=node:24-bookworm-slim

# The compiled build: dev dependencies (esbuild) live only in this stage.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the project's own `prepare` would build before src/ is here (it is built below);
# no dependency needs an install script (esbuild's only checks its binary).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
RUN node scripts/build.mjs

# Production dependencies alone, in their own stage so that an edit to src/ reuses this layer.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY migrations ./migrations
COPY --from=build /app/dist ./dist
# DATA_DIR for the embedded database when no DATABASE_URL is set (mount a volume there).
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
# The vault shuts down gracefully on SIGTERM (finishes and stores claimed refreshes, releases leases).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A 4 MB young generation: ~25 MB less RSS under token load, scavenges stay cheap (npm run bench).
ENTRYPOINT ["node", "--max-semi-space-size=4", "dist/main.js"]
CMD ["--role", "all"]
