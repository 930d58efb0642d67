//! Offline: the service worker (`web/sw.js`) is registered once the engine is in, and
//! told every file the page loaded, so that the next visit works without a network.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function keep_offline() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('sw.js')
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const files = performance.getEntriesByType('resource').map((e) => e.name);
      registration.active.postMessage({ keep: [location.pathname, ...files] });
    })
    .catch((e) => console.warn('Kubarium will not work offline:', e));
}
"#)]
extern "C" {
    /// Registers the service worker and has it keep the page's files.
    pub fn keep_offline();
}
