//! Controllers of the kube-controller-manager, one file each; reconcile functions are
//! idempotent and driven by the store's watch.

pub mod namespace;
