//! What the admission controller and the updater make of a recommendation for one pod:
//! each container's target and bounds kept within its namespace's container LimitRange
//! (as requests that keep the container's limit-to-request ratio) and then within the
//! VPA's minAllowed/maxAllowed (the policy wins), capped to the container's limit for
//! `RequestsOnly`; and the limits that keep the original ratio to the new requests.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{container_policy, milli};

/// Resources by name, as quantities.
pub type Resources = BTreeMap<String, Value>;

const RESOURCES: [&str; 2] = ["cpu", "memory"];

/// A resource list as `Resources`.
pub fn list(v: &Value) -> Resources {
    v.as_object()
        .map(|o| o.iter().map(|(k, q)| (k.clone(), q.clone())).collect())
        .unwrap_or_default()
}

/// A quantity as Go prints it.
fn show(m: i128, binary: bool) -> Value {
    json!(crate::quantity::canonical(m, binary))
}

/// A quantity in its canonical form.
pub fn canonical(q: &Value) -> Value {
    show(milli(q), q.as_str().is_some_and(crate::quantity::is_binary))
}

/// The namespace's container LimitRange item, merged as the VPA's limit calculator
/// merges them: the lowest max, the highest min, the last default.
pub fn container_limit_range(limit_ranges: &[Value], ns: &str) -> Option<Value> {
    let mut item = json!({});
    let mut found = false;
    for lr in limit_ranges.iter().filter(|lr| super::namespace(lr) == ns) {
        for l in lr["spec"]["limits"].as_array().into_iter().flatten() {
            if l["type"] != "Container"
                || (l["max"].is_null() && l["min"].is_null() && l["default"].is_null())
            {
                continue;
            }
            found = true;
            if !l["default"].is_null() {
                item["default"] = l["default"].clone();
            }
            for (field, lower) in [("max", true), ("min", false)] {
                for r in RESOURCES {
                    let new = &l[field][r];
                    let have = &item[field][r];
                    let better =
                        have.is_null() || (!new.is_null() && ((milli(new) < milli(have)) == lower));
                    if better && !new.is_null() {
                        item[field][r] = new.clone();
                    }
                }
            }
        }
    }
    found.then_some(item)
}

/// `a * b / c` for the resource (CPU in milli-units, memory in bytes), rounded down, in
/// milli-units; true when it had to be capped to int64.
fn proportional(resource: &str, a: &Value, b: &Value, c: &Value) -> Option<(i128, bool)> {
    let unit = if resource == "cpu" { 1 } else { 1000 };
    let (a, b, c) = (milli(a) / unit, milli(b) / unit, milli(c) / unit);
    if c == 0 {
        return None;
    }
    let max = i128::from(i64::MAX);
    Some(match a.checked_mul(b).map(|p| p / c) {
        Some(q) if q <= max => (q * unit, false),
        _ => (max * unit, true),
    })
}

/// Whether a quantity is written in a binary format.
fn binary(q: &Value) -> bool {
    q.as_str().is_some_and(crate::quantity::is_binary)
}

/// The request a LimitRange bound on limits allows, keeping the container's ratio of
/// limit to request, in the request's format (None: no bound).
fn boundary_request(
    resource: &str,
    request: &Value,
    limit: &Value,
    bound: &Value,
    default: &Value,
) -> Option<Value> {
    let limit = if milli(limit) == 0 { default } else { limit };
    if milli(limit) == 0 {
        return None;
    }
    if milli(request) == 0 {
        return Some(bound.clone());
    }
    proportional(resource, request, bound, limit).map(|(m, _)| show(m, binary(request)))
}

/// Raises each resource to the policy's minAllowed and lowers it to its maxAllowed (the
/// max wins); notes what was capped when `notes` is given.
pub fn apply_policy(rec: &mut Resources, policy: &Value, mut notes: Option<&mut Vec<String>>) {
    for (r, q) in rec.iter_mut() {
        for (bound, below, what) in [
            ("minAllowed", true, "capped to minAllowed"),
            ("maxAllowed", false, "capped to maxAllowed"),
        ] {
            let b = &policy[bound][r];
            if milli(b) != 0 && (milli(q) < milli(b)) == below && milli(q) != milli(b) {
                *q = canonical(b);
                if let Some(n) = notes.as_deref_mut() {
                    n.push(format!("{r} {what}"));
                }
            }
        }
    }
}

