#!/usr/bin/env bash
# Helm post-renderer: Helm writes the rendered manifests to stdin and applies what comes back on
# stdout. inject-sidecar's stream mode (-f -) does exactly that, and on any error it writes
# nothing and exits non-zero, so Helm stops instead of installing a half-injected release.
#
#   helm install shop ./chart --post-renderer ./post-renderer.sh
#   helm install shop ./chart --post-renderer ./post-renderer.sh \
#     --post-renderer-args --config --post-renderer-args inject-sidecar.yaml
#
# Extra arguments are passed on to inject-sidecar; INJECT_SIDECAR names the command when it is
# not `inject-sidecar` on PATH.
set -euo pipefail
exec "${INJECT_SIDECAR:-inject-sidecar}" -f - "$@"
