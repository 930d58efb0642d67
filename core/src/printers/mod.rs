//! Printers turn API objects into what kubectl prints: tables, YAML, JSON, names,
//! describe output. They return strings and never know where output goes.

pub mod age;
pub mod describe;
pub mod json;
pub mod table;
pub mod tabwriter;
pub mod yaml;
