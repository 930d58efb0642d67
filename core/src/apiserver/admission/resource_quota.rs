//! ResourceQuota: a create (or an update that grows usage) that would take a namespace
//! over a quota's hard limits is refused (`exceeded quota: ...`), new pods must name the
//! compute resources a quota tracks (`must specify limits.cpu for: ...`), and what is
//! admitted is charged to the quota's status at once (the quota controller recomputes it
//! from the objects).

use serde_json::Value;

use super::{Attributes, Operation};
use crate::apiserver::errors::ApiError;
use crate::apiserver::quota::{self, Usage};
use crate::apiserver::resources;
use crate::store::Store;

/// The compute resources every container must specify when a quota tracks them.
const CONSTRAINED: &[(&str, &str, &str)] = &[
    ("cpu", "requests", "cpu"),
    ("memory", "requests", "memory"),
    ("requests.cpu", "requests", "cpu"),
    ("requests.memory", "requests", "memory"),
    ("limits.cpu", "limits", "cpu"),
    ("limits.memory", "limits", "memory"),
];

/// Whether a pod is in a quota's scopes (Terminating, NotTerminating, BestEffort,
/// NotBestEffort, PriorityClass through scopeSelector).
pub fn in_scope(quota: &Value, r: &resources::Resource, obj: &Value) -> bool {
    let is_pod = r.plural == "pods" && r.group.is_empty();
    let scopes: Vec<&str> = quota["spec"]["scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let selector = quota["spec"]["scopeSelector"]["matchExpressions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if scopes.is_empty() && selector.is_empty() {
        return true;
    }
    if !is_pod {
        return false;
    }
    let terminating = obj["spec"]["activeDeadlineSeconds"].as_i64().is_some();
    let best_effort = obj["status"]["qosClass"] == "BestEffort";
    let scope_ok = |s: &str| match s {
        "Terminating" => terminating,
        "NotTerminating" => !terminating,
        "BestEffort" => best_effort,
        "NotBestEffort" => !best_effort,
        _ => false,
    };
    let class = obj["spec"]["priorityClassName"].as_str().unwrap_or("");
    let expr_ok = |e: &Value| {
        let values = crate::value::strings(&e["values"]);
        match (e["scopeName"].as_str(), e["operator"].as_str()) {
            (Some("PriorityClass"), Some("In")) => values.contains(&class),
            (Some("PriorityClass"), Some("NotIn")) => !values.contains(&class),
            (Some("PriorityClass"), Some("Exists")) => !class.is_empty(),
            (Some("PriorityClass"), Some("DoesNotExist")) => class.is_empty(),
            (Some(s), _) => scope_ok(s),
            _ => false,
        }
    };
    scopes.iter().all(|s| scope_ok(s)) && selector.iter().all(expr_ok)
}

/// Containers missing a resource a quota tracks, as the error lists them.
fn missing(hard: &Usage, obj: &Value) -> Vec<String> {
    let containers: Vec<&Value> = obj["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(
            obj["spec"]["initContainers"]
                .as_array()
                .into_iter()
                .flatten(),
        )
        .collect();
    let mut out = vec![];
    let mut tracked: Vec<&(&str, &str, &str)> = CONSTRAINED
        .iter()
        .filter(|(name, _, _)| hard.contains_key(*name))
        .collect();
    crate::sort::sort(&mut tracked);
    for (name, field, res) in tracked {
        let mut lacking: Vec<&str> = containers
            .iter()
            .filter(|c| c["resources"][field][res].is_null())
            .filter_map(|c| c["name"].as_str())
            .collect();
        crate::sort::sort(&mut lacking);
        lacking.dedup();
        if !lacking.is_empty() {
            out.push(format!("{name} for: {}", lacking.join(",")));
        }
    }
    out
}

/// The quotas of the request's namespace, by name.
fn quotas(store: &Store, namespace: &str) -> Vec<(String, Value)> {
    store
        .range(&resources::resource_quotas().prefix(Some(namespace)))
        .map(|kv| (kv.key.clone(), (*kv.value()).clone()))
        .collect()
}

/// What a write adds to a namespace's usage: all of a new object's, or what an update
/// grows (a larger claim, a Service turned LoadBalancer); shrinking frees nothing here.
fn delta(r: &resources::Resource, obj: &Value, old: Option<&Value>) -> Usage {
    let new = quota::usage(r, obj);
    let Some(old) = old else {
        return new;
    };
    let before = quota::usage(r, old);
    kubarium_tools::sort::insert_all(new.into_iter().filter_map(|(k, (v, bin))| {
        let grown = v - before.get(&k).map_or(0, |(b, _)| *b);
        (grown > 0).then_some((k, (grown, bin)))
    }))
}

/// Checks a create of `obj`, or an update that grows its usage, against every quota in
/// scope.
pub fn validate(attrs: &Attributes<'_>, obj: &Value) -> Result<(), ApiError> {
    if !attrs.resource.namespaced || !attrs.subresource.is_empty() {
        return Ok(());
    }
    let quotas = quotas(attrs.store, attrs.namespace);
    if quotas.is_empty() {
        return Ok(());
    }
    let delta = delta(attrs.resource, obj, attrs.old);
    if delta.is_empty() {
        return Ok(());
    }
    let is_pod = attrs.resource.plural == "pods"
        && attrs.resource.group.is_empty()
        && attrs.operation == Operation::Create;
    for (_, q) in quotas {
        if !in_scope(&q, attrs.resource, obj) {
            continue;
        }
        let name = q["metadata"]["name"].as_str().unwrap_or("");
        let hard = quota::hard(&q);
        let forbidden =
            |why: String| ApiError::forbidden(&attrs.resource.group_resource(), attrs.name, &why);
        if is_pod {
            let lacking = missing(&hard, obj);
            if !lacking.is_empty() {
                return Err(forbidden(format!(
                    "failed quota: {name}: must specify {}",
                    lacking.join("; ")
                )));
            }
        }
        let used = used(&q);
        let mut requested = Usage::new();
        let mut now_used = Usage::new();
        let mut limited = Usage::new();
        for (k, (want, bin)) in &delta {
            let Some((limit, hbin)) = hard.get(k) else {
                continue;
            };
            let (have, ubin) = used.get(k).copied().unwrap_or((0, *hbin));
            if have + want > *limit {
                requested.insert(k.clone(), (*want, *bin));
                now_used.insert(k.clone(), (have, ubin));
                limited.insert(k.clone(), (*limit, *hbin));
            }
        }
        if !requested.is_empty() {
            return Err(forbidden(format!(
                "exceeded quota: {name}, requested: {}, used: {}, limited: {}",
                quota::pretty(&requested),
                quota::pretty(&now_used),
                quota::pretty(&limited)
            )));
        }
    }
    Ok(())
}

/// A quota's `status.used`.
fn used(q: &Value) -> Usage {
    let mut fake = Value::Null;
    fake["spec"]["hard"] = q["status"]["used"].clone();
    quota::hard(&fake)
}

/// Charges an admitted create, or what an admitted update grows, to the quotas in scope.
pub fn charge(
    store: &mut Store,
    r: &resources::Resource,
    namespace: &str,
    obj: &Value,
    old: Option<&Value>,
) {
    let quotas = quotas(store, namespace);
    if quotas.is_empty() {
        return;
    }
    let delta = delta(r, obj, old);
    if delta.is_empty() {
        return;
    }
    for (key, mut q) in quotas {
        if !in_scope(&q, r, obj) {
            continue;
        }
        let hard = quota::hard(&q);
        let mut total = used(&q);
        quota::sum_into(&mut total, &delta);
        q["status"]["hard"] = q["spec"]["hard"].clone();
        q["status"]["used"] = quota::to_list(&total, hard.keys().cloned());
        let _ = store.put(&key, q, None);
    }
}
