#!/usr/bin/env bash
# Helm post-renderer: Helm writes the rendered manifests to stdin and applies what comes back on
# stdout. inject-sidecar's stream mode (-f -) does exactly that, and on any error it writes
# nothing and exits non-zero, so Helm stops instead of installing a half-injected release.
#
# Helm 4 runs post-renderers as plugins: this directory is one (plugin.yaml).
#   helm plugin install ./integrations/helm
#   helm template shop ./chart --namespace shop --post-renderer inject-sidecar \
#     --post-renderer-args=-n --post-renderer-args=shop \
#     --post-renderer-args=--config --post-renderer-args=inject-sidecar.yaml
# Helm 3 runs it as an executable: --post-renderer ./integrations/helm/post-renderer.sh.
#
# Extra arguments are passed on to inject-sidecar; INJECT_SIDECAR names the command when it is
# not `inject-sidecar` on PATH. Helm passes neither --namespace nor HELM_NAMESPACE to a
# post-renderer: give the namespace again as -n.
#
# Helm 4 keeps a plugin's stderr to itself ("plugin ... exited with error"), so when run as a
# plugin the tool's messages are copied to the terminal (/dev/tty) or, without one (CI), to the
# file INJECT_SIDECAR_STDERR names; otherwise they would be lost.
set -euo pipefail
cmd="${INJECT_SIDECAR:-inject-sidecar}"
if [ -z "${HELM_PLUGIN_NAME:-}" ]; then exec "$cmd" -f - "$@"; fi
err="$(mktemp)"
trap 'rm -f "$err"' EXIT
status=0
"$cmd" -f - "$@" 2>"$err" || status=$?
if [ -s "$err" ]; then
  if [ -n "${INJECT_SIDECAR_STDERR:-}" ]; then cat "$err" >>"$INJECT_SIDECAR_STDERR"
  elif { : >/dev/tty; } 2>/dev/null; then cat "$err" >/dev/tty
  fi
  cat "$err" >&2
fi
exit "$status"
