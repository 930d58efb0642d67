//! What the playground loads after the first paint, as its own WebAssembly module so the
//! first load stays small: `kubarium-cel`, `kubarium-openapi` and `kubarium-tools` (its
//! utilities, kubectl's help texts, Go template printer, the API's Go types and TLS key pairs) behind
//! string-in, string-out functions.

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

/// The OpenAPI schemas of the kinds given as a JSON list of `[group, version, kind]`,
/// as a JSON object of schemas by name.
#[wasm_bindgen]
pub fn schemas(kinds: &str) -> String {
    let kinds: Vec<(String, String, String)> = serde_json::from_str(kinds).unwrap_or_default();
    let kinds: Vec<(&str, &str, &str)> = kinds
        .iter()
        .map(|(g, v, k)| (g.as_str(), v.as_str(), k.as_str()))
        .collect();
    Value::Object(kubarium_openapi::schemas(&kinds)).to_string()
}

/// Runs a text utility: a `kubarium_tools::remote::Request` in, its `Answer` out (JSON).
#[wasm_bindgen]
pub fn utility(request: &str) -> String {
    kubarium_tools::remote::serve(request)
}

/// kubectl's help for a command path given as a JSON list of words; "" when none.
#[wasm_bindgen]
pub fn kubectl_help(path: &str) -> String {
    let words: Vec<String> = serde_json::from_str(path).unwrap_or_default();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    kubarium_tools::help::help(&words).unwrap_or_default()
}

/// Prints data with a Go template as kubectl does: a JSON request
/// (`{"template", "data", "allow_missing"}`) in, the `Outcome` out (JSON).
#[wasm_bindgen]
pub fn go_template(request: &str) -> String {
    kubarium_tools::gotemplate::serve(request)
}

/// An object as kubectl's typed clients print it: its JSON in, the `Typed` (or null) out.
#[wasm_bindgen]
pub fn typed(object: &str) -> String {
    kubarium_tools::gotypes::serve(object)
}

/// `kubectl describe` of one object: a `Request` in JSON in, the description out.
#[wasm_bindgen]
pub fn describe(request: &str) -> String {
    kubarium_tools::describe::serve(request)
}

/// `kubectl explain`'s body: a `Request` in JSON in, the text out.
#[wasm_bindgen]
pub fn explain(request: &str) -> String {
    kubarium_tools::explain::serve(request)
}

/// `kubectl completion bash`'s script for the commands given (space-separated).
#[wasm_bindgen]
pub fn completion_bash(commands: &str) -> String {
    kubarium_tools::completion::bash(commands)
}

/// `kubectl top`'s table: a `Request` in JSON in, the table out.
#[wasm_bindgen]
pub fn top(request: &str) -> String {
    kubarium_tools::top::serve(request)
}

/// A tool called by name (`kubarium_tools::call`): a JSON request in, its answer out.
#[wasm_bindgen]
pub fn call(name: &str, request: &str) -> String {
    kubarium_tools::call(name, request)
}
