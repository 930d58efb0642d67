//! Static pods: what the kubelet's file source makes of the manifests in its
//! `staticPodPath` (kubeadm's /etc/kubernetes/manifests), and the mirror pod that shows
//! each in the API server.

use k8s_openapi::api::core::v1::Pod;
use serde_json::{json, Value};

use crate::clock::{to_time, Millis};
use crate::klog::quote;
use crate::shell::fs::{self, Fs};

/// The kubelet's configuration file, as kubeadm's drop-in passes it with `--config`.
pub const KUBELET_CONFIG: &str = "/var/lib/kubelet/config.yaml";

/// A pod read from a manifest, with what the kubelet adds before running it.
#[derive(Debug, Clone, PartialEq)]
pub struct StaticPod {
    /// `namespace/name`, the name ending in `-<node>`.
    pub key: String,
    /// The pod's UID: a hash of the manifest and the node, also its `config.hash`.
    pub uid: String,
    pub pod: Value,
}

/// `staticPodPath` from the kubelet's configuration file, when it sets one.
pub fn static_pod_path(files: &Fs, config: &str) -> Option<String> {
    let text = files.read(config)?;
    let doc = crate::yaml::documents(text).ok()?.into_iter().next()?;
    doc["staticPodPath"]
        .as_str()
        .filter(|p| !p.is_empty())
        .map(str::to_string)
}

/// The manifests in `dir` as the file source reads them: regular files not starting with
/// a dot, one pod each. Files it cannot use, and a missing directory, come back as the
/// kubelet's log messages (klog's structured form).
pub fn read_dir(files: &Fs, dir: &str, node: &str) -> (Vec<StaticPod>, Vec<String>) {
    let mut pods = vec![];
    let mut errors = vec![];
    if !files.is_dir(dir) {
        let msg = format!(
            "\"Unable to read config path\" err=\"path does not exist, ignoring\" path={}",
            quote(dir)
        );
        return (pods, vec![msg]);
    }
    let mut names = files.list(dir);
    crate::sort::sort(&mut names);
    for name in names {
        let path = fs::resolve(dir, &name);
        if name.starts_with('.') {
            continue;
        }
        let Some(text) = files.read(&path) else {
            continue;
        };
        match decode(text, node) {
            Ok(p) if pods.iter().any(|q: &StaticPod| q.key == p.key) => errors.push(format!(
                "\"Detected duplicate pod name, ignoring duplicate pod\" pod={}",
                quote(&p.key)
            )),
            Ok(p) => pods.push(p),
            // A file that does not parse is named in the error; a pod that is invalid
            // is not.
            Err(e) => {
                let err = match e {
                    Unusable::Unparsed(why) => format!("{path}: {why}"),
                    Unusable::Invalid(why) => why,
                };
                errors.push(format!(
                    "\"Could not process manifest file\" err={} path={}",
                    quote(&err),
                    quote(&path)
                ))
            }
        }
    }
    (pods, errors)
}

/// Why a manifest gives no pod: it does not parse as one, or the pod is invalid.
enum Unusable {
    Unparsed(String),
    Invalid(String),
}

fn unparsed(why: impl std::fmt::Display) -> Unusable {
    Unusable::Unparsed(format!(
        "couldn't parse as pod({why}), please check config file"
    ))
}

