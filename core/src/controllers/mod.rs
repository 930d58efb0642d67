//! Controllers of the kube-controller-manager, one file each, behind one trait: each
//! reacts to the changes its informers deliver from the store's watch (relisting only
//! when its history was compacted away), and its reconcile steps are idempotent.

pub mod add_on;
pub mod api_service_availability;
pub mod cluster_role_aggregation;
pub mod controller_utils;
pub mod crd_finalizer;
pub mod crd_naming;
pub mod cron_job;
pub mod daemon_set;
pub mod deployment;
pub mod disruption;
pub mod garbage_collector;
pub mod horizontal_pod_autoscaler;
pub mod job;
pub mod namespace;
pub mod node_lifecycle;
pub mod pv_protection;
pub mod pvc_protection;
pub mod replica_set;
pub mod resource_quota;
pub mod service_account;
pub mod stateful_set;
pub mod taint_eviction;
pub mod ttl_after_finished;

use serde_json::Value;

use crate::apiserver::client::Client;
use crate::apiserver::request::User;
use crate::apiserver::resources::Resource;
use crate::apiserver::ApiServer;
use crate::clock::Millis;
use crate::events::Recorder;
use crate::store::EventType;

/// A control loop of the controller manager.
pub trait Controller: std::fmt::Debug {
    /// The name the controller manager knows it by (`namespace`, `serviceaccount`).
    fn name(&self) -> &'static str;

    /// Handles what changed since the last call.
    fn sync(&mut self, api: &mut ApiServer, rec: &mut Recorder);

    /// The control-plane binary it runs in: it runs only while that runs.
    fn component(&self) -> Component {
        Component::ControllerManager
    }

    /// For an add-on's program, told each settle while its pod runs: when its container
    /// started and its arguments.
    fn add_on_running(&mut self, _started: Millis, _argv: &[String]) {}

    /// When it next has work without any change (a requeue after a delay).
    fn next_wake(&self) -> Option<Millis> {
        None
    }

    fn clone_box(&self) -> Box<dyn Controller>;
}

/// The control-plane binaries, each run as a static pod, and the add-ons a learner
/// installs, each run by a pod of its image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component {
    ApiServer,
    ControllerManager,
    Scheduler,
    /// An add-on, by its image's name (the last part of the repository).
    AddOn(&'static str),
}

impl Component {
    /// The binary's name, the command of its container.
    pub fn binary(self) -> &'static str {
        match self {
            Component::ApiServer => "kube-apiserver",
            Component::ControllerManager => "kube-controller-manager",
            Component::Scheduler => "kube-scheduler",
            Component::AddOn(image) => image,
        }
    }
}

impl Clone for Box<dyn Controller> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

/// The controller manager's REST client.
pub fn client(api: &mut ApiServer) -> Client<'_> {
    Client::component(api, User::system("system:kube-controller-manager"))
}

/// The controllers the controller manager runs, in the order they sync.
pub fn defaults() -> Vec<Box<dyn Controller>> {
    vec![
        Box::new(namespace::NamespaceController::default()),
        Box::new(node_lifecycle::NodeLifecycle::default()),
        Box::new(taint_eviction::TaintEviction::default()),
        Box::new(deployment::DeploymentController::default()),
        Box::new(replica_set::ReplicaSetController::replica_sets()),
        Box::new(replica_set::ReplicaSetController::replication_controllers()),
        Box::new(daemon_set::DaemonSetController::default()),
        Box::new(stateful_set::StatefulSetController::default()),
        Box::new(disruption::DisruptionController::default()),
        Box::new(horizontal_pod_autoscaler::HorizontalPodAutoscalerController::default()),
        Box::new(cron_job::CronJobController::default()),
        Box::new(job::JobController::default()),
        Box::new(ttl_after_finished::TtlAfterFinished::default()),
        Box::new(garbage_collector::GarbageCollector::default()),
        Box::new(service_account::ServiceAccountController::default()),
        Box::new(resource_quota::ResourceQuotaController::default()),
        Box::new(pvc_protection::PvcProtectionController::default()),
        Box::new(pv_protection::PvProtectionController::default()),
        Box::new(cluster_role_aggregation::ClusterRoleAggregationController::default()),
        Box::new(crd_naming::CrdNamingController::default()),
        Box::new(crd_finalizer::CrdFinalizer::default()),
        Box::new(api_service_availability::ApiServiceAvailability::default()),
        // The Vertical Pod Autoscaler's programs, once a learner installs them.
        Box::new(add_on::AddOnProgram::new("vpa-recommender")),
        Box::new(add_on::AddOnProgram::new("vpa-updater")),
        Box::new(add_on::AddOnProgram::new("vpa-admission-controller")),
    ]
}

