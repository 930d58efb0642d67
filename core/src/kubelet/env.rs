//! What the kubelet reads before it creates a container: the ConfigMaps and Secrets its
//! `envFrom` and `env` name. One that is missing (and not optional) leaves the container
//! waiting in CreateContainerConfigError with the kubelet's message.

use serde_json::Value;

use crate::apiserver::client::Client;
use crate::apiserver::resources;

/// The ConfigMap or Secret `name` in `ns`, as the kubelet's managers read it.
fn source(client: &mut Client<'_>, plural: &str, ns: &str, name: &str) -> Option<Value> {
    let r = resources::find("", "v1", plural)?;
    client.get(r, ns, name).ok()
}

/// Why the container cannot be created yet, if its environment names a ConfigMap,
/// Secret or key that does not exist.
pub fn config_error(
    client: &mut Client<'_>,
    ns: &str,
    env_from: &Value,
    env: &Value,
) -> Option<String> {
    let kinds = [
        ("configMapRef", "configmaps", "configmap"),
        ("secretRef", "secrets", "secret"),
    ];
    for from in env_from.as_array().into_iter().flatten() {
        for (field, plural, singular) in kinds {
            let r = &from[field];
            let Some(name) = r["name"].as_str() else {
                continue;
            };
            if r["optional"] != true && source(client, plural, ns, name).is_none() {
                return Some(format!("{singular} \"{name}\" not found"));
            }
        }
    }
    let refs = [
        ("configMapKeyRef", "configmaps", "configmap", "ConfigMap"),
        ("secretKeyRef", "secrets", "secret", "Secret"),
    ];
    for var in env.as_array().into_iter().flatten() {
        for (field, plural, singular, kind) in refs {
            let r = &var["valueFrom"][field];
            let (Some(name), Some(key)) = (r["name"].as_str(), r["key"].as_str()) else {
                continue;
            };
            if r["optional"] == true {
                continue;
            }
            let Some(obj) = source(client, plural, ns, name) else {
                return Some(format!("{singular} \"{name}\" not found"));
            };
            let has = obj["data"].get(key).is_some() || obj["binaryData"].get(key).is_some();
            if !has {
                return Some(format!("couldn't find key {key} in {kind} {ns}/{name}"));
            }
        }
    }
    None
}