/// Caps one of a container's recommended lists (`requests`/`limits` are the
/// container's); notes what was capped when `notes` is given.
fn cap_list(
    rec: &mut Resources,
    requests: &Value,
    limits: &Value,
    range: Option<&Value>,
    policy: Option<&Value>,
    requests_only: bool,
    mut notes: Option<&mut Vec<String>>,
) {
    let note = |r: &str, what: &str, notes: &mut Option<&mut Vec<String>>| {
        if let Some(n) = notes.as_deref_mut() {
            n.push(format!("{r} {what}"));
        }
    };
    // The LimitRange, then the policy, then the limit, each over every resource.
    if let Some(lr) = range {
        for (r, q) in rec.iter_mut() {
            let bound = |field: &str| {
                boundary_request(
                    r,
                    &requests[r],
                    &limits[r],
                    &lr[field][r],
                    &lr["default"][r],
                )
            };
            // The request may go no lower than the LimitRange's min either.
            let mut min = bound("min").unwrap_or(Value::Null);
            if milli(&lr["min"][r]) > milli(&min) {
                min = lr["min"][r].clone();
            }
            if milli(&min) != 0 && milli(q) < milli(&min) {
                *q = canonical(&min);
                note(r, "capped to fit Min in container LimitRange", &mut notes);
            }
            if let Some(max) = bound("max").filter(|m| milli(m) != 0 && milli(q) > milli(m)) {
                *q = canonical(&max);
                note(r, "capped to fit Max in container LimitRange", &mut notes);
            }
        }
    }
    if let Some(p) = policy {
        apply_policy(rec, p, notes.as_deref_mut());
    }
    if requests_only {
        for (r, q) in rec.iter_mut() {
            if !limits[r].is_null() && milli(q) > milli(&limits[r]) {
                *q = canonical(&limits[r]);
                note(r, "capped to container limit", &mut notes);
            }
        }
    }
}

/// Whether a container's policy keeps its limits as they are.
pub fn requests_only(vpa: &Value, container: &str) -> bool {
    container_policy(vpa, container).is_some_and(|p| p["controlledValues"] == "RequestsOnly")
}

/// A container's capped recommendation (its `target`, `lowerBound`, `upperBound`) and
/// the notes on how its target was capped; None when the VPA has none for it.
pub fn container(vpa: &Value, c: &Value, range: Option<&Value>) -> Option<(Value, Vec<String>)> {
    let cname = c["name"].as_str().unwrap_or("");
    let recs = vpa["status"]["recommendation"]["containerRecommendations"].as_array()?;
    let rec = recs.iter().find(|r| r["containerName"] == cname)?;
    let (requests, limits) = (&c["resources"]["requests"], &c["resources"]["limits"]);
    let policy = container_policy(vpa, cname);
    let only = requests_only(vpa, cname);
    let mut notes = vec![];
    let mut out = json!({"containerName": cname});
    for field in ["target", "lowerBound", "upperBound"] {
        let mut list = list(&rec[field]);
        let n = (field == "target").then_some(&mut notes);
        cap_list(&mut list, requests, limits, range, policy, only, n);
        out[field] = json!(list);
    }
    Some((out, notes))
}

/// The limit that keeps a container's limit-to-request ratio for a new request, or the
/// note on why it gets none (with the limit it gets anyway, if any).
fn proportional_limit(
    resource: &str,
    limit: &Value,
    request: &Value,
    new: &Value,
    default: &Value,
) -> Result<Value, (Value, String)> {
    let limit = if milli(limit) == 0 && !default.is_null() {
        default
    } else {
        limit
    };
    let not_set = |why: &str| {
        Err((
            Value::Null,
            format!("{resource}: limit NOT set since {why} is nil or 0"),
        ))
    };
    if milli(limit) == 0 {
        return not_set("originalLimit");
    }
    if milli(new) == 0 {
        return not_set("recommendedRequest");
    }
    if milli(request) == 0 || milli(request) == milli(limit) {
        return Ok(new.clone());
    }
    let (m, capped) = proportional(resource, limit, new, request).unwrap_or((0, false));
    let q = show(m, binary(limit));
    if capped {
        let note =
            format!("{resource}: failed to keep limit to request ratio; capping limit to int64");
        return Err((q, note));
    }
    Ok(q)
}

