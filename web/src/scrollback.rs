//! The terminal's scrollback: what was typed and what came back, by stream.

use kubarium_core::command::{Output, Stream};
use kubarium_core::playground::Shown;
use yew::prelude::*;

/// Lines kept in the scrollback.
const MAX_BLOCKS: usize = 2000;

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub class: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scrollback {
    pub blocks: Vec<Block>,
    /// Counts changes, so the terminal scrolls down only when something was printed.
    pub version: u64,
}

impl Scrollback {
    pub fn push(&mut self, class: &'static str, text: impl Into<String>) {
        let text = text.into();
        if text.is_empty() {
            return;
        }
        self.version += 1;
        self.blocks.push(Block { class, text });
        if self.blocks.len() > MAX_BLOCKS {
            let excess = self.blocks.len() - MAX_BLOCKS;
            self.blocks.drain(..excess);
        }
    }

    /// Appends a command's output, or clears the screen if it asked to.
    pub fn output(&mut self, out: &Output) {
        if out.clear {
            self.clear();
        }
        for (stream, text) in &out.chunks {
            // Output that did not end its line goes on on the same line.
            if let Some(last) = self
                .blocks
                .last_mut()
                .filter(|b| b.class != "cmd" && b.class != "banner" && !b.text.ends_with('\n'))
            {
                last.text.push_str(text);
                self.version += 1;
                continue;
            }
            self.push(
                if *stream == Stream::Err { "err" } else { "out" },
                text.clone(),
            );
        }
    }

    pub fn clear(&mut self) {
        self.blocks.clear();
        self.version += 1;
    }

    /// A block the engine sent: its command line echoed, then its output.
    pub fn show(&mut self, shown: &Shown) {
        if let Some(command) = &shown.command {
            self.push("cmd", command.clone());
        }
        self.output(&shown.output);
    }

    pub fn view(&self) -> Html {
        self.blocks
            .iter()
            .map(|b| html! { <div class={classes!("term-block", b.class)}>{ &b.text }</div> })
            .collect()
    }
}
