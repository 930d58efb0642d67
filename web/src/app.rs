//! The app: terminal, cluster map, time controls and YAML panel around one Session.

use gloo_timers::callback::Interval;
use kubarium_core::clock::Millis;
use kubarium_core::session::Session;
use kubarium_core::view::cluster_view;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::storage::{self, Step};
use crate::terminal::Scrollback;
use crate::{editor, map};

const TICK_MS: u32 = 250;
const DEFAULT_SEED: u64 = 1;

pub enum Msg {
    Key(KeyboardEvent),
    Tick,
    TogglePlay,
    Speed(u32),
    YamlInput(String),
    Apply,
    /// The editor of `kubectl edit` closes: saving its text (true) or not.
    EditDone(bool),
    Reset,
    Focus,
    /// The prompt is on the screen: build the cluster, then load the extras module.
    Boot,
    /// The extras module (CEL, OpenAPI schemas, the tools) finished loading (or could not
    /// be loaded).
    ExtrasLoaded(Result<(), String>),
}

pub struct App {
    session: Session,
    seed: u64,
    steps: Vec<Step>,
    scrollback: Scrollback,
    history_pos: Option<usize>,
    playing: bool,
    speed: u32,
    yaml: String,
    yaml_status: Option<(bool, String)>,
    /// While `kubectl edit` or `vi` waits: its file and the text in the editor.
    edit: Option<(String, String)>,
    input: NodeRef,
    screen: NodeRef,
    _ticker: Interval,
    /// Whether commands run yet: they wait for the extras module, so that a policy is
    /// always judged the same way.
    started: bool,
    /// The saved session, replayed once commands run.
    saved: Vec<Step>,
    /// Lines typed before commands run.
    pending: Vec<String>,
}

