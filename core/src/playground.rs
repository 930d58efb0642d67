//! The browser playground's link to its cluster: the page (the first WebAssembly module,
//! presentation only) sends requests as JSON to the engine module, which holds the one
//! Session and answers each with what the terminal shows and the state the page draws.
//! Both modules share these types; only the engine module runs [`Engine::handle`].

use serde::{Deserialize, Serialize};

use crate::clock::Millis;
use crate::command::{Output, Stream};
use crate::session::Session;
use crate::view::{cluster_view, ClusterView};

/// The longest stretch of virtual time replayed between two saved steps (a week): a
/// tampered log cannot make the replay run for ever.
const MAX_STEP_GAP: Millis = 7 * 24 * 3600 * 1000;

pub mod assist;
pub mod bundle;
pub mod link;

/// What the learner did, with the virtual time at which they did it: a session is saved,
/// and rebuilt, as these inputs (never as the cluster's internal state). Written as
/// `[time, "line", text]`, `[time, "apply", yaml]`, `[time, "edit", text or null]`, in
/// the browser's storage and in links alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "RawStep", try_from = "RawStep")]
pub enum Step {
    /// A line typed at the prompt.
    Line(Millis, String),
    /// A manifest applied from the editor panel.
    Apply(Millis, String),
    /// The editor closed, saving this text (or not).
    Edit(Millis, Option<String>),
}

type RawStep = (Millis, String, Option<String>);

impl From<Step> for RawStep {
    fn from(step: Step) -> RawStep {
        match step {
            Step::Line(t, l) => (t, "line".into(), Some(l)),
            Step::Apply(t, y) => (t, "apply".into(), Some(y)),
            Step::Edit(t, e) => (t, "edit".into(), e),
        }
    }
}

impl TryFrom<RawStep> for Step {
    type Error = String;

    fn try_from((t, kind, text): RawStep) -> Result<Step, String> {
        match (kind.as_str(), text) {
            ("line", Some(l)) => Ok(Step::Line(t, l)),
            ("apply", Some(y)) => Ok(Step::Apply(t, y)),
            ("edit", e) => Ok(Step::Edit(t, e)),
            (kind, _) => Err(format!("unknown step {kind:?}")),
        }
    }
}

/// A session as inputs: the seed, the steps, and the time the clock ran on to after the
/// last of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    pub seed: u64,
    #[serde(default)]
    pub now: Millis,
    pub log: Vec<Step>,
}

impl Step {
    pub fn at(&self) -> Millis {
        let (Step::Line(t, _) | Step::Apply(t, _) | Step::Edit(t, _)) = self;
        *t
    }
}

/// What the page asks of its cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// Builds a fresh cluster from `seed`, replays `steps` on it, and lets its clock run
    /// on to `now` (time the learner let pass or skipped after the last step).
    Boot {
        seed: u64,
        steps: Vec<Step>,
        #[serde(default)]
        now: Millis,
    },
    /// A line typed at the prompt.
    Input { line: String },
    /// A manifest from the editor panel, applied as `kubectl apply -f -`.
    Apply { yaml: String },
    /// The editor of `kubectl edit` or `vi` closed, saving `text` or not.
    SaveEdit { text: Option<String> },
    /// Real time passed (times the speed): the clock moves, a foreground command prints.
    Tick { ms: Millis },
    /// Ctrl-C.
    Interrupt,
    /// Tab: completes the line's last word.
    Complete { line: String },
    /// Opens a shared link: its session is replayed, or (a bad link) `fallback` is, and
    /// the reply says why the link could not be read.
    Open { link: String, fallback: Saved },
    /// The link that rebuilds this session.
    Link { saved: Saved },
    /// The editor's text changed: its problems, each at its line (read only; not a step).
    Lint { text: String },
    /// The cursor (or the mouse) rests at 1-based `line` and `column` of the editor's text:
    /// the schema's fields, values and documentation there (read only; not a step).
    Assist {
        text: String,
        line: usize,
        column: usize,
    },
    /// The editor's manifest applied as a server-side dry run, or diffed against the live
    /// objects (`kubectl apply --dry-run=server -f -`, `kubectl diff -f -`); shown in the
    /// terminal, changing nothing (not a step).
    Try { yaml: String, diff: bool },
    /// The learner's objects as a YAML bundle for `kubectl apply -f` (read only; not a
    /// step); `seed` is the session's, whose fresh cluster's objects are left out.
    Export { seed: u64 },
    /// An object clicked on the map: its description and YAML (read only; not a step).
    Inspect {
        kind: String,
        namespace: Option<String>,
        name: String,
    },
}

