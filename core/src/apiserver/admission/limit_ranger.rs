//! LimitRanger: the namespace's LimitRanges give containers their default requests and
//! limits (with the `kubernetes.io/limit-ranger` annotation), then bound what containers,
//! pods and claims may ask for.

use std::any::Any;

use k8s_openapi::api::core::v1::{Container, LimitRange, Pod};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use serde_json::Value;

use super::Attributes;
use crate::apiserver::errors::ApiError;
use crate::apiserver::resources;
use crate::quantity;

const ANNOTATION: &str = "kubernetes.io/limit-ranger";

/// The LimitRanges of the request's namespace.
fn limit_ranges(attrs: &Attributes<'_>) -> Vec<LimitRange> {
    attrs
        .store
        .range(&resources::limit_ranges().prefix(Some(attrs.namespace)))
        .filter_map(|kv| crate::apiserver::decode::typed((*kv.value()).clone()).ok())
        .collect()
}

/// Sets a container's missing requests and limits from `Container` items; returns what it
/// set, as the annotation words it.
fn default_container(c: &mut Container, ranges: &[LimitRange], kind: &str) -> Vec<String> {
    let mut set_requests = vec![];
    let mut set_limits = vec![];
    for item in ranges
        .iter()
        .filter_map(|r| r.spec.as_ref())
        .flat_map(|s| s.limits.iter())
        .filter(|i| i.type_ == "Container")
    {
        let res = c.resources.get_or_insert_with(Default::default);
        for (k, v) in item.default.iter().flatten() {
            let limits = res.limits.get_or_insert_with(Default::default);
            if !limits.contains_key(k) {
                limits.insert(k.clone(), v.clone());
                set_limits.push(k.clone());
            }
        }
        for (k, v) in item.default_request.iter().flatten() {
            let requests = res.requests.get_or_insert_with(Default::default);
            if !requests.contains_key(k) {
                requests.insert(k.clone(), v.clone());
                set_requests.push(k.clone());
            }
        }
    }
    let mut notes = vec![];
    crate::sort::sort(&mut set_requests);
    crate::sort::sort(&mut set_limits);
    if !set_requests.is_empty() {
        notes.push(format!(
            "{} request for {kind} {}",
            set_requests.join(", "),
            c.name
        ));
    }
    if !set_limits.is_empty() {
        notes.push(format!(
            "{} limit for {kind} {}",
            set_limits.join(", "),
            c.name
        ));
    }
    notes
}

/// The mutating half: defaults for pods.
pub fn admit(attrs: &Attributes<'_>, obj: &mut dyn Any) {
    let Some(pod) = obj.downcast_mut::<Pod>() else {
        return;
    };
    let ranges = limit_ranges(attrs);
    if ranges.is_empty() {
        return;
    }
    let Some(spec) = pod.spec.as_mut() else {
        return;
    };
    let mut notes = vec![];
    for c in spec.init_containers.iter_mut().flatten() {
        notes.extend(default_container(c, &ranges, "init container"));
    }
    for c in spec.containers.iter_mut() {
        notes.extend(default_container(c, &ranges, "container"));
    }
    if !notes.is_empty() {
        pod.metadata
            .annotations
            .get_or_insert_with(Default::default)
            .insert(
                ANNOTATION.into(),
                format!("LimitRanger plugin set: {}", notes.join("; ")),
            );
    }
}

/// A quantity as Go prints it (canonical form).
fn show(q: &str) -> String {
    quantity::parse(q).map_or(q.to_string(), |m| {
        quantity::canonical(m, quantity::is_binary(q))
    })
}

type List = std::collections::BTreeMap<String, Quantity>;

fn get(list: &Option<List>, k: &str) -> Option<(i128, String)> {
    let q = list.as_ref()?.get(k)?;
    Some((quantity::parse(&q.0)?, show(&q.0)))
}

