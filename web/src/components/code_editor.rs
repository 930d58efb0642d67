//! The editing surface: line numbers, YAML highlighting under a transparent textarea
//! (the browser's own caret, selection, clipboard and input methods), two-space
//! indentation, undo and redo, find, vi's keys when chosen, the schema's completions
//! (Ctrl-Space, or as a word is typed) and documentation (at the cursor and under the
//! mouse), and the cluster's problems marked at their lines.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use kubarium_core::playground::assist::{Assist, Problem};
use web_sys::{HtmlElement, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::editor::highlight::highlight;
use crate::editor::text::{self, chars_before, units_of, History};
use crate::editor::vi::{Effect, Mode, Vi};
use crate::state::Action;

/// The editor's line height and character width in pixels (the CSS sets the same font).
const LINE_PX: f64 = 18.0;
/// How long typing or moving must pause before the cluster is asked (ms).
const LINT_MS: u32 = 250;
const ASSIST_MS: u32 = 120;
const HOVER_MS: u32 = 350;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub text: String,
    /// What the text is (a file name, "Manifest"): a new one starts a new history.
    pub name: String,
    /// vi's keys from the start (`vi`, `vim`, `kubectl edit`).
    pub vi: bool,
    pub problems: Rc<(String, Vec<Problem>)>,
    pub assist: Option<Rc<Assist>>,
    pub hover: Option<Rc<Assist>>,
    pub on_change: Callback<String>,
    /// vi's `:wq` and `:q`: close, saving this text or not.
    pub on_close: Callback<Option<String>>,
    pub dispatch: Callback<Action>,
}

/// The textarea's selection, in characters.
fn selection(area: &HtmlTextAreaElement) -> (usize, usize) {
    let text = area.value();
    let from = area.selection_start().ok().flatten().unwrap_or(0);
    let to = area.selection_end().ok().flatten().unwrap_or(from);
    (chars_before(&text, from), chars_before(&text, to))
}

fn select(area: &HtmlTextAreaElement, from: usize, to: usize) {
    let text = area.value();
    let _ = area.set_selection_range(units_of(&text, from), units_of(&text, to));
}

