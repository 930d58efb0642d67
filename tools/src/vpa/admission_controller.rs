//! The VPA admission controller: ten seconds after it starts it registers itself as the
//! mutating webhook `vpa.k8s.io` (MutatingWebhookConfiguration `vpa-webhook-config`,
//! failurePolicy Ignore, through Service `vpa-webhook`), then renews the Lease
//! `vpa-admission-controller` every ten seconds (the updater acts only while it is
//! fresh). As a webhook it sets a new pod's requests (and limits in proportion) from
//! the recommendation of the VPA that controls it, and defaults and validates VPAs.

use serde_json::{json, Value};

use super::capping::{self, Resources};
use super::{milli, namespace, update_mode, Cluster};
use crate::controllers::name;
use crate::program::{Request, Step, Tick};
use crate::time::{Millis, SECOND};

const CONFIG: &str =
    "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/vpa-webhook-config";
const CONFIGS: &str = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";
const SECRET: &str = "/api/v1/namespaces/kube-system/secrets/vpa-tls-certs";
const LEASES: &str = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";
const LEASE: &str =
    "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/vpa-admission-controller";
const SYSTEM_PODS: &str = "/api/v1/namespaces/kube-system/pods";
const PERIOD: Millis = 10 * SECOND;

/// The webhook configuration it registers (`caBundle`: its CA, base64).
fn configuration(ca_bundle: &Value) -> Value {
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "MutatingWebhookConfiguration",
        "metadata": {"name": "vpa-webhook-config"},
        "webhooks": [{
            "name": "vpa.k8s.io",
            "admissionReviewVersions": ["v1"],
            "rules": [
                {"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]},
                {"operations": ["CREATE", "UPDATE"], "apiGroups": ["autoscaling.k8s.io"], "apiVersions": ["*"], "resources": ["verticalpodautoscalers"]},
            ],
            "failurePolicy": "Ignore",
            "clientConfig": {"service": {"namespace": "kube-system", "name": "vpa-webhook"}, "caBundle": ca_bundle},
            "sideEffects": "None",
            "timeoutSeconds": 30,
            "namespaceSelector": {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": [""]}]},
        }],
    })
}

/// A time as a Lease's MicroTime.
fn micro_time(t: Millis) -> Value {
    let s = crate::controllers::stamp(t);
    let s = s.as_str().unwrap_or("").trim_end_matches('Z');
    json!(format!("{s}.{:06}Z", t.rem_euclid(1000) * 1000))
}

/// One step of its loop: registration, then the status lease.
pub fn step(tick: &Tick) -> Step {
    let phase = tick.state["phase"].as_str().unwrap_or("");
    let wait = |phase: &str| Step {
        state: json!({"phase": phase}),
        next: PERIOD,
        ..Step::default()
    };
    match phase {
        // Started: it registers after ten seconds.
        "" => wait("registering"),
        "registering" => {
            let reads = tick.missing(&[CONFIG.to_string(), SECRET.to_string()]);
            if !reads.is_empty() {
                return Step::reads(reads, tick.state.clone());
            }
            let made = |m: &str| tick.exchanges.iter().any(|e| e.request.method == m);
            if made("POST") {
                return wait("serving");
            }
            if tick.read(CONFIG).is_some_and(|e| e.ok()) && !made("DELETE") {
                return Step::reads(vec![Request::delete(CONFIG)], tick.state.clone());
            }
            let secret = tick.read(SECRET).filter(|e| e.ok());
            let ca = secret.map(|e| e.body["data"]["caCert.pem"].clone());
            let body = configuration(&ca.unwrap_or(Value::Null));
            Step::reads(vec![Request::post(CONFIGS, body)], tick.state.clone())
        }
        _ => {
            let reads = tick.missing(&[LEASE.to_string(), SYSTEM_PODS.to_string()]);
            if !reads.is_empty() {
                return Step::reads(reads, tick.state.clone());
            }
            if tick.exchanges.iter().any(|e| e.request.method != "GET") {
                return wait("serving");
            }
            // Its host name is its pod's name.
            let pods = tick.items(SYSTEM_PODS);
            let me = pods.iter().find(|p| {
                p["status"]["phase"] == "Running"
                    && p["spec"]["containers"][0]["image"]
                        .as_str()
                        .is_some_and(|i| i.contains("/vpa-admission-controller:"))
            });
            let holder = me.map(name).unwrap_or("vpa-admission-controller");
            let request = match tick.read(LEASE) {
                Some(e) if e.ok() => {
                    let mut lease = e.body.clone();
                    lease["spec"]["holderIdentity"] = json!(holder);
                    lease["spec"]["renewTime"] = micro_time(tick.now);
                    Request::put(LEASE, lease)
                }
                _ => Request::post(
                    LEASES,
                    json!({
                        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                        "metadata": {"name": "vpa-admission-controller", "namespace": "kube-system"},
                        "spec": {"holderIdentity": holder, "leaseDurationSeconds": 10},
                    }),
                ),
            };
            Step::reads(vec![request], tick.state.clone())
        }
    }
}

