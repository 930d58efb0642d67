//! The Vertical Pod Autoscaler 1.7.1's programs (recommender, updater, admission
//! controller), stepped by the core as `program`s, and what they share: the cluster as
//! their informers see it, a VPA's target and selector as the controller fetcher
//! resolves them, the VPA that controls a pod, update modes and container policies.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::controllers::{controller_of, name};
use crate::program::{Request, Tick};

pub mod admission_controller;
pub mod capping;
pub mod histogram;
pub mod recommender;
pub mod updater;

pub const VPAS: &str = "/apis/autoscaling.k8s.io/v1/verticalpodautoscalers";
pub const PODS: &str = "/api/v1/pods";
pub const LIMIT_RANGES: &str = "/api/v1/limitranges";

/// The controllers the fetcher knows ("well-known"), with where they are listed.
const WELL_KNOWN: [(&str, &str); 7] = [
    ("Deployment", "/apis/apps/v1/deployments"),
    ("ReplicaSet", "/apis/apps/v1/replicasets"),
    ("StatefulSet", "/apis/apps/v1/statefulsets"),
    ("DaemonSet", "/apis/apps/v1/daemonsets"),
    ("Job", "/apis/batch/v1/jobs"),
    ("CronJob", "/apis/batch/v1/cronjobs"),
    ("ReplicationController", "/api/v1/replicationcontrollers"),
];

/// The lists every program reads first (with `extra`).
pub fn base_reads(extra: &[&str]) -> Vec<String> {
    let mut paths: Vec<String> = [VPAS, LIMIT_RANGES]
        .iter()
        .chain(extra)
        .map(|p| p.to_string())
        .collect();
    paths.extend(WELL_KNOWN.iter().map(|(_, p)| p.to_string()));
    paths
}

/// What the programs' informers hold, from a loop's reads.
pub struct Cluster {
    pub vpas: Vec<Value>,
    pub pods: Vec<Value>,
    pub limit_ranges: Vec<Value>,
    /// The well-known controllers by `kind/namespace/name`.
    controllers: BTreeMap<String, Value>,
}

impl Cluster {
    pub fn read(tick: &Tick) -> Self {
        let mut controllers = BTreeMap::new();
        for (kind, path) in WELL_KNOWN {
            for obj in tick.items(path) {
                controllers.insert(format!("{kind}/{}", crate::controllers::key(&obj)), obj);
            }
        }
        Cluster {
            vpas: tick.items(VPAS),
            pods: tick.items(PODS),
            limit_ranges: tick.items(LIMIT_RANGES),
            controllers,
        }
    }

    pub fn controller(&self, kind: &str, ns: &str, name: &str) -> Option<&Value> {
        self.controllers.get(&format!("{kind}/{ns}/{name}"))
    }

    /// The topmost controller above a pod (its kind and name), as the fetcher climbs
    /// controller references through the well-known kinds; None for a pod no
    /// controller owns.
    pub fn topmost(&self, pod: &Value) -> Option<(String, String)> {
        let ns = namespace(pod);
        let (mut kind, mut name) = controller_of(pod).map(|(k, n, _)| (k, n))?;
        for _ in 0..8 {
            match self
                .controller(kind, ns, name)
                .and_then(|o| controller_of(o))
            {
                Some((k, n, _)) if WELL_KNOWN.iter().any(|(w, _)| *w == k) => (kind, name) = (k, n),
                _ => break,
            }
        }
        Some((kind.to_string(), name.to_string()))
    }

    /// The selector of a VPA's target (a `metav1.LabelSelector`), or why it has none
    /// (the ConfigUnsupported condition's message); the scale subresource of other kinds
    /// is read through `reads`, which gains what is still to read (the error is then
    /// empty).
    pub fn selector(
        &self,
        tick: &Tick,
        vpa: &Value,
        reads: &mut Vec<String>,
    ) -> Result<Value, String> {
        self.fetch_selector(tick, vpa, reads).map_err(|e| match e {
            Fetch::Pending => String::new(),
            Fetch::Failed(why) => format!("Cannot read targetRef. Reason: {why}"),
            Fetch::NotTopmost(target) => format!(
                "The target {target} has a parent controller but it should point to a topmost well-known or scalable controller"
            ),
        })
    }