/// The word a completion replaces: letters, digits, `-`, `_`, `.` and `/` before the cursor.
fn word_before(chars: &[char], at: usize) -> usize {
    let at = at.min(chars.len());
    chars[..at]
        .iter()
        .rposition(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/')))
        .map_or(0, |i| i + 1)
}

/// The editor's own state between events.
#[derive(Default)]
struct Local {
    history: History,
    name: String,
    vi: Option<Vi>,
    /// The text `:w` wrote (the editor closes with it on `:q`).
    written: Option<String>,
    /// The cursor to put back once the new text is drawn.
    cursor: Option<(usize, usize)>,
    /// The last key was Escape: Tab leaves the editor instead of indenting.
    escaped: bool,
    lint: Option<Timeout>,
    assist: Option<Timeout>,
    hover: Option<Timeout>,
}

#[function_component(CodeEditor)]
pub fn code_editor(p: &Props) -> Html {
    let area = use_node_ref();
    let find_input = use_node_ref();
    let ruler = use_node_ref();
    let surface = use_node_ref();
    let local: Rc<RefCell<Local>> = use_mut_ref(Local::default);
    // What the bottom line shows (vi's mode and messages), the find bar, the completion
    // list (its selected row), and the cursor's line and column.
    let status = use_state_eq(String::new);
    let find = use_state_eq(|| None::<String>);
    let completing = use_state_eq(|| None::<usize>);
    let at = use_state_eq(|| (1usize, 1usize));
    // Where the mouse rested on a key (client pixels), once its documentation is asked.
    let hover_open = use_state_eq(|| None::<(i32, i32)>);

    // A new file: a new history, vi (if chosen) in Normal mode, and its problems.
    {
        let mut l = local.borrow_mut();
        if l.name != p.name {
            l.name = p.name.clone();
            l.history = History::new(&p.text, 0);
            l.vi = p.vi.then(Vi::default);
            l.written = None;
            l.cursor = Some((0, 0));
            drop(l);
            let d = p.dispatch.clone();
            local.borrow_mut().lint = Some(Timeout::new(0, move || d.emit(Action::Lint)));
        }
    }
    // The cursor after a change the editor made itself.
    {
        let local = local.clone();
        let area = area.clone();
        use_effect(move || {
            if let (Some((from, to)), Some(a)) = (
                local.borrow_mut().cursor.take(),
                area.cast::<HtmlTextAreaElement>(),
            ) {
                select(&a, from, to);
            }
        });
    }

    let schedule_lint = {
        let local = local.clone();
        let d = p.dispatch.clone();
        move || {
            let d = d.clone();
            local.borrow_mut().lint = Some(Timeout::new(LINT_MS, move || d.emit(Action::Lint)));
        }
    };
    // Where the cursor is, and the schema's help there after a pause.
    let schedule_assist = {
        let local = local.clone();
        let d = p.dispatch.clone();
        let area = area.clone();
        let at = at.clone();
        move || {
            let Some(a) = area.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let chars: Vec<char> = a.value().chars().collect();
            let (line, column) = text::line_col(&chars, selection(&a).1);
            let (line, column) = (line + 1, column + 1);
            at.set((line, column));
            let d = d.clone();
            local.borrow_mut().assist = Some(Timeout::new(ASSIST_MS, move || {
                d.emit(Action::Assist {
                    line,
                    column,
                    hover: false,
                })
            }));
        }
    };
    // A change the editor makes (not the browser's typing): recorded, drawn, the cursor
    // put back.
    let change = {
        let local = local.clone();
        let on_change = p.on_change.clone();
        let schedule_lint = schedule_lint.clone();
        move |text: String, from: usize, to: usize| {
            {
                let mut l = local.borrow_mut();
                l.history.record(&text, to, false);
                l.cursor = Some((from, to));
            }
            on_change.emit(text);
            schedule_lint();
        }
    };

    let oninput = {
        let local = local.clone();
        let on_change = p.on_change.clone();
        let schedule_lint = schedule_lint.clone();
        let completing = completing.clone();
        Callback::from(move |e: InputEvent| {
            let a: HtmlTextAreaElement = e.target_unchecked_into();
            let text = a.value();
            let (_, cursor) = selection(&a);
            let typed = e.data().unwrap_or_default();
            local
                .borrow_mut()
                .history
                .record(&text, cursor, typed.chars().count() == 1);
            // A word being typed offers what fits; anything else closes the list.
            let word = typed.chars().all(|c| c.is_alphanumeric()) && !typed.is_empty();
            completing.set(word.then_some(0));
            on_change.emit(text);
            schedule_lint();
        })
    };

    // The completions that fit the word before the cursor.
    let candidates: Vec<String> = {
        let prefix: String = area
            .cast::<HtmlTextAreaElement>()
            .map(|a| {
                let chars: Vec<char> = a.value().chars().collect();
                let end = selection(&a).1.min(chars.len());
                chars[word_before(&chars, end)..end].iter().collect()
            })
            .unwrap_or_default();
        let lower = prefix.to_lowercase();
        p.assist
            .iter()
            .flat_map(|a| a.candidates.iter())
            .filter(|c| c.to_lowercase().starts_with(&lower) && **c != prefix)
            .take(50)
            .cloned()
            .collect()
    };
    let accept = {
        let area = area.clone();
        let change = change.clone();
        let completing = completing.clone();
        let at_value = p.assist.as_ref().is_some_and(|a| a.at_value);
        move |choice: &str| {
            let Some(a) = area.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let chars: Vec<char> = a.value().chars().collect();
            let end = selection(&a).1.min(chars.len());
            let start = word_before(&chars, end);
            let mut inserted = choice.to_string();
            // A key gets its colon (unless one follows already).
            if !at_value && chars.get(end) != Some(&':') {
                inserted.push_str(": ");
            }
            let cursor = start + inserted.chars().count();
            completing.set(None);
            change(text::splice(&chars, start, end, &inserted), cursor, cursor);
            let _ = a.focus();
        }
    };

    let onkeydown = {
        let local = local.clone();
        let change = change.clone();
        let status = status.clone();
        let find = find.clone();
        let completing = completing.clone();
        let candidates = candidates.clone();
        let accept = accept.clone();
        let on_close = p.on_close.clone();
        let d = p.dispatch.clone();
        let find_input = find_input.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(a) = e.target_dyn_into::<HtmlTextAreaElement>() else {
                return;
            };
            let key = e.key();
            let ctrl = e.ctrl_key() || e.meta_key();
            let text = a.value();
            let (from, to) = selection(&a);
            let chars: Vec<char> = text.chars().collect();
            let escaped = std::mem::replace(&mut local.borrow_mut().escaped, key == "Escape");
            // The completion list takes the keys that move in it and accept; Escape
            // closes it and goes on (vi leaves Insert mode too).
            let typing = local
                .borrow()
                .vi
                .as_ref()
                .is_none_or(|v| v.mode == Mode::Insert);
            if let (Some(row), false, true) = (*completing, candidates.is_empty(), typing) {
                let n = candidates.len();
                match key.as_str() {
                    "ArrowDown" => completing.set(Some((row + 1) % n)),
                    "ArrowUp" => completing.set(Some((row + n - 1) % n)),
                    "Enter" | "Tab" => accept(&candidates[row.min(n - 1)]),
                    "Escape" => completing.set(None),
                    _ => return,
                }
                if key != "Escape" {
                    e.prevent_default();
                    return;
                }
            }
            if ctrl && key == " " {
                e.prevent_default();
                completing.set(Some(0));
                d.emit(Action::Assist {
                    line: text::line_col(&chars, to).0 + 1,
                    column: text::line_col(&chars, to).1 + 1,
                    hover: false,
                });
                return;
            }
            if ctrl && (key == "f" || key == "F") {
                e.prevent_default();
                find.set(Some(String::new()));
                let f = find_input.clone();
                Timeout::new(0, move || {
                    if let Some(i) = f.cast::<HtmlInputElement>() {
                        let _ = i.focus();
                    }
                })
                .forget();
                return;
            }
            let undo = |redo: bool| {
                let step = {
                    let mut l = local.borrow_mut();
                    if redo {
                        l.history.redo()
                    } else {
                        l.history.undo()
                    }
                };
                if let Some((t, c)) = step {
                    local.borrow_mut().cursor = Some((c, c));
                    change(t, c, c);
                }
            };
            if ctrl && !e.alt_key() {
                match (key.as_str(), e.shift_key()) {
                    ("z" | "Z", false) => {
                        e.prevent_default();
                        return undo(false);
                    }
                    ("z" | "Z", true) | ("y", _) => {
                        e.prevent_default();
                        return undo(true);
                    }
                    _ => {}
                }
            }
            // vi, when chosen.
            let mut vi = local.borrow_mut().vi.take();
            if let Some(v) = vi.as_mut() {
                let effect = v.key(&key, ctrl, &text, to);
                let mode = v.mode.clone();
                let line = v.status();
                local.borrow_mut().vi = vi;
                status.set(line);
                if mode != Mode::Insert {
                    completing.set(None);
                }
                match effect {
                    Effect::Pass => {}
                    effect => {
                        e.prevent_default();
                        match effect {
                            Effect::Move(c) => select(&a, c, c),
                            Effect::Change(t, c) => change(t, c, c),
                            Effect::Undo => undo(false),
                            Effect::Redo => undo(true),
                            Effect::Write => {
                                local.borrow_mut().written = Some(text.clone());
                                status.set(format!(
                                    "\"{}\" {}L, {}B written",
                                    local.borrow().name,
                                    text.lines().count(),
                                    text.len()
                                ));
                            }
                            Effect::WriteQuit => on_close.emit(Some(text)),
                            Effect::Quit => {
                                let written = local.borrow().written.clone();
                                let unchanged =
                                    written.as_deref().unwrap_or(local.borrow().history.first())
                                        == text;
                                if unchanged {
                                    on_close.emit(written);
                                } else {
                                    status.set(
                                        "E37: No write since last change (add ! to override)"
                                            .into(),
                                    );
                                }
                            }
                            Effect::ForceQuit => on_close.emit(local.borrow().written.clone()),
                            Effect::Message(m) => status.set(m),
                            Effect::Pass | Effect::Nothing => {}
                        }
                        return;
                    }
                }
                if mode != Mode::Insert {
                    return;
                }
            }
            match key.as_str() {
                "Tab" if !ctrl && !escaped => {
                    e.prevent_default();
                    if from == to && !e.shift_key() {
                        change(text::splice(&chars, from, to, "  "), from + 2, from + 2);
                    } else {
                        let (t, f, l) = text::shift_lines(&text, from, to, e.shift_key());
                        change(t, f, l);
                    }
                }
                "Enter" if !ctrl && !e.shift_key() => {
                    e.prevent_default();
                    let inserted = text::newline(&chars, from);
                    let c = from + inserted.chars().count();
                    change(text::splice(&chars, from, to, &inserted), c, c);
                }
                _ => {}
            }
        })
    };
    let onkeyup = {
        let schedule_assist = schedule_assist.clone();
        Callback::from(move |_: KeyboardEvent| schedule_assist())
    };
    let onclick = {
        let schedule_assist = schedule_assist.clone();
        let completing = completing.clone();
        Callback::from(move |_: MouseEvent| {
            completing.set(None);
            schedule_assist()
        })
    };
    // The mouse resting on a key: its documentation.
    let onmousemove = {
        let local = local.clone();
        let ruler = ruler.clone();
        let surface = surface.clone();
        let d = p.dispatch.clone();
        let hover_open = hover_open.clone();
        let text = p.text.clone();
        Callback::from(move |e: MouseEvent| {
            // (Yew delegates events: the element is found by its ref, not currentTarget.)
            let Some(el) = surface.cast::<HtmlElement>() else {
                return;
            };
            let rect = el.get_bounding_client_rect();
            let x = f64::from(e.client_x()) - rect.left() - 8.0;
            let y = f64::from(e.client_y()) - rect.top() - 8.0;
            let line = (y / LINE_PX).floor().max(0.0) as usize + 1;
            let column = (x / char_px(&ruler)).floor().max(0.0) as usize + 1;
            let on_key = text.lines().nth(line - 1).is_some_and(|l| {
                column <= l.find(':').map_or(0, |c| c + 1)
                    && column > l.len() - l.trim_start_matches([' ', '-']).len()
            });
            hover_open.set(None);
            let d = d.clone();
            let point = (e.client_x(), e.client_y());
            let hover_open = hover_open.clone();
            local.borrow_mut().hover = on_key.then(|| {
                Timeout::new(HOVER_MS, move || {
                    d.emit(Action::Assist {
                        line,
                        column,
                        hover: true,
                    });
                    hover_open.set(Some(point));
                })
            });
        })
    };
    let onmouseleave = {
        let local = local.clone();
        let hover_open = hover_open.clone();
        Callback::from(move |_: MouseEvent| {
            local.borrow_mut().hover = None;
            hover_open.set(None);
        })
    };

    // Find: Enter selects the next match after the cursor (wrapping), Escape closes.
    let find_keys = {
        let find = find.clone();
        let area = area.clone();
        let status = status.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(a) = area.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let input: HtmlInputElement = e.target_unchecked_into();
            match e.key().as_str() {
                "Escape" => {
                    find.set(None);
                    let _ = a.focus();
                }
                "Enter" => {
                    e.prevent_default();
                    let needle: Vec<char> = input.value().chars().collect();
                    let chars: Vec<char> = a.value().chars().collect();
                    if needle.is_empty() || needle.len() > chars.len() {
                        return;
                    }
                    let start = selection(&a).1;
                    let hits: Vec<usize> = (0..=chars.len() - needle.len())
                        .filter(|&i| chars[i..].starts_with(&needle))
                        .collect();
                    match hits.iter().find(|&&i| i >= start).or(hits.first()) {
                        Some(&i) => {
                            select(&a, i, i + needle.len());
                            let line = text::line_col(&chars, i).0;
                            scroll_to(&a, line);
                            status.set(format!(
                                "{} of {} matches",
                                hits.iter().position(|&h| h == i).unwrap_or(0) + 1,
                                hits.len()
                            ));
                        }
                        None => status.set(format!("Not found: {}", input.value())),
                    }
                }
                _ => {}
            }
        })
    };

    // What is drawn.
    let lines = highlight(&p.text);
    let problems: &[Problem] = if p.problems.0 == p.text {
        &p.problems.1
    } else {
        &[]
    };
    let problem_at = |n: usize| problems.iter().find(|pr| pr.line == n);
    let longest = p.text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let size = format!(
        "height: {}px; width: max(100%, calc({}ch + 24px));",
        lines.len() as f64 * LINE_PX + 16.0,
        longest + 2
    );
    let (cur_line, cur_col) = *at;
    let vi_on = local.borrow().vi.is_some();
    let mode = local.borrow().vi.as_ref().map(|v| v.mode.clone());
    let typing = mode.as_ref().is_none_or(|m| *m == Mode::Insert);
    let completion = completing.and_then(|row| {
        if candidates.is_empty() || !typing {
            return None;
        }
        // Under the cursor's line (above it in the window's lower half), drawn over the
        // editor's scrolling box rather than clipped by it.
        let rect = surface.cast::<HtmlElement>()?.get_bounding_client_rect();
        let x = rect.left() + 8.0 + (cur_col.saturating_sub(1)) as f64 * char_px(&ruler);
        let y = rect.top() + 8.0 + cur_line as f64 * LINE_PX;
        let style = floating(x, y, y - LINE_PX);
        Some(html! {
            <ul class="completion" role="listbox" aria-label="Completions" {style}>
                { for candidates.iter().enumerate().map(|(i, c)| {
                    let accept = accept.clone();
                    let choice = c.clone();
                    let onmousedown = Callback::from(move |e: MouseEvent| { e.prevent_default(); accept(&choice) });
                    html! {
                        <li role="option" aria-selected={(i == row.min(candidates.len() - 1)).to_string()}
                            class={classes!((i == row.min(candidates.len() - 1)).then_some("selected"))} {onmousedown}>
                            { c }
                        </li>
                    }
                }) }
            </ul>
        })
    });
    let hover = p.hover.as_ref().zip(*hover_open).and_then(|(h, (x, y))| {
        let field = h.field.as_ref()?;
        let style = floating(f64::from(x), f64::from(y) + 12.0, f64::from(y) - 8.0);
        Some(html! {
            <div class="field-doc hover" role="tooltip" {style}>
                <b>{ &field.name }</b>{ format!(" <{}>", field.kind) }
                { if field.required { " -required-" } else { "" } }
                <p>{ &field.description }</p>
            </div>
        })
    });
    let toggle_vi = {
        let local = local.clone();
        let status = status.clone();
        let area = area.clone();
        Callback::from(move |_: MouseEvent| {
            let mut l = local.borrow_mut();
            l.vi = if l.vi.is_some() {
                None
            } else {
                Some(Vi::default())
            };
            status.set(String::new());
            if let Some(a) = area.cast::<HtmlTextAreaElement>() {
                let _ = a.focus();
            }
        })
    };
    let doc = p.assist.as_ref().and_then(|a| a.field.as_ref()).map(|f| {
        let first = f
            .description
            .split(". ")
            .next()
            .unwrap_or("")
            .trim_end_matches('.');
        format!(
            "{} <{}>{}: {first}.",
            f.name,
            f.kind,
            if f.required { " -required-" } else { "" }
        )
    });
    html! {
        <div class={classes!("code-editor", mode.as_ref().map(|m| match m { Mode::Insert => "vi-insert", _ => "vi-normal" }))}>
            <div class="code-tools">
                <label><input type="checkbox" checked={vi_on} onclick={toggle_vi} />{" vi keys"}</label>
                { for (*find).as_ref().map(|_| html! {
                    <input ref={find_input} class="find" type="search" placeholder="Find (Enter: next, Esc: close)"
                        aria-label="Find in the editor" onkeydown={find_keys} />
                }) }
                <span class="ruler" ref={ruler} aria-hidden="true">{"0123456789"}</span>
                <span class="where">{ format!("Ln {cur_line}, Col {cur_col}") }</span>
            </div>
            <div class="code" >
                <div class="gutter" aria-hidden="true">
                    { for (1..=lines.len()).map(|n| match problem_at(n) {
                        Some(pr) => html! { <div class="problem" title={pr.message.clone()}>{ n }</div> },
                        None => html! { <div>{ n }</div> },
                    }) }
                </div>
                <div class="code-text" ref={surface} onmousemove={onmousemove} onmouseleave={onmouseleave}>
                    <pre class="highlighted" aria-hidden="true" style={size.clone()}>
                        { for lines.iter().enumerate().map(|(i, pieces)| html! {
                            <div class={classes!("ln", problem_at(i + 1).map(|_| "problem"))}>
                                { for pieces.iter().map(|(t, s)| html! { <span class={t.class()}>{ s }</span> }) }
                            </div>
                        }) }
                    </pre>
                    <textarea ref={area.clone()} spellcheck="false" wrap="off" autocomplete="off" style={size}
                        aria-label={format!("Contents of {}", p.name)} value={p.text.clone()}
                        {oninput} {onkeydown} {onkeyup} {onclick} />
                    { completion.unwrap_or_default() }
                    { hover.unwrap_or_default() }
                </div>
            </div>
            <div class="code-status">
                <span class="vi-line">{ (*status).clone() }</span>
                { for doc.map(|d| html! { <span class="doc-line" title={d.clone()}>{ d }</span> }) }
            </div>
            if !problems.is_empty() {
                <ul class="problems" aria-label="Problems">
                    { for problems.iter().map(|pr| {
                        let area = area.clone();
                        let (line, column) = (pr.line, pr.column);
                        let onclick = Callback::from(move |_: MouseEvent| {
                            if let Some(a) = area.cast::<HtmlTextAreaElement>() {
                                let chars: Vec<char> = a.value().chars().collect();
                                let i = text::index_of(&chars, line - 1, column - 1);
                                let _ = a.focus();
                                select(&a, i, i);
                                scroll_to(&a, line - 1);
                            }
                        });
                        html! {
                            <li><button class="problem-link" {onclick}>{ format!("Line {}, column {}", pr.line, pr.column) }</button>{ format!(" {}", pr.message) }</li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}

/// The width of one character of the editor's font, measured on the ruler beside it.
fn char_px(ruler: &NodeRef) -> f64 {
    ruler
        .cast::<HtmlElement>()
        .map(|r| r.get_bounding_client_rect().width() / 10.0)
        .filter(|w| *w > 0.0)
        .unwrap_or(7.5)
}

/// A floating box's place in the window: its top-left at (x, below), or with its bottom
/// at `above` when `below` is in the window's lower half.
fn floating(x: f64, below: f64, above: f64) -> String {
    let window = web_sys::window();
    let height = window
        .as_ref()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(800.0);
    let width = window
        .and_then(|w| w.inner_width().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(1200.0);
    let left = x.min(width - 440.0).max(4.0);
    if below > height / 2.0 {
        format!("left: {left:.0}px; bottom: {:.0}px;", height - above)
    } else {
        format!("left: {left:.0}px; top: {below:.0}px;")
    }
}

/// Scrolls the editor so that 0-based `line` is in view.
fn scroll_to(area: &HtmlTextAreaElement, line: usize) {
    let Some(scroller) = area
        .parent_element()
        .and_then(|e| e.parent_element())
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<HtmlElement>(e).ok())
    else {
        return;
    };
    let top = line as f64 * LINE_PX;
    let view = f64::from(scroller.client_height());
    let now = f64::from(scroller.scroll_top());
    if top < now || top + LINE_PX * 2.0 > now + view {
        scroller.set_scroll_top((top - view / 3.0).max(0.0) as i32);
    }
}
