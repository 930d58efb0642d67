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
            let ca = tick
                .read(SECRET)
                .map(|e| e.body["data"]["caCert.pem"].clone());
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
            let spec = json!({
                "holderIdentity": me.map(name).unwrap_or("vpa-admission-controller"),
                "leaseDurationSeconds": 10,
                "renewTime": micro_time(tick.now),
            });
            let request = match tick.read(LEASE) {
                Some(e) if e.ok() => {
                    let mut lease = e.body.clone();
                    lease["spec"] = spec;
                    Request::put(LEASE, lease)
                }
                _ => Request::post(
                    LEASES,
                    json!({
                        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                        "metadata": {"name": "vpa-admission-controller", "namespace": "kube-system"},
                        "spec": spec,
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
    let vpas: Vec<(Value, Value)> = cluster
        .vpas
        .iter()
        .filter(|v| update_mode(v) != "Off" && !v["spec"]["targetRef"].is_null())
        .filter_map(|v| Some((v.clone(), cluster.selector(tick, v, &mut vec![]).ok()?)))
        .collect();
    let Some(vpa) = cluster.controlling(pod, &vpas) else {
        return vec![];
    };
    let mut patch = vec![];
    if pod["metadata"]["annotations"].is_null() {
        patch.push(add("/metadata/annotations".into(), json!({})));
    }
    let ns = namespace(pod);
    let range = capping::container_limit_range(&cluster.limit_ranges, ns);
    let mut updates = vec![];
    let has_recommendation = !vpa["status"]["recommendation"].is_null();
    for (i, c) in pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let res = &c["resources"];
        let (mut ops, mut notes) = (vec![], vec![]);
        let (requests, limits) = (&res["requests"], &res["limits"]);
        if requests.is_null() && limits.is_null() {
            ops.push(add(format!("/spec/containers/{i}/resources"), json!({})));
        }
        let capped = has_recommendation
            .then(|| capping::container(vpa, c, range.as_ref()))
            .flatten();
        if let Some((rec, capping_notes)) = capped {
            notes.extend(capping_notes);
            let new: Resources = rec["target"]
                .as_object()
                .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            let mut new_limits = None;
            if !capping::requests_only(vpa, c["name"].as_str().unwrap_or("")) {
                let (l, limit_notes) = capping::limits(c, &new, range.as_ref());
                if l.is_some() {
                    notes.extend(limit_notes);
                }
                new_limits = l;
            }
            for (field, kind, list, current) in [
                ("requests", "request", Some(new), requests),
                ("limits", "limit", new_limits, limits),
            ] {
                let Some(list) = list.filter(|l| !l.is_empty()) else {
                    continue;
                };
                if current.is_null() {
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
        }
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

/// A VPA's defaults (an update policy of Recreate) and the errors that refuse it.
fn vpa_verdict(vpa: &Value) -> Value {
    let spec = &vpa["spec"];
    let mut errs: Vec<String> = vec![];
    let policy = &spec["updatePolicy"];
    const MODES: &str = "\"InPlace\", \"InPlaceOrRecreate\", \"Initial\", \"Off\", \"Recreate\"";
    let field = "spec.updatePolicy";
    if policy.is_object() {
        match policy["updateMode"].as_str() {
            None => errs.push(format!(
                "{field}.updateMode: Required value: updateMode is required if UpdatePolicy is used"
            )),
            Some("InPlace") => errs.push(format!("{field}.updateMode: Forbidden: in order to use UpdateMode InPlace, you must enable feature gate InPlace in the admission-controller args")),
            Some("Auto" | "InPlaceOrRecreate" | "Initial" | "Off" | "Recreate") => {}
            Some(m) => errs.push(format!(
                "{field}.updateMode: Unsupported value: \"{m}\": supported values: {MODES}"
            )),
        }
        if let Some(n) = policy["minReplicas"].as_i64().filter(|&n| n <= 0) {
            errs.push(format!(
                "{field}.minReplicas: Invalid value: {n}: minReplicas has to be positive"
            ));
        }
        if !policy["evictAfterOOMSeconds"].is_null() {
            errs.push(format!("{field}.evictAfterOOMSeconds: Forbidden: not supported when feature flag PerVPAConfig is disabled"));
        }
    }
    let policies = spec["resourcePolicy"]["containerPolicies"].as_array();
    for (i, p) in policies.into_iter().flatten().enumerate() {
        let f = format!("spec.resourcePolicy.containerPolicies[{i}]");
        if p["containerName"].as_str().unwrap_or("").is_empty() {
            errs.push(format!("{f}.containerName: Required value"));
        }
        match p["mode"].as_str() {
            None | Some("Auto" | "Off") => {}
            Some(m) => errs.push(format!(
                "{f}.mode: Unsupported value: \"{m}\": supported values: \"Auto\", \"Off\""
            )),
        }
        for bound in ["minAllowed", "maxAllowed"] {
            for (r, q) in p[bound].as_object().into_iter().flatten() {
                let text = q
                    .as_str()
                    .map(String::from)
                    .unwrap_or_else(|| q.to_string());
                let whole = match r.as_str() {
                    "cpu" => crate::quantity::parse(&text)
                        .zip(crate::quantity::milli_value(&text))
                        .is_some_and(|(a, b)| a == b)
                        .then_some(())
                        .ok_or("must be a whole number of milli CPUs"),
                    "memory" => (milli(q) % 1000 == 0)
                        .then_some(())
                        .ok_or("must be a whole number of bytes"),
                    _ => Ok(()),
                };
                if let Err(why) = whole {
                    errs.push(format!(
                        "{f}.{bound}[{r}]: Invalid value: \"{text}\": {why}"
                    ));
                }
            }
        }
        for (r, max) in p["maxAllowed"].as_object().into_iter().flatten() {
            let min = &p["minAllowed"][r];
            if !min.is_null() && milli(max) < milli(min) {
                let show = |q: &Value| capping::canonical(q).as_str().unwrap_or("").to_string();
                errs.push(format!(
                    "{f}.maxAllowed[{r}]: Invalid value: \"{}\": max resource for {r} is lower than min of \"{}\"",
                    show(max),
                    show(min)
                ));
            }
        }
        if p["mode"] == "Off" && p["controlledValues"] == "RequestsAndLimits" {
            errs.push(format!("{f}.controlledValues: Forbidden: controlledValues shouldn't be specified if container scaling mode is off"));
        }
    }
    if let Some(n) = spec["recommenders"]
        .as_array()
        .map(Vec::len)
        .filter(|&n| n > 1)
    {
        errs.push(format!(
            "spec.recommenders: Too many: {n}: must have at most 1 item"
        ));
    }
    if !errs.is_empty() {
        let list = if errs.len() == 1 {
            errs.remove(0)
        } else {
            format!("[{}]", errs.join(", "))
        };
        let message = format!(
            "VerticalPodAutoscaler.autoscaling.k8s.io \"{}\" is invalid: {list}",
            name(vpa)
        );
        return json!({"allowed": false, "status": {"message": message}});
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
