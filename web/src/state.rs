//! The playground's one state and its reducer: every change the learner or the clock
//! makes is an `Action`, reduced here; the components only draw the state and dispatch.
//! The cluster itself is the engine's: actions that touch it send a request
//! (`engine.rs`) and take the reply's state, and the steps the learner takes are saved as
//! they are taken (`storage.rs`).

use std::rc::Rc;

use kubarium_core::clock::Millis;
use kubarium_core::playground::assist::{Assist, Problem};
use kubarium_core::playground::{Inspection, Reply, Request, Saved, State, Step};
use kubarium_core::view::ClusterView;
use yew::Reducible;

use crate::engine::{self, Crash};
use crate::scrollback::Scrollback;
use crate::{panic, storage};

/// The seed of a fresh cluster.
const DEFAULT_SEED: u64 = 1;

/// Why nothing runs when the engine module did not load.
const ENGINE_MISSING: &str = "The cluster runs in that module: reload the page.";

/// The terminal's first lines.
pub fn banner() -> String {
    format!(
        "Welcome to Kubarium: a Kubernetes {} cluster simulated in your browser.\n\
controlplane, node01 and node02 are ready. Try:  kubectl get nodes   kubectl run nginx --image=nginx   kubectl get pods -o wide\n",
        kubarium_core::version::release()
    )
}

/// The lines typed in these steps: the prompt's history.
fn lines(steps: &[Step]) -> Vec<String> {
    steps
        .iter()
        .filter_map(|s| match s {
            Step::Line(_, l) if !l.trim().is_empty() => Some(l.clone()),
            _ => None,
        })
        .collect()
}

/// The page's panels that can be collapsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Map,
    Editor,
}

/// How the screen is divided, kept across reloads with the theme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    /// The terminal's share of the width, in percent (the map and editor have the rest).
    pub terminal: f64,
    /// The map's share of the right column's height, in percent.
    pub map: f64,
    pub map_open: bool,
    pub editor_open: bool,
    pub dark: bool,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            terminal: 55.0,
            map: 60.0,
            map_open: true,
            editor_open: true,
            dark: true,
        }
    }
}

/// An object the learner opened from the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

/// The inspector: an object's description or YAML as of when it was opened (or
/// refreshed).
#[derive(Debug, Clone, PartialEq)]
pub struct Inspector {
    pub target: Target,
    pub inspection: Rc<Inspection>,
    /// Showing the YAML (else the description).
    pub yaml: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The engine module finished loading (or could not be loaded).
    EngineLoaded(Result<(), String>),
    /// A line entered at the prompt.
    Enter(String),
    /// Tab on this line; `again` when the Tab before it changed nothing (the candidates
    /// are listed then, as readline lists them).
    Complete {
        line: String,
        again: bool,
    },
    /// Ctrl-C with this much typed.
    Interrupt(String),
    /// Ctrl-L.
    ClearScreen,
    /// The page's timer: real time passes, times the speed.
    Tick,
    TogglePlay,
    Speed(u32),
    /// Moves the clock on by this much at once (step, skip ahead).
    Advance(Millis),
    ManifestInput(String),
    Apply,
    EditInput(String),
    /// The editor of `kubectl edit` or `vi` closes: saving its text (true) or not.
    EditDone(bool),
    /// The editor's text, checked by the cluster (its problems shown at their lines).
    Lint,
    /// The schema's help at a 1-based line and column of the editor's text: for the
    /// cursor, or (`hover`) for the mouse.
    Assist {
        line: usize,
        column: usize,
        hover: bool,
    },
    /// The editor's text tried as a server-side dry run, or diffed (true) with the live
    /// objects, in the terminal.
    Try(bool),
    /// A fresh cluster (the page asked the learner first).
    Reset,
    Toggle(Panel),
    ToggleTheme,
    /// The splitters moved: the terminal's width and the map's height, in percent.
    Resize {
        terminal: f64,
        map: f64,
    },
    /// Downloads the learner's objects as a YAML bundle.
    Export,
    /// A bundle (or any manifest) read from a file: put in the manifest panel and applied.
    Import(String),
    /// Makes the link that rebuilds this session (and shows it to copy).
    Share,
    CloseShare,
    /// Opens (or refreshes) an object in the inspector.
    Inspect(Target),
    /// Shows the inspector's YAML (true) or description.
    InspectorTab(bool),
    CloseInspector,
}

