//! Autosave: the session is the seed plus the commands typed and when (virtual time);
//! replaying them rebuilds the same cluster, because the core is deterministic.

use kubarium_core::clock::Millis;
use kubarium_core::session::Session;
use serde_json::{json, Value};

const KEY: &str = "kubarium.session.v1";
const CRASH_KEY: &str = "kubarium.crashed";
/// Saved sessions larger than this are ignored (defensive decoding).
const MAX_BYTES: usize = 4 * 1024 * 1024;
/// At most this many steps are replayed.
const MAX_STEPS: usize = 5_000;
/// One step may move the clock at most this far (a week, like `sleep`'s limit).
const MAX_STEP_GAP: Millis = 7 * 24 * 3600 * 1000;

/// One recorded step.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A line typed at the prompt, at a virtual time.
    Line(Millis, String),
    /// A manifest applied from the editor.
    Apply(Millis, String),
    /// The editor of `kubectl edit` closed: with the text saved, or without saving.
    Edit(Millis, Option<String>),
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn save(seed: u64, steps: &[Step]) {
    let log: Vec<Value> = steps
        .iter()
        .map(|s| match s {
            Step::Line(t, l) => json!([t, "line", l]),
            Step::Apply(t, y) => json!([t, "apply", y]),
            Step::Edit(t, e) => json!([t, "edit", e]),
        })
        .collect();
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, &json!({"seed": seed, "log": log}).to_string());
    }
}

pub fn clear() {
    if let Some(s) = storage() {
        let _ = s.remove_item(KEY);
        let _ = s.remove_item(CRASH_KEY);
    }
}

pub fn mark_crash() {
    if let Some(s) = storage() {
        let _ = s.set_item(CRASH_KEY, "1");
    }
}

/// Loads the saved steps; if the last run crashed, the last step is dropped and returned
/// separately so the UI can say so.
pub fn load() -> (Option<u64>, Vec<Step>, Option<String>) {
    let Some(s) = storage() else {
        return (None, vec![], None);
    };
    let crashed = s.get_item(CRASH_KEY).ok().flatten().is_some();
    let _ = s.remove_item(CRASH_KEY);
    let Some(text) = s
        .get_item(KEY)
        .ok()
        .flatten()
        .filter(|t| t.len() <= MAX_BYTES)
    else {
        return (None, vec![], None);
    };
    let Ok(v) = serde_json::from_str::<Value>(&text) else {
        return (None, vec![], None);
    };
    let seed = v["seed"].as_u64();
    let mut steps: Vec<Step> = v["log"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| {
                    let t = e[0].as_i64()?;
                    let text = e[2].as_str().map(str::to_string);
                    match e[1].as_str()? {
                        "line" => Some(Step::Line(t, text?)),
                        "apply" => Some(Step::Apply(t, text?)),
                        "edit" => Some(Step::Edit(t, text)),
                        _ => None,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    steps.truncate(MAX_STEPS);
    let dropped = if crashed {
        steps.pop().map(|s| match s {
            Step::Line(_, l) => l,
            Step::Apply(_, _) => "(manifest applied from the editor)".to_string(),
            Step::Edit(_, _) => "(an edit saved from the editor)".to_string(),
        })
    } else {
        None
    };
    (seed, steps, dropped)
}

/// Replays steps into a session, returning each step's output for the terminal. A step
/// never moves the clock backwards, nor more than a week forwards.
pub fn replay(
    session: &mut Session,
    steps: &[Step],
) -> Vec<(String, kubarium_core::command::Output)> {
    let mut outputs = vec![];
    for step in steps {
        let (Step::Line(t, _) | Step::Apply(t, _) | Step::Edit(t, _)) = step;
        let gap = t
            .saturating_sub(session.cluster.now())
            .clamp(0, MAX_STEP_GAP);
        session.tick(gap);
        let (label, out) = match step {
            Step::Line(_, line) => (format!("{}{line}", session.prompt()), session.input(line)),
            Step::Apply(_, yaml) => (
                "# kubectl apply -f - (from the editor)".to_string(),
                session.apply_manifest(yaml),
            ),
            Step::Edit(_, text) => (
                "# kubectl edit: the editor closed".to_string(),
                session.save_edit(text.clone()),
            ),
        };
        outputs.push((label, out));
    }
    // A reload ends what was running in the foreground (`kubectl get -w`).
    if session.busy() {
        let _ = session.interrupt();
    }
    outputs
}
