//! Describers for policy objects: ResourceQuotas, LimitRanges, PodDisruptionBudgets,
//! PriorityClasses and HorizontalPodAutoscalers.

use serde_json::Value;

use super::pod_template::{int_or_string, label_selector};
use super::{
    format_labels, rfc1123z, s, strings, time_of, write_annotations, write_events, write_map,
};
use crate::tabwriter;
use crate::time::Millis;

/// What each quota scope matches, as describe explains it.
fn scope_help(scope: &str) -> Option<&'static str> {
    Some(match scope {
        "Terminating" => "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.",
        "NotTerminating" => "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.",
        "BestEffort" => "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.",
        "NotBestEffort" => "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.",
        _ => return None,
    })
}

/// The sorted scopes of a quota with their explanations, each line after `indent`.
pub(super) fn quota_scopes(out: &mut String, q: &Value, indent: &str, bullet: &str) {
    let mut scopes = strings(&q["spec"]["scopes"]);
    if scopes.is_empty() {
        return;
    }
    crate::sort::sort(&mut scopes);
    w!(out, "{indent}Scopes:\t{}\n", scopes.join(", "));
    for scope in scopes {
        if let Some(help) = scope_help(scope) {
            w!(out, "{indent}{bullet}{help}\n");
        }
    }
}

/// `kubectl describe resourcequota`.
pub fn resource_quota(q: &Value) -> String {
    let mut out = String::new();
    w!(out, "Name:\t{}\n", s(q, "/metadata/name"));
    w!(out, "Namespace:\t{}\n", s(q, "/metadata/namespace"));
    quota_scopes(&mut out, q, "", " * ");
    out.push_str("Resource\tUsed\tHard\n--------\t----\t----\n");
    for (resource, hard) in q["status"]["hard"].as_object().into_iter().flatten() {
        let used = q["status"]["used"][resource].as_str().unwrap_or("0");
        w!(out, "{resource}\t{used}\t{}\n", hard.as_str().unwrap_or(""));
    }
    tabwriter::align(&out, 0, 2)
}

/// The rows of a LimitRange's table: a type, a resource, then min, max, default
/// request, default limit and ratio (`-` where unset).
pub(super) fn limit_rows(out: &mut String, lr: &Value, prefix: &str) {
    const FIELDS: [&str; 5] = [
        "min",
        "max",
        "defaultRequest",
        "default",
        "maxLimitRequestRatio",
    ];
    for item in lr["spec"]["limits"].as_array().into_iter().flatten() {
        let mut resources: Vec<&String> = FIELDS
            .iter()
            .filter_map(|f| item[*f].as_object())
            .flat_map(|m| m.keys())
            .collect();
        crate::sort::sort(&mut resources);
        resources.dedup();
        for r in resources {
            let cells: Vec<&str> = FIELDS
                .iter()
                .map(|f| item[*f][r].as_str().unwrap_or("-"))
                .collect();
            w!(
                out,
                "{prefix}{}\t{r}\t{}\n",
                s(item, "/type"),
                cells.join("\t")
            );
        }
    }
}

/// `kubectl describe limitrange`.
pub fn limit_range(lr: &Value) -> String {
    let mut out = String::new();
    w!(out, "Name:\t{}\n", s(lr, "/metadata/name"));
    w!(out, "Namespace:\t{}\n", s(lr, "/metadata/namespace"));
    out.push_str(
        "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n",
    );
    out.push_str(
        "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
    );
    limit_rows(&mut out, lr, "");
    tabwriter::align(&out, 0, 2)
}

