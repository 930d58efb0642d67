//! Per-kind strategies, one file per resource, as in pkg/registry.

pub mod event;
pub mod namespace;
pub mod node;
pub mod pod;
pub mod service;
