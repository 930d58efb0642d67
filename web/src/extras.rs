//! The CEL evaluator (for ValidatingAdmissionPolicies), the OpenAPI schemas (for
//! `/openapi/v3` and `kubectl explain`), the text utilities and kubectl's help texts live
//! in their own WebAssembly module (`kubarium-web-extras`), loaded after the first paint so
//! the first load stays small; once loaded they are installed as the core's `CelEngine`,
//! `SchemaSource` and `Tools`.

use std::rc::Rc;

use kubarium_core::apiserver::cel::CelEngine;
use kubarium_core::apiserver::openapi::SchemaSource;
use kubarium_core::command::CmdResult;
use kubarium_core::shell::io::Io;
use kubarium_core::tools::{TemplateOutcome, Tools, Typed};
use kubarium_tools::remote::{Answer, Request};
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
export function tools_utility(request) { return extras.utility(request); }
export function tools_help(path) { return extras.kubectl_help(path); }
export function tools_go_template(request) { return extras.go_template(request); }
export function tools_typed(request) { return extras.typed(request); }
export function tools_describe(request) { return extras.describe(request); }
export function tools_top(request) { return extras.top(request); }
export function tools_completion_bash(commands) { return extras.completion_bash(commands); }
export function tools_explain(request) { return extras.explain(request); }
export function tools_call(name, request) { return extras.call(name, request); }
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
    #[wasm_bindgen(catch)]
    fn tools_utility(request: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch)]
    fn tools_help(path: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch)]
    fn tools_go_template(request: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch)]
    fn tools_typed(request: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch)]
    fn tools_describe(request: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch)]
    fn tools_top(request: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch)]
    fn tools_completion_bash(commands: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch)]
    fn tools_explain(request: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch)]
    fn tools_call(name: &str, request: &str) -> Result<String, JsValue>;
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

struct ModuleTools;

impl Tools for ModuleTools {
    fn run(&self, name: &str, args: &[String], io: &mut Io) -> CmdResult {
        let request = Request {
            name: name.to_string(),
            args: args.to_vec(),
            stdin: io.stdin.take(),
            cwd: io.cwd.to_string(),
            fs: io.fs.clone(),
        };
        let answer = serde_json::to_string(&request)
            .map_err(|e| e.to_string())
            .and_then(|r| tools_utility(&r).map_err(|e| failed(&e)))
            .and_then(|a| serde_json::from_str::<Answer>(&a).map_err(|e| e.to_string()));
        match answer {
            Ok(a) => {
                *io.fs = a.fs;
                a.result
            }
            Err(e) => CmdResult::fail(format!("{name}: {e}\n"), 1),
        }
    }

    fn help(&self, path: &[&str]) -> Option<String> {
        let path = serde_json::to_string(path).ok()?;
        tools_help(&path).ok().filter(|t| !t.is_empty())
    }

    fn go_template(&self, template: &str, data: &Value, allow_missing: bool) -> TemplateOutcome {
        let request = serde_json::json!({
            "template": template, "data": data, "allow_missing": allow_missing,
        });
        tools_go_template(&request.to_string())
            .map_err(|e| failed(&e))
            .and_then(|a| serde_json::from_str(&a).map_err(|e| e.to_string()))
            .unwrap_or_else(TemplateOutcome::Unparsable)
    }

    fn typed(&self, object: &Value) -> Option<Typed> {
        tools_typed(&object.to_string())
            .ok()
            .and_then(|a| serde_json::from_str(&a).ok())
            .flatten()
    }

    fn describe(&self, request: &kubarium_tools::describe::Request) -> String {
        let request = serde_json::to_string(request).unwrap_or_default();
        tools_describe(&request).unwrap_or_else(|e| format!("error: {}\n", failed(&e)))
    }

    fn explain(&self, request: &kubarium_tools::explain::Request) -> String {
        let request = serde_json::to_string(request).unwrap_or_default();
        tools_explain(&request).unwrap_or_else(|e| format!("error: {}\n", failed(&e)))
    }

    fn completion_bash(&self, commands: &str) -> String {
        tools_completion_bash(commands).unwrap_or_else(|e| format!("# {}\n", failed(&e)))
    }

    fn top(&self, request: &kubarium_tools::top::Request) -> String {
        let request = serde_json::to_string(request).unwrap_or_default();
        tools_top(&request).unwrap_or_else(|e| format!("error: {}\n", failed(&e)))
    }

    fn call(&self, name: &str, request: &str) -> String {
        tools_call(name, request).unwrap_or_else(|_| "null".into())
    }
}

/// Loads the module and installs what it holds; the error says why it could not be.
pub async fn load() -> Result<(), String> {
    load_extras(MODULE).await.map_err(|e| failed(&e))?;
    kubarium_core::apiserver::cel::install(Rc::new(ModuleCel));
    kubarium_core::apiserver::openapi::install(Rc::new(ModuleSchemas));
    kubarium_core::tools::install(Rc::new(ModuleTools));
    Ok(())
}