/// The webhook: a pod's patch, or a VPA's defaults and verdict.
pub fn webhook(tick: &Tick) -> Step {
    let review = &tick.review;
    // The API server has set the object's namespace by the time webhooks see it.
    let mut obj = review["object"].clone();
    if obj["metadata"]["namespace"]
        .as_str()
        .unwrap_or("")
        .is_empty()
    {
        obj["metadata"]["namespace"] = review["namespace"].clone();
    }
    let obj = &obj;
    let response = if review["resource"]["resource"] == "verticalpodautoscalers" {
        vpa_verdict(obj)
    } else {
        let reads = super::pending_reads(tick, &[]);
        if !reads.is_empty() {
            return Step::reads(reads, Value::Null);
        }
        json!({"allowed": true, "patch": pod_patch(&Cluster::read(tick), tick, obj)})
    };
    Step {
        response: with_object(response, obj),
        ..Step::default()
    }
}

/// A webhook response with the object its patch makes (unchanged if it cannot apply).
fn with_object(mut response: Value, obj: &Value) -> Value {
    let mut patched = obj.clone();
    if let Ok(ops) = serde_json::from_value::<json_patch::Patch>(response["patch"].clone()) {
        if json_patch::patch(&mut patched, &ops).is_err() {
            patched = obj.clone();
        }
    }
    response["object"] = patched;
    response
}

/// JSON patch operation `add`.
fn add(path: String, value: Value) -> Value {
    json!({"op": "add", "path": path, "value": value})
}

/// The patch for a new pod.
fn pod_patch(cluster: &Cluster, tick: &Tick, pod: &Value) -> Vec<Value> {
    let vpas = cluster.resolved(tick, |v| {
        update_mode(v) != "Off" && !v["spec"]["targetRef"].is_null()
    });
    let Some(vpa) = cluster.controlling(pod, &vpas) else {
        return vec![];
    };
    let mut patch = vec![];
    if pod["metadata"]["annotations"].is_null() {
        patch.push(add("/metadata/annotations".into(), json!({})));
    }
    let range = capping::container_limit_range(&cluster.limit_ranges, namespace(pod));
    let has_recommendation = !vpa["status"]["recommendation"].is_null();
    let mut updates = vec![];
    for (i, c) in pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let capped = has_recommendation
            .then(|| capping::container(vpa, c, range.as_ref()))
            .flatten();
        let (requests, limits, mut notes) = match capped {
            Some((rec, capping_notes)) => {
                let (requests, limits, limit_notes) =
                    capping::new_resources(vpa, c, &rec, range.as_ref());
                (requests, limits, [capping_notes, limit_notes].concat())
            }
            None => (Resources::new(), None, vec![]),
        };
        let (ops, items) = capping::patch_ops(i, &c["resources"], requests, limits);
        notes.extend(items);
        if !ops.is_empty() {
            patch.extend(ops);
            updates.push(format!("container {i}: {}", notes.join(", ")));
        }
    }
    if !updates.is_empty() {
        let text = format!(
            "Pod resources updated by {}: {}",
            name(vpa),
            updates.join("; ")
        );
        patch.push(add("/metadata/annotations/vpaUpdates".into(), json!(text)));
    }
    let names: Vec<&str> = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .collect();
    patch.push(add(
        "/metadata/annotations/vpaObservedContainers".into(),
        json!(names.join(", ")),
    ));
    patch
}

/// Whether a quantity is a whole number of milli-units (of units, for `unit` 1000).
fn whole(q: &Value, unit: i128) -> bool {
    let text = q
        .as_str()
        .map(String::from)
        .unwrap_or_else(|| q.to_string());
    let negated = text
        .strip_prefix('-')
        .map_or_else(|| format!("-{text}"), String::from);
    let up = crate::quantity::milli_value(&text);
    let down = crate::quantity::milli_value(&negated).map(|m| -m);
    up.is_some() && up == down && up.is_some_and(|m| m % unit == 0)
}

