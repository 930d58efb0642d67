//! The app: terminal, cluster map, time controls and YAML panel around one Session.

use gloo_timers::callback::Interval;
use kubarium_core::clock::Millis;
use kubarium_core::playground::{Reply, Request, State, Step};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::engine::{self, Crash};
use crate::line_editor::{Keystroke, Line, LineEditor, Outcome};
use crate::terminal::Scrollback;
use crate::{editor, map, panic, storage};

const TICK_MS: u32 = 250;
const DEFAULT_SEED: u64 = 1;

pub enum Msg {
    Key(KeyboardEvent),
    /// Text pasted at the prompt: each line ends as if Enter were pressed.
    Paste(String),
    Tick,
    TogglePlay,
    Speed(u32),
    YamlInput(String),
    Apply,
    /// The editor of `kubectl edit` closes: saving its text (true) or not.
    EditDone(bool),
    Reset,
    Focus,
    /// The prompt is on the screen: load the engine module.
    Boot,
    /// The engine module (the cluster) finished loading (or could not be loaded).
    EngineLoaded(Result<(), String>),
}

pub struct App {
    /// The cluster's state as of the engine's last reply (none drawn before it is built).
    state: State,
    seed: u64,
    steps: Vec<Step>,
    scrollback: Scrollback,
    /// Lines typed at the prompt, oldest first (from the saved session on a reload).
    history: Vec<String>,
    history_pos: Option<usize>,
    /// The line being typed when Up first went into the history, given back by Down.
    draft: String,
    line_editor: LineEditor,
    playing: bool,
    speed: u32,
    yaml: String,
    yaml_status: Option<(bool, String)>,
    /// While `kubectl edit` or `vi` waits: its file and the text in the editor.
    edit: Option<(String, String)>,
    input: NodeRef,
    screen: NodeRef,
    _ticker: Interval,
    /// Whether commands run yet: they wait for the engine module.
    started: bool,
    /// The engine module did not load, or crashed: nothing more runs.
    stopped: bool,
    /// The saved session, replayed once commands run.
    saved: Vec<Step>,
    /// Lines typed before commands run.
    pending: Vec<String>,
}

/// Why nothing runs when the engine module did not load.
const ENGINE_MISSING: &str = "The cluster runs in that module: reload the page.";

fn banner() -> String {
    format!(
        "Welcome to Kubarium: a Kubernetes {} cluster simulated in your browser.\n\
controlplane, node01 and node02 are ready. Try:  kubectl get nodes   kubectl run nginx --image=nginx   kubectl get pods -o wide\n",
        kubarium_core::version::release()
    )
}

impl App {
    fn record(&mut self, step: Step) {
        self.steps.push(step);
        storage::save(self.seed, &self.steps);
    }

    /// Sends a request to the engine: shows what it printed and takes its state. A crash
    /// of the engine stops the page (the crash notice offers to carry on without the step).
    fn send(&mut self, request: &Request) -> Option<Reply> {
        if self.stopped {
            return None;
        }
        match engine::call(request) {
            Ok(reply) => {
                for shown in &reply.shown {
                    self.scrollback.show(shown);
                }
                self.state = reply.state.clone();
                Some(reply)
            }
            Err(Crash(why)) => {
                self.stopped = true;
                panic::show(&why);
                None
            }
        }
    }

    /// The file an editor has open, as the engine last said (after a command, or a save
    /// that was refused and opens again with the reasons at the top).
    fn open_editor(&mut self) {
        self.edit = self
            .state
            .editing
            .as_ref()
            .map(|e| (e.file.clone(), e.text.clone()));
    }

    fn run_line(&mut self, line: &str) {
        if !line.trim().is_empty() && self.history.last().map(String::as_str) != Some(line) {
            self.history.push(line.to_string());
        }
        if self.stopped {
            let prompt = self.state.prompt.clone();
            self.scrollback.push("cmd", format!("{prompt}{line}"));
            self.scrollback.push("err", format!("{ENGINE_MISSING}\n"));
            return;
        }
        self.record(Step::Line(self.state.now, line.to_string()));
        self.send(&Request::Input {
            line: line.to_string(),
        });
        self.open_editor();
    }