    fn fetch_selector(
        &self,
        tick: &Tick,
        vpa: &Value,
        reads: &mut Vec<String>,
    ) -> Result<Value, Fetch> {
        let ns = namespace(vpa);
        let target = &vpa["spec"]["targetRef"];
        let s = |f: &str| target[f].as_str().unwrap_or("");
        if target.is_null() {
            return Err(Fetch::Failed(
                "targetRef not defined. If this is a v1beta1 object, switch to v1".into(),
            ));
        }
        if WELL_KNOWN.iter().any(|(k, _)| *k == s("kind")) {
            let obj = self.controller(s("kind"), ns, s("name")).ok_or_else(|| {
                Fetch::Failed(format!("{} {ns}/{} does not exist", s("kind"), s("name")))
            })?;
            if controller_of(obj).is_some_and(|(k, _, _)| WELL_KNOWN.iter().any(|(w, _)| *w == k)) {
                return Err(Fetch::NotTopmost(format!(
                    "{}.{}/{}",
                    s("apiVersion"),
                    s("kind"),
                    s("name")
                )));
            }
            return Ok(match s("kind") {
                "ReplicationController" => json!({"matchLabels": obj["spec"]["selector"]}),
                "CronJob" => {
                    json!({"matchLabels": obj["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]})
                }
                _ => obj["spec"]["selector"].clone(),
            });
        }
        // Any other kind: its scale subresource, found through discovery.
        let api_version = s("apiVersion");
        let root = if api_version.contains('/') {
            format!("/apis/{api_version}")
        } else {
            format!("/api/{api_version}")
        };
        let unhandled = |why: &str| {
            Fetch::Failed(format!(
                "unhandled targetRef {api_version} / {} / {}, last error {why}",
                s("kind"),
                s("name")
            ))
        };
        let Some(discovery) = tick.read(&root) else {
            reads.push(root);
            return Err(Fetch::Pending);
        };
        let resources = discovery.body["resources"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let plural = resources
            .iter()
            .find(|r| r["kind"] == s("kind") && !r["name"].as_str().unwrap_or("/").contains('/'))
            .and_then(|r| r["name"].as_str())
            .ok_or_else(|| unhandled(&format!("no matches for kind \"{}\"", s("kind"))))?;
        let path = format!("{root}/namespaces/{ns}/{plural}/{}/scale", s("name"));
        let Some(scale) = tick.read(&path) else {
            reads.push(path);
            return Err(Fetch::Pending);
        };
        if !scale.ok() {
            return Err(unhandled(scale.body["message"].as_str().unwrap_or("")));
        }
        let text = scale.body["status"]["selector"].as_str().unwrap_or("");
        if text.is_empty() {
            return Err(Fetch::Failed(format!(
                "resource {ns}/{} has an empty selector for scale sub-resource",
                s("name")
            )));
        }
        parse_selector(text).ok_or_else(|| unhandled(&format!("couldn't parse selector {text}")))
    }

    /// The VPAs `keep` picks, each with its target's selector (those without one are
    /// left out).
    pub fn resolved(&self, tick: &Tick, keep: impl Fn(&Value) -> bool) -> Vec<(Value, Value)> {
        let vpas = self.vpas.iter().filter(|v| keep(v));
        vpas.filter_map(|v| Some((v.clone(), self.selector(tick, v, &mut vec![]).ok()?)))
            .collect()
    }

    /// The VPA that controls a pod, among `vpas` (already resolved to selectors): one
    /// whose target is the pod's topmost controller and whose selector picks the pod;
    /// the oldest, then the first by name.
    pub fn controlling<'a>(&self, pod: &Value, vpas: &'a [(Value, Value)]) -> Option<&'a Value> {
        let (kind, owner) = self.topmost(pod)?;
        let ns = namespace(pod);
        vpas.iter()
            .filter(|(v, sel)| {
                namespace(v) == ns
                    && v["spec"]["targetRef"]["kind"] == kind.as_str()
                    && v["spec"]["targetRef"]["name"] == owner.as_str()
                    && crate::labels::selects(sel, &pod["metadata"]["labels"])
            })
            .min_by(|(a, _), (b, _)| {
                let created = |v: &Value| {
                    v["metadata"]["creationTimestamp"]
                        .as_str()
                        .unwrap_or("")
                        .to_string()
                };
                created(a)
                    .cmp(&created(b))
                    .then_with(|| name(a).cmp(name(b)))
            })
            .map(|(v, _)| v)
    }
}

/// Why a target has no selector yet.
enum Fetch {
    /// A read is still to be made.
    Pending,
    Failed(String),
    /// The target has a controller above it (shown as `apiVersion.Kind/name`).
    NotTopmost(String),
}

/// The reads a loop still needs before it can go on: the base lists, then what
/// resolving the targets asks for.
pub fn pending_reads(tick: &Tick, extra: &[&str]) -> Vec<Request> {
    let missing = tick.missing(&base_reads(extra));
    if !missing.is_empty() {
        return missing;
    }
    let cluster = Cluster::read(tick);
    let mut reads = vec![];
    for vpa in &cluster.vpas {
        let _ = cluster.selector(tick, vpa, &mut reads);
    }
    tick.missing(&reads)
}

pub fn namespace(obj: &Value) -> &str {
    obj["metadata"]["namespace"].as_str().unwrap_or("")
}

/// A VPA's update mode: `Recreate` when it has none.
pub fn update_mode(vpa: &Value) -> &str {
    match vpa["spec"]["updatePolicy"]["updateMode"].as_str() {
        None | Some("") => "Recreate",
        Some(m) => m,
    }
}

/// The container policy for a container: its own, else the `*` one.
pub fn container_policy<'a>(vpa: &'a Value, container: &str) -> Option<&'a Value> {
    let policies = vpa["spec"]["resourcePolicy"]["containerPolicies"].as_array()?;
    policies
        .iter()
        .find(|p| p["containerName"] == container)
        .or_else(|| policies.iter().find(|p| p["containerName"] == "*"))
}