/// minConstraint, maxConstraint and limitRequestRatioConstraint for one item.
fn check(
    kind: &str,
    item: &k8s_openapi::api::core::v1::LimitRangeItem,
    requests: &Option<List>,
    limits: &Option<List>,
    errs: &mut Vec<String>,
) {
    for (r, min) in item.min.iter().flatten() {
        let (Some(m), shown) = (quantity::parse(&min.0), show(&min.0)) else {
            continue;
        };
        match get(requests, r) {
            None => errs.push(format!(
                "minimum {r} usage per {kind} is {shown}.  No request is specified"
            )),
            Some((q, s)) if q < m => errs.push(format!(
                "minimum {r} usage per {kind} is {shown}, but request is {s}"
            )),
            Some(_) => match get(limits, r) {
                Some((l, s)) if l < m => errs.push(format!(
                    "minimum {r} usage per {kind} is {shown}, but limit is {s}"
                )),
                _ => {}
            },
        }
    }
    for (r, max) in item.max.iter().flatten() {
        let (Some(m), shown) = (quantity::parse(&max.0), show(&max.0)) else {
            continue;
        };
        match get(limits, r) {
            None => errs.push(format!(
                "maximum {r} usage per {kind} is {shown}.  No limit is specified"
            )),
            Some((l, s)) if l > m => errs.push(format!(
                "maximum {r} usage per {kind} is {shown}, but limit is {s}"
            )),
            Some(_) => match get(requests, r) {
                Some((q, s)) if q > m => errs.push(format!(
                    "maximum {r} usage per {kind} is {shown}, but request is {s}"
                )),
                _ => {}
            },
        }
    }
    for (r, ratio) in item.max_limit_request_ratio.iter().flatten() {
        let Some(max_ratio) = quantity::parse(&ratio.0) else {
            continue;
        };
        let (req, lim) = (get(requests, r), get(limits, r));
        let Some((l, _)) = lim else {
            errs.push(format!(
                "{r} max limit to request ratio per {kind} is {}, but no limit is specified",
                show(&ratio.0)
            ));
            continue;
        };
        let Some((q, _)) = req.filter(|(q, _)| *q > 0) else {
            errs.push(format!("{r} max limit to request ratio per {kind} is {}, but no request is specified or request is 0", show(&ratio.0)));
            continue;
        };
        let observed = l as f64 / q as f64;
        if observed * 1000.0 > max_ratio as f64 {
            errs.push(format!(
                "{r} max limit to request ratio per {kind} is {}, but provided ratio is {observed:.6}",
                show(&ratio.0)
            ));
        }
    }
}

/// Sums per resource over containers (for `Pod` items).
fn pod_total(containers: &[Container], field: fn(&Container) -> Option<&List>) -> Option<List> {
    let mut sums: std::collections::BTreeMap<String, (i128, bool)> = Default::default();
    for c in containers {
        for (k, v) in field(c).into_iter().flatten() {
            if let Some(q) = quantity::parse(&v.0) {
                let e = sums
                    .entry(k.clone())
                    .or_insert((0, quantity::is_binary(&v.0)));
                e.0 += q;
            }
        }
    }
    Some(kubarium_tools::sort::insert_all(
        sums.into_iter()
            .map(|(k, (q, b))| (k, Quantity(quantity::canonical(q, b)))),
    ))
}

/// The validating half: containers, pods and claims within the ranges.
pub fn validate(attrs: &Attributes<'_>, obj: &Value) -> Result<(), ApiError> {
    let is_pod = attrs.resource.plural == "pods" && attrs.resource.group.is_empty();
    let is_claim =
        attrs.resource.plural == "persistentvolumeclaims" && attrs.resource.group.is_empty();
    if !is_pod && !is_claim {
        return Ok(());
    }
    let ranges = limit_ranges(attrs);
    let items: Vec<_> = ranges
        .iter()
        .filter_map(|r| r.spec.as_ref())
        .flat_map(|s| s.limits.iter())
        .collect();
    if items.is_empty() {
        return Ok(());
    }
    let mut errs = vec![];
    if is_pod {
        let Ok(pod) = serde_json::from_value::<Pod>(obj.clone()) else {
            return Ok(());
        };
        let spec = pod.spec.unwrap_or_default();
        let all: Vec<Container> = spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
            .cloned()
            .collect();
        for item in &items {
            match item.type_.as_str() {
                "Container" => {
                    for c in &all {
                        let res = c.resources.clone().unwrap_or_default();
                        check("Container", item, &res.requests, &res.limits, &mut errs);
                    }
                }
                "Pod" => {
                    let req = pod_total(&spec.containers, |c| {
                        c.resources.as_ref()?.requests.as_ref()
                    });
                    let lim =
                        pod_total(&spec.containers, |c| c.resources.as_ref()?.limits.as_ref());
                    check("Pod", item, &req, &lim, &mut errs);
                }
                _ => {}
            }
        }
    } else {
        let requests: Option<List> =
            crate::apiserver::decode::typed(obj["spec"]["resources"]["requests"].clone()).ok();
        let limits: Option<List> =
            crate::apiserver::decode::typed(obj["spec"]["resources"]["limits"].clone()).ok();
        for item in items.iter().filter(|i| i.type_ == "PersistentVolumeClaim") {
            check("PersistentVolumeClaim", item, &requests, &limits, &mut errs);
        }
    }
    match errs.len() {
        0 => Ok(()),
        1 => Err(ApiError::forbidden(
            &attrs.resource.group_resource(),
            attrs.name,
            &errs[0],
        )),
        _ => Err(ApiError::forbidden(
            &attrs.resource.group_resource(),
            attrs.name,
            &format!("[{}]", errs.join(", ")),
        )),
    }
}
