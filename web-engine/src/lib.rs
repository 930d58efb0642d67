//! The playground's cluster: kubarium-core, with CEL, the OpenAPI schemas and the tools
//! linked in as natively, as a WebAssembly module of its own that the page loads after
//! its first paint (so the page's first load is only its presentation). The page talks to
//! it with `kubarium_core::playground` requests and replies as JSON.

use std::cell::RefCell;

use kubarium_core::playground::Engine;
use wasm_bindgen::prelude::wasm_bindgen;

thread_local! {
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::default());
    static PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Answers one request (a `kubarium_core::playground::Request` as JSON) with its `Reply`
/// as JSON. A panic traps (the page catches the error and asks `last_panic` why).
#[wasm_bindgen]
pub fn call(request: &str) -> String {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            PANIC.with(|p| *p.borrow_mut() = info.to_string());
        }))
    });
    ENGINE.with(|e| e.borrow_mut().serve(request))
}

/// The message of the panic that ended the last call ("" when none did).
#[wasm_bindgen]
pub fn last_panic() -> String {
    PANIC.with(|p| p.borrow().clone())
}