/// The one state of the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Playground {
    pub seed: u64,
    /// The cluster as of the engine's last reply (empty before it is built).
    pub cluster: Rc<State>,
    /// The map's view, kept as it was when a reply does not change it (the same `Rc`,
    /// so the map is not drawn again).
    pub view: Rc<ClusterView>,
    pub scrollback: Rc<Scrollback>,
    /// Lines entered at the prompt, oldest first (from the saved session on a reload).
    pub history: Rc<Vec<String>>,
    /// What the learner did: saved as they do it, replayed on a reload.
    steps: Rc<Vec<Step>>,
    /// The saved session, replayed once the engine is in.
    saved: Rc<Vec<Step>>,
    /// Lines entered before the engine was in.
    pending: Rc<Vec<String>>,
    pub playing: bool,
    pub speed: u32,
    /// The engine is in: lines run.
    pub started: bool,
    /// The engine did not load, or crashed: nothing more runs.
    pub stopped: bool,
    /// The manifest panel's text and what its last apply said.
    pub manifest: Rc<String>,
    pub manifest_status: Option<(bool, String)>,
    /// While `kubectl edit` or `vi` waits: its file and the text in the editor.
    pub edit: Option<Rc<(String, String)>>,
    /// The problems the cluster found in the editor's text, and the text they are of.
    pub problems: Rc<(String, Vec<Problem>)>,
    /// The schema's help where the editor's cursor is, and where the mouse rests.
    pub assist: Option<Rc<Assist>>,
    pub hover: Option<Rc<Assist>>,
    /// The line Tab completed, numbered so the prompt takes each one once.
    pub completion: Option<(u32, String)>,
    pub inspector: Option<Inspector>,
    /// The share link made, shown to copy.
    pub share: Option<String>,
    pub layout: Layout,
}

impl Playground {
    /// The page as it opens: the saved session waiting for the engine.
    pub fn open() -> Playground {
        let (seed, saved, dropped) = storage::load();
        let history = lines(&saved);
        let mut scrollback = Scrollback::default();
        scrollback.push("banner", banner());
        if let Some(line) = dropped {
            scrollback.push("err", format!("Kubarium crashed on the last command of your saved session, so it was left out: {line}\n"));
        }
        Playground {
            seed: seed.unwrap_or(DEFAULT_SEED),
            cluster: Rc::default(),
            view: Rc::default(),
            scrollback: Rc::new(scrollback),
            history: Rc::new(history),
            steps: Rc::default(),
            saved: Rc::new(saved),
            pending: Rc::default(),
            playing: true,
            speed: 1,
            started: false,
            stopped: false,
            manifest: Rc::new(crate::components::editor_panel::EXAMPLE.to_string()),
            manifest_status: None,
            edit: None,
            problems: Rc::default(),
            assist: None,
            hover: None,
            completion: None,
            inspector: None,
            share: None,
            layout: storage::load_layout(),
        }
    }

    fn scrollback(&mut self) -> &mut Scrollback {
        Rc::make_mut(&mut self.scrollback)
    }

    fn record(&mut self, step: Step) {
        Rc::make_mut(&mut self.steps).push(step);
        storage::save(self.seed, &self.steps);
    }

