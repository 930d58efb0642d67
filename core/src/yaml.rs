//! YAML text to JSON values the way kubectl reads manifests: the decoder
//! (`kubarium_tools::yaml`) runs in the module the browser loads after the first paint,
//! before the cluster is built or any command runs; this is its seam.

use serde_json::Value;

pub use kubarium_tools::yaml::{DuplicateKeys, ErrorKind, YamlError};

/// Reads every document of a YAML stream; an empty document is `Value::Null`. Duplicate
/// keys are an error (`kubarium_tools::yaml::documents`).
pub fn documents(text: &str) -> Result<Vec<Value>, YamlError> {
    documents_with(text, DuplicateKeys::Error)
}

/// [`documents`], choosing what duplicate keys do.
pub fn documents_with(text: &str, duplicates: DuplicateKeys) -> Result<Vec<Value>, YamlError> {
    crate::tools::yaml(text, duplicates).unwrap_or_else(|| {
        Err(YamlError::new(
            ErrorKind::Decode,
            "the YAML decoder is not loaded",
        ))
    })
}
