//! The session kept in the browser's localStorage: the seed and the steps the learner
//! took (lines typed, manifests applied, edits saved), replayed by the engine on load. A
//! crash marks the session so the step that caused it is left out of the next replay.

use kubarium_core::clock::Millis;
use kubarium_core::playground::Step;
use serde_json::{json, Value};

const KEY: &str = "kubarium.session.v1";
const CRASH_KEY: &str = "kubarium.crashed";
/// The cluster's clock, kept apart from the log as it moves on every tick.
const CLOCK_KEY: &str = "kubarium.clock.v1";
const MAX_BYTES: usize = 4 * 1024 * 1024;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn save(seed: u64, steps: &[Step]) {
    let session = json!({"seed": seed, "log": steps});
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, &session.to_string());
    }
}

pub fn clear() {
    if let Some(s) = storage() {
        let _ = s.remove_item(KEY);
        let _ = s.remove_item(CRASH_KEY);
        let _ = s.remove_item(CLOCK_KEY);
    }
}

/// Where the cluster's clock is (the time let pass or skipped after the last step).
pub fn save_clock(now: Millis) {
    if let Some(s) = storage() {
        let _ = s.set_item(CLOCK_KEY, &now.to_string());
    }
}

pub fn load_clock() -> Millis {
    storage()
        .and_then(|s| s.get_item(CLOCK_KEY).ok().flatten())
        .and_then(|t| t.parse().ok())
        .unwrap_or(0)
}

pub fn mark_crash() {
    if let Some(s) = storage() {
        let _ = s.set_item(CRASH_KEY, "1");
    }
}

/// The saved seed and steps, and the step left out because it crashed the last session.
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
    // Each step read on its own: one this release cannot read loses only itself.
    let mut steps: Vec<Step> = v["log"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| serde_json::from_value(e.clone()).ok())
                .collect()
        })
        .unwrap_or_default();
    steps.truncate(kubarium_core::playground::link::MAX_STEPS);
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

const LAYOUT_KEY: &str = "kubarium.layout.v1";

/// The saved layout and theme; a first visit gets the defaults, light when the system
/// prefers it.
pub fn load_layout() -> crate::state::Layout {
    let mut layout = crate::state::Layout::default();
    let prefers_light = web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-color-scheme: light)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches());
    layout.dark = !prefers_light;
    let saved = storage()
        .and_then(|s| s.get_item(LAYOUT_KEY).ok().flatten())
        .and_then(|t| serde_json::from_str::<Value>(&t).ok());
    if let Some(v) = saved {
        let num = |k: &str, d: f64| v[k].as_f64().filter(|x| x.is_finite()).unwrap_or(d);
        let flag = |k: &str, d: bool| v[k].as_bool().unwrap_or(d);
        layout.terminal = num("terminal", layout.terminal).clamp(20.0, 80.0);
        layout.map = num("map", layout.map).clamp(15.0, 85.0);
        layout.map_open = flag("map_open", layout.map_open);
        layout.editor_open = flag("editor_open", layout.editor_open);
        layout.dark = flag("dark", layout.dark);
    }
    layout
}

pub fn save_layout(layout: &crate::state::Layout) {
    let v = json!({
        "terminal": layout.terminal, "map": layout.map, "map_open": layout.map_open,
        "editor_open": layout.editor_open, "dark": layout.dark,
    });
    if let Some(s) = storage() {
        let _ = s.set_item(LAYOUT_KEY, &v.to_string());
    }
}