    /// Sends a request to the engine: shows what it printed and takes its state. A crash
    /// of the engine stops the page (the crash notice offers to carry on without the step).
    fn send(&mut self, request: &Request) -> Option<Reply> {
        // Before the engine is in (a Tab, Share or click in the first moments) nothing is
        // asked of it.
        if self.stopped || !engine::loaded() {
            return None;
        }
        match engine::call(request) {
            Ok(mut reply) => {
                for shown in &reply.shown {
                    self.scrollback().show(shown);
                }
                if let Some(view) = reply.state.view.take() {
                    self.view = Rc::new(view);
                }
                self.cluster = Rc::new(std::mem::take(&mut reply.state));
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
            .cluster
            .editing
            .as_ref()
            .map(|e| Rc::new((e.file.clone(), e.text.clone())));
        // An editor opening shows its panel.
        self.layout.editor_open |= self.edit.is_some();
    }

    fn run_line(&mut self, line: String) {
        if !line.trim().is_empty() && self.history.last() != Some(&line) {
            Rc::make_mut(&mut self.history).push(line.clone());
        }
        if self.stopped {
            let echo = format!("{}{line}", self.cluster.prompt);
            self.scrollback().push("cmd", echo);
            self.scrollback().push("err", format!("{ENGINE_MISSING}\n"));
            return;
        }
        self.record(Step::Line(self.cluster.now, line.clone()));
        self.send(&Request::Input { line });
        self.open_editor();
    }

    /// The editor closes, with `text` saved or without saving.
    fn close_editor(&mut self, text: Option<String>) {
        self.record(Step::Edit(self.cluster.now, text.clone()));
        self.send(&Request::SaveEdit { text });
        self.open_editor();
    }

    fn engine_loaded(&mut self, loaded: Result<(), String>) {
        let saved = std::mem::take(&mut self.saved);
        self.steps = saved.clone();
        match loaded {
            // A shared link's session is replayed as the cluster is built, else the saved one.
            Ok(()) => {
                let own = Saved {
                    seed: self.seed,
                    now: storage::load_clock(),
                    log: saved.to_vec(),
                };
                match crate::link::take() {
                    Some(link) => self.open_link(link, own),
                    None => {
                        let boot = Request::Boot {
                            seed: own.seed,
                            steps: own.log,
                            now: own.now,
                        };
                        if self.send(&boot).is_some() {
                            storage::save(self.seed, &self.steps);
                        }
                    }
                }
            }
            // Without the module the saved session waits, kept, for a reload.
            Err(e) => {
                self.stopped = true;
                self.scrollback().push(
                    "err",
                    format!("Kubarium's engine module did not load ({e}). {ENGINE_MISSING}\n"),
                );
            }
        }
        self.started = true;
        for line in std::mem::take(Rc::make_mut(&mut self.pending)) {
            self.run_line(line);
        }
    }

    /// Opens a shared link: its session replaces the saved one; a link that cannot be read
    /// says why, and the learner's own session goes on.
    fn open_link(&mut self, link: String, own: Saved) {
        let request = Request::Open {
            link,
            fallback: own,
        };
        let Some(opened) = self.send(&request).and_then(|r| r.opened) else {
            return;
        };
        match opened {
            Ok(saved) => {
                self.seed = saved.seed;
                self.history = Rc::new(lines(&saved.log));
                self.steps = Rc::new(saved.log);
                storage::save(self.seed, &self.steps);
                storage::save_clock(self.cluster.now);
                let note = format!(
                    "# Opened a shared cluster: {} steps replayed. Your work from here is saved in this browser.\n",
                    self.steps.len()
                );
                self.scrollback().push("banner", note);
            }
            Err(why) => {
                let note = format!(
                    "Kubarium could not open the link you followed: {why}. {}\n",
                    if self.steps.is_empty() {
                        "A fresh cluster was started."
                    } else {
                        "Your own session continues."
                    }
                );
                self.scrollback().push("err", note);
            }
        }
    }

    fn share(&mut self) {
        let saved = Saved {
            seed: self.seed,
            now: self.cluster.now,
            log: self.steps.to_vec(),
        };
        if let Some(link) = self.send(&Request::Link { saved }).and_then(|r| r.link) {
            self.share = Some(crate::link::url(&link));
        }
    }

    fn apply(&mut self) {
        if !self.started || self.stopped {
            self.manifest_status = Some((
                false,
                "The cluster is not running: apply again once it is.".into(),
            ));
            return;
        }
        let yaml = self.manifest.to_string();
        self.record(Step::Apply(self.cluster.now, yaml.clone()));
        let Some(reply) = self.send(&Request::Apply { yaml }) else {
            return;
        };
        // A manifest that is not YAML was not applied: not a step either.
        if reply.shown.is_empty() {
            Rc::make_mut(&mut self.steps).pop();
            storage::save(self.seed, &self.steps);
        }
        self.manifest_status = reply.applied;
    }

    /// The text in the editor panel: the file an editor has open, else the manifest.
    pub fn editor_text(&self) -> &str {
        self.edit
            .as_ref()
            .map_or(self.manifest.as_str(), |e| e.1.as_str())
    }

    fn lint(&mut self) {
        let text = self.editor_text().to_string();
        let problems = self
            .send(&Request::Lint { text: text.clone() })
            .and_then(|r| r.problems)
            .unwrap_or_default();
        self.problems = Rc::new((text, problems));
    }

    fn assist(&mut self, line: usize, column: usize, hover: bool) {
        let text = self.editor_text().to_string();
        let Some(assist) = self
            .send(&Request::Assist { text, line, column })
            .and_then(|r| r.assist)
        else {
            return;
        };
        if hover {
            self.hover = Some(Rc::new(assist));
        } else {
            self.assist = Some(Rc::new(assist));
        }
    }

    fn export(&mut self) {
        let request = Request::Export { seed: self.seed };
        let Some(bundle) = self.send(&request).and_then(|r| r.bundle) else {
            return;
        };
        let said = if bundle.is_empty() {
            "# Export: you have made no objects yet, so there is nothing to download.\n".to_string()
        } else {
            match crate::bundle_file::download(&bundle) {
                Ok(()) => format!(
                    "# Exported {} objects to {} (kubectl apply -f {} rebuilds them; Import in this page does too).\n",
                    bundle.matches("\nkind: ").count(),
                    crate::bundle_file::NAME,
                    crate::bundle_file::NAME
                ),
                Err(e) => format!("# Export failed: {e}.\n"),
            }
        };
        self.scrollback().push("banner", said);
    }

    fn interrupt(&mut self, line: String) {
        if self.edit.is_some() {
            self.scrollback().push("out", "^C\n");
            self.close_editor(None);
        } else if self.cluster.busy {
            self.send(&Request::Interrupt);
            self.scrollback().push("out", "^C\n");
        } else {
            let echo = format!("{}{line}^C", self.cluster.prompt);
            self.scrollback().push("cmd", echo);
            self.send(&Request::Interrupt);
        }
    }

    fn complete(&mut self, line: String, again: bool) {
        let Some((completed, candidates)) = self
            .send(&Request::Complete { line: line.clone() })
            .and_then(|r| r.completion)
        else {
            return;
        };
        if candidates.len() > 1 && again {
            let echo = format!("{}{line}", self.cluster.prompt);
            self.scrollback().push("cmd", echo);
            self.scrollback()
                .push("out", format!("{}\n", candidates.join("  ")));
        }
        let n = self.completion.as_ref().map_or(0, |(n, _)| n + 1);
        self.completion = Some((n, completed));
    }

    fn reset(&mut self) {
        storage::clear();
        self.steps = Rc::default();
        self.edit = None;
        self.inspector = None;
        self.share = None;
        self.scrollback = Rc::default();
        self.scrollback().push("banner", banner());
        self.send(&Request::Boot {
            seed: self.seed,
            steps: vec![],
            now: 0,
        });
        storage::save(self.seed, &self.steps);
    }

    fn inspect(&mut self, target: Target) {
        let request = Request::Inspect {
            kind: target.kind.clone(),
            namespace: target.namespace.clone(),
            name: target.name.clone(),
        };
        if let Some(inspection) = self.send(&request).and_then(|r| r.inspection) {
            let yaml = self
                .inspector
                .as_ref()
                .is_some_and(|i| i.target == target && i.yaml);
            self.inspector = Some(Inspector {
                target,
                inspection: Rc::new(inspection),
                yaml,
            });
        }
    }

    fn advance(&mut self, ms: Millis) {
        if self.started && self.send(&Request::Tick { ms }).is_some() {
            storage::save_clock(self.cluster.now);
        }
    }
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = Rc::unwrap_or_clone(self);
        match action {
            Action::EngineLoaded(loaded) => s.engine_loaded(loaded),
            // As in a terminal, nothing runs until the foreground command ends.
            Action::Enter(_) if s.cluster.busy => {}
            Action::Enter(line) if !s.started => Rc::make_mut(&mut s.pending).push(line),
            Action::Enter(line) => s.run_line(line),
            Action::Complete { line, again } => s.complete(line, again),
            Action::Interrupt(line) => s.interrupt(line),
            Action::ClearScreen => s.scrollback().clear(),
            Action::Tick if s.playing && !s.stopped => {
                s.advance(crate::app::TICK_MS * Millis::from(s.speed))
            }
            Action::Tick => {}
            Action::TogglePlay => s.playing = !s.playing,
            Action::Speed(speed) => {
                s.speed = speed;
                s.playing = true;
            }
            Action::Advance(ms) => s.advance(ms),
            Action::ManifestInput(text) => {
                s.manifest = Rc::new(text);
                s.manifest_status = None;
            }
            Action::Apply => s.apply(),
            Action::EditInput(text) => {
                if let Some(edit) = s.edit.as_mut() {
                    Rc::make_mut(edit).1 = text;
                }
            }
            Action::EditDone(save) => {
                let text = s.edit.as_ref().map(|e| e.1.clone());
                s.close_editor(text.filter(|_| save));
            }
            Action::Lint if s.started && !s.stopped => s.lint(),
            Action::Assist {
                line,
                column,
                hover,
            } if s.started && !s.stopped => s.assist(line, column, hover),
            Action::Try(diff) if s.started && !s.stopped => {
                let yaml = s.editor_text().to_string();
                s.send(&Request::Try { yaml, diff });
            }
            Action::Lint | Action::Assist { .. } | Action::Try(_) => {}
            Action::Reset => s.reset(),
            Action::Toggle(panel) => {
                let open = match panel {
                    Panel::Map => &mut s.layout.map_open,
                    Panel::Editor => &mut s.layout.editor_open,
                };
                *open = !*open;
                storage::save_layout(&s.layout);
            }
            Action::ToggleTheme => {
                s.layout.dark = !s.layout.dark;
                storage::save_layout(&s.layout);
            }
            Action::Inspect(target) => s.inspect(target),
            Action::InspectorTab(yaml) => {
                if let Some(i) = s.inspector.as_mut() {
                    i.yaml = yaml;
                }
            }
            Action::CloseInspector => s.inspector = None,
            Action::Share => s.share(),
            Action::Export => s.export(),
            Action::Import(text) => {
                s.manifest = Rc::new(text);
                s.layout.editor_open = true;
                s.apply();
            }
            Action::CloseShare => s.share = None,
            Action::Resize { terminal, map } => {
                s.layout.terminal = terminal.clamp(20.0, 80.0);
                s.layout.map = map.clamp(15.0, 85.0);
                storage::save_layout(&s.layout);
            }
        }
        Rc::new(s)
    }
}
