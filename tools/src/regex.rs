//! Regular expressions (RE2 syntax, as Go's regexp and the API server's OpenAPI `pattern`
//! use): here rather than in the core so the browser's first load stays small.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub struct Request {
    pub pattern: String,
    /// The text to match; None only compiles the pattern.
    pub text: Option<String>,
}

/// Whether `text` matches (true when only compiling); the compiler's message when the
/// pattern is not a valid expression.
pub fn is_match(request: &Request) -> Result<bool, String> {
    let re = regex_lite::Regex::new(&request.pattern).map_err(|e| e.to_string())?;
    Ok(request.text.as_deref().is_none_or(|t| re.is_match(t)))
}
