//! The in-page editor's text model, apart from the browser: positions, indentation,
//! undo history (`text.rs`), YAML highlighting (`highlight.rs`) and vi's keys (`vi.rs`).
//! Positions are in characters; the component converts to and from the textarea's UTF-16
//! selection.

pub mod highlight;
pub mod text;
pub mod vi;
