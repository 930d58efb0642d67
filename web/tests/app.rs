//! The app mounted in a real browser without its engine module (the cluster): the prompt
//! shows at once, and the page, and a command typed at it, say that the cluster cannot run
//! without the module; nothing is lost. (The browser tests in tests/e2e run the app with
//! it.)

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> Element {
    let window = web_sys::window().expect("window");
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = storage.clear();
    }
    let doc = window.document().expect("document");
    let root = doc.create_element("div").expect("div");
    doc.body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    yew::Renderer::<kubarium_web::app::App>::with_root(root.clone()).render();
    root
}

async fn type_line(root: &Element, line: &str) {
    let input: HtmlInputElement = root
        .query_selector("#prompt")
        .ok()
        .flatten()
        .expect("prompt")
        .dyn_into()
        .expect("input");
    input.set_value(line);
    let init = KeyboardEventInit::new();
    init.set_key("Enter");
    let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    input.dispatch_event(&ev).expect("dispatch");
    TimeoutFuture::new(50).await;
}

/// Waits (up to 10 s) until `selector` matches inside `root`.
async fn wait_for(root: &Element, selector: &str) {
    for _ in 0..200 {
        if root.query_selector(selector).ok().flatten().is_some() {
            return;
        }
        TimeoutFuture::new(50).await;
    }
    panic!("{selector} never appeared");
}

#[wasm_bindgen_test]
async fn prompt_without_the_engine() {
    let root = mount();
    wait_for(&root, "#prompt").await;
    // The engine module is loaded once the prompt has been painted; nothing serves it here.
    for _ in 0..200 {
        if root
            .text_content()
            .unwrap_or_default()
            .contains("engine module did not load")
        {
            break;
        }
        TimeoutFuture::new(50).await;
    }
    let text = root.text_content().unwrap_or_default();
    assert!(
        text.contains("Kubarium's engine module did not load"),
        "the page says the engine module did not load: {text}"
    );
    assert!(
        root.query_selector("g.node").ok().flatten().is_none(),
        "no cluster is drawn without the engine"
    );
    type_line(&root, "kubectl get nodes").await;
    let text = root.text_content().unwrap_or_default();
    assert!(
        text.contains("kubectl get nodesThe cluster runs in that module: reload the page."),
        "a command without the engine module: {text}"
    );
    // The line is not recorded: the saved session still has no steps.
    let saved = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item("kubarium.session.v1").ok().flatten());
    assert!(
        saved.as_deref().is_none_or(|s| s.contains("\"log\":[]")),
        "nothing recorded: {saved:?}"
    );
}