/// An object as the side panel shows it: `kubectl describe` and `kubectl get -o yaml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    /// `pod/web` (with `-n NAMESPACE` where it has one), as kubectl would name it.
    pub title: String,
    pub describe: String,
    pub yaml: String,
}

/// A block of the terminal: the command line echoed (if any), then its output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Shown {
    pub command: Option<String>,
    pub output: Output,
}

impl Shown {
    /// Output with no command line echoed before it.
    fn bare(output: Output) -> Shown {
        Shown {
            command: None,
            output,
        }
    }
}

/// The file an editor has open: `kubectl edit`'s object, or a node's file under `vi`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Editing {
    pub file: String,
    pub text: String,
    /// For `vi`, `vim` or `nano`: the editor's name and the machine the file is on.
    pub editor: Option<(String, String)>,
}

/// What the page draws: the prompt, the clock, an open editor and the map.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub prompt: String,
    /// A command runs in the foreground (`kubectl get -w`): lines wait.
    pub busy: bool,
    /// Virtual milliseconds since the cluster's clock started.
    pub now: Millis,
    pub editing: Option<Editing>,
    /// The map's view, or None when it is as in the last reply (most ticks and reads).
    pub view: Option<ClusterView>,
}

/// The engine's answer to one request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub shown: Vec<Shown>,
    pub state: State,
    /// For `Complete`: the new line and the candidates to list when more than one fits.
    pub completion: Option<(String, Vec<String>)>,
    /// For `Apply`: whether it went through, and what to say under the editor (errors
    /// located at their line where possible). A manifest that is not YAML is not applied
    /// (and is not a step of the session).
    pub applied: Option<(bool, String)>,
    /// For `Inspect`.
    pub inspection: Option<Inspection>,
    /// For `Export`.
    pub bundle: Option<String>,
    /// For `Lint`.
    pub problems: Option<Vec<assist::Problem>>,
    /// For `Assist`.
    pub assist: Option<assist::Assist>,
    /// For `Open`: the session the link held, or why it could not be read.
    pub opened: Option<Result<Saved, String>>,
    /// For `Link`.
    pub link: Option<String>,
}

/// The engine module's one session.
pub struct Engine {
    session: Session,
    /// The view last sent, so an unchanged one is not sent again.
    sent: Option<ClusterView>,
}

impl Default for Engine {
    fn default() -> Self {
        Engine {
            session: Session::unbooted(1),
            sent: None,
        }
    }
}

impl Engine {
    /// Answers one request given as JSON (a request that does not parse gets an error
    /// block and the state as it was).
    pub fn serve(&mut self, request: &str) -> String {
        let reply = match serde_json::from_str::<Request>(request) {
            Ok(r) => self.handle(r),
            Err(e) => {
                let mut output = Output::default();
                output.err(format!("kubarium: bad request from the page: {e}\n"));
                Reply {
                    shown: vec![Shown::bare(output)],
                    state: self.state(),
                    ..Reply::default()
                }
            }
        };
        serde_json::to_string(&reply).unwrap_or_default()
    }

