//! JSON output as kubectl prints it: four-space indentation, Go's HTML-safe escaping, and
//! key order either sorted (objects read from the server) or Go's struct field order
//! (objects kubectl builds itself, like `run --dry-run=client`).

use kubarium_tools::gojson::Json;
use serde_json::Value;

/// Field order of the Go types `kubectl run` and `create namespace|deployment` build (Pod,
/// ObjectMeta, PodSpec, Container, EnvVar, ContainerPort, Namespace, Deployment, Service,
/// ConfigMap, Secret); other keys follow, sorted.
const GO_FIELD_ORDER: &[&str] = &[
    "kind",
    "apiVersion",
    "metadata",
    "spec",
    "status",
    "name",
    "generateName",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "labels",
    "annotations",
    "volumes",
    "initContainers",
    "containers",
    "image",
    "command",
    "args",
    "workingDir",
    "hostPort",
    "containerPort",
    "protocol",
    "port",
    "targetPort",
    "nodePort",
    "ports",
    "envFrom",
    "env",
    "value",
    "valueFrom",
    "resources",
    "volumeMounts",
    "imagePullPolicy",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "dnsPolicy",
    "nodeSelector",
    "serviceAccountName",
    "nodeName",
    "finalizers",
    "phase",
    "replicas",
    "minAvailable",
    "selector",
    "maxUnavailable",
    "matchLabels",
    "template",
    "strategy",
    "clusterIP",
    "data",
    "type",
    "externalName",
    "globalDefault",
    "description",
    "preemptionPolicy",
    "schedule",
    "jobTemplate",
    "disruptionsAllowed",
    "currentHealthy",
    "desiredHealthy",
    "expectedPods",
    "ingressClassName",
    "defaultBackend",
    "tls",
    "path",
    "pathType",
    "backend",
    "subjects",
    "roleRef",
    "rules",
    "aggregationRule",
    "scaleTargetRef",
    "minReplicas",
    "maxReplicas",
    "metrics",
    "desiredReplicas",
    "currentMetrics",
    "preferences",
    "clusters",
    "users",
    "contexts",
    "current-context",
];

/// version.Info's fields.
const VERSION_INFO: &[&str] = &[
    "major",
    "minor",
    "emulationMajor",
    "emulationMinor",
    "minCompatibilityMajor",
    "minCompatibilityMinor",
    "gitVersion",
    "gitCommit",
    "gitTreeState",
    "buildDate",
    "goVersion",
    "compiler",
    "platform",
];

/// Structs whose field order differs from the list above, by the key that holds them.
const GO_FIELD_ORDER_UNDER: &[(&str, &[&str])] = &[
    // A kubeconfig's entries (clientcmd's v1 Cluster, AuthInfo and Context).
    (
        "cluster",
        &[
            "server",
            "tls-server-name",
            "insecure-skip-tls-verify",
            "certificate-authority",
            "certificate-authority-data",
            "proxy-url",
            "disable-compression",
            "extensions",
        ],
    ),
    (
        "user",
        &[
            "client-certificate",
            "client-certificate-data",
            "client-key",
            "client-key-data",
            "token",
            "tokenFile",
            "as",
            "as-uid",
            "as-groups",
            "as-user-extra",
            "username",
            "password",
            "auth-provider",
            "exec",
            "extensions",
        ],
    ),
    ("context", &["cluster", "user", "namespace", "extensions"]),
    (
        "ownerReferences",
        &[
            "apiVersion",
            "kind",
            "name",
            "uid",
            "controller",
            "blockOwnerDeletion",
        ],
    ),
    ("roleRef", &["apiGroup", "kind", "name"]),
    ("context", &["cluster", "user", "namespace"]),
    ("scaleTargetRef", &["kind", "name", "apiVersion"]),
    ("clientVersion", VERSION_INFO),
    ("serverVersion", VERSION_INFO),
    ("subjects", &["kind", "apiGroup", "name", "namespace"]),
    (
        "rules",
        &[
            "verbs",
            "apiGroups",
            "resources",
            "resourceNames",
            "nonResourceURLs",
        ],
    ),
];

/// Key order for objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Sorted, as Go prints maps (objects decoded from the API).
    Sorted,
    /// Go struct field order (typed objects built client-side).
    GoStruct,
}

/// Renders `value` as kubectl's JSON, with a trailing newline.
pub fn to_json(value: &Value, order: Order) -> String {
    let rank = |parent: &str, keys: &mut Vec<&String>| {
        if order == Order::Sorted {
            return;
        }
        let under: &[&str] = GO_FIELD_ORDER_UNDER
            .iter()
            .find(|(p, _)| *p == parent)
            .map_or(&[], |(_, fields)| fields);
        crate::sort::by_key(keys, |k| match under.iter().position(|f| f == k) {
            Some(i) => i,
            None => GO_FIELD_ORDER
                .iter()
                .position(|f| f == k)
                .map_or(usize::MAX, |i| under.len() + i),
        });
    };
    Json::ordered(value, "", &rank).indented()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn orders_and_escapes_like_go() {
        let v = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {"run": "x"}, "name": "x", "creationTimestamp": null}, "spec": {}, "a": "<&>"});
        assert_eq!(
            to_json(&v, Order::GoStruct),
            "{\n    \"kind\": \"Pod\",\n    \"apiVersion\": \"v1\",\n    \"metadata\": {\n        \"name\": \"x\",\n        \"creationTimestamp\": null,\n        \"labels\": {\n            \"run\": \"x\"\n        }\n    },\n    \"spec\": {},\n    \"a\": \"\\u003c\\u0026\\u003e\"\n}\n"
        );
        assert!(to_json(&v, Order::Sorted).starts_with("{\n    \"a\": "));
    }
}
