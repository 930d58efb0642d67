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

fn list(v: &Value) -> Resources {
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

/// `a * b / c` for the resource (CPU in milli-units, memory in bytes), rounded down.
fn proportional(resource: &str, a: &Value, b: &Value, c: &Value) -> Option<i128> {
    let unit = if resource == "cpu" { 1 } else { 1000 };
    let (a, b, c) = (milli(a) / unit, milli(b) / unit, milli(c) / unit);
    (c != 0).then(|| a * b / c * unit)
}

/// The request a LimitRange bound on limits allows, keeping the container's ratio of
/// limit to request (None: no bound).
fn boundary_request(
    resource: &str,
    request: &Value,
    limit: &Value,
    bound: &Value,
    default: &Value,
) -> Option<i128> {
    let limit = if milli(limit) == 0 { default } else { limit };
    if milli(limit) == 0 {
        return None;
    }
    if milli(request) == 0 {
        return Some(milli(bound));
    }
    proportional(resource, request, bound, limit)
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
    let mut note = |r: &str, what: &str| {
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
            let min = bound("min").unwrap_or(0).max(milli(&lr["min"][r]));
            if min != 0 && milli(q) < min {
                *q = show(min, r == "memory");
                note(r, "capped to fit Min in container LimitRange");
            }
            if let Some(max) = bound("max").filter(|&m| m != 0 && milli(q) > m) {
                *q = show(max, r == "memory");
                note(r, "capped to fit Max in container LimitRange");
            }
        }
    }
    if let Some(p) = policy {
        for (r, q) in rec.iter_mut() {
            let (min, max) = (&p["minAllowed"][r], &p["maxAllowed"][r]);
            if milli(min) != 0 && milli(q) < milli(min) {
                *q = canonical(min);
                note(r, "capped to minAllowed");
            }
            if milli(max) != 0 && milli(q) > milli(max) {
                *q = canonical(max);
                note(r, "capped to maxAllowed");
            }
        }
    }
    if requests_only {
        for (r, q) in rec.iter_mut() {
            if !limits[r].is_null() && milli(q) > milli(&limits[r]) {
                *q = canonical(&limits[r]);
                note(r, "capped to container limit");
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
/// note on why it gets none.
fn proportional_limit(
    resource: &str,
    limit: &Value,
    request: &Value,
    new: &Value,
    default: &Value,
) -> Result<Value, String> {
    let limit = if milli(limit) == 0 && !default.is_null() {
        default
    } else {
        limit
    };
    if milli(limit) == 0 {
        return Err(format!(
            "{resource}: limit NOT set since originalLimit is nil or 0"
        ));
    }
    if milli(new) == 0 {
        return Err(format!(
            "{resource}: limit NOT set since recommendedRequest is nil or 0"
        ));
    }
    if milli(request) == 0 || milli(request) == milli(limit) {
        return Ok(new.clone());
    }
    let m = proportional(resource, limit, new, request).unwrap_or(0);
    Ok(show(
        m,
        limit.as_str().is_some_and(crate::quantity::is_binary),
    ))
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
            Err(note) => notes.push(note),
        }
    }
    if out.is_empty() {
        return (None, vec![]);
    }
    (Some(out), notes)
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
