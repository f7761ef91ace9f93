#!/usr/bin/env bash
# The `generate` step of the inject-sidecar config-management plugin (Argo CD CMP v2).
#
# Run by argocd-cmp-server in the application's source directory. Renders the directory
# (kustomize, a Helm chart, or plain manifests), pipes the result through
# `inject-sidecar -f -` and prints a plain YAML stream for Argo CD.
#
# Contract: on success the injected manifests on stdout and exit 0; on ANY failure exit
# non-zero with NOTHING on stdout. Every stage writes to a private temporary directory and
# stdout is written once, at the end: a blank or half-written manifest would make Argo CD
# prune the application's resources.
#
# Configuration (see integrations/README.md for the table): Application parameters arrive as
# PARAM_<NAME>, plugin env entries as ARGOCD_ENV_<NAME>; a parameter wins over an env entry.
set -euo pipefail
shopt -s nullglob

die() {
  printf 'inject-sidecar plugin: %s\n' "$*" >&2
  exit 1
}

# setting NAME: PARAM_NAME, else ARGOCD_ENV_NAME, else empty.
setting() {
  local p="PARAM_$1" e="ARGOCD_ENV_$1"
  printf '%s' "${!p:-${!e:-}}"
}

inject=${INJECT_SIDECAR:-inject-sidecar}
command -v "$inject" >/dev/null || die "$inject not found on PATH"

