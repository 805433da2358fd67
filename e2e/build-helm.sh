#!/usr/bin/env bash
# Builds helm from its published Go module into the cache beside the Kubernetes binaries, once per
# version (about a minute on 2 cores). Prints the bin directory on stdout; exit 3 without Go.
#   SPOTPACK_E2E_CACHE  cache root (default: ~/.cache/spotpack-e2e)
set -euo pipefail
helm_version="v3.22.0"
cache="${SPOTPACK_E2E_CACHE:-$HOME/.cache/spotpack-e2e}"
bin="$cache/helm-$helm_version/bin"
if [[ -x "$bin/helm" ]]; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null || { echo "build-helm.sh: go is not installed" >&2; exit 3; }
mkdir -p "$bin"
start=$(date +%s)
CGO_ENABLED=0 GOBIN="$bin" go install -trimpath -ldflags "-s -w" "helm.sh/helm/v3/cmd/helm@$helm_version" >&2
echo "build-helm.sh: built helm $helm_version in $(( $(date +%s) - start )) s" >&2
echo "$bin"
