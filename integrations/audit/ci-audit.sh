#!/usr/bin/env bash
# CI: audit a snapshot (taken with read-only credentials, see rbac.yaml) and fail on any error
# finding (a missing sidecar, a revision nobody serves). The Markdown report goes to the job
# summary; the restart patches go to a file to commit through Git.
set -euo pipefail
snapshot=${1:-live.yaml}
inject-sidecar --audit -f "$snapshot" --config inject-sidecar.yaml --summary markdown --fail-on none \
  >> "${GITHUB_STEP_SUMMARY:-/dev/stdout}"
inject-sidecar --audit -f "$snapshot" --config inject-sidecar.yaml --format patch -o restart-patches.yaml
