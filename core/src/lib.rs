//! Kubarium's core: a simulated Kubernetes cluster (store, API server, scheduler,
//! kubelets, controllers) with a shell and kubectl in front. Pure and deterministic: no
//! IO, no real clock, no OS randomness.

pub mod apiserver;
pub mod clock;
pub mod cluster;
pub use kubarium_tools::command;
pub mod controllers;
pub mod events;
pub mod fields;
pub mod host;
pub mod klog;
pub mod kubectl;
pub mod kubelet;
pub mod labels;
pub mod metrics_server;
pub mod playground;
pub mod printers;
pub use kubarium_tools::quantity;
pub use kubarium_tools::reference;
pub mod rng;
pub mod scale;
pub mod scheduler;
pub mod session;
pub mod shell;
pub use kubarium_tools::sort;
pub mod store;
pub mod tools;
pub mod traffic;
pub use kubarium_tools::value;
pub mod version;
pub mod view;
pub mod yaml;
