//! Kubarium's native front ends: the cluster served as a Kubernetes API (`serve`).

pub mod serve;
