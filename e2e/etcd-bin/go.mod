// Builds etcd for spotpack's e2e tests from the published Go module (a separate module so that
// version selection does not mix etcd's dependencies with Kubernetes').
module spotpack.dev/e2e/etcdbin

go 1.24.0

require go.etcd.io/etcd/server/v3 v3.6.16

tool go.etcd.io/etcd/server/v3