/// One manifest's pod with the kubelet's defaults (applyDefaults in the file source):
/// the node's name appended, `default` namespace, the UID from a hash, the node name, the
/// config annotations, and the toleration every static pod gets; then validated.
fn decode(text: &str, node: &str) -> Result<StaticPod, Unusable> {
    let doc = crate::yaml::documents(text)
        .map_err(unparsed)?
        .into_iter()
        .next()
        .unwrap_or(Value::Null);
    if !doc.is_object() {
        return Err(unparsed("Object 'Kind' is missing in 'null'"));
    }
    let kind = doc["kind"].as_str().unwrap_or("");
    let version = doc["apiVersion"].as_str().unwrap_or("");
    let unusable = if kind.is_empty() {
        Some(format!("Object 'Kind' is missing in '{doc}'"))
    } else if version.is_empty() {
        Some(format!("Object 'apiVersion' is missing in '{doc}'"))
    } else if kind != "Pod" || version != "v1" {
        Some(format!(
            "no kind \"{kind}\" is registered for version \"{version}\" as a pod"
        ))
    } else {
        None
    };
    if let Some(why) = unusable {
        return Err(unparsed(why));
    }
    let mut typed: Pod = crate::apiserver::decode::typed(doc.clone()).map_err(unparsed)?;
    let meta = &mut typed.metadata;
    let name = format!("{}-{node}", meta.name.as_deref().unwrap_or(""));
    if let Some(why) = crate::apiserver::validation::dns1123_subdomain(&name).first() {
        return Err(Unusable::Invalid(format!(
            "invalid pod: [metadata.name: Invalid value: \"{name}\": {why}]"
        )));
    }
    meta.name = Some(name.clone());
    let namespace = meta
        .namespace
        .get_or_insert_with(|| "default".into())
        .clone();
    let spec = typed.spec.get_or_insert_with(Default::default);
    crate::apiserver::registry::pod::default_pod_spec(spec);
    let errs = crate::apiserver::registry::pod::validate_pod_spec(spec, "spec");
    if !errs.is_empty() {
        let all: Vec<String> = errs.iter().map(ToString::to_string).collect();
        return Err(Unusable::Invalid(format!(
            "invalid pod: [{}]",
            all.join(", ")
        )));
    }
    let mut pod = serde_json::to_value(&typed).map_err(unparsed)?;
    pod.as_object_mut().map(|o| o.remove("status"));
    let digest = {
        let canon = format!("{pod}{node}file");
        format!(
            "{:016x}{:016x}",
            crate::rng::fnv1a(&canon),
            crate::rng::fnv1a(&format!("{node}{canon}"))
        )
    };
    pod["metadata"]["uid"] = json!(digest);
    pod["spec"]["nodeName"] = json!(node);
    let annotations = &mut pod["metadata"]["annotations"];
    if !annotations.is_object() {
        *annotations = json!({});
    }
    annotations["kubernetes.io/config.hash"] = json!(digest);
    annotations["kubernetes.io/config.source"] = json!("file");
    let tolerations = &mut pod["spec"]["tolerations"];
    if !tolerations.is_array() {
        *tolerations = json!([]);
    }
    if let Some(list) = tolerations.as_array_mut() {
        list.push(json!({"operator": "Exists", "effect": "NoExecute"}));
    }
    Ok(StaticPod {
        key: format!("{namespace}/{name}"),
        uid: digest,
        pod,
    })
}

/// The mirror pod the kubelet creates for a static pod it runs: the pod with its
/// `config.mirror` annotation, owned by the node.
pub fn mirror(sp: &StaticPod, seen: Millis, node_uid: &str) -> Value {
    let mut pod = sp.pod.clone();
    let node = pod["spec"]["nodeName"].clone();
    if let Some(meta) = pod["metadata"].as_object_mut() {
        meta.remove("uid");
    }
    let annotations = &mut pod["metadata"]["annotations"];
    annotations["kubernetes.io/config.mirror"] = json!(sp.uid);
    annotations["kubernetes.io/config.seen"] = json!(to_time(seen));
    pod["metadata"]["ownerReferences"] = json!([{
        "apiVersion": "v1", "kind": "Node", "name": node, "uid": node_uid, "controller": true,
    }]);
    pod
}

/// Whether `pod` is a mirror pod (the kubelet runs it from a file; the API only shows it).
pub fn is_mirror(pod: &Value) -> bool {
    pod["metadata"]["annotations"]["kubernetes.io/config.mirror"].is_string()
}
