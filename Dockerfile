# One image for every service; docker-compose.yml picks the entry point per service.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV COREPACK_ENABLE_STRICT=0 CI=true
# The whole workspace (minus .dockerignore): every package.json is needed for the install.
COPY . .
RUN npx --yes pnpm@10.34.8 install --frozen-lockfile

FROM node:20-bookworm-slim
WORKDIR /app
# HOST: the default is loopback only; in a container the port is published from outside it.
ENV NODE_ENV=production ENVIRONMENT=production PORT=8000 HOST=0.0.0.0
COPY --from=deps /app /app
USER node
EXPOSE 8000
# Each service runs on its own; tsx compiles the TypeScript sources on load.
CMD ["node", "--import", "tsx", "services/ingest/src/main.ts"]
