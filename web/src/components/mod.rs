//! The page's parts: function components that draw a slice of the one state
//! (`state.rs`) and dispatch actions.

pub mod editor_panel;
pub mod header;
pub mod inspector;
pub mod map;
pub mod share;
pub mod splitter;
pub mod terminal;
