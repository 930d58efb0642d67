//! The cluster's YAML bundle as a file: downloaded on Export, read from the one the
//! learner picks on Import.

use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlInputElement, Url};

/// The bundle's file name.
pub const NAME: &str = "kubarium-cluster.yaml";

/// Offers `text` to the browser as a download of [`NAME`].
pub fn download(text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&text.into());
    let options = BlobPropertyBag::new();
    options.set_type("application/yaml");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not make the file".to_string())?;
    let url = Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser could not make the file".to_string())?;
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<HtmlAnchorElement>().ok())
        .ok_or("the page has no document")?;
    link.set_href(&url);
    link.set_download(NAME);
    link.click();
    let _ = Url::revoke_object_url(&url);
    Ok(())
}

/// The text of the file picked in `input`, if one was (and is text).
pub async fn read(input: &HtmlInputElement) -> Option<String> {
    let file = input.files()?.get(0)?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()?;
    input.set_value("");
    text.as_string()
}
