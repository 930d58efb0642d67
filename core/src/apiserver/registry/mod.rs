//! Per-kind strategies, one file per resource, as in pkg/registry.

pub mod config_map;
pub mod cron_job;
pub mod daemon_set;
pub mod deployment;
pub mod event;
pub mod job;
pub mod namespace;
pub mod node;
pub mod pod;
pub mod priority_class;
pub mod replica_set;
pub mod secret;
pub mod service;
pub mod service_account;
pub mod stateful_set;
pub mod workload;