/// Why nothing runs when the tools module did not load.
const TOOLS_MISSING: &str = "The cluster cannot run without it (its YAML reader, so the control plane's static pods and every manifest, its bootstrap data and the workload controllers' decisions are there): reload the page.";

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

    fn run_line(&mut self, line: &str) {
        let prompt = self.session.prompt();
        self.scrollback.push("cmd", format!("{prompt}{line}"));
        if !kubarium_core::tools::loaded() {
            // The cluster cannot run without the module: nothing is recorded.
            self.scrollback.push("err", format!("{TOOLS_MISSING}\n"));
            return;
        }
        self.record(Step::Line(self.session.cluster.now(), line.to_string()));
        let out = self.session.input(line);
        self.scrollback.output(&out);
        self.edit = self.session.editing();
    }

    /// The editor of `kubectl edit` or `vi` closes, with `text` saved or without saving.
    fn close_editor(&mut self, text: Option<String>) {
        self.record(Step::Edit(self.session.cluster.now(), text.clone()));
        let out = self.session.save_edit(text);
        self.scrollback.output(&out);
        // A refused edit opens again, with the reasons at the top.
        self.edit = self.session.editing();
    }

    fn input_value(&self) -> String {
        self.input
            .cast::<HtmlInputElement>()
            .map(|i| i.value())
            .unwrap_or_default()
    }

    fn set_input(&self, v: &str) {
        if let Some(i) = self.input.cast::<HtmlInputElement>() {
            i.set_value(v);
        }
    }

    /// The YAML panel: the manifest to apply, or the file `kubectl edit` or `vi` waits on.
    fn yaml_panel(&self, link: &yew::html::Scope<Self>, status: Option<Html>) -> Html {
        let oninput = link.callback(|e: InputEvent| {
            Msg::YamlInput(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        });
        match &self.edit {
            Some((file, text)) => {
                let (title, status) = match self.session.editing_file() {
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
        let t: Millis = self.session.cluster.now();
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
        // The cluster is built once the prompt has been painted and the tools module is in
        // (`Msg::Boot`, `Msg::ExtrasLoaded`).
        let session = Session::unbooted(seed);
        let mut scrollback = Scrollback::default();
        scrollback.push("banner", banner());
        if let Some(line) = dropped {
            scrollback.push("err", format!("Kubarium crashed on the last command of your saved session, so it was left out: {line}\n"));
        }
        App {
            session,
            seed,
            steps: vec![],
            scrollback,
            history_pos: None,
            playing: true,
            speed: 1,
            yaml: editor::EXAMPLE.to_string(),
            yaml_status: None,
            edit: None,
            input: NodeRef::default(),
            screen: NodeRef::default(),
            _ticker: ticker,
            started: false,
            saved,
            pending: vec![],
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Boot => {
                let link = ctx.link().clone();
                yew::platform::spawn_local(async move {
                    link.send_message(Msg::ExtrasLoaded(crate::extras::load().await));
                });
                false
            }
            Msg::ExtrasLoaded(loaded) => {
                // The controllers decide in the tools module: the cluster is built once it
                // is in.
                self.session = Session::new(self.seed);
                if let Err(e) = loaded {
                    self.scrollback.push(
                        "err",
                        format!("Kubarium's tools module did not load ({e}). {TOOLS_MISSING}\n"),
                    );
                }
                let saved = std::mem::take(&mut self.saved);
                // Without the module the saved session waits, kept, for a reload.
                let replayed = if kubarium_core::tools::loaded() {
                    storage::replay(&mut self.session, &saved)
                } else {
                    vec![]
                };
                for (label, out) in replayed {
                    self.scrollback.push("cmd", label);
                    self.scrollback.output(&out);
                }
                self.steps = saved;
                storage::save(self.seed, &self.steps);
                self.started = true;
                for line in std::mem::take(&mut self.pending) {
                    self.run_line(&line);
                }
                set_body_flag("data-started");
                true
            }
            Msg::Tick => {
                if !self.playing || !self.started {
                    return false;
                }
                self.session.tick(i64::from(TICK_MS * self.speed));
                // A command running in the foreground (`kubectl get -w`) prints as the
                // cluster changes.
                if self.session.busy() {
                    let out = self.session.poll();
                    self.scrollback.output(&out);
                }
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
            Msg::Apply if !self.started => {
                self.yaml_status = Some((
                    false,
                    "The cluster is still starting; apply again in a moment.".into(),
                ));
                true
            }
            Msg::Apply => {
                if !self.started {
                    self.yaml_status = Some((
                        false,
                        "The cluster is still starting: apply again in a moment.".into(),
                    ));
                    return true;
                }
                let yaml = self.yaml.clone();
                if let Err(e) = kubarium_core::kubectl::manifest::check_syntax(&yaml) {
                    self.yaml_status = Some((
                        false,
                        format!("line {}, column {}: {}", e.line, e.column, e.message),
                    ));
                    return true;
                }
                self.scrollback
                    .push("cmd", "# kubectl apply -f - (from the editor)");
                self.record(Step::Apply(self.session.cluster.now(), yaml.clone()));
                let out = self.session.apply_manifest(&yaml);
                let err = out
                    .chunks
                    .iter()
                    .filter(|(s, _)| *s == kubarium_core::command::Stream::Err)
                    .map(|(_, t)| t.clone())
                    .collect::<String>();
                self.yaml_status = Some(if err.is_empty() {
                    (true, out.text().trim().to_string())
                } else {
                    (
                        false,
                        editor::locate(&yaml, &err).unwrap_or_else(|| err.trim().to_string()),
                    )
                });
                self.scrollback.output(&out);
                true
            }
            Msg::Reset => {
                storage::clear();
                self.steps.clear();
                self.session = Session::new(self.seed);
                self.edit = None;
                self.scrollback = Scrollback::default();
                self.scrollback.push("banner", banner());
                storage::save(self.seed, &self.steps);
                true
            }
            Msg::Key(e) => {
                let key = e.key();
                let ctrl = e.ctrl_key();
                match key.as_str() {
                    // As in a terminal, nothing runs until the foreground command ends.
                    "Enter" if self.session.busy() => {
                        e.prevent_default();
                        false
                    }
                    "Enter" => {
                        e.prevent_default();
                        let line = self.input_value();
                        self.set_input("");
                        self.history_pos = None;
                        if self.started {
                            self.run_line(&line);
                        } else {
                            self.pending.push(line);
                        }
                        true
                    }
                    "ArrowUp" | "ArrowDown" => {
                        e.prevent_default();
                        let hist = &self.session.shell.history;
                        if hist.is_empty() {
                            return false;
                        }
                        let pos = match (key.as_str(), self.history_pos) {
                            ("ArrowUp", None) => Some(hist.len() - 1),
                            ("ArrowUp", Some(p)) => Some(p.saturating_sub(1)),
                            ("ArrowDown", Some(p)) if p + 1 < hist.len() => Some(p + 1),
                            _ => None,
                        };
                        self.history_pos = pos;
                        let v = pos.map(|p| hist[p].clone()).unwrap_or_default();
                        self.set_input(&v);
                        false
                    }
                    "Tab" => {
                        e.prevent_default();
                        let line = self.input_value();
                        let (completed, candidates) = self.session.complete(&line);
                        self.set_input(&completed);
                        if candidates.len() > 1 {
                            let prompt = self.session.prompt();
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
                    "c" if ctrl && self.session.busy() => {
                        e.prevent_default();
                        let out = self.session.interrupt();
                        self.scrollback.output(&out);
                        self.scrollback.push("out", "^C\n");
                        true
                    }
                    "c" if ctrl => {
                        e.prevent_default();
                        let line = self.input_value();
                        let prompt = self.session.prompt();
                        self.scrollback.push("cmd", format!("{prompt}{line}^C"));
                        self.session.interrupt();
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
            // The cluster is built, and then the extras module loaded, once the prompt is
            // on the screen: a frame, then a task after it.
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
        let view = cluster_view(&self.session.cluster);
        let speed_button = |s: u32| {
            let active = self.playing && self.speed == s;
            html! { <button class={classes!("speed", active.then_some("active"))} onclick={link.callback(move |_| Msg::Speed(s))}>{ format!("{s}x") }</button> }
        };
        let status = self.yaml_status.as_ref().map(|(ok, text)| {
            html! { <div class={classes!("yaml-status", if *ok { "ok" } else { "error" })}>{ text }</div> }
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
                                <span class="prompt">{ self.session.prompt() }</span>
                                <input id="prompt" ref={self.input.clone()} type="text" autocomplete="off" autocapitalize="off" spellcheck="false"
                                    aria-label="Command" onkeydown={link.callback(Msg::Key)} />
                            </div>
                        </div>
                    </section>
                    <aside>
                        <section class="map-panel">
                            <h2>{"Cluster"}</h2>
                            { map::view(&view) }
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
