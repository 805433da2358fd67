#!/usr/bin/env bash
# Builds etcd, kube-apiserver and kube-scheduler for the e2e suite from the published Go modules,
# into a cache outside git, once per version. Prints the bin directory on stdout.
#   SPOTPACK_E2E_CACHE  cache root (default: ~/.cache/spotpack-e2e)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
k8s_version="v1.34.4"
etcd_version="v3.6.16"
cache="${SPOTPACK_E2E_CACHE:-$HOME/.cache/spotpack-e2e}"
bin="$cache/k8s-$k8s_version-etcd-$etcd_version/bin"
if [[ -x "$bin/kube-apiserver" && -x "$bin/kube-scheduler" && -x "$bin/etcd" ]]; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null || { echo "build-k8s.sh: go is not installed" >&2; exit 3; }
mkdir -p "$bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export CGO_ENABLED=0
start=$(date +%s)

# The wrapper modules are copied out of the tree so that `go mod tidy` never edits the checkout.
cp -r "$here/k8s-bins" "$work/k8s" && cp -r "$here/etcd-bin" "$work/etcd"
ver="k8s.io/component-base/version"
cgv="k8s.io/client-go/pkg/version"
ldflags="-s -w -X $ver.gitVersion=$k8s_version -X $ver.gitMajor=1 -X $ver.gitMinor=34 \
 -X $cgv.gitVersion=$k8s_version -X $cgv.gitMajor=1 -X $cgv.gitMinor=34"
(cd "$work/k8s" && go mod tidy >&2 && go build -trimpath -ldflags "$ldflags" -o "$bin/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-scheduler >&2)
(cd "$work/etcd" && go mod tidy >&2 && go build -trimpath -ldflags "-s -w" -o "$bin/etcd" go.etcd.io/etcd/server/v3 >&2)
echo "build-k8s.sh: built etcd $etcd_version, kube-apiserver and kube-scheduler $k8s_version in $(( $(date +%s) - start )) s" >&2
echo "$bin"
