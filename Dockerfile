# syntax=docker/dockerfile:1
# Faro's container image: built with the whole toolchain, run with only the
# production dependencies and the build, as an unprivileged user.
#   docker build -t faro .
#   docker run -p 8080:8080 -v faro-data:/var/lib/faro -v faro-key:/var/lib/faro-key faro
# (a demo on the embedded database). A deployment on PostgreSQL with web and
# worker processes behind Caddy: deploy/compose.yaml and docs/DEPLOY.md.
# scripts/dockerfile-dry-run.mjs runs these steps without Docker (test/e2e/dockerfile.e2e.test.ts).

FROM node:20-slim AS build
WORKDIR /app
# The dependencies first, so a change of the source alone reuses this layer. Their own install
# scripts run (npm rebuild); Faro's own (prepare: the build) waits for the source below.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    FARO_DATA_DIR=/var/lib/faro/data \
    FARO_SECRET_KEY_FILE=/var/lib/faro-key/faro.key \
    WEB_DIST_DIR=/app/dist/web
WORKDIR /app
RUN groupadd --system --gid 10001 faro \
 && useradd --system --uid 10001 --gid faro --home-dir /var/lib/faro --no-create-home --shell /usr/sbin/nologin faro \
 && mkdir -p /var/lib/faro /var/lib/faro-key \
 && chown faro:faro /var/lib/faro /var/lib/faro-key \
 && chmod 0700 /var/lib/faro /var/lib/faro-key
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/drizzle ./drizzle
USER faro
# The embedded database's folder, and the server key apart from it (a backup of the data must
# not carry the key that opens it). On PostgreSQL set FARO_SECRET_KEY instead and neither is used.
VOLUME ["/var/lib/faro", "/var/lib/faro-key"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# the options of `npm start` in package.json: a larger young generation, so a fan-out spends less of its time collecting garbage.
ENTRYPOINT ["node", "--max-semi-space-size=64", "bin/faro.js"]
CMD ["start"]
