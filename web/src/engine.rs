//! The cluster lives in its own WebAssembly module (`kubarium-web-engine`), loaded once
//! the prompt is on the screen so the page's first load is only its presentation. This
//! module loads it and carries `kubarium_core::playground` requests to it and replies back.

use kubarium_core::playground::{Reply, Request};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
let engine = null;
export async function load_engine(name) {
  const m = await import(new URL(name, document.baseURI).href);
  await m.default();
  engine = m;
}
export function engine_call(request) { return engine.call(request); }
export function engine_last_panic() { return engine.last_panic(); }
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn load_engine(name: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch)]
    fn engine_call(request: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch)]
    fn engine_last_panic() -> Result<String, JsValue>;
}

/// The module as trunk writes it beside the page.
const MODULE: &str = "kubarium-web-engine.js";

/// Whether the module is in (requests before then are not sent).
static LOADED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn loaded() -> bool {
    LOADED.load(std::sync::atomic::Ordering::Relaxed)
}

/// A JavaScript error as text.
fn text(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .or_else(|| js_sys::JSON::stringify(e).ok().map(String::from))
        .unwrap_or_default()
}

/// Loads the module; the error says why it could not be.
pub async fn load() -> Result<(), String> {
    load_engine(MODULE).await.map_err(|e| text(&e))?;
    LOADED.store(true, std::sync::atomic::Ordering::Relaxed);
    Ok(())
}

/// Why a call failed: the module crashed (with the panic's message), or was never loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Crash(pub String);

/// Sends one request and reads the reply.
pub fn call(request: &Request) -> Result<Reply, Crash> {
    let request = serde_json::to_string(request).map_err(|e| Crash(e.to_string()))?;
    let reply = engine_call(&request).map_err(|e| {
        let why = engine_last_panic().unwrap_or_default();
        Crash(if why.is_empty() { text(&e) } else { why })
    })?;
    serde_json::from_str(&reply).map_err(|e| Crash(format!("unreadable reply: {e}")))
}
