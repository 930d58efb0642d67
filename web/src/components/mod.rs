//! The page's parts: function components that draw a slice of the one state
//! (`state.rs`) and dispatch actions.

pub mod code_editor;
pub mod editor_panel;
pub mod fleet;
pub mod header;
pub mod inspector;
pub mod map;
pub mod share;
pub mod splitter;
pub mod terminal;

use yew::{Callback, MouseEvent};

use crate::state::Action;

/// A click that dispatches `action`.
pub fn on_click(dispatch: &Callback<Action>, action: Action) -> Callback<MouseEvent> {
    let d = dispatch.clone();
    Callback::from(move |_: MouseEvent| d.emit(action.clone()))
}