    /// The editor of `kubectl edit` or `vi` closes, with `text` saved or without saving.
    fn close_editor(&mut self, text: Option<String>) {
        self.record(Step::Edit(self.state.now, text.clone()));
        self.send(&Request::SaveEdit { text });
        self.open_editor();
    }

    fn input_value(&self) -> String {
        self.input
            .cast::<HtmlInputElement>()
            .map(|i| i.value())
            .unwrap_or_default()
    }

    fn set_input(&self, v: &str) {
        self.set_line(&Line::new(v, v.chars().count()));
    }

    /// The prompt's line and its cursor (the input's selection counts UTF-16 units).
    fn input_line(&self) -> Line {
        let Some(i) = self.input.cast::<HtmlInputElement>() else {
            return Line::default();
        };
        let text = i.value();
        let units = i.selection_start().ok().flatten().unwrap_or(0) as usize;
        let mut seen = 0;
        let cursor = text
            .chars()
            .take_while(|c| {
                seen += c.len_utf16();
                seen <= units
            })
            .count();
        Line::new(&text, cursor)
    }

    fn set_line(&self, line: &Line) {
        if let Some(i) = self.input.cast::<HtmlInputElement>() {
            i.set_value(&line.text);
            let units: usize = line
                .text
                .chars()
                .take(line.cursor)
                .map(char::len_utf16)
                .sum();
            let units = units as u32;
            let _ = i.set_selection_range(units, units);
        }
    }

    /// A line entered at the prompt: it runs, or waits for the engine.
    fn enter(&mut self, line: String) {
        self.history_pos = None;
        if self.started {
            self.run_line(&line);
        } else {
            self.pending.push(line);
        }
    }