/// The limits for a container's new requests (None when it gets none) and the notes.
pub fn limits(
    c: &Value,
    requests: &Resources,
    range: Option<&Value>,
) -> (Option<Resources>, Vec<String>) {
    let default = range.map(|r| r["default"].clone()).unwrap_or(Value::Null);
    let (mut out, mut notes) = (Resources::new(), vec![]);
    for r in RESOURCES {
        let new = requests.get(r).cloned().unwrap_or(Value::Null);
        let res = &c["resources"];
        match proportional_limit(r, &res["limits"][r], &res["requests"][r], &new, &default[r]) {
            Ok(q) => {
                out.insert(r.into(), q);
            }
            Err((q, note)) => {
                if !q.is_null() {
                    out.insert(r.into(), q);
                }
                notes.push(note);
            }
        }
    }
    if out.is_empty() {
        return (None, vec![]);
    }
    (Some(out), notes)
}

/// The JSON patch operations that give container `i` (whose resources are `current`)
/// new requests and limits, and the notes on them (`cpu request`, `memory limit`).
pub fn patch_ops(
    i: usize,
    current: &Value,
    requests: Resources,
    limits: Option<Resources>,
) -> (Vec<Value>, Vec<String>) {
    let add = |path: String, value: Value| json!({"op": "add", "path": path, "value": value});
    let (mut ops, mut notes) = (vec![], vec![]);
    if current["requests"].is_null() && current["limits"].is_null() {
        ops.push(add(format!("/spec/containers/{i}/resources"), json!({})));
    }
    for (field, kind, list) in [
        ("requests", "request", Some(requests)),
        ("limits", "limit", limits),
    ] {
        let Some(list) = list.filter(|l| !l.is_empty()) else {
            continue;
        };
        if current[field].is_null() {
            ops.push(add(
                format!("/spec/containers/{i}/resources/{field}"),
                json!({}),
            ));
        }
        for (r, q) in list {
            ops.push(add(
                format!("/spec/containers/{i}/resources/{field}/{r}"),
                q,
            ));
            notes.push(format!("{r} {kind}"));
        }
    }
    (ops, notes)
}

/// A container's new requests (its capped target) and limits (in proportion, unless the
/// policy keeps them), with the notes on the limits.
pub fn new_resources(
    vpa: &Value,
    c: &Value,
    rec: &Value,
    range: Option<&Value>,
) -> (Resources, Option<Resources>, Vec<String>) {
    let requests = list(&rec["target"]);
    if requests_only(vpa, c["name"].as_str().unwrap_or("")) {
        return (requests, None, vec![]);
    }
    let (limits, notes) = limits(c, &requests, range);
    (requests, limits, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_keep_their_ratio() {
        let c = json!({"resources": {"requests": {"cpu": "100m", "memory": "100Mi"}, "limits": {"cpu": "200m"}}});
        let requests: Resources = [
            ("cpu".into(), json!("126m")),
            ("memory".into(), json!("250Mi")),
        ]
        .into();
        let (limits, notes) = limits(&c, &requests, None);
        assert_eq!(
            limits.unwrap(),
            Resources::from([("cpu".into(), json!("252m"))])
        );
        assert_eq!(
            notes,
            ["memory: limit NOT set since originalLimit is nil or 0"]
        );
    }

    #[test]
    fn policy_wins_over_limit_ranges() {
        let vpa = json!({
            "spec": {"resourcePolicy": {"containerPolicies": [{"containerName": "*", "minAllowed": {"cpu": "300m"}}]}},
            "status": {"recommendation": {"containerRecommendations": [
                {"containerName": "app", "target": {"cpu": "126m", "memory": "2Gi"}, "lowerBound": {"cpu": "25m"}, "upperBound": {"cpu": "1"}}
            ]}}
        });
        let c = json!({"name": "app", "resources": {"requests": {"cpu": "100m", "memory": "1Gi"}, "limits": {"memory": "1Gi"}}});
        let range = json!({"max": {"cpu": "200m", "memory": "1Gi"}});
        let (capped, notes) = container(&vpa, &c, Some(&range)).unwrap();
        assert_eq!(capped["target"], json!({"cpu": "300m", "memory": "1Gi"}));
        assert_eq!(
            notes,
            [
                "memory capped to fit Max in container LimitRange",
                "cpu capped to minAllowed"
            ]
        );
    }
}
