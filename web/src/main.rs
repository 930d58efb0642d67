//! Kubarium's browser playground: a Yew app around the core's Session.

mod app;
mod editor;
mod map;
mod panic;
mod storage;
mod terminal;

fn main() {
    panic::install();
    yew::Renderer::<app::App>::new().render();
}
