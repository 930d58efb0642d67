//! `kubectl create poddisruptionbudget NAME --selector=... --min-available=N|N%` (or
//! `--max-unavailable`).

use serde_json::json;

use super::super::flags::Parsed;
use super::super::{fail, Ctx};
use super::{output_options, send};
use crate::command::CmdResult;
use crate::labels::Selector;

/// `N` or `N%`, as an int-or-string.
fn int_or_percent(v: &str) -> Option<serde_json::Value> {
    let digits = v.strip_suffix('%').unwrap_or(v);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(match v.parse::<i64>() {
        Ok(n) => json!(n),
        Err(_) => json!(v),
    })
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>, name: &str) -> CmdResult {
    if let Err(e) = output_options(p) {
        return e;
    }
    let selector = p.get("selector").unwrap_or("");
    let min = p.get("min-available").unwrap_or("");
    let max = p.get("max-unavailable").unwrap_or("");
    if selector.is_empty() {
        return fail("error: a selector must be specified");
    }
    if min.is_empty() && max.is_empty() {
        return fail("error: one of min-available or max-unavailable must be specified");
    }
    if !min.is_empty() && !max.is_empty() {
        return fail("error: min-available and max-unavailable cannot be both specified");
    }
    let mut spec = serde_json::Map::new();
    if !min.is_empty() {
        let Some(v) = int_or_percent(min) else {
            return fail("error: invalid format specified for min-available");
        };
        spec.insert("minAvailable".into(), v);
    } else {
        let Some(v) = int_or_percent(max) else {
            return fail("error: invalid format specified for max-unavailable");
        };
        spec.insert("maxUnavailable".into(), v);
    }
    let sel = match Selector::parse(selector).and_then(|s| s.to_label_selector()) {
        Ok(s) => s,
        Err(e) => return fail(format!("error: {e}")),
    };
    spec.insert("selector".into(), sel);
    let obj = json!({
        "kind": "PodDisruptionBudget", "apiVersion": "policy/v1",
        "metadata": {"name": name},
        "spec": spec,
        "status": {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0},
    });
    send(
        p,
        ctx,
        (
            "policy",
            "poddisruptionbudgets",
            "poddisruptionbudget.policy",
            "failed to create poddisruptionbudgets: ",
        ),
        name,
        obj,
    )
}