    pub fn handle(&mut self, request: Request) -> Reply {
        let mut reply = Reply::default();
        let s = &mut self.session;
        match request {
            Request::Boot { seed, steps, now } => reply.shown = self.boot(seed, &steps, now),
            Request::Open { link, fallback } => {
                let opened = link::decode(&link);
                let saved = opened.as_ref().unwrap_or(&fallback);
                reply.shown = self.boot(saved.seed, &saved.log, saved.now);
                reply.opened = Some(opened);
            }
            Request::Link { saved } => reply.link = Some(link::encode(&saved)),
            Request::Input { line } => {
                let command = Some(format!("{}{line}", s.prompt()));
                let output = s.input(&line);
                reply.shown.push(Shown { command, output });
            }
            Request::Apply { yaml } => match crate::kubectl::manifest::check_syntax(&yaml) {
                Err(e) => {
                    let at = format!("line {}, column {}: {}", e.line, e.column, e.message);
                    reply.applied = Some((false, at));
                }
                Ok(()) => {
                    let output = s.apply_manifest(&yaml);
                    reply.applied = Some(apply_status(&yaml, &output));
                    reply.shown.push(Shown {
                        command: Some(APPLY_LABEL.to_string()),
                        output,
                    });
                }
            },
            Request::SaveEdit { text } => {
                reply.shown.push(Shown::bare(s.save_edit(text)));
            }
            Request::Tick { ms } => {
                s.tick(ms.clamp(0, MAX_STEP_GAP));
                // A command running in the foreground prints as the cluster changes.
                if s.busy() {
                    reply.shown.push(Shown::bare(s.poll()));
                }
            }
            Request::Interrupt => {
                reply.shown.push(Shown::bare(s.interrupt()));
            }
            Request::Complete { line } => reply.completion = Some(s.complete(&line)),
            Request::Lint { text } => reply.problems = Some(assist::lint(s, &text)),
            Request::Export { seed } => reply.bundle = Some(bundle::export(s, seed)),
            Request::Assist { text, line, column } => {
                reply.assist = Some(assist::assist(s, &text, line, column));
            }
            Request::Try { yaml, diff } => {
                let args: &[&str] = if diff {
                    &["diff", "-f", "-"]
                } else {
                    &["apply", "--dry-run=server", "-f", "-"]
                };
                reply.shown.push(Shown {
                    command: Some(format!("# kubectl {} (from the editor)", args.join(" "))),
                    output: s.kubectl(args, Some(&yaml)),
                });
            }
            Request::Inspect {
                kind,
                namespace,
                name,
            } => {
                let target = format!("{}/{name}", kind.to_lowercase());
                let mut args = vec![target.as_str()];
                if let Some(ns) = &namespace {
                    args.extend(["-n", ns.as_str()]);
                }
                let read = |s: &mut Session, verb: &[&str]| {
                    let all: Vec<&str> = verb.iter().chain(&args).copied().collect();
                    s.kubectl(&all, None).text()
                };
                reply.inspection = Some(Inspection {
                    title: match &namespace {
                        Some(ns) => format!("{target} -n {ns}"),
                        None => target.clone(),
                    },
                    describe: read(s, &["describe"]),
                    yaml: read(s, &["get", "-o", "yaml"]),
                });
            }
        }
        reply
            .shown
            .retain(|b| b.command.is_some() || !b.output.chunks.is_empty() || b.output.clear);
        reply.state = self.state();
        reply
    }

    fn state(&mut self) -> State {
        let view = cluster_view(&self.session.cluster);
        let view = (self.sent.as_ref() != Some(&view)).then(|| {
            self.sent = Some(view.clone());
            view
        });
        let s = &self.session;
        State {
            prompt: s.prompt(),
            busy: s.busy(),
            now: s.cluster.now(),
            editing: s.editing().map(|(file, text)| Editing {
                file,
                text,
                editor: s
                    .editing_file()
                    .map(|(e, host)| (e.to_string(), host.to_string())),
            }),
            view,
        }
    }

    /// A fresh cluster with the saved steps replayed and its clock run on to `now`.
    fn boot(&mut self, seed: u64, steps: &[Step], now: Millis) -> Vec<Shown> {
        self.session = Session::new(seed);
        let shown = self.replay(steps);
        let s = &mut self.session;
        s.tick(now.saturating_sub(s.cluster.now()).clamp(0, MAX_STEP_GAP));
        shown
    }

    /// Replays saved steps, each at its time (the gaps between them bounded), and shows
    /// what each printed; a command left running at the end is stopped.
    fn replay(&mut self, steps: &[Step]) -> Vec<Shown> {
        let s = &mut self.session;
        let mut shown = vec![];
        for step in steps {
            s.tick(
                step.at()
                    .saturating_sub(s.cluster.now())
                    .clamp(0, MAX_STEP_GAP),
            );
            let (command, output) = match step {
                Step::Line(_, line) => (format!("{}{line}", s.prompt()), s.input(line)),
                Step::Apply(_, yaml) => (APPLY_LABEL.to_string(), s.apply_manifest(yaml)),
                Step::Edit(_, text) => (EDIT_LABEL.to_string(), s.save_edit(text.clone())),
            };
            shown.push(Shown {
                command: Some(command),
                output,
            });
        }
        if s.busy() {
            let _ = s.interrupt();
        }
        shown
    }
}

/// How the terminal shows a manifest applied from the editor, and an edit saved on replay.
const APPLY_LABEL: &str = "# kubectl apply -f - (from the editor)";
const EDIT_LABEL: &str = "# kubectl edit: the editor closed";

/// What the editor panel says after an apply: its output, or its errors with an unknown
/// field's line and column found in the manifest.
fn apply_status(yaml: &str, output: &Output) -> (bool, String) {
    let err: String = output
        .chunks
        .iter()
        .filter(|(s, _)| *s == Stream::Err)
        .map(|(_, t)| t.as_str())
        .collect();
    if err.is_empty() {
        return (true, output.text().trim().to_string());
    }
    let located = err
        .split("unknown field \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|field| {
            let (line, col) = assist::locate(yaml, field)?;
            Some(format!(
                "line {line}, column {col}: unknown field \"{field}\""
            ))
        });
    (false, located.unwrap_or_else(|| err.trim().to_string()))
}