/// What an informer delivers: the objects that changed (their latest state, or the last
/// state of deleted ones), or, after compaction lost its place, every current object.
#[derive(Debug, Clone, PartialEq)]
pub enum Changes {
    Events(Vec<(EventType, Value)>),
    Relist(Vec<Value>),
}

impl Changes {
    /// The objects to reconcile, whatever happened to them.
    pub fn objects(self) -> Vec<Value> {
        match self {
            Changes::Events(evs) => evs.into_iter().map(|(_, v)| v).collect(),
            Changes::Relist(all) => all,
        }
    }
}

/// Takes `finalizer` off the object's latest version.
pub fn remove_finalizer(
    client: &mut Client<'_>,
    r: &Resource,
    ns: &str,
    name: &str,
    finalizer: &str,
) {
    let Ok(mut latest) = client.get(r, ns, name) else {
        return;
    };
    if let Some(f) = latest["metadata"]["finalizers"].as_array_mut() {
        f.retain(|f| f != finalizer);
    }
    let _ = client.update(r, ns, latest, "", &[]);
}

/// Whether the object is being deleted and `finalizer` still holds it.
pub fn held_by(obj: &Value, finalizer: &str) -> bool {
    obj["metadata"]["deletionTimestamp"].is_string()
        && obj["metadata"]["finalizers"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f == finalizer))
}

/// A watch on one resource from the last revision seen.
#[derive(Debug, Clone, Default)]
pub struct Informer {
    last_revision: i64,
}

impl Informer {
    /// Passes over the changes so far, unread.
    pub fn skip(&mut self, api: &ApiServer) {
        self.last_revision = api.store.revision();
    }

    /// Whether anything under these key prefixes changed since the last call (always on
    /// the first call).
    pub fn changed_in(&mut self, api: &ApiServer, prefixes: &[String]) -> bool {
        let first = self.last_revision == 0;
        let changed = first
            || prefixes.iter().any(|prefix| {
                api.store
                    .watch(prefix, self.last_revision)
                    .map_or(true, |evs| !evs.is_empty())
            });
        self.last_revision = api.store.revision();
        changed
    }

    /// Visits the changes to `resource` since the last call (every object, as put, on the
    /// first call or after compaction), without copying them.
    pub fn each(
        &mut self,
        api: &ApiServer,
        resource: &Resource,
        mut f: impl FnMut(EventType, &Value),
    ) {
        let now = api.store.revision();
        let prefix = resource.prefix(None);
        match api.store.watch(&prefix, self.last_revision) {
            Ok(evs) if self.last_revision != 0 => {
                for e in evs {
                    f(e.kind, &e.kv.value());
                }
            }
            _ => {
                for obj in api.list(resource, None) {
                    f(EventType::Put, &obj);
                }
            }
        }
        self.last_revision = now;
    }

    /// The changes to `resource` since the last call (all objects on the first call).
    pub fn changes(&mut self, api: &ApiServer, resource: &Resource) -> Changes {
        let now = api.store.revision();
        let first = self.last_revision == 0;
        let watched = if first {
            None
        } else {
            api.store
                .watch(&resource.prefix(None), self.last_revision)
                .ok()
                .map(|evs| {
                    evs.into_iter()
                        .map(|e| (e.kind, (*e.kv.value()).clone()))
                        .collect::<Vec<_>>()
                })
        };
        self.last_revision = now;
        match watched {
            Some(evs) => Changes::Events(evs),
            None => Changes::Relist(api.list(resource, None)),
        }
    }
}
