//! `kubectl create poddisruptionbudget NAME --selector=... --min-available=N|N%` (or
//! `--max-unavailable`).

use serde_json::{json, Map, Value};

use super::{Generated, Parsed};

/// `N` or `N%`, as an int-or-string.
fn int_or_percent(v: &str) -> Option<Value> {
    let digits = v.strip_suffix('%').unwrap_or(v);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(match v.parse::<i64>() {
        Ok(n) => json!(n),
        Err(_) => json!(v),
    })
}

/// `selector` is `--selector` as the core parsed it.
pub fn pdb(
    p: &Parsed,
    name: &str,
    selector: Option<Result<Value, String>>,
) -> Result<Generated, String> {
    let given = p.get("selector").unwrap_or("");
    let min = p.get("min-available").unwrap_or("");
    let max = p.get("max-unavailable").unwrap_or("");
    if given.is_empty() {
        return Err("error: a selector must be specified".into());
    }
    if min.is_empty() && max.is_empty() {
        return Err("error: one of min-available or max-unavailable must be specified".into());
    }
    if !min.is_empty() && !max.is_empty() {
        return Err("error: min-available and max-unavailable cannot be both specified".into());
    }
    let mut spec = Map::new();
    if !min.is_empty() {
        let Some(v) = int_or_percent(min) else {
            return Err("error: invalid format specified for min-available".into());
        };
        spec.insert("minAvailable".into(), v);
    } else {
        let Some(v) = int_or_percent(max) else {
            return Err("error: invalid format specified for max-unavailable".into());
        };
        spec.insert("maxUnavailable".into(), v);
    }
    let sel = match selector {
        Some(Ok(s)) => s,
        Some(Err(e)) => return Err(format!("error: {e}")),
        None => return Err("error: a selector must be specified".into()),
    };
    spec.insert("selector".into(), sel);
    let obj = json!({
        "kind": "PodDisruptionBudget", "apiVersion": "policy/v1",
        "metadata": {"name": name},
        "spec": spec,
        "status": {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0},
    });
    Ok(Generated::new(
        obj,
        "policy",
        "poddisruptionbudgets",
        "poddisruptionbudget.policy",
        "failed to create poddisruptionbudgets: ",
    ))
}
