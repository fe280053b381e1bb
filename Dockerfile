# syntax=docker/dockerfile:1
# runnerbot: `docker build -t runnerbot .` then `docker run runnerbot all` (see docker-compose.yml).

# Production dependencies only.
FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# src/ compiled to plain JavaScript: no compiler in the running process (about 25 MB less RSS).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
RUN npm run build

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    RUNNERBOT_CONFIG=/etc/runnerbot/runnerbot.yaml
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
# The validation jobs `runnerbot validation install` commits into the validation project.
COPY validation ./validation
# The SSH known-hosts file lives in /var/lib/runnerbot (docker-compose.yml mounts a volume there):
# made here, owned by `node`, so that a new named volume starts out writable by runnerbot.
RUN mkdir -p /var/lib/runnerbot && chown node:node /var/lib/runnerbot && chmod 0700 /var/lib/runnerbot
# The image's `node` user (uid 1000): runnerbot needs no privileges.
USER node
EXPOSE 3000
# /healthz answers 200 while Redis answers PING. Set PORT when http.port is not 3000.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/main.js"]
CMD ["all"]