/// `kubectl describe poddisruptionbudget`.
pub fn pod_disruption_budget(pdb: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    let spec = &pdb["spec"];
    w!(out, "Name:\t{}\n", s(pdb, "/metadata/name"));
    w!(out, "Namespace:\t{}\n", s(pdb, "/metadata/namespace"));
    if !spec["minAvailable"].is_null() {
        w!(
            out,
            "Min available:\t{}\n",
            int_or_string(&spec["minAvailable"])
        );
    } else if !spec["maxUnavailable"].is_null() {
        w!(
            out,
            "Max unavailable:\t{}\n",
            int_or_string(&spec["maxUnavailable"])
        );
    }
    if spec["selector"].is_object() {
        w!(out, "Selector:\t{}\n", label_selector(&spec["selector"]));
    } else {
        out.push_str("Selector:\t<unset>\n");
    }
    let st = |k: &str| pdb["status"][k].as_i64().unwrap_or(0);
    w!(
        out,
        "Status:\n    Allowed disruptions:\t{}\n    Current:\t{}\n    Desired:\t{}\n    Total:\t{}\n",
        st("disruptionsAllowed"),
        st("currentHealthy"),
        st("desiredHealthy"),
        st("expectedPods")
    );
    write_events(&mut out, pdb, events, now);
    tabwriter::align(&out, 0, 2)
}

/// `kubectl describe priorityclass`.
pub fn priority_class(pc: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    w!(out, "Name:\t{}\n", s(pc, "/metadata/name"));
    w!(out, "Value:\t{}\n", pc["value"].as_i64().unwrap_or(0));
    w!(
        out,
        "GlobalDefault:\t{}\n",
        pc["globalDefault"].as_bool().unwrap_or(false)
    );
    w!(out, "PreemptionPolicy:\t{}\n", s(pc, "/preemptionPolicy"));
    w!(out, "Description:\t{}\n", s(pc, "/description"));
    w!(
        out,
        "Annotations:\t{}\n",
        format_labels(&pc["metadata"]["annotations"])
    );
    write_events(&mut out, pc, events, now);
    tabwriter::align(&out, 0, 2)
}

fn quantity(v: &Value) -> String {
    match v {
        Value::String(t) => t.clone(),
        Value::Number(n) => n.to_string(),
        _ => "0".into(),
    }
}

/// One metric's `current / target` line.
fn metric(out: &mut String, m: &Value, current: Option<&Value>) {
    let kind = s(m, "/type");
    let cur = |source: &str, field: &str| {
        current
            .and_then(|c| c.get(source))
            .map_or("<unknown>".to_string(), |c| quantity(&c["current"][field]))
    };
    match kind {
        "External" => {
            let e = &m["external"];
            let name = s(e, "/metric/name");
            if e["target"]["averageValue"].is_null() {
                w!(
                    out,
                    "  {name:?} (target value):\t{} / {}\n",
                    cur("external", "value"),
                    quantity(&e["target"]["value"])
                );
            } else {
                w!(
                    out,
                    "  {name:?} (target average value):\t{} / {}\n",
                    cur("external", "averageValue"),
                    quantity(&e["target"]["averageValue"])
                );
            }
        }
        "Pods" => {
            let p = &m["pods"];
            w!(
                out,
                "  {:?} on pods:\t{} / {}\n",
                s(p, "/metric/name"),
                cur("pods", "averageValue"),
                quantity(&p["target"]["averageValue"])
            );
        }
        "Object" => {
            let o = &m["object"];
            w!(
                out,
                "  \"{}\" on {}/{} ",
                s(o, "/metric/name"),
                s(o, "/describedObject/kind"),
                s(o, "/describedObject/name")
            );
            if s(o, "/target/type") == "AverageValue" {
                w!(
                    out,
                    "(target average value):\t{} / {}\n",
                    cur("object", "averageValue"),
                    quantity(&o["target"]["averageValue"])
                );
            } else {
                w!(
                    out,
                    "(target value):\t{} / {}\n",
                    cur("object", "value"),
                    quantity(&o["target"]["value"])
                );
            }
        }
        "Resource" | "ContainerResource" => {
            let (key, r) = if kind == "Resource" {
                ("resource", &m["resource"])
            } else {
                ("containerResource", &m["containerResource"])
            };
            if kind == "Resource" {
                w!(out, "  resource {} on pods", s(r, "/name"));
            } else {
                w!(
                    out,
                    "  resource {} of container \"{}\" on pods",
                    s(r, "/name"),
                    s(r, "/container")
                );
            }
            if !r["target"]["averageValue"].is_null() {
                w!(
                    out,
                    ":\t{} / {}\n",
                    cur(key, "averageValue"),
                    quantity(&r["target"]["averageValue"])
                );
            } else {
                let now = current
                    .and_then(|c| c.get(key))
                    .filter(|c| c["current"]["averageUtilization"].is_i64())
                    .map_or("<unknown>".to_string(), |c| {
                        format!(
                            "{}% ({})",
                            c["current"]["averageUtilization"],
                            quantity(&c["current"]["averageValue"])
                        )
                    });
                let target = r["target"]["averageUtilization"]
                    .as_i64()
                    .map_or("<auto>".to_string(), |t| format!("{t}%"));
                w!(out, "  (as a percentage of request):\t{now} / {target}\n");
            }
        }
        other => w!(out, "  <unknown metric type {other:?}>\n"),
    }
}

