//! The kubelet's heartbeats: its node's Lease in kube-node-lease, renewed every 10 s, and
//! the node's conditions, posted when they change and every 5 minutes otherwise.

use serde_json::{json, Value};

use crate::apiserver::client::Client;
use crate::apiserver::resources;
use crate::clock::{to_time, Millis, SECOND};
use crate::events::micro_time;

/// How often the Lease is renewed (a quarter of its duration).
pub const LEASE_RENEW: Millis = 10 * SECOND;
const LEASE_DURATION_SECONDS: i64 = 40;

/// What a healthy kubelet says of its node: type, status, reason, message.
const HEALTHY: [(&str, &str, &str, &str); 4] = [
    (
        "MemoryPressure",
        "False",
        "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available",
    ),
    (
        "DiskPressure",
        "False",
        "KubeletHasNoDiskPressure",
        "kubelet has no disk pressure",
    ),
    (
        "PIDPressure",
        "False",
        "KubeletHasSufficientPID",
        "kubelet has sufficient PID available",
    ),
    (
        "Ready",
        "True",
        "KubeletReady",
        "kubelet is posting ready status",
    ),
];

/// Renews (or first creates) the node's Lease. As the kubelet's lease controller does, it
/// updates the Lease it last wrote (`latest`) and reads it again only when it has none or
/// that update fails.
pub fn renew_lease(client: &mut Client<'_>, node: &str, now: Millis, latest: &mut Option<Value>) {
    let Some(leases) = resources::find("coordination.k8s.io", "v1", "leases") else {
        return;
    };
    let renew = |mut lease: Value| {
        lease["spec"]["renewTime"] = json!(micro_time(now));
        lease["spec"]["holderIdentity"] = json!(node);
        lease
    };
    if let Some(lease) = latest.take() {
        if let Ok(written) = client.update(leases, "kube-node-lease", renew(lease), "", &[]) {
            *latest = Some(written);
            return;
        }
    }
    *latest = match client.get(leases, "kube-node-lease", node) {
        Ok(lease) => client.update(leases, "kube-node-lease", renew(lease), "", &[]),
        Err(_) => {
            let owner = client
                .get(resources::nodes(), "", node)
                .ok()
                .map(|n| {
                    json!([{"apiVersion": "v1", "kind": "Node", "name": node,
                            "uid": n["metadata"]["uid"]}])
                })
                .unwrap_or(Value::Null);
            let mut lease = json!({
                "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": {"name": node, "namespace": "kube-node-lease"},
                "spec": {"holderIdentity": node, "leaseDurationSeconds": LEASE_DURATION_SECONDS,
                         "renewTime": micro_time(now)},
            });
            if !owner.is_null() {
                lease["metadata"]["ownerReferences"] = owner;
            }
            client
                .create(leases, "kube-node-lease", lease, &[])
                .map(|(v, _)| v)
        }
    }
    .ok();
}

/// Posts the node's conditions as the kubelet sees them (healthy but for memory pressure,
/// when its eviction manager reports it), each keeping its transition time unless its
/// status changes. Returns the events for the conditions that changed, in the setters'
/// order.
pub fn post(
    client: &mut Client<'_>,
    node: &str,
    now: Millis,
    memory_pressure: bool,
) -> Vec<&'static str> {
    let Ok(mut obj) = client.get(resources::nodes(), "", node) else {
        return vec![];
    };
    let time = json!(to_time(now));
    let mut events = vec![];
    let conditions = obj["status"]["conditions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut next = vec![];
    for (type_, status, reason, message) in HEALTHY {
        let (status, reason, message) = if type_ == "MemoryPressure" && memory_pressure {
            (
                "True",
                "KubeletHasInsufficientMemory",
                "kubelet has insufficient memory available",
            )
        } else {
            (status, reason, message)
        };
        let before = conditions.iter().find(|c| c["type"] == type_);
        let changed = before.is_none_or(|c| c["status"] != status);
        // The kubelet's condition setters record an event as a condition turns healthy
        // (registration records the pressure ones of a new node itself).
        if changed && (type_ == "Ready" || before.is_some()) {
            events.push(event_reason(type_, status));
        }
        let transition = match before {
            Some(c) if !changed => c["lastTransitionTime"].clone(),
            _ => time.clone(),
        };
        next.push(
            json!({"type": type_, "status": status, "reason": reason, "message": message,
                         "lastHeartbeatTime": time, "lastTransitionTime": transition}),
        );
    }
    // Conditions other components own (NetworkUnavailable) stay as they are.
    next.extend(
        conditions
            .into_iter()
            .filter(|c| !HEALTHY.iter().any(|h| c["type"] == h.0)),
    );
    obj["status"]["conditions"] = Value::Array(next);
    let _ = client.update(resources::nodes(), "", obj, "status", &[]);
    events
}

/// The event a condition's turning healthy is recorded as.
fn event_reason(condition: &str, status: &str) -> &'static str {
    match condition {
        "MemoryPressure" if status == "True" => "NodeHasInsufficientMemory",
        "MemoryPressure" => "NodeHasSufficientMemory",
        "DiskPressure" => "NodeHasNoDiskPressure",
        "PIDPressure" => "NodeHasSufficientPID",
        _ => "NodeReady",
    }
}
