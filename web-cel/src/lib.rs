//! The browser's CEL module: `kubarium-cel` behind two string-in, string-out functions,
//! built as a second WebAssembly module so the playground's first load stays small.

use serde_json::{json, Value};
use wasm_bindgen::prelude::wasm_bindgen;

/// Checks an expression: "" when it compiles, else the compiler's message.
#[wasm_bindgen]
pub fn check(expr: &str) -> String {
    kubarium_cel::check(expr).err().unwrap_or_default()
}

/// Evaluates an expression against variables given as a JSON object; answers
/// `{"ok": value}` or `{"error": message}` as JSON.
#[wasm_bindgen]
pub fn evaluate(expr: &str, variables: &str) -> String {
    let answer = serde_json::from_str::<Value>(variables)
        .map_err(|e| e.to_string())
        .and_then(|vars| kubarium_cel::evaluate(expr, &vars));
    match answer {
        Ok(v) => json!({ "ok": v }),
        Err(e) => json!({ "error": e }),
    }
    .to_string()
}
