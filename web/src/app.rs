//! The page: one state (`state.rs`) reduced from actions, drawn by the header, the
//! terminal, the map and the editor panel, with the clock's timer and the engine's
//! loading as effects.

use gloo_timers::callback::{Interval, Timeout};
use kubarium_core::clock::Millis;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::editor_panel::EditorPanel;
use crate::components::header::Header;
use crate::components::inspector::Inspector;
use crate::components::map::MapPanel;
use crate::components::splitter::Splitter;
use crate::components::terminal::Terminal;
use crate::engine;
use crate::state::{Action, Playground};

/// How often the page's timer moves the cluster's clock (times the speed).
pub const TICK_MS: Millis = 250;

/// Marks a stage of startup on the page body (`data-ready`: the prompt is shown;
/// `data-started`: commands run), for tests and benchmarks.
fn set_body_flag(name: &str) {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute(name, "true");
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(Playground::open);
    let dispatch = {
        let d = state.dispatcher();
        Callback::from(move |a: Action| d.dispatch(a))
    };
    // The clock's timer.
    {
        let d = state.dispatcher();
        use_effect_with((), move |_| {
            let timer = Interval::new(TICK_MS as u32, move || d.dispatch(Action::Tick));
            move || drop(timer)
        });
    }
    // Once the prompt is on the screen (a frame, then a task after it), the engine
    // module is loaded and the cluster built.
    {
        let d = state.dispatcher();
        use_effect_with((), move |_| {
            set_body_flag("data-ready");
            let boot = Closure::once_into_js(move || {
                Timeout::new(0, move || {
                    yew::platform::spawn_local(async move {
                        d.dispatch(Action::EngineLoaded(engine::load().await));
                    });
                })
                .forget();
            });
            if let Some(w) = web_sys::window() {
                let _ = w.request_animation_frame(boot.unchecked_ref());
            }
        });
    }
    use_effect_with(state.started, |started| {
        if *started {
            set_body_flag("data-started");
            crate::offline::keep_offline();
        }
    });
    // A link pasted into the address bar of an open page opens, as it would in a new tab.
    use_effect_with((), |_| {
        let reload = Closure::<dyn Fn()>::new(|| {
            if let Some(w) = web_sys::window() {
                if w.location().hash().is_ok_and(|h| h.starts_with("#k")) {
                    let _ = w.location().reload();
                }
            }
        });
        if let Some(w) = web_sys::window() {
            w.set_onhashchange(Some(reload.as_ref().unchecked_ref()));
        }
        move || drop(reload)
    });
    use_effect_with(state.layout.dark, |dark| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-theme", if *dark { "dark" } else { "light" });
        }
    });

    let layout = state.layout;
    let aside = layout.map_open || layout.editor_open;
    let resize_terminal = {
        let d = dispatch.clone();
        Callback::from(move |terminal| {
            d.emit(Action::Resize {
                terminal,
                map: layout.map,
            })
        })
    };
    let resize_map = {
        let d = dispatch.clone();
        Callback::from(move |map| {
            d.emit(Action::Resize {
                terminal: layout.terminal,
                map,
            })
        })
    };
    let style = format!(
        "--terminal: {:.1}%; --map: {:.1}%",
        if aside { layout.terminal } else { 100.0 },
        layout.map
    );
    let cluster = state.cluster.clone();
    html! {
        <div class={classes!("app", (!aside).then_some("terminal-only"))} {style}>
            <Header now={cluster.now} playing={state.playing} speed={state.speed} {layout} share={state.share.clone()} dispatch={dispatch.clone()} />
            <main>
                <Terminal prompt={cluster.prompt.clone()} busy={cluster.busy} scrollback={state.scrollback.clone()}
                    history={state.history.clone()} completion={state.completion.clone()} dispatch={dispatch.clone()} />
                if aside {
                    <Splitter vertical=true value={layout.terminal} onchange={resize_terminal} label="Resize the terminal" />
                    <aside class={classes!((layout.map_open && layout.editor_open).then_some("both"))}>
                        if layout.map_open {
                            <MapPanel view={state.view.clone()} started={state.started} dispatch={dispatch.clone()} />
                        }
                        if layout.map_open && layout.editor_open {
                            <Splitter vertical=false value={layout.map} onchange={resize_map} label="Resize the map" />
                        }
                        if let Some(open) = state.inspector.clone() {
                            <Inspector {open} dispatch={dispatch.clone()} />
                        }
                        if layout.editor_open {
                            <EditorPanel manifest={state.manifest.clone()} status={state.manifest_status.clone()}
                                edit={state.edit.clone()} editor={cluster.editing.as_ref().and_then(|e| e.editor.clone())}
                                problems={state.problems.clone()} assist={state.assist.clone()} hover={state.hover.clone()}
                                dispatch={dispatch.clone()} />
                        }
                    </aside>
                }
            </main>
        </div>
    }
}
