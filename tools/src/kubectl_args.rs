//! A kubectl command's arguments as the core parsed them (flags by long name, the
//! positional words, the words after `--`), for the commands whose work is done here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The flags given (by long name, each with its values), the positional words and the
/// words after `--`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Args {
    pub values: BTreeMap<String, Vec<String>>,
    pub positional: Vec<String>,
    pub rest: Vec<String>,
}

impl Args {
    pub fn get(&self, long: &str) -> Option<&str> {
        self.values
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    pub fn on(&self, long: &str) -> bool {
        self.get(long).is_some_and(|v| v != "false")
    }

    pub fn given(&self, long: &str) -> bool {
        self.values.contains_key(long)
    }

    pub fn all(&self, long: &str) -> Vec<String> {
        self.values.get(long).cloned().unwrap_or_default()
    }

    /// A string-slice flag's values: every value given, split at commas, empty ones
    /// dropped (pflag's StringSlice).
    pub fn slice(&self, long: &str) -> Vec<String> {
        self.all(long)
            .iter()
            .flat_map(|v| v.split(','))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    }
}
