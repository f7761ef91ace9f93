#!/usr/bin/env bash
# Builds the real tools the peer tests compare against, from pinned Go modules, into a cache outside
# the clone, once per machine: Helm 4, standalone kustomize v5 and istioctl; and fetches the modules
# of the template differential test's Go program (sprig v3, sigs.k8s.io/yaml).
#
#   scripts/peers.sh            build what is missing; print one line per peer
#   scripts/peers.sh --print    print the cache directory and build nothing
#
# Layout: $CACHE/<name>@<version>/<binary>, plus $CACHE/<name>@<version>.failed holding the reason
# when a build failed (retried on the next run). The tests find the binaries through
# test/support/peers.ts, which reads the same pins from scripts/peers.env.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
# shellcheck source=peers.env
. "$here/peers.env"
cache="${INJECT_SIDECAR_PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/inject-sidecar/peers}"
if [ "${1:-}" = "--print" ]; then echo "$cache"; exit 0; fi
mkdir -p "$cache"
command -v go >/dev/null || { echo "peers: go is not installed: no peer can be built" >&2; exit 1; }

status=0
# build NAME VERSION BINARY COMMAND...: runs COMMAND with $out set to the peer's directory.
build() {
  local name="$1" version="$2" binary="$3"; shift 3
  local out="$cache/$name@$version"
  if [ -x "$out/$binary" ]; then echo "peers: $name $version: cached"; return 0; fi
  rm -rf "$out" "$out.failed"; mkdir -p "$out"
  local log; log="$(mktemp)"
  local start=$SECONDS
  if out="$out" "$@" >"$log" 2>&1 && [ -x "$out/$binary" ]; then
    echo "peers: $name $version: built in $((SECONDS - start)) s"
  else
    # Name the module that failed (go prints it on the first error line).
    local why; why="$(grep -m1 -E 'go: |cannot find|error|failed' "$log" || tail -n 1 "$log")"
    printf '%s\n' "$why" > "$out.failed"
    rm -rf "$out"
    echo "peers: $name $version: FAILED: $why" >&2
    status=1
  fi
  rm -f "$log"
}

gobin_install() { GOBIN="$out" GOFLAGS=-mod=mod go install "$1"; }
build helm "$HELM_VERSION" helm gobin_install "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
build kustomize "$KUSTOMIZE_VERSION" kustomize gobin_install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
build istioctl "$ISTIO_VERSION" istioctl gobin_install "istio.io/istio/istioctl/cmd/istioctl@$ISTIO_VERSION"

# The template differential test's Go program is built by the test itself (module mode); fetch its
# modules here so the test does not wait on the network.
if (cd "$repo/test/template/go" && go mod download); then echo "peers: template renderer modules: fetched"
else echo "peers: template renderer modules: FAILED to fetch (test/template/go/go.mod)" >&2; status=1; fi

exit $status
