//! Kubarium's browser playground: a Yew app around the core's Session. Only presentation
//! and browser IO live here; the cluster runs in the engine module (kubarium-web-engine).

pub mod app;
mod editor;
mod engine;
mod line_editor;
mod map;
mod panic;
mod storage;
mod terminal;

/// Starts the app in the page body.
pub fn start() {
    panic::install();
    yew::Renderer::<app::App>::new().render();
}
