//! A panic must never leave a blank page: show what happened, drop the command that
//! caused it from the saved session, and offer to carry on.

use wasm_bindgen::JsCast;

pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        crate::storage::mark_crash();
        let message = info.to_string();
        web_sys::console::error_1(&format!("Kubarium crashed: {message}").into());
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(div) = doc.create_element("div") else {
            return;
        };
        div.set_id("crash");
        let escaped = message.replace('&', "&amp;").replace('<', "&lt;");
        div.set_inner_html(&format!(
            "<div class=\"crash-box\"><h2>Kubarium hit an internal error</h2>\
             <p>This is a bug in Kubarium, not in your commands. Your session is saved; the command that \
             triggered it will be left out when you continue.</p><pre>{escaped}</pre>\
             <button onclick=\"location.reload()\">Continue my session</button></div>"
        ));
        if let Some(body) = doc.body() {
            let _ = body.append_child(div.unchecked_ref());
        }
    }));
}