    /// The YAML panel: the manifest to apply, or the file `kubectl edit` or `vi` waits on.
    fn yaml_panel(&self, link: &yew::html::Scope<Self>, status: Option<Html>) -> Html {
        let oninput = link.callback(|e: InputEvent| {
            Msg::YamlInput(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        });
        match &self.edit {
            Some((file, text)) => {
                let editor = self.state.editing.as_ref().and_then(|e| e.editor.clone());
                let (title, status) = match editor {
                    Some((editor, host)) => (
                        editor.to_string(),
                        format!("Save writes the file on {host}; Cancel (or Ctrl-C in the terminal) closes the editor without saving."),
                    ),
                    None => (
                        "kubectl edit".to_string(),
                        "Save sends your changes to the server; Cancel (or Ctrl-C in the terminal) closes the editor without saving.".to_string(),
                    ),
                };
                html! {
                <section class="yaml-panel editing">
                    <h2>{ title }
                        <span>
                            <button class="apply" onclick={link.callback(|_| Msg::EditDone(true))}>{"Save"}</button>
                            <button class="cancel" onclick={link.callback(|_| Msg::EditDone(false))}>{"Cancel"}</button>
                        </span>
                    </h2>
                    <div class="yaml-file">{ file }</div>
                    <textarea spellcheck="false" wrap="off" value={text.clone()} {oninput} />
                    <div class="yaml-status">{ status }</div>
                </section>
                }
            }
            None => html! {
                <section class="yaml-panel">
                    <h2>{"Manifest"}<button class="apply" onclick={link.callback(|_| Msg::Apply)}>{"kubectl apply"}</button></h2>
                    <textarea spellcheck="false" value={self.yaml.clone()} {oninput} />
                    { status.unwrap_or_default() }
                </section>
            },
        }
    }

    fn clock_text(&self) -> String {
        let t: Millis = self.state.now;
        let secs = kubarium_core::clock::epoch_seconds() + t / 1000;
        let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// Marks a stage of startup on the page body (`data-ready`: the prompt is shown;
/// `data-started`: commands run), for tests and benchmarks.
fn set_body_flag(name: &str) {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute(name, "true");
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link().clone();
        let ticker = Interval::new(TICK_MS, move || link.send_message(Msg::Tick));
        let (saved_seed, saved, dropped) = storage::load();
        let seed = saved_seed.unwrap_or(DEFAULT_SEED);
        let history = saved
            .iter()
            .filter_map(|s| match s {
                Step::Line(_, l) if !l.trim().is_empty() => Some(l.clone()),
                _ => None,
            })
            .collect();
        // The cluster is built once the prompt has been painted and the engine module is
        // in (`Msg::Boot`, `Msg::EngineLoaded`).
        let mut scrollback = Scrollback::default();
        scrollback.push("banner", banner());
        if let Some(line) = dropped {
            scrollback.push("err", format!("Kubarium crashed on the last command of your saved session, so it was left out: {line}\n"));
        }
        App {
            state: State::default(),
            seed,
            steps: vec![],
            scrollback,
            history,
            history_pos: None,
            draft: String::new(),
            line_editor: LineEditor::default(),
            playing: true,
            speed: 1,
            yaml: editor::EXAMPLE.to_string(),
            yaml_status: None,
            edit: None,
            input: NodeRef::default(),
            screen: NodeRef::default(),
            _ticker: ticker,
            started: false,
            stopped: false,
            saved,
            pending: vec![],
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Boot => {
                let link = ctx.link().clone();
                yew::platform::spawn_local(async move {
                    link.send_message(Msg::EngineLoaded(engine::load().await));
                });
                false
            }
            Msg::EngineLoaded(loaded) => {
                self.steps = std::mem::take(&mut self.saved);
                match loaded {
                    // The saved session is replayed as the cluster is built.
                    Ok(()) => {
                        let boot = Request::Boot {
                            seed: self.seed,
                            steps: self.steps.clone(),
                        };
                        if self.send(&boot).is_some() {
                            storage::save(self.seed, &self.steps);
                        }
                    }
                    // Without the module the saved session waits, kept, for a reload.
                    Err(e) => {
                        self.stopped = true;
                        self.scrollback.push(
                            "err",
                            format!(
                                "Kubarium's engine module did not load ({e}). {ENGINE_MISSING}\n"
                            ),
                        );
                    }
                }
                self.started = true;
                for line in std::mem::take(&mut self.pending) {
                    self.run_line(&line);
                }
                set_body_flag("data-started");
                true
            }
            Msg::Tick => {
                if !self.playing || !self.started || self.stopped {
                    return false;
                }
                self.send(&Request::Tick {
                    ms: Millis::from(TICK_MS * self.speed),
                });
                true
            }
            Msg::TogglePlay => {
                self.playing = !self.playing;
                true
            }
            Msg::Speed(s) => {
                self.speed = s;
                self.playing = true;
                true
            }
            Msg::Focus => {
                if let Some(i) = self.input.cast::<HtmlInputElement>() {
                    let _ = i.focus();
                }
                false
            }
            Msg::YamlInput(v) => {
                match self.edit.as_mut() {
                    Some((_, text)) => *text = v,
                    None => {
                        self.yaml = v;
                        self.yaml_status = None;
                    }
                }
                false
            }
            Msg::EditDone(save) => {
                let text = self.edit.as_ref().map(|(_, t)| t.clone());
                self.close_editor(text.filter(|_| save));
                true
            }
            Msg::Apply => {
                if !self.started || self.stopped {
                    self.yaml_status = Some((
                        false,
                        "The cluster is not running: apply again once it is.".into(),
                    ));
                    return true;
                }
                let yaml = self.yaml.clone();
                self.record(Step::Apply(self.state.now, yaml.clone()));
                let Some(reply) = self.send(&Request::Apply { yaml }) else {
                    return true;
                };
                // A manifest that is not YAML was not applied: not a step either.
                if reply.shown.is_empty() {
                    self.steps.pop();
                    storage::save(self.seed, &self.steps);
                }
                self.yaml_status = reply.applied;
                true
            }
            Msg::Reset => {
                storage::clear();
                self.steps.clear();
                self.edit = None;
                self.scrollback = Scrollback::default();
                self.scrollback.push("banner", banner());
                self.send(&Request::Boot {
                    seed: self.seed,
                    steps: vec![],
                });
                storage::save(self.seed, &self.steps);
                true
            }
            Msg::Paste(text) => {
                let line = self.input_line();
                let chars: Vec<char> = line.text.chars().collect();
                let before: String = chars[..line.cursor].iter().collect();
                let after: String = chars[line.cursor..].iter().collect();
                let text = format!("{before}{}{after}", text.replace("\r\n", "\n"));
                let mut lines: Vec<&str> = text.split('\n').collect();
                let last = lines.pop().unwrap_or_default();
                for l in lines {
                    self.enter(l.to_string());
                }
                self.set_line(&Line::new(
                    last,
                    last.chars().count() - after.chars().count(),
                ));
                true
            }
            Msg::Key(e) => {
                let stroke = Keystroke {
                    key: e.key(),
                    code: e.code(),
                    ctrl: e.ctrl_key(),
                    alt: e.alt_key(),
                };
                match self
                    .line_editor
                    .key(&stroke, &self.input_line(), &self.history)
                {
                    Outcome::Pass => {}
                    Outcome::Edit(line) => {
                        e.prevent_default();
                        self.set_line(&line);
                        return true;
                    }
                    Outcome::Run(line) => {
                        e.prevent_default();
                        self.set_input("");
                        self.enter(line);
                        return true;
                    }
                }
                let key = e.key();
                let ctrl = e.ctrl_key();
                match key.as_str() {
                    // As in a terminal, nothing runs until the foreground command ends.
                    "Enter" if self.state.busy => {
                        e.prevent_default();
                        false
                    }
                    "Enter" => {
                        e.prevent_default();
                        let line = self.input_value();
                        self.set_input("");
                        self.enter(line);
                        true
                    }
                    "ArrowUp" | "ArrowDown" => {
                        e.prevent_default();
                        if self.history.is_empty() {
                            return false;
                        }
                        let last = self.history.len() - 1;
                        let pos = match (key.as_str(), self.history_pos) {
                            ("ArrowUp", None) => {
                                self.draft = self.input_value();
                                Some(last)
                            }
                            ("ArrowUp", Some(p)) => Some(p.saturating_sub(1)),
                            ("ArrowDown", Some(p)) if p < last => Some(p + 1),
                            ("ArrowDown", None) => return false,
                            _ => None,
                        };
                        self.history_pos = pos;
                        // Past the newest entry, Down gives back the line being typed.
                        let v = pos.map_or_else(|| self.draft.clone(), |p| self.history[p].clone());
                        self.set_input(&v);
                        false
                    }
                    "Tab" => {
                        e.prevent_default();
                        let line = self.input_value();
                        let Some((completed, candidates)) = self
                            .send(&Request::Complete { line: line.clone() })
                            .and_then(|r| r.completion)
                        else {
                            return false;
                        };
                        self.set_input(&completed);
                        if candidates.len() > 1 {
                            let prompt = self.state.prompt.clone();
                            self.scrollback.push("cmd", format!("{prompt}{line}"));
                            self.scrollback
                                .push("out", format!("{}\n", candidates.join("  ")));
                            return true;
                        }
                        false
                    }
                    "c" if ctrl && self.edit.is_some() => {
                        e.prevent_default();
                        self.scrollback.push("out", "^C\n");
                        self.close_editor(None);
                        true
                    }
                    "c" if ctrl && self.state.busy => {
                        e.prevent_default();
                        self.send(&Request::Interrupt);
                        self.scrollback.push("out", "^C\n");
                        true
                    }
                    "c" if ctrl => {
                        e.prevent_default();
                        let line = self.input_value();
                        let prompt = self.state.prompt.clone();
                        self.scrollback.push("cmd", format!("{prompt}{line}^C"));
                        self.send(&Request::Interrupt);
                        self.set_input("");
                        true
                    }
                    "l" if ctrl => {
                        e.prevent_default();
                        self.scrollback.blocks.clear();
                        true
                    }
                    _ => false,
                }
            }
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        if let Some(screen) = self.screen.cast::<web_sys::Element>() {
            screen.set_scroll_top(screen.scroll_height());
        }
        if first_render {
            if let Some(i) = self.input.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
            set_body_flag("data-ready");
            // The engine module is loaded, and the cluster built, once the prompt is on
            // the screen: a frame, then a task after it.
            let link = ctx.link().clone();
            let boot = Closure::once_into_js(move || {
                gloo_timers::callback::Timeout::new(0, move || link.send_message(Msg::Boot))
                    .forget();
            });
            if let Some(w) = web_sys::window() {
                let _ = w.request_animation_frame(boot.unchecked_ref());
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let speed_button = |s: u32| {
            let active = self.playing && self.speed == s;
            html! { <button class={classes!("speed", active.then_some("active"))} onclick={link.callback(move |_| Msg::Speed(s))}>{ format!("{s}x") }</button> }
        };
        let status = self.yaml_status.as_ref().map(|(ok, text)| {
            html! { <div class={classes!("yaml-status", if *ok { "ok" } else { "error" })}>{ text }</div> }
        });
        // A paste of several lines runs them one by one, as in a terminal.
        let onpaste = link.batch_callback(|e: Event| {
            let text = e
                .dyn_ref::<web_sys::ClipboardEvent>()
                .and_then(|c| c.clipboard_data())
                .and_then(|d| d.get_data("text").ok())
                .filter(|t| t.contains('\n'))?;
            e.prevent_default();
            Some(Msg::Paste(text))
        });
        html! {
            <div class="app">
                <header>
                    <div class="brand"><span class="logo">{"⎈"}</span>{" Kubarium"}<span class="tag">{format!("Kubernetes {} · simulated in your browser", kubarium_core::version::release())}</span></div>
                    <div class="time">
                        <span class="clock" title="Cluster time">{ self.clock_text() }</span>
                        <button class="play" onclick={link.callback(|_| Msg::TogglePlay)}>{ if self.playing { "❚❚ Pause" } else { "▶ Play" } }</button>
                        { speed_button(1) }{ speed_button(10) }{ speed_button(60) }
                        <button class="reset" onclick={link.callback(|_| Msg::Reset)} title="Start over with a fresh cluster">{"Reset"}</button>
                    </div>
                </header>
                <main>
                    <section class="terminal" onclick={link.callback(|_| Msg::Focus)}>
                        <div class="screen" ref={self.screen.clone()}>
                            { self.scrollback.view() }
                            <div class="prompt-line">
                                <span class="prompt">{ self.line_editor.search_prompt().unwrap_or_else(|| self.state.prompt.clone()) }</span>
                                <input id="prompt" ref={self.input.clone()} type="text" autocomplete="off" autocapitalize="off" spellcheck="false"
                                    aria-label="Command" onkeydown={link.callback(Msg::Key)} {onpaste} />
                            </div>
                        </div>
                    </section>
                    <aside>
                        <section class="map-panel">
                            <h2>{"Cluster"}</h2>
                            { map::view(&self.state.view) }
                            <div class="legend">
                                <span class="dot running"></span>{"Running"}
                                <span class="dot starting"></span>{"Starting"}
                                <span class="dot failing"></span>{"Failing"}
                                <span class="dot terminating"></span>{"Terminating"}
                                <span class="dot done"></span>{"Completed"}
                            </div>
                        </section>
                        { self.yaml_panel(link, status) }
                    </aside>
                </main>
            </div>
        }
    }
}
