//! Kubarium's browser playground: a Yew app around the core's Session. Only presentation
//! and browser IO live here; the cluster is in kubarium-core.

pub mod app;
mod editor;
mod extras;
mod map;
mod panic;
mod storage;
mod terminal;

/// Starts the app in the page body.
pub fn start() {
    panic::install();
    yew::Renderer::<app::App>::new().render();
}
