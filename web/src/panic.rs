//! A crash must never leave a blank page: show what happened, drop the command that
//! caused it from the saved session, and offer to carry on. Both modules' crashes end
//! here: the page's own panics (its hook) and the engine module's (a failed call).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

pub fn install() {
    std::panic::set_hook(Box::new(|info| show(&info.to_string())));
}

/// Marks the saved session as crashed and shows what happened, with a button to carry on.
/// Built with text nodes: a message quoting the learner's input is never read as HTML.
pub fn show(message: &str) {
    crate::storage::mark_crash();
    web_sys::console::error_1(&format!("Kubarium crashed: {message}").into());
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let element = |tag: &str, text: &str| {
        let e = doc.create_element(tag).ok()?;
        e.set_text_content(Some(text));
        Some(e)
    };
    let (Some(outer), Some(inner), Some(title), Some(why), Some(pre), Some(button)) = (
        element("div", ""),
        element("div", ""),
        element("h2", "Kubarium hit an internal error"),
        element(
            "p",
            "This is a bug in Kubarium, not in your commands. Your session is saved; the command \
             that triggered it will be left out when you continue.",
        ),
        element("pre", message),
        element("button", "Continue my session"),
    ) else {
        return;
    };
    outer.set_id("crash");
    inner.set_class_name("crash-box");
    let reload = Closure::<dyn Fn()>::new(|| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    let _ = button.add_event_listener_with_callback("click", reload.as_ref().unchecked_ref());
    reload.forget();
    for child in [&title, &why, &pre, &button] {
        let _ = inner.append_child(child);
    }
    let _ = outer.append_child(&inner);
    if let Some(body) = doc.body() {
        let _ = body.append_child(&outer);
    }
}