/// The path of a VPA's checkpoint (or, with no name, of its namespace's checkpoints).
pub fn checkpoint_path(ns: &str, name: &str) -> String {
    let path =
        format!("/apis/autoscaling.k8s.io/v1/namespaces/{ns}/verticalpodautoscalercheckpoints");
    if name.is_empty() {
        path
    } else {
        format!("{path}/{name}")
    }
}

/// A quantity in milli-units as Go's MilliValue gives it (0 when unreadable).
pub fn milli(q: &Value) -> i128 {
    q.as_str()
        .and_then(crate::quantity::milli_value)
        .or_else(|| q.as_i64().map(|n| i128::from(n) * 1000))
        .unwrap_or(0)
}

/// A selector string (`app=web,tier in (a,b)`, as a scale subresource gives it) as a
/// `metav1.LabelSelector`.
pub fn parse_selector(text: &str) -> Option<Value> {
    let mut labels = serde_json::Map::new();
    let mut exprs = vec![];
    let mut rest = text.trim();
    while !rest.is_empty() {
        // Split at the first comma outside parentheses.
        let mut depth = 0;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                depth += i32::from(c == '(') - i32::from(c == ')');
                c == ',' && depth == 0
            })
            .map_or(rest.len(), |(i, _)| i);
        let part = rest[..end].trim();
        rest = rest.get(end + 1..).unwrap_or("").trim();
        let set = |op: &str, sep: &str| -> Option<Value> {
            let (k, vs) = part.split_once(sep)?;
            let vs = vs.trim().strip_prefix('(')?.strip_suffix(')')?;
            let values: Vec<&str> = vs
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .collect();
            Some(json!({"key": k.trim(), "operator": op, "values": values}))
        };
        if let Some(e) = set("NotIn", " notin ").or_else(|| set("In", " in ")) {
            exprs.push(e);
        } else if let Some((k, v)) = part.split_once("!=") {
            exprs.push(json!({"key": k.trim(), "operator": "NotIn", "values": [v.trim()]}));
        } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
            labels.insert(k.trim().into(), json!(v.trim()));
        } else if let Some(k) = part.strip_prefix('!') {
            exprs.push(json!({"key": k.trim(), "operator": "DoesNotExist"}));
        } else if !part.is_empty() && !part.contains(' ') {
            exprs.push(json!({"key": part, "operator": "Exists"}));
        } else {
            return None;
        }
    }
    Some(json!({"matchLabels": labels, "matchExpressions": exprs}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_from_scale_subresources() {
        let sel = parse_selector("app=web,tier in (a,b),!canary,env!=prod").unwrap();
        assert!(crate::labels::selects(
            &sel,
            &json!({"app": "web", "tier": "a"})
        ));
        assert!(!crate::labels::selects(
            &sel,
            &json!({"app": "web", "tier": "c"})
        ));
        assert!(!crate::labels::selects(
            &sel,
            &json!({"app": "web", "tier": "a", "canary": "1"})
        ));
        assert!(!crate::labels::selects(
            &sel,
            &json!({"app": "web", "tier": "a", "env": "prod"})
        ));
        assert!(parse_selector("a b").is_none());
    }
}
