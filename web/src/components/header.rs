//! The bar atop the page: the name, the cluster's clock and its controls (pause, speeds,
//! step, skip ahead), the panels and the theme, and starting over.

use kubarium_core::clock::{Millis, SECOND};
use yew::prelude::*;

use crate::components::share::Share;
use crate::state::{Action, Layout, Panel};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Virtual milliseconds since the cluster's clock started.
    pub now: Millis,
    pub playing: bool,
    pub speed: u32,
    pub layout: Layout,
    /// The share link made, while its box is open.
    pub share: Option<String>,
    pub dispatch: Callback<Action>,
}

fn clock_text(now: Millis) -> String {
    let secs = kubarium_core::clock::epoch_seconds() + now / 1000;
    let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
    format!("{h:02}:{m:02}:{s:02}")
}

/// Starting over loses the cluster: the learner confirms first.
fn confirm_reset() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.confirm_with_message(
                "Start over with a fresh cluster? Everything you typed and applied is lost.",
            )
            .ok()
        })
        .unwrap_or(false)
}

#[function_component(Header)]
pub fn header(p: &Props) -> Html {
    let act = |a: Action| super::on_click(&p.dispatch, a);
    let speed_button = |s: u32| {
        let active = p.playing && p.speed == s;
        html! {
            <button class={classes!("speed", active.then_some("active"))} aria-pressed={active.to_string()}
                title={format!("Run the cluster's clock at {s} times real time")} onclick={act(Action::Speed(s))}>{ format!("{s}x") }</button>
        }
    };
    let toggle = |panel: Panel, open: bool, label: &'static str| {
        html! {
            <button class={classes!("toggle", open.then_some("active"))} aria-pressed={open.to_string()}
                title={format!("Show or hide the {}", label.to_lowercase())} onclick={act(Action::Toggle(panel))}>{ label }</button>
        }
    };
    let reset = {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            if confirm_reset() {
                d.emit(Action::Reset);
            }
        })
    };
    let import = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let d = d.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(text) = crate::bundle_file::read(&input).await {
                    d.emit(Action::Import(text));
                }
            });
        })
    };
    let dark = p.layout.dark;
    html! {
        <header>
            <div class="brand"><span class="logo" aria-hidden="true">{"⎈"}</span>{" Kubarium"}
                <span class="tag">{format!("Kubernetes {} · simulated in your browser", kubarium_core::version::release())}</span></div>
            <div class="time" role="group" aria-label="Cluster clock">
                <span class="clock" title="Cluster time" aria-live="off">{ clock_text(p.now) }</span>
                <button class="play" onclick={act(Action::TogglePlay)} aria-label={if p.playing { "Pause the clock" } else { "Run the clock" }}>
                    { if p.playing { "❚❚ Pause" } else { "▶ Play" } }</button>
                { speed_button(1) }{ speed_button(10) }{ speed_button(60) }
                <button class="step" title="Move the clock on one second" onclick={act(Action::Advance(SECOND))}>{"+1s"}</button>
                <button class="skip" title="Skip 30 seconds ahead" onclick={act(Action::Advance(30 * SECOND))}>{"+30s"}</button>
                <button class="skip" title="Skip 5 minutes ahead (to watch timeouts such as pod eviction)" onclick={act(Action::Advance(300 * SECOND))}>{"+5m"}</button>
            </div>
            <div class="view" role="group" aria-label="Panels">
                { toggle(Panel::Map, p.layout.map_open, "Map") }
                { toggle(Panel::Editor, p.layout.editor_open, "Editor") }
                <button class="theme" onclick={act(Action::ToggleTheme)}
                    aria-label={if dark { "Switch to the light theme" } else { "Switch to the dark theme" }}
                    title={if dark { "Light theme" } else { "Dark theme" }}>{ if dark { "☀" } else { "☾" } }</button>
                <button class="share-button" onclick={act(Action::Share)} title="A link that rebuilds this cluster">{"Share"}</button>
                <button class="export" onclick={act(Action::Export)} title="Download the objects you made as a YAML file that kubectl apply -f takes back">{"Export"}</button>
                <label class="import button" title="Apply a YAML file (an exported cluster, or any manifest)">{"Import"}
                    <input type="file" class="sr-only" accept=".yaml,.yml,.json,application/yaml,text/yaml" onchange={import} /></label>
                <button class="reset" onclick={reset} title="Start over with a fresh cluster">{"Reset"}</button>
            </div>
            if let Some(url) = p.share.clone() {
                <Share url={url} dispatch={p.dispatch.clone()} />
            }
        </header>
    }
}
