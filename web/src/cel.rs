//! The CEL evaluator for ValidatingAdmissionPolicies lives in its own WebAssembly module
//! (`kubarium-web-cel`), loaded after the first paint so the first load stays small;
//! once loaded it is installed as the core's `CelEngine`.

use std::rc::Rc;

use kubarium_core::apiserver::cel::CelEngine;
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
let cel = null;
export async function load_cel(name) {
  const m = await import(new URL(name, document.baseURI).href);
  await m.default();
  cel = m;
}
export function cel_check(expr) { return cel.check(expr); }
export function cel_evaluate(expr, vars) { return cel.evaluate(expr, vars); }
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn load_cel(name: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch)]
    fn cel_check(expr: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch)]
    fn cel_evaluate(expr: &str, vars: &str) -> Result<String, JsValue>;
}

/// The module as trunk writes it beside the page.
const MODULE: &str = "kubarium-web-cel.js";

/// What went wrong inside the module (a trap ends up here, not in the app).
fn failed(e: &JsValue) -> String {
    format!(
        "the CEL evaluator failed: {}",
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

/// Loads the module and installs it; the error says why it could not be.
pub async fn load() -> Result<(), String> {
    load_cel(MODULE).await.map_err(|e| failed(&e))?;
    kubarium_core::apiserver::cel::install(Rc::new(ModuleCel));
    Ok(())
}
