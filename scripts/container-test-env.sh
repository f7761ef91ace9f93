#!/usr/bin/env bash
# Prepares the container integration tests (test/integrations/container.test.ts), idempotently:
# podman from Debian's packages and the local Node base image (both through ../shared/tools/container,
# since no container registry is reachable on the project's machines), a fresh bundle, and the
# project image built with the Dockerfile's `prebuilt` target. Prints the image name on stdout.
#
#   scripts/container-test-env.sh [IMAGE]        default IMAGE: inject-sidecar:0.1.0
#
# Installing podman needs root (CI runs as root); on a laptop with podman, nothing is installed.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$repo/../shared/tools/container"
image="${1:-inject-sidecar:0.1.0}"
base="${BASE_IMAGE:-localhost/node-base:20}"

# shellcheck source=/dev/null
. "$tools/env.sh"
"$tools/build-local-base.sh" "$base" >&2

bundle="$repo/dist/inject-sidecar.js"
if [ ! -f "$bundle" ] || [ -n "$(find "$repo/src" -newer "$bundle" -print -quit)" ]; then
  (cd "$repo" && npm run build --silent) >&2
fi

podman build --quiet --target prebuilt --build-arg BASE_IMAGE="$base" -t "$image" "$repo" >&2
echo "$image"
