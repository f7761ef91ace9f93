# syntax=docker/dockerfile:1
#
# inject-sidecar as a KRM function image: `node /app/inject-sidecar.js` reads a ResourceList on
# stdin and writes it back injected (kpt fn eval --image, kustomize container transformers).
# The same image serves as the Argo CD config-management-plugin sidecar (integrations/argocd).
#
# Default: a multi-stage build (npm ci + esbuild in the build stage; only the bundle in the final
# image):
#   docker build -t inject-sidecar:0.1.0 .
#
# Prebuilt: where the build stage cannot run (no npm in the base image, no registry access), bundle
# on the host and copy dist/ in:
#   npm ci && npm run build
#   podman build --target prebuilt --build-arg BASE_IMAGE=localhost/node-base:20 -t inject-sidecar:0.1.0 .
#
# BASE_IMAGE must provide `node` (20 or later) on PATH; BUILD_IMAGE must also provide npm.
#
# dist/ holds V8 code caches next to the scripts (made by `npm run build`, which runs small jobs):
# they save ~60 ms of compiling in every run, but only with the Node version that made them. Build
# with the same Node as the runtime (the default: BUILD_IMAGE is BASE_IMAGE; for prebuilt, the
# host's node should match the base image's); with another version the loader compiles normally:
# correct, slower.

ARG BASE_IMAGE=node:20-bookworm-slim
ARG BUILD_IMAGE=${BASE_IMAGE}

# ---- build: install dev dependencies and bundle src/ into dist/
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.mjs scripts/loader.cjs ./scripts/
COPY src/ ./src/
RUN npm run build

# ---- runtime: the base image, a non-root user and the bundle's location, nothing else
FROM ${BASE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="inject-sidecar" \
      org.opencontainers.image.description="Istio sidecar injection at render time, as a KRM function" \
      org.opencontainers.image.licenses="Apache-2.0"
# The bundle has no dependencies left to install; `inject-sidecar` on PATH for scripts (the
# Argo CD plugin's generate step, Helm post-renderer wrappers).
RUN mkdir -p /app && ln -s /app/inject-sidecar.js /usr/local/bin/inject-sidecar
ENV NODE_ENV=production
WORKDIR /tmp
# nobody:nogroup, numeric so that `runAsNonRoot` can verify it; the KRM function spec asks
# functions to run as nobody, and kustomize runs containers with --user nobody anyway.
USER 65534:65534
ENTRYPOINT ["node", "/app/inject-sidecar.js"]

# ---- prebuilt: the runtime plus a bundle built on the host (dist/: the loader inject-sidecar.js,
# package.json, and chunks/ with the scripts and their code caches, found relative to its real path)
FROM runtime AS prebuilt
COPY dist/ /app/

# ---- default target: the runtime plus the bundle from the build stage
FROM runtime AS image
COPY --from=build /src/dist/ /app/