# The repository is the pull request's: a file it names (the config, a manifest) must be a regular
# file inside the application directory after resolving symlinks, or a link could hand the repo
# server's own files (a kubeconfig, /proc/self/environ) to the injector as an operator's input.
# (Files the config names are kept inside its directory by inject-sidecar itself.)
app_dir=$(pwd -P)
inside_app() {
  local real
  real=$(realpath -e -- "$1" 2>/dev/null) || return 1
  [ -f "$real" ] && [[ $real == "$app_dir"/* ]]
}
quoted() { printf '%q' "$1"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/inject-sidecar-cmp.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- configuration -------------------------------------------------------------------------
flags=()
config=$(setting CONFIG)
if [ -n "$config" ]; then
  [ -f "$config" ] || die "config $(quoted "$config") not found in the application directory"
elif [ -f inject-sidecar.yaml ]; then
  config=inject-sidecar.yaml
fi

if [ -n "$config" ]; then
  inside_app "$config" || die "config $(quoted "$config") is not a regular file inside the application directory (after resolving symlinks)"
  # The file in Git is the configuration; the flag-backed parameters below override single
  # settings. The others belong in the file: refuse them rather than ignore them.
  for name in PROXY_HUB PROXY_TAG; do
    p=${name,,}
    [ -z "$(setting "$name")" ] || die "parameter ${p//_/-} cannot be combined with $config: set it in the file"
  done
  [[ ${ARGOCD_APP_PARAMETERS:-} != *'"namespace-labels"'* ]] ||
    die "parameter namespace-labels cannot be combined with $config: set spec.namespaces in the file"
  flags+=(--config "$config")
else
  # No file: build the config from the parameters and what Argo CD knows about the destination.
  node - "$work/config.json" <<'NODE' || die "could not build the config from the parameters"
const { writeFileSync } = require('node:fs');
const env = process.env;
const setting = (n) => env[`PARAM_${n}`] || env[`ARGOCD_ENV_${n}`] || '';
const spec = {};
const ns = env.ARGOCD_APP_NAMESPACE;
const kube = (env.KUBE_VERSION || '').replace(/^v/, '').match(/^\d+\.\d+(\.\d+)?/);
if (kube) spec.kubeVersion = kube[0];
// Map parameters keep their exact keys only in ARGOCD_APP_PARAMETERS (PARAM_* upper-cases them).
let params = [];
try { params = JSON.parse(env.ARGOCD_APP_PARAMETERS || '[]') || []; } catch { throw new Error('ARGOCD_APP_PARAMETERS is not JSON'); }
const param = (name) => params.find((p) => p && p.name === name);
const labels = param('namespace-labels')?.map;
if (labels && Object.keys(labels).length) {
  if (!ns) throw new Error('namespace-labels needs the destination namespace (ARGOCD_APP_NAMESPACE)');
  spec.namespaces = { [ns]: { labels } };
}
const proxy = {};
if (setting('PROXY_HUB')) proxy.hub = setting('PROXY_HUB');
if (setting('PROXY_TAG')) proxy.tag = setting('PROXY_TAG');
if (Object.keys(proxy).length) spec.proxy = proxy;
const config = { apiVersion: 'inject-sidecar.dev/v1alpha1', kind: 'SidecarInjection', metadata: { name: 'argocd-plugin' }, spec };
writeFileSync(process.argv[2], JSON.stringify(config, null, 2) + '\n');
NODE
  flags+=(--config "$work/config.json")
fi

# Objects without metadata.namespace go to the destination namespace (as kubectl apply -n): the
# injector decides and renders for it, and writes no namespace into the manifests.
[ -n "${ARGOCD_APP_NAMESPACE:-}" ] && flags+=(--namespace "$ARGOCD_APP_NAMESPACE")
v=$(setting SUMMARY) && [ -n "$v" ] && flags+=(--summary "$v")
v=$(setting REVISION) && [ -n "$v" ] && flags+=(--revision "$v")
v=$(setting EMULATE) && [ -n "$v" ] && flags+=(--emulate "$v")
v=$(setting COMPLIANCE_POLICY) && [ -n "$v" ] && flags+=(--compliance-policy "$v")
v=$(setting NATIVE_SIDECARS)
if [ "$v" = auto ] && [ -n "${KUBE_VERSION:-}" ]; then
  # auto from the destination cluster's version: native sidecars from Kubernetes 1.33.
  if [[ ${KUBE_VERSION#v} =~ ^([0-9]+)\.([0-9]+) ]]; then
    major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
    if ((major > 1 || (major == 1 && minor >= 33))); then v=true; else v=false; fi
  fi
fi
[ -n "$v" ] && flags+=(--native-sidecars "$v")

# ---- render --------------------------------------------------------------------------------
source_type=$(setting SOURCE)
if [ -z "$source_type" ]; then
  if [ -f kustomization.yaml ] || [ -f kustomization.yml ] || [ -f Kustomization ]; then
    source_type=kustomize
  elif [ -f Chart.yaml ]; then
    source_type=helm
  else
    source_type=directory
  fi
fi

# Rendered output goes to a file first (read back on stdin, so messages say <stdin>): a renderer
# that fails half-way never reaches the injector, whatever it printed.
rendered="$work/rendered.yaml"
: >"$rendered"
inputs=()
case "$source_type" in
  kustomize)
    if command -v kustomize >/dev/null; then
      kustomize build . >"$rendered" || die "kustomize build failed"
    elif command -v kubectl >/dev/null; then
      kubectl kustomize . >"$rendered" || die "kubectl kustomize failed"
    else
      die "neither kustomize nor kubectl is installed in the plugin sidecar"
    fi
    inputs=(-f -)
    ;;
  helm)
    command -v helm >/dev/null || die "helm is not installed in the plugin sidecar"
    helm_args=(template "${ARGOCD_APP_NAME:-release}" .)
    [ -n "${ARGOCD_APP_NAMESPACE:-}" ] && helm_args+=(--namespace "$ARGOCD_APP_NAMESPACE")
    [ -n "${KUBE_VERSION:-}" ] && helm_args+=(--kube-version "$KUBE_VERSION")
    IFS=, read -r -a api_versions <<<"${KUBE_API_VERSIONS:-}"
    for a in "${api_versions[@]}"; do [ -n "$a" ] && helm_args+=(--api-versions "$a"); done
    # Array parameter helm-values: value files, in order (PARAM_HELM_VALUES_0, _1, ...).
    for ((i = 0; ; i++)); do
      var="PARAM_HELM_VALUES_$i"
      [ -n "${!var:-}" ] || break
      helm_args+=(--values "${!var}")
    done
    helm "${helm_args[@]}" >"$rendered" || die "helm template failed"
    inputs=(-f -)
    ;;
  directory)
    # The manifests in the directory itself (not recursive), except the config file. (kpt's
    # Kptfile has no extension, so a kpt package's Kptfile is never read.)
    for f in *.yaml *.yml *.json; do
      [ -n "$config" ] && [ "$f" -ef "$config" ] && continue
      inside_app "$f" || die "$(quoted "$f") is not a regular file inside the application directory (after resolving symlinks)"
      inputs+=(-f "$f")
    done
    ;;
  *)
    die "source must be kustomize, helm or directory, not \"$source_type\""
    ;;
esac
[ "${#inputs[@]}" -gt 0 ] || die "no manifests found in $(pwd)"

# ---- inject --------------------------------------------------------------------------------
out="$work/injected.yaml"
"$inject" "${inputs[@]}" "${flags[@]}" -o "$out" <"$rendered" >&2 || die "injection failed (exit $?)"

# Never hand Argo CD an empty manifest: with auto-prune it would delete the application.
# (One grep, no pipe: `grep -q` closing a pipe early is a SIGPIPE failure under pipefail.)
grep -qEv '^[[:space:]]*(#.*)?$|^---[[:space:]]*$|^\.\.\.[[:space:]]*$' "$out" ||
  die "rendering produced no objects; refusing to emit an empty manifest"

cat "$out"