/// A VPA's defaults (an update policy of Recreate) and the field errors that refuse it.
fn vpa_verdict(vpa: &Value) -> Value {
    let spec = &vpa["spec"];
    let mut errs: Vec<(String, String)> = vec![];
    let mut err = |field: String, detail: String| errs.push((field, detail));
    let policy = &spec["updatePolicy"];
    const MODES: &str = "\"InPlace\", \"InPlaceOrRecreate\", \"Initial\", \"Off\", \"Recreate\"";
    let field = "spec.updatePolicy";
    if policy.is_object() {
        match policy["updateMode"].as_str() {
            None => err(
                format!("{field}.updateMode"),
                "Required value: updateMode is required if UpdatePolicy is used".into(),
            ),
            Some("InPlace") => err(format!("{field}.updateMode"), "Forbidden: in order to use UpdateMode InPlace, you must enable feature gate InPlace in the admission-controller args".into()),
            Some("Auto" | "InPlaceOrRecreate" | "Initial" | "Off" | "Recreate") => {}
            Some(m) => err(
                format!("{field}.updateMode"),
                format!("Unsupported value: \"{m}\": supported values: {MODES}"),
            ),
        }
        if let Some(n) = policy["minReplicas"].as_i64().filter(|&n| n <= 0) {
            err(
                format!("{field}.minReplicas"),
                format!("Invalid value: {n}: minReplicas has to be positive"),
            );
        }
        if !policy["evictAfterOOMSeconds"].is_null() {
            err(
                format!("{field}.evictAfterOOMSeconds"),
                "Forbidden: not supported when feature flag PerVPAConfig is disabled".into(),
            );
        }
    }
    let policies = spec["resourcePolicy"]["containerPolicies"].as_array();
    for (i, p) in policies.into_iter().flatten().enumerate() {
        let f = format!("spec.resourcePolicy.containerPolicies[{i}]");
        if p["containerName"].as_str().unwrap_or("").is_empty() {
            err(format!("{f}.containerName"), "Required value".into());
        }
        match p["mode"].as_str() {
            None | Some("Auto" | "Off") => {}
            Some(m) => err(
                format!("{f}.mode"),
                format!("Unsupported value: \"{m}\": supported values: \"Auto\", \"Off\""),
            ),
        }
        let show = |q: &Value| {
            q.as_str()
                .map(String::from)
                .unwrap_or_else(|| q.to_string())
        };
        let resources = ["minAllowed", "maxAllowed"]
            .iter()
            .flat_map(|b| {
                p[*b]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(r, _)| r.clone())
            })
            .collect::<std::collections::BTreeSet<String>>();
        for r in resources {
            let (min, max) = (&p["minAllowed"][&r], &p["maxAllowed"][&r]);
            let (unit, why) = match r.as_str() {
                "cpu" => (1, "must be a whole number of milli CPUs"),
                "memory" => (1000, "must be a whole number of bytes"),
                _ => (0, ""),
            };
            if unit != 0 && !min.is_null() && !whole(min, unit) {
                err(
                    format!("{f}.minAllowed[{r}]"),
                    format!("Invalid value: \"{}\": {why}", show(min)),
                );
            }
            if !min.is_null() && !max.is_null() && milli(max) < milli(min) {
                err(
                    format!("{f}.maxAllowed[{r}]"),
                    format!(
                        "Invalid value: \"{}\": max resource for {r} is lower than min of \"{}\"",
                        show(&capping::canonical(max)),
                        show(&capping::canonical(min))
                    ),
                );
            }
            if unit != 0 && !max.is_null() && !whole(max, unit) {
                err(
                    format!("{f}.maxAllowed[{r}]"),
                    format!("Invalid value: \"{}\": {why}", show(max)),
                );
            }
        }
        if p["mode"] == "Off" && p["controlledValues"] == "RequestsAndLimits" {
            err(format!("{f}.controlledValues"), "Forbidden: controlledValues shouldn't be specified if container scaling mode is off".into());
        }
        for gated in [
            "oomBumpUpRatio",
            "oomMinBumpUp",
            "memoryAggregationIntervalSeconds",
            "memoryAggregationIntervalCount",
        ] {
            if !p[gated].is_null() {
                err(
                    format!("{f}.{gated}"),
                    "Forbidden: not supported when feature flag PerVPAConfig is disabled".into(),
                );
            }
        }
        if !p["startupBoost"].is_null() {
            err(format!("{f}.startupBoost"), "Forbidden: in order to use startupBoost, you must enable feature gate CPUStartupBoost in the admission-controller args".into());
        }
    }
    if !spec["startupBoost"].is_null() {
        err("spec.startupBoost".into(), "Forbidden: in order to use startupBoost, you must enable feature gate CPUStartupBoost in the admission-controller args".into());
    }
    if let Some(n) = spec["recommenders"]
        .as_array()
        .map(Vec::len)
        .filter(|&n| n > 1)
    {
        err(
            "spec.recommenders".into(),
            format!("Too many: {n}: must have at most 1 item"),
        );
    }
    if !errs.is_empty() {
        return json!({"allowed": false, "status": {
            "reason": "Invalid",
            "details": {"group": "autoscaling.k8s.io", "kind": "VerticalPodAutoscaler", "name": name(vpa), "causes": errs},
        }});
    }
    let mut patch = vec![];
    if policy.is_null() {
        patch.push(add(
            "/spec/updatePolicy".into(),
            json!({"updateMode": "Recreate"}),
        ));
    }
    let mut warnings = vec![];
    if policy["updateMode"] == "Auto" {
        warnings.push("UpdateMode \"Auto\" is deprecated and will be removed in a future API version. Use explicit update modes like \"Recreate\", \"Initial\", or \"InPlaceOrRecreate\" instead. See https://github.com/kubernetes/autoscaler/issues/8424 for more details.");
    }
    json!({"allowed": true, "patch": patch, "warnings": warnings})
}
