//! The scale and rollout benchmarks in the browser: `kubarium_core::scale` run by
//! Chromium's WebAssembly engine, built with the page's release profile.
//! `scripts/scale-browser.mjs` loads it in headless Chromium and reads the module's memory
//! afterwards.

use wasm_bindgen::prelude::*;

/// Runs the benchmark with `nodes` nodes, `pods` pods and `minutes` virtual minutes, and
/// returns its line.
#[wasm_bindgen]
pub fn scale(nodes: usize, pods: usize, minutes: u32) -> String {
    let performance = web_sys::window().and_then(|w| w.performance());
    let clock = || performance.as_ref().map_or(0.0, |p| p.now());
    let (_, report) = kubarium_core::scale::run(nodes, pods, i64::from(minutes), &clock);
    report.line(nodes, pods, i64::from(minutes))
}

/// The page's clock (ms).
fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Runs the rollout benchmark: a `replicas`-pod Deployment created and rolled out on
/// `nodes` nodes; returns its lines.
#[wasm_bindgen]
pub fn rollout(nodes: usize, replicas: u32) -> String {
    let (_, report) = kubarium_core::scale::rollout(nodes, i64::from(replicas), now);
    report.lines(nodes, i64::from(replicas)).join("\n")
}
