//! Printers turn API objects into what kubectl prints: tables, YAML, JSON, names,
//! describe output. They return strings and never know where output goes.

pub use kubarium_tools::age;
pub use kubarium_tools::gosort;
pub mod json;
pub mod jsonpath;
pub mod table;
pub use kubarium_tools::tabwriter;
pub mod yaml;

pub use kubarium_tools::gojson::number as go_number;
