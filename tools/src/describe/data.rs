//! Describers for ConfigMaps, Secrets (sizes, never values) and ServiceAccounts.

use base64::Engine;
use serde_json::Value;

use super::{s, write_annotations, write_events, write_map};
use crate::tabwriter;
use crate::time::Millis;

fn header(out: &mut String, obj: &Value) {
    out.push_str(&format!("Name:\t{}\n", s(obj, "/metadata/name")));
    out.push_str(&format!("Namespace:\t{}\n", s(obj, "/metadata/namespace")));
    write_map(out, "", "Labels", &obj["metadata"]["labels"]);
    write_annotations(out, "Annotations", &obj["metadata"]["annotations"]);
}

fn sorted_keys(v: &Value) -> Vec<&String> {
    let mut keys: Vec<&String> = v
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    crate::sort::sort(&mut keys);
    keys
}

/// `kubectl describe configmap`: each key's value under it, binary keys by size.
pub fn config_map(cm: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    header(&mut out, cm);
    out.push_str("\nData\n====\n");
    for k in sorted_keys(&cm["data"]) {
        out.push_str(&format!(
            "{k}:\n----\n{}\n\n",
            cm["data"][k].as_str().unwrap_or("")
        ));
    }
    out.push_str("\nBinaryData\n====\n");
    for k in sorted_keys(&cm["binaryData"]) {
        out.push_str(&format!(
            "{k}: {} bytes\n",
            decoded_len(&cm["binaryData"][k])
        ));
    }
    out.push('\n');
    write_events(&mut out, cm, events, now);
    tabwriter::align(&out, 0, 2)
}

fn decoded_len(v: &Value) -> usize {
    let text = v.as_str().unwrap_or("");
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_or(text.len(), |b| b.len())
}

/// `kubectl describe secret`: the type and each key's size (a service account token's
/// `token` is shown, as kubectl shows it).
pub fn secret(secret: &Value) -> String {
    let mut out = String::new();
    header(&mut out, secret);
    let ty = s(secret, "/type");
    out.push_str(&format!("\nType:\t{ty}\n"));
    out.push_str("\nData\n====\n");
    for k in sorted_keys(&secret["data"]) {
        let v = &secret["data"][k];
        if k == "token" && ty == "kubernetes.io/service-account-token" {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(v.as_str().unwrap_or(""))
                .unwrap_or_default();
            out.push_str(&format!("{k}:\t{}\n", String::from_utf8_lossy(&bytes)));
        } else {
            out.push_str(&format!("{k}:\t{} bytes\n", decoded_len(v)));
        }
    }
    tabwriter::align(&out, 0, 2)
}

/// `kubectl describe serviceaccount`.
pub fn service_account(sa: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    header(&mut out, sa);
    let pulls: Vec<&str> = sa["imagePullSecrets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .collect();
    if pulls.is_empty() {
        out.push_str("Image pull secrets:\t<none>\n");
    }
    for (i, name) in pulls.iter().enumerate() {
        let label = if i == 0 {
            "Image pull secrets:"
        } else {
            "                   "
        };
        out.push_str(&format!("{label}\t{name}\n"));
    }
    write_events(&mut out, sa, events, now);
    tabwriter::align(&out, 0, 2)
}
