//! Printers turn API objects into what kubectl prints: tables, YAML, JSON, names,
//! describe output. They return strings and never know where output goes.

pub mod age;
pub mod describe;
pub mod gosort;
pub mod json;
pub mod jsonpath;
pub mod table;
pub mod tabwriter;
pub mod yaml;

/// A number as Go's encoding/json writes it: a whole float64 has no `.0` (a schema's
/// `maximum: 10` stays `10`).
pub fn go_number(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
        _ => n.to_string(),
    }
}
