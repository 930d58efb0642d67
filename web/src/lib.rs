//! Kubarium's browser playground: a Yew app that draws the cluster the engine module
//! (kubarium-web-engine) runs. Only presentation and browser IO live here: one state and
//! its reducer (`state.rs`), the components that draw it (`components/`), and the
//! services for the engine, storage and crashes.

pub mod app;
mod bundle_file;
mod components;
mod editor;
mod engine;
mod line_editor;
mod link;
mod offline;
mod panic;
mod scrollback;
mod state;
mod storage;

/// Starts the app in the page body.
pub fn start() {
    panic::install();
    yew::Renderer::<app::App>::new().render();
}
