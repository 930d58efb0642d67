//! The terminal: the scrollback and the prompt line, with bash's line editing
//! (`line_editor.rs`), history on Up and Down, Tab completion, Ctrl-C, Ctrl-L, and a
//! multi-line paste entered line by line.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use crate::editor::text::{chars_before, units_of};
use crate::line_editor::{Keystroke, Line, LineEditor, Outcome};
use crate::scrollback::Scrollback;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub prompt: String,
    /// A command runs in the foreground: Enter waits.
    pub busy: bool,
    pub scrollback: Rc<Scrollback>,
    pub history: Rc<Vec<String>>,
    pub completion: Option<(u32, String)>,
    pub dispatch: Callback<Action>,
}

/// The prompt's line and its cursor (the input's selection counts UTF-16 units).
fn read_line(input: &NodeRef) -> Line {
    let Some(i) = input.cast::<HtmlInputElement>() else {
        return Line::default();
    };
    let text = i.value();
    let cursor = chars_before(&text, i.selection_start().ok().flatten().unwrap_or(0));
    Line::new(&text, cursor)
}

fn write_line(input: &NodeRef, line: &Line) {
    if let Some(i) = input.cast::<HtmlInputElement>() {
        i.set_value(&line.text);
        let units = units_of(&line.text, line.cursor);
        let _ = i.set_selection_range(units, units);
    }
}

fn write_text(input: &NodeRef, text: &str) {
    write_line(input, &Line::new(text, text.chars().count()));
}

/// Where Up and Down are in the history, and the line being typed before Up.
#[derive(Default)]
struct Browsing {
    at: Option<usize>,
    draft: String,
}

