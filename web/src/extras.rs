//! The CEL evaluator (for ValidatingAdmissionPolicies) and the OpenAPI schemas (for
//! `/openapi/v3` and `kubectl explain`) live in their own WebAssembly module
//! (`kubarium-web-extras`), loaded after the first paint so the first load stays small;
//! once loaded they are installed as the core's `CelEngine` and `SchemaSource`.

use std::rc::Rc;

use kubarium_core::apiserver::cel::CelEngine;
use kubarium_core::apiserver::openapi::SchemaSource;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
let extras = null;
export async function load_extras(name) {
  const m = await import(new URL(name, document.baseURI).href);
  await m.default();
  extras = m;
}
export function cel_check(expr) { return extras.check(expr); }
export function cel_evaluate(expr, vars) { return extras.evaluate(expr, vars); }
export function openapi_schemas(kinds) { return extras.schemas(kinds); }
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn load_extras(name: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch)]
    fn cel_check(expr: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch)]
    fn cel_evaluate(expr: &str, vars: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch)]
    fn openapi_schemas(kinds: &str) -> Result<String, JsValue>;
}

/// The module as trunk writes it beside the page.
const MODULE: &str = "kubarium-web-extras.js";

/// What went wrong inside the module (a trap ends up here, not in the app).
fn failed(e: &JsValue) -> String {
    format!(
        "the extras module failed: {}",
        e.as_string()
            .or_else(|| js_sys::JSON::stringify(e).ok().map(String::from))
            .unwrap_or_default()
    )
}

struct ModuleCel;

impl CelEngine for ModuleCel {
    fn check(&self, expr: &str) -> Result<(), String> {
        match cel_check(expr) {
            Ok(msg) if msg.is_empty() => Ok(()),
            Ok(msg) => Err(msg),
            Err(e) => Err(failed(&e)),
        }
    }

    fn evaluate(&self, expr: &str, variables: &Value) -> Result<Value, String> {
        let out = cel_evaluate(expr, &variables.to_string()).map_err(|e| failed(&e))?;
        let answer: Value = serde_json::from_str(&out).map_err(|e| e.to_string())?;
        match answer.get("error").and_then(Value::as_str) {
            Some(e) => Err(e.to_string()),
            None => Ok(answer["ok"].clone()),
        }
    }
}

struct ModuleSchemas;

impl SchemaSource for ModuleSchemas {
    fn schemas(&self, kinds: &[(&str, &str, &str)]) -> Map<String, Value> {
        let kinds = serde_json::to_string(kinds).unwrap_or_default();
        openapi_schemas(&kinds)
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default()
    }
}

/// Loads the module and installs what it holds; the error says why it could not be.
pub async fn load() -> Result<(), String> {
    load_extras(MODULE).await.map_err(|e| failed(&e))?;
    kubarium_core::apiserver::cel::install(Rc::new(ModuleCel));
    kubarium_core::apiserver::openapi::install(Rc::new(ModuleSchemas));
    Ok(())
}
