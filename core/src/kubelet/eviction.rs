//! The kubelet's eviction manager for memory, with kubeadm's hard threshold
//! (`memory.available<100Mi`): every 10 s it compares what the node has left with the
//! threshold. Under it, the node reports MemoryPressure (until 5 minutes after the last
//! time it was under), and each pass evicts one pod: those using more memory than they
//! request first, then lower priority, then the larger excess. An evicted pod fails with
//! reason Evicted and the kubelet's message, its containers stopped within a second.
//! While the node is under pressure, BestEffort pods are not admitted.

use super::{Evicted, Kubelet, PodRuntime, State};
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::clock::{Millis, MINUTE, SECOND};
use crate::events::{ObjectRef, Recorder, Source};

/// The hard eviction threshold for memory.available (100Mi).
const THRESHOLD: u64 = 100 * 1024 * 1024;
/// Pods at or above this priority (system-cluster-critical and
/// system-node-critical) are critical: the kubelet does not evict them.
pub(super) const CRITICAL_PRIORITY: i64 = 2_000_000_000;
/// How long the node keeps reporting pressure after it was last under the threshold
/// (evictionPressureTransitionPeriod).
const TRANSITION: Millis = 5 * MINUTE;

/// Bytes as a Quantity prints them (`92436Ki`).
fn quantity(bytes: u64) -> String {
    crate::quantity::canonical(i128::from(bytes) * 1000, true)
}

impl Kubelet {
    /// Whether the node reports MemoryPressure at `now`.
    pub(super) fn memory_pressure(&self, now: Millis) -> bool {
        self.pressure_at.is_some_and(|t| now - t < TRANSITION)
    }

    /// One pass of the eviction manager.
    pub(super) fn synchronize_eviction(&mut self, api: &mut ApiServer, rec: &mut Recorder) {
        let now = api.now();
        let was = self.memory_pressure(now);
        let capacity = api
            .store
            .get(&resources::nodes().key("", &self.node))
            .and_then(|kv| {
                kv.value()["status"]["capacity"]["memory"]
                    .as_str()
                    .map(str::to_string)
            })
            .and_then(|m| crate::quantity::parse(&m))
            .and_then(|milli| u64::try_from(milli / 1000).ok());
        let Some(capacity) = capacity else {
            return;
        };
        let used = self
            .pods
            .values()
            .flat_map(PodRuntime::running)
            .fold(super::usage::NODE_SYSTEM.memory, |sum, c| {
                sum.saturating_add(c.measured().memory)
            });
        let available = capacity.saturating_sub(used);
        if available < THRESHOLD {
            self.pressure_at = Some(now);
            let node = ObjectRef::node(&self.node);
            let source = Source::Kubelet { host: &self.node };
            rec.record(
                api,
                &node,
                "Warning",
                "EvictionThresholdMet",
                "Attempting to reclaim memory",
                source,
            );
            let head = format!(
                "The node was low on resource: memory. Threshold quantity: 100Mi, available: {}. ",
                quantity(available)
            );
            self.evict_one(api, rec, &head);
        }
        if was != self.memory_pressure(now) {
            // The condition changed: report the node at once.
            self.heartbeat_at = now;
        }
    }

    /// Evicts the pod the ranking puts first, if any can be.
    fn evict_one(&mut self, api: &mut ApiServer, rec: &mut Recorder, head: &str) {
        let now = api.now();
        let candidates = self.pods.iter().filter(|(_, rt)| {
            !rt.static_pod
                && rt.rejected.is_none()
                && rt.evicted.is_none()
                && rt.deleting.is_none()
                && rt.running().next().is_some()
        });
        // (uses no more than it requests, priority, excess), least first.
        let rank = |rt: &PodRuntime| {
            let (used, requested) = rt.running().fold((0u64, 0u64), |(u, r), c| {
                (u + c.measured().memory, r + c.memory_request)
            });
            let excess = i128::from(used) - i128::from(requested);
            (excess <= 0, rt.priority, -excess)
        };
        let Some(key) = candidates
            .min_by_key(|(_, rt)| rank(rt))
            .map(|(k, _)| k.clone())
        else {
            return;
        };
        let Some(rt) = self.pods.get_mut(&key) else {
            return;
        };
        let mut message = head.to_string();
        for c in rt
            .containers
            .iter()
            .filter(|c| matches!(c.state, State::Running { .. }))
        {
            let used = c.measured().memory;
            if used > c.memory_request {
                let request = match c.memory_request {
                    0 => "0".to_string(),
                    r => quantity(r),
                };
                message.push_str(&format!(
                    "Container {} was using {}, request is {request}, has larger consumption of memory. ",
                    c.name,
                    quantity(used)
                ));
            }
        }
        let pod = ObjectRef {
            kind: "Pod".into(),
            namespace: rt.namespace.clone(),
            name: rt.name.clone(),
            uid: rt.uid.clone(),
            api_version: "v1".into(),
            ..Default::default()
        };
        let source = Source::Kubelet { host: &self.node };
        rec.record(api, &pod, "Warning", "Evicted", &message, source);
        // Stopped with a grace period of one second: servers that stop on SIGTERM do,
        // the rest are killed.
        for c in rt.all_mut() {
            if let State::Running { graceful, .. } = c.state {
                let container = pod
                    .clone()
                    .with_field_path(format!("spec.containers{{{}}}", c.name));
                let stopping = format!("Stopping container {}", c.name);
                rec.record(api, &container, "Normal", "Killing", &stopping, source);
                c.kill = Some(if graceful {
                    (now + api.rng.between(100, 600), 0)
                } else {
                    (now + SECOND, 137)
                });
            }
        }
        rt.evicted = Some(Evicted { message, at: now });
        self.dirty.insert(key);
    }
}