#[function_component(Terminal)]
pub fn terminal(p: &Props) -> Html {
    let input = use_node_ref();
    let screen = use_node_ref();
    let editor = use_mut_ref(LineEditor::default);
    let browsing: Rc<RefCell<Browsing>> = use_mut_ref(Browsing::default);
    let redraw = use_force_update();

    // Down to the newest output whenever something is printed (not on every tick, so
    // the learner can scroll back while the clock runs).
    {
        let screen = screen.clone();
        use_effect_with(p.scrollback.version, move |_| {
            if let Some(s) = screen.cast::<web_sys::Element>() {
                s.set_scroll_top(s.scroll_height());
            }
        });
    }
    {
        let input = input.clone();
        use_effect_with(p.completion.clone(), move |c| {
            if let Some((_, line)) = c {
                write_text(&input, line);
            }
        });
    }
    {
        let input = input.clone();
        use_effect_with((), move |_| {
            if let Some(i) = input.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
        });
    }

    // The line as the last key, a Tab, found it (readline lists the candidates on a Tab
    // that follows a Tab which changed nothing).
    let tabbed: Rc<RefCell<Option<String>>> = use_mut_ref(|| None);
    let onkeydown = {
        let (input, editor, browsing) = (input.clone(), editor.clone(), browsing.clone());
        let (history, dispatch, busy) = (p.history.clone(), p.dispatch.clone(), p.busy);
        Callback::from(move |e: KeyboardEvent| {
            let tab_before = if e.key() == "Shift" {
                tabbed.borrow().clone()
            } else {
                tabbed.borrow_mut().take()
            };
            let stroke = Keystroke {
                key: e.key(),
                code: e.code(),
                ctrl: e.ctrl_key(),
                alt: e.alt_key(),
            };
            let outcome = editor
                .borrow_mut()
                .key(&stroke, &read_line(&input), &history);
            match outcome {
                Outcome::Pass => {}
                Outcome::Edit(line) => {
                    e.prevent_default();
                    write_line(&input, &line);
                    redraw.force_update();
                    return;
                }
                Outcome::Run(line) => {
                    e.prevent_default();
                    write_text(&input, "");
                    browsing.borrow_mut().at = None;
                    redraw.force_update();
                    dispatch.emit(Action::Enter(line));
                    return;
                }
            }
            let value = || read_line(&input).text;
            match (stroke.ctrl, stroke.key.as_str()) {
                // As in a terminal, nothing runs until the foreground command ends.
                (_, "Enter") if busy => e.prevent_default(),
                (_, "Enter") => {
                    e.prevent_default();
                    let line = value();
                    write_text(&input, "");
                    browsing.borrow_mut().at = None;
                    dispatch.emit(Action::Enter(line));
                }
                (_, "ArrowUp" | "ArrowDown") => {
                    e.prevent_default();
                    let Some(last) = history.len().checked_sub(1) else {
                        return;
                    };
                    let mut b = browsing.borrow_mut();
                    let at = match (stroke.key.as_str(), b.at) {
                        ("ArrowUp", None) => {
                            b.draft = value();
                            Some(last)
                        }
                        ("ArrowUp", Some(i)) => Some(i.saturating_sub(1)),
                        ("ArrowDown", Some(i)) if i < last => Some(i + 1),
                        ("ArrowDown", None) => return,
                        _ => None,
                    };
                    b.at = at;
                    // Past the newest entry, Down gives back the line being typed.
                    write_text(&input, at.map_or(&b.draft, |i| &history[i]));
                }
                // Shift-Tab leaves the terminal, as keyboard users expect.
                (_, "Tab") if !e.shift_key() => {
                    e.prevent_default();
                    let line = value();
                    let again = tab_before.as_ref() == Some(&line);
                    *tabbed.borrow_mut() = Some(line.clone());
                    dispatch.emit(Action::Complete { line, again });
                }
                (true, "c") => {
                    e.prevent_default();
                    let line = value();
                    write_text(&input, "");
                    dispatch.emit(Action::Interrupt(line));
                }
                (true, "l") => {
                    e.prevent_default();
                    dispatch.emit(Action::ClearScreen);
                }
                _ => {}
            }
        })
    };

    // A paste of several lines enters them one by one, as in a terminal; the last, without
    // its newline, stays at the prompt.
    let onpaste = {
        let (input, dispatch) = (input.clone(), p.dispatch.clone());
        Callback::from(move |e: Event| {
            let Some(text) = e
                .dyn_ref::<web_sys::ClipboardEvent>()
                .and_then(|c| c.clipboard_data())
                .and_then(|d| d.get_data("text").ok())
                .filter(|t| t.contains('\n'))
            else {
                return;
            };
            e.prevent_default();
            let line = read_line(&input);
            let chars: Vec<char> = line.text.chars().collect();
            let before: String = chars[..line.cursor].iter().collect();
            let after: String = chars[line.cursor..].iter().collect();
            let text = format!("{before}{}{after}", text.replace("\r\n", "\n"));
            let mut lines: Vec<&str> = text.split('\n').collect();
            let last = lines.pop().unwrap_or_default();
            for l in lines {
                dispatch.emit(Action::Enter(l.to_string()));
            }
            let cursor = last.chars().count() - after.chars().count();
            write_line(&input, &Line::new(last, cursor));
        })
    };
    let focus = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            // Selecting text to copy it must not be undone by focusing the prompt.
            let selecting = web_sys::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .is_some_and(|s| !s.is_collapsed());
            if let (false, Some(i)) = (selecting, input.cast::<HtmlInputElement>()) {
                let _ = i.focus();
            }
        })
    };
    let prompt = editor
        .borrow()
        .search_prompt()
        .unwrap_or_else(|| p.prompt.clone());
    html! {
        <section class="terminal" aria-label="Terminal" onclick={focus}>
            <div class="screen" ref={screen} role="log">
                { p.scrollback.view() }
                <div class="prompt-line">
                    <span class="prompt">{ prompt }</span>
                    <input id="prompt" ref={input} type="text" autocomplete="off" autocapitalize="off" spellcheck="false"
                        aria-label="Command" aria-describedby="prompt-keys" {onkeydown} {onpaste} />
                    <span id="prompt-keys" class="sr-only">{"Enter runs the line; Tab completes it; Up and Down go through the history; Ctrl-R searches it; Shift-Tab leaves the terminal."}</span>
                </div>
            </div>
        </section>
    }
}
