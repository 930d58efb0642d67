//! The app mounted in a real browser without its tools module: the map shows the nodes,
//! and the page, and a command typed at the prompt, say that the cluster cannot run
//! without the module. (The browser tests in tests/e2e run the app with it.)

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
async fn map_and_prompt() {
    let root = mount();
    wait_for(&root, "#prompt").await;
    // The cluster is built once the prompt has been painted and the tools module tried.
    wait_for(&root, "g.node").await;
    let nodes = root.query_selector_all("g.node").expect("query");
    assert_eq!(nodes.length(), 3, "one card per node");
    // Nothing serves the tools module here: the page says the cluster cannot run without
    // it (the browser tests run it with the module), and a command typed gets that answer.
    let text = root.text_content().unwrap_or_default();
    assert!(
        text.contains("Kubarium's tools module did not load"),
        "the page says the tools module did not load: {text}"
    );
    type_line(&root, "kubectl get nodes").await;
    let text = root.text_content().unwrap_or_default();
    assert!(
        text.contains("kubectl get nodesThe cluster cannot run without it"),
        "a command without the tools module: {text}"
    );
}