fn direction(out: &mut String, label: &str, rules: &Value) {
    if !rules.is_object() {
        return;
    }
    w!(out, "  {label}:\n");
    if let Some(w) = rules["stabilizationWindowSeconds"].as_i64() {
        w!(out, "    Stabilization Window: {w} seconds\n");
    }
    if let Some(policies) = rules["policies"].as_array().filter(|p| !p.is_empty()) {
        let select = rules["selectPolicy"].as_str().unwrap_or("Max");
        w!(out, "    Select Policy: {select}\n    Policies:\n");
        for p in policies {
            w!(
                out,
                "      - Type: {}\tValue: {}\tPeriod: {} seconds\n",
                s(p, "/type"),
                p["value"].as_i64().unwrap_or(0),
                p["periodSeconds"].as_i64().unwrap_or(0)
            );
        }
    }
}

/// `kubectl describe horizontalpodautoscaler` (of the autoscaling/v2 object).
pub fn horizontal_pod_autoscaler(hpa: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    let spec = &hpa["spec"];
    let status = &hpa["status"];
    w!(out, "Name:\t{}\n", s(hpa, "/metadata/name"));
    w!(out, "Namespace:\t{}\n", s(hpa, "/metadata/namespace"));
    write_map(&mut out, "", "Labels", &hpa["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &hpa["metadata"]["annotations"]);
    w!(
        out,
        "CreationTimestamp:\t{}\n",
        rfc1123z(time_of(&hpa["metadata"]["creationTimestamp"]).unwrap_or(0))
    );
    let kind = s(spec, "/scaleTargetRef/kind");
    w!(
        out,
        "Reference:\t{kind}/{}\n",
        s(spec, "/scaleTargetRef/name")
    );
    out.push_str("Metrics:\t( current / target )\n");
    let current = status["currentMetrics"].as_array();
    for (i, m) in spec["metrics"].as_array().into_iter().flatten().enumerate() {
        metric(&mut out, m, current.and_then(|c| c.get(i)));
    }
    let min = spec["minReplicas"]
        .as_i64()
        .map_or("<unset>".to_string(), |m| m.to_string());
    w!(out, "Min replicas:\t{min}\n");
    w!(
        out,
        "Max replicas:\t{}\n",
        spec["maxReplicas"].as_i64().unwrap_or(0)
    );
    if spec["behavior"].is_object() {
        out.push_str("Behavior:\n");
        direction(&mut out, "Scale Up", &spec["behavior"]["scaleUp"]);
        direction(&mut out, "Scale Down", &spec["behavior"]["scaleDown"]);
    }
    w!(
        out,
        "{kind} pods:\t{} current / {} desired\n",
        status["currentReplicas"].as_i64().unwrap_or(0),
        status["desiredReplicas"].as_i64().unwrap_or(0)
    );
    if let Some(conds) = status["conditions"].as_array().filter(|c| !c.is_empty()) {
        out.push_str(
            "Conditions:\n  Type\tStatus\tReason\tMessage\n  ----\t------\t------\t-------\n",
        );
        for c in conds {
            w!(
                out,
                "  {}\t{}\t{}\t{}\n",
                s(c, "/type"),
                s(c, "/status"),
                s(c, "/reason"),
                s(c, "/message")
            );
        }
    }
    write_events(&mut out, hpa, events, now);
    tabwriter::align(&out, 0, 2)
}
