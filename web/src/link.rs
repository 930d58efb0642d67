//! Share links in the page's address: the fragment a link opens with (taken once, then
//! cleared so a reload continues from the browser's storage), the full address of a
//! link made, and the clipboard.

use wasm_bindgen_futures::JsFuture;

/// Takes the link the page was opened with (`#k1.…`), clearing it from the address bar.
/// Other fragments are not links and stay.
pub fn take() -> Option<String> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok()?;
    let link = hash.strip_prefix("#k")?;
    if !link.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let link = format!("k{link}");
    let location = window.location();
    let bare = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&bare));
    }
    Some(link)
}

/// The page's address with `link` as its fragment.
pub fn url(link: &str) -> String {
    let location = web_sys::window().map(|w| w.location());
    let base = location
        .map(|l| {
            format!(
                "{}{}{}",
                l.origin().unwrap_or_default(),
                l.pathname().unwrap_or_default(),
                l.search().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    format!("{base}#{link}")
}

/// Puts `text` on the clipboard; false where the browser refuses.
pub async fn copy(text: &str) -> bool {
    let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
        return false;
    };
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}
