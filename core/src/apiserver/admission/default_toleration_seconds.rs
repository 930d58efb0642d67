//! DefaultTolerationSeconds: pods tolerate not-ready and unreachable nodes for 300 s.

use std::any::Any;

use k8s_openapi::api::core::v1::{Pod, Toleration};

use super::Attributes;

pub const DEFAULT_SECONDS: i64 = 300;
pub const NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";

pub fn admit(_attrs: &Attributes<'_>, obj: &mut dyn Any) {
    let Some(pod) = obj.downcast_mut::<Pod>() else {
        return;
    };
    let Some(spec) = pod.spec.as_mut() else {
        return;
    };
    let tolerations = spec.tolerations.get_or_insert_with(Vec::new);
    for key in [NOT_READY, UNREACHABLE] {
        let covered = tolerations.iter().any(|t| {
            let effect_ok = t
                .effect
                .as_deref()
                .is_none_or(|e| e.is_empty() || e == "NoExecute");
            let key_ok = match t.key.as_deref() {
                None | Some("") => t.operator.as_deref() == Some("Exists"),
                Some(k) => k == key,
            };
            effect_ok && key_ok
        });
        if !covered {
            tolerations.push(Toleration {
                effect: Some("NoExecute".into()),
                key: Some(key.into()),
                operator: Some("Exists".into()),
                toleration_seconds: Some(DEFAULT_SECONDS),
                value: None,
            });
        }
    }
}
