//! The API server: decoding, defaulting, admission, validation, resourceVersion and
//! graceful deletion in front of the store. Every component talks to the cluster through it.

pub mod admission;
pub mod authorization;
pub mod bootstrap;
pub mod cel;
pub mod client;
pub mod component_status;
pub mod conversion;
pub mod custom_resources;
pub mod decode;
pub mod discovery;
pub mod errors;
pub mod eviction;
pub mod field_manager;
pub mod metrics;
pub mod negotiation;
pub mod openapi;
pub mod patch;
pub mod pod_ephemeral;
pub mod pod_exec;
pub mod pod_log;
pub mod pod_resize;
pub mod quota;
pub mod registry;
pub mod request;
pub mod resources;
pub mod rest;
pub mod reviews;
pub mod scale;
pub mod strategy;
pub mod type_error;
pub mod validation;
pub mod watch;

use k8s_openapi::api::admissionregistration::v1::{
    MutatingWebhookConfiguration, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding,
    ValidatingWebhookConfiguration,
};
use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Event, LimitRange, Namespace, Node, PersistentVolume,
    PersistentVolumeClaim, Pod, PodTemplate, ReplicationController, ResourceQuota, Secret, Service,
    ServiceAccount,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{
    IPAddress, Ingress, IngressClass, NetworkPolicy, ServiceCIDR,
};
use k8s_openapi::api::node::v1::RuntimeClass;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::api::storage::v1::{
    CSIDriver, CSINode, CSIStorageCapacity, StorageClass, VolumeAttachment, VolumeAttributesClass,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::clock::{to_time, Clock, Millis, SECOND};
use crate::rng::Rng;
use crate::store::{Store, StoreError};
pub use decode::FieldValidation;
use errors::{ApiError, FieldError};
use resources::Resource;
use strategy::{Ctx, Strategy};

/// The finalizers that hold an owner until the garbage collector has deleted its
/// dependents, or taken its references off them.
pub const FOREGROUND: &str = "foregroundDeletion";
pub const ORPHAN: &str = "orphan";

/// Puts a propagation policy's finalizer on an object being deleted, in place of the
/// other policy's; whether that changed its finalizers. (Not generic: each kind's delete
/// would compile it again.)
#[inline(never)]
fn hold_for(meta: &mut ObjectMeta, finalizer: &str) -> bool {
    let list = meta.finalizers.get_or_insert_with(Vec::new);
    let other = if finalizer == FOREGROUND {
        ORPHAN
    } else {
        FOREGROUND
    };
    let before = list.len();
    let had = list.iter().any(|x| x == finalizer);
    list.retain(|x| x != other);
    if !had {
        list.push(finalizer.to_string());
    }
    !had || list.len() != before
}

/// Decides a delete on the object's metadata, given its grace period, whether something
/// holds it and whether a propagation finalizer was just added: `None` when it goes at
/// once, else whether its metadata changed (marked, its deadline brought forward, held).
#[inline(never)]
fn mark_deleted(
    meta: &mut ObjectMeta,
    (grace, blocks, held): (i64, bool, bool),
    now: Millis,
) -> Option<bool> {
    if grace == 0 && !blocks {
        return None;
    }
    let shortens = match (&meta.deletion_timestamp, meta.deletion_grace_period_seconds) {
        (Some(_), Some(g)) => grace < g,
        (Some(_), None) => false,
        (None, _) => true,
    };
    if shortens {
        meta.deletion_timestamp = Some(to_time(now.saturating_add(grace.saturating_mul(SECOND))));
        meta.deletion_grace_period_seconds = Some(grace);
    }
    Some(shortens || held)
}

/// What a delete did.
#[derive(Debug, Clone, PartialEq)]
pub enum Deleted {
    /// The object is gone; this was its last state.
    Gone(Value),
    /// The object is being deleted gracefully or waits for finalizers.
    Terminating(Value),
}

/// The API server and the state behind it.
#[derive(Debug, Clone)]
pub struct ApiServer {
    pub store: Store,
    pub clock: Clock,
    pub rng: Rng,
    /// The admission plugins that run.
    pub admission: admission::plugins::Plugins,
    /// metrics-server, which the aggregator proxies the metrics API to.
    pub metrics_server: crate::metrics_server::MetricsServer,
}

/// What a write takes from its request besides the body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// `dryRun=All`: run every step but the write.
    pub dry_run: bool,
    pub validation: FieldValidation,
    /// Who asks (a CertificateSigningRequest records its requester).
    pub user: Option<request::User>,
    /// The field manager a write is recorded for in managedFields (none: the body's
    /// managedFields stand, as server-side apply computed them).
    pub field_manager: Option<String>,
    /// The subresource a write came through, when it is not the object or its status
    /// (`scale`): admission matches rules against it.
    pub subresource: &'static str,
}

impl WriteOptions {
    fn strict(dry_run: bool) -> Self {
        WriteOptions {
            dry_run,
            validation: FieldValidation::Strict,
            user: None,
            field_manager: None,
            subresource: "",
        }
    }
}

/// Fills `metadata.resourceVersion` from the store's mod revision, as a read does.
pub(crate) fn with_resource_version(value: &Value, mod_revision: i64) -> Value {
    let mut v = value.clone();
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert(
            "resourceVersion".into(),
            Value::String(mod_revision.to_string()),
        );
    }
    v
}

/// Reads a stored object as its typed form, through the same decoder as request bodies
/// (one instantiation per kind keeps the wasm small).
fn stored_object<T: serde::de::DeserializeOwned + serde::Serialize>(
    value: &Value,
    r: &Resource,
) -> Result<T, ApiError> {
    decode::decode(value, r, FieldValidation::Ignore)
        .map(|(obj, _)| obj)
        .map_err(|e| ApiError::new(errors::Reason::InternalError, e.message))
}

/// Serializes a typed object for the store, without resourceVersion (etcd keeps it as the
/// key's mod revision).
/// Whether any of `fields` (dotted paths) differs between two stored objects.
fn generation_fields_changed(fields: &[&str], new: &Value, old: &Value) -> bool {
    let at = |v: &Value, path: &str| {
        path.split('.')
            .try_fold(v, |v, k| v.get(k))
            .cloned()
            .unwrap_or(Value::Null)
    };
    fields.iter().any(|f| at(new, f) != at(old, f))
}

fn to_stored<T: serde::Serialize>(obj: &T) -> Value {
    let mut v = decode::untyped(obj);
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("resourceVersion");
    }
    v
}

/// Expands to a match on a resource's (group, kind) that runs `$call` with `$t` naming
/// the kind's typed object.
macro_rules! dispatch {
    ($r:expr, $t:ident => $call:expr; $( ($g:literal, $k:literal) => $ty:ty ),* $(,)?) => {
        match ($r.group, $r.kind) {
            $( ($g, $k) => {
                type $t = $ty;
                $call
            } )*
            (_, other) => Err(ApiError::new(
                errors::Reason::MethodNotAllowed,
                format!("kind {other} is not served"),
            )),
        }
    };
}

/// Runs `$call` with `$t` naming the typed object of a served kind: the one list of the
/// kinds Kubarium stores.
macro_rules! with_kind {
    ($r:expr, $t:ident => $call:expr) => {
        dispatch!($r, $t => $call;
            ("", "Namespace") => Namespace,
            ("", "Node") => Node,
            ("", "Pod") => Pod,
            ("", "Event") => Event,
            ("", "Service") => Service,
            ("", "ConfigMap") => ConfigMap,
            ("", "Secret") => Secret,
            ("", "ServiceAccount") => ServiceAccount,
            ("", "ReplicationController") => ReplicationController,
            ("", "PodTemplate") => PodTemplate,
            ("", "PersistentVolume") => PersistentVolume,
            ("", "PersistentVolumeClaim") => PersistentVolumeClaim,
            ("", "LimitRange") => LimitRange,
            ("", "ResourceQuota") => ResourceQuota,
            ("apps", "ControllerRevision") => ControllerRevision,
            ("autoscaling", "HorizontalPodAutoscaler") => HorizontalPodAutoscaler,
            ("apps", "Deployment") => Deployment,
            ("apps", "ReplicaSet") => ReplicaSet,
            ("apps", "DaemonSet") => DaemonSet,
            ("apps", "StatefulSet") => StatefulSet,
            ("batch", "Job") => Job,
            ("batch", "CronJob") => CronJob,
            ("scheduling.k8s.io", "PriorityClass") => PriorityClass,
            ("storage.k8s.io", "StorageClass") => StorageClass,
            ("storage.k8s.io", "CSIDriver") => CSIDriver,
            ("storage.k8s.io", "CSIStorageCapacity") => CSIStorageCapacity,
            ("storage.k8s.io", "VolumeAttributesClass") => VolumeAttributesClass,
            ("storage.k8s.io", "VolumeAttachment") => VolumeAttachment,
            ("networking.k8s.io", "NetworkPolicy") => NetworkPolicy,
            ("networking.k8s.io", "Ingress") => Ingress,
            ("networking.k8s.io", "IngressClass") => IngressClass,
            ("policy", "PodDisruptionBudget") => PodDisruptionBudget,
            ("node.k8s.io", "RuntimeClass") => RuntimeClass,
            ("rbac.authorization.k8s.io", "Role") => Role,
            ("rbac.authorization.k8s.io", "RoleBinding") => RoleBinding,
            ("rbac.authorization.k8s.io", "ClusterRole") => ClusterRole,
            ("rbac.authorization.k8s.io", "ClusterRoleBinding") => ClusterRoleBinding,
            ("apiextensions.k8s.io", "CustomResourceDefinition") => CustomResourceDefinition,
            ("", "Endpoints") => Endpoints,
            ("discovery.k8s.io", "EndpointSlice") => EndpointSlice,
            ("coordination.k8s.io", "Lease") => Lease,
            ("certificates.k8s.io", "CertificateSigningRequest") => CertificateSigningRequest,
            ("storage.k8s.io", "CSINode") => CSINode,
            ("networking.k8s.io", "IPAddress") => IPAddress,
            ("networking.k8s.io", "ServiceCIDR") => ServiceCIDR,
            ("admissionregistration.k8s.io", "MutatingWebhookConfiguration") => MutatingWebhookConfiguration,
            ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration") => ValidatingWebhookConfiguration,
            ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy") => ValidatingAdmissionPolicy,
            ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding") => ValidatingAdmissionPolicyBinding,
            ("apiregistration.k8s.io", "APIService") => APIService,
        )
    };
}

/// Whether Kubarium stores objects of `r`.
pub fn serves(r: &Resource) -> bool {
    let type_name =
        || -> Result<&str, ApiError> { with_kind!(r, T => Ok(std::any::type_name::<T>())) };
    type_name().is_ok()
}

/// Keeps what an update may not change in an object's metadata (and, on a status update,
/// everything but its status: labels, annotations, finalizers, owners).
fn carry_over_meta(nm: &mut ObjectMeta, om: &ObjectMeta, status: bool) {
    nm.uid = om.uid.clone();
    nm.creation_timestamp = om.creation_timestamp.clone();
    nm.deletion_timestamp = om.deletion_timestamp.clone();
    nm.deletion_grace_period_seconds = om.deletion_grace_period_seconds;
    nm.namespace = om.namespace.clone();
    nm.generation = om.generation;
    nm.resource_version = None;
    if status {
        nm.labels = om.labels.clone();
        nm.annotations = om.annotations.clone();
        nm.finalizers = om.finalizers.clone();
        nm.owner_references = om.owner_references.clone();
    }
}

impl ApiServer {
    /// Records a write in the object's managedFields for the request's field manager.
    pub(crate) fn record_write(
        &self,
        r: &Resource,
        old: Option<&Value>,
        new: &mut Value,
        status: bool,
        opts: &WriteOptions,
    ) {
        let Some(manager) = opts.field_manager.as_deref() else {
            return;
        };
        let api_version = r.api_version();
        let writer = field_manager::Writer {
            manager,
            api_version: &api_version,
            subresource: if status { "status" } else { "" },
            kind: r.kind,
            skip_status: !status && r.subresources.contains(&"status"),
        };
        let now = serde_json::json!(to_time(self.now()));
        field_manager::record_update(old, new, &writer, &now);
    }

    /// Settles a new object's namespace and name (from generateName when it has none) and
    /// clears the fields the server sets; returns the name.
    fn name_for_create(
        &mut self,
        meta: &mut ObjectMeta,
        r: &Resource,
        namespace: &str,
    ) -> Result<String, ApiError> {
        if r.namespaced {
            match meta.namespace.as_deref() {
                Some(ns) if !ns.is_empty() && ns != namespace => {
                    return Err(ApiError::bad_request(
                        "the namespace of the provided object does not match the namespace sent on the request",
                    ))
                }
                _ => meta.namespace = Some(namespace.to_string()),
            }
        } else {
            meta.namespace = None;
        }
        if meta.name.as_deref().unwrap_or("").is_empty() {
            if let Some(prefix) = meta.generate_name.clone().filter(|g| !g.is_empty()) {
                let prefix: String = prefix.chars().take(58).collect();
                meta.name = Some(format!("{prefix}{}", self.rng.name_suffix(5)));
            }
        }
        let name = meta.name.clone().unwrap_or_default();
        if name.is_empty() {
            return Err(ApiError::invalid_in(
                r.group,
                r.kind,
                "",
                vec![FieldError::required("metadata.name")
                    .with_detail("Required value: name or generateName is required")],
            ));
        }
        // System fields are the server's to set.
        meta.uid = None;
        meta.resource_version = None;
        meta.creation_timestamp = None;
        meta.deletion_timestamp = None;
        meta.deletion_grace_period_seconds = None;
        meta.generation = None;
        Ok(name)
    }

    pub fn new(seed: u64) -> Self {
        ApiServer {
            store: Store::new(),
            clock: Clock::default(),
            rng: Rng::new(seed),
            admission: admission::plugins::Plugins::default(),
            metrics_server: Default::default(),
        }
    }

    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    /// The resources this cluster serves: the built-in ones and its CRDs'.
    pub fn catalog(&self) -> resources::Catalog {
        let mut catalog = custom_resources::catalog(&self.store);
        if self.serves_metrics() {
            catalog.aggregated.extend(metrics::resources());
        }
        catalog
    }

    /// Creates an object of `resource` in `namespace` from a request body (strictly
    /// decoded; the REST surface passes the request's options to `create_with`).
    pub fn create(
        &mut self,
        resource: &'static Resource,
        namespace: &str,
        body: Value,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        self.create_with(resource, namespace, body, &WriteOptions::strict(dry_run))
            .map(|(obj, _)| obj)
    }

    /// Creates an object; returns it with the warnings for the response.
    pub fn create_with(
        &mut self,
        resource: &'static Resource,
        namespace: &str,
        body: Value,
        opts: &WriteOptions,
    ) -> Result<(Value, Vec<String>), ApiError> {
        self.provision_namespace(resource, namespace);
        if resource.custom {
            return self.create_custom(resource, namespace, body, opts);
        }
        with_kind!(resource, T => self.create_typed::<T>(resource, namespace, body, opts))
    }

    /// NamespaceAutoProvision (off by default): a create in a namespace that does not
    /// exist creates the namespace first.
    fn provision_namespace(&mut self, resource: &'static Resource, namespace: &str) {
        let ns = resources::namespaces();
        if !self.admission.on("NamespaceAutoProvision")
            || !resource.namespaced
            || namespace.is_empty()
            || self.store.get(&ns.key("", namespace)).is_some()
        {
            return;
        }
        let body = serde_json::json!({
            "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace},
        });
        // A namespace that cannot be created leaves the create to fail as it would.
        let _ = self.create_with(ns, "", body, &WriteOptions::strict(false));
    }

    /// Sets the admission plugins as kube-apiserver's `--enable-admission-plugins` and
    /// `--disable-admission-plugins` do; the error is the one kube-apiserver exits with.
    pub fn configure_admission(&mut self, enable: &[&str], disable: &[&str]) -> Result<(), String> {
        self.admission = admission::plugins::Plugins::configure(enable, disable)?;
        Ok(())
    }

    /// Replaces an object (the main resource; its status is kept).
    pub fn update(
        &mut self,
        resource: &'static Resource,
        namespace: &str,
        body: Value,
    ) -> Result<Value, ApiError> {
        self.update_any(resource, namespace, body, false)
    }

    /// Replaces an object's status (the status subresource; its spec is kept).
    pub fn update_status(
        &mut self,
        resource: &'static Resource,
        namespace: &str,
        body: Value,
    ) -> Result<Value, ApiError> {
        self.update_any(resource, namespace, body, true)
    }

    fn update_any(
        &mut self,
        resource: &'static Resource,
        namespace: &str,
        body: Value,
        status: bool,
    ) -> Result<Value, ApiError> {
        self.update_with(
            resource,
            namespace,
            body,
            status,
            &WriteOptions::strict(false),
        )
        .map(|(obj, _)| obj)
    }

    /// Replaces an object or (with `status`) its status; returns it with the warnings.
    pub fn update_with(
        &mut self,
        resource: &'static Resource,
        namespace: &str,
        body: Value,
        status: bool,
        opts: &WriteOptions,
    ) -> Result<(Value, Vec<String>), ApiError> {
        if resource.custom {
            return self.update_custom(resource, namespace, body, status, opts);
        }
        with_kind!(resource, T => self.update_typed::<T>(resource, namespace, body, status, opts))
    }

    /// Deletes an object; objects with a grace period or finalizers are only marked.
    pub fn delete(
        &mut self,
        resource: &'static Resource,
        namespace: &str,
        name: &str,
        grace: Option<i64>,
    ) -> Result<Deleted, ApiError> {
        self.delete_with(resource, namespace, name, grace, false)
    }

    /// Deletes an object, or with `dry_run` says what a delete would do.
    pub fn delete_with(
        &mut self,
        resource: &'static Resource,
        namespace: &str,
        name: &str,
        grace: Option<i64>,
        dry_run: bool,
    ) -> Result<Deleted, ApiError> {
        self.delete_propagating(resource, namespace, name, (grace, dry_run), None)
    }

    /// Deletes with a propagation policy: `Foreground` and `Orphan` hold the object with
    /// their finalizer for the garbage collector (`foregroundDeletion`, `orphan`).
    pub fn delete_propagating(
        &mut self,
        resource: &'static Resource,
        namespace: &str,
        name: &str,
        (grace, dry_run): (Option<i64>, bool),
        propagation: Option<&str>,
    ) -> Result<Deleted, ApiError> {
        admission::check_delete(&self.admission, resource, name)?;
        if resource.custom {
            return self.delete_custom(resource, namespace, name, dry_run);
        }
        let finalizer = match propagation {
            Some("Foreground") => Some(FOREGROUND),
            Some("Orphan") => Some(ORPHAN),
            _ => None,
        };
        // Only these kinds delete otherwise than by the default strategy.
        match (resource.group, resource.kind) {
            ("", "Pod") => {
                self.delete_typed::<Pod>(resource, namespace, name, grace, dry_run, finalizer)
            }
            ("", "Namespace") => {
                self.delete_typed::<Namespace>(resource, namespace, name, grace, dry_run, finalizer)
            }
            ("apiextensions.k8s.io", "CustomResourceDefinition") => self
                .delete_typed::<CustomResourceDefinition>(
                    resource, namespace, name, grace, dry_run, finalizer,
                ),
            _ => self.delete_plain(resource, namespace, name, dry_run, finalizer),
        }
    }

    /// Reads one object.
    pub fn get(&self, resource: &Resource, namespace: &str, name: &str) -> Result<Value, ApiError> {
        let key = resource.key(namespace, name);
        self.store
            .get(&key)
            .map(|kv| with_resource_version(&kv.value(), kv.mod_revision))
            .ok_or_else(|| ApiError::not_found(&resource.group_resource(), name))
    }

    /// Lists objects in a namespace, or in all namespaces with `None`, in key order.
    pub fn list(&self, resource: &Resource, namespace: Option<&str>) -> Vec<Value> {
        let prefix = resource.prefix(namespace);
        self.store
            .range(&prefix)
            .map(|kv| with_resource_version(&kv.value(), kv.mod_revision))
            .collect()
    }

    /// Lists objects as their typed form.
    pub fn list_typed<T: DeserializeOwned>(
        &self,
        resource: &Resource,
        namespace: Option<&str>,
    ) -> Vec<T> {
        let prefix = resource.prefix(namespace);
        self.store
            .range(&prefix)
            .filter_map(|kv| {
                decode::typed(with_resource_version(&kv.value(), kv.mod_revision)).ok()
            })
            .collect()
    }

    /// The pods/binding subresource: assigns a pod to a node, once.
    pub fn bind(&mut self, namespace: &str, name: &str, node: &str) -> Result<(), ApiError> {
        let r = resources::pods();
        let key = r.key(namespace, name);
        let kv = self
            .store
            .get(&key)
            .cloned()
            .ok_or_else(|| ApiError::not_found("pods", name))?;
        let mut pod = (*kv.value()).clone();
        if pod.pointer("/metadata/deletionTimestamp").is_some() {
            return Err(ApiError::conflict("pods", name));
        }
        if pod
            .pointer("/spec/nodeName")
            .and_then(Value::as_str)
            .is_some_and(|n| !n.is_empty())
        {
            return Err(ApiError::new(
                errors::Reason::Conflict,
                format!("Operation cannot be fulfilled on pods/binding \"{name}\": pod {name} is already assigned to node \"{}\"", pod["spec"]["nodeName"].as_str().unwrap_or("")),
            ));
        }
        if let Some(spec) = pod.get_mut("spec").and_then(Value::as_object_mut) {
            spec.insert("nodeName".into(), Value::String(node.into()));
        }
        let now = to_time(self.now());
        let condition = serde_json::json!({
            "type": "PodScheduled", "status": "True", "lastProbeTime": null,
            "lastTransitionTime": now,
        });
        if let Some(status) = pod.get_mut("status").and_then(Value::as_object_mut) {
            let conditions = status
                .entry("conditions")
                .or_insert_with(|| Value::Array(vec![]));
            if let Some(list) = conditions.as_array_mut() {
                list.retain(|c| c["type"] != "PodScheduled");
                list.push(condition);
            }
        }
        self.store
            .put(&key, pod, Some(kv.mod_revision))
            .map_err(|_| ApiError::conflict("pods", name))?;
        Ok(())
    }

    /// The namespaces/finalize subresource: drops the `kubernetes` finalizer so a
    /// terminating namespace can go.
    pub fn finalize_namespace(&mut self, name: &str) -> Result<(), ApiError> {
        let r = resources::namespaces();
        let key = r.key("", name);
        let kv = self
            .store
            .get(&key)
            .cloned()
            .ok_or_else(|| ApiError::not_found("namespaces", name))?;
        let mut ns: Namespace = crate::apiserver::decode::typed((*kv.value()).clone())
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        if let Some(spec) = ns.spec.as_mut() {
            spec.finalizers = Some(vec![]);
        }
        if ns.metadata.deletion_timestamp.is_some() && !ns.blocks_deletion() {
            self.store
                .delete(&key, None)
                .map_err(|_| ApiError::not_found("namespaces", name))?;
        } else {
            self.store
                .put(&key, to_stored(&ns), Some(kv.mod_revision))
                .map_err(|_| ApiError::conflict("namespaces", name))?;
        }
        Ok(())
    }

    fn create_typed<T: Strategy>(
        &mut self,
        r: &'static Resource,
        namespace: &str,
        body: Value,
        opts: &WriteOptions,
    ) -> Result<(Value, Vec<String>), ApiError> {
        let (mut obj, warnings): (T, _) = decode::decode(&body, r, opts.validation)?;
        let name = self.name_for_create(obj.metadata_mut(), r, namespace)?;
        let now = self.now();
        obj.prepare_for_create(&mut Ctx {
            user: opts.user.as_ref(),
            now,
            rng: &mut self.rng,
            store: &self.store,
        });
        let attrs =
            admission::Attributes::new(r, namespace, &name, &self.store, &self.admission, opts);
        admission::mutate(&attrs, &mut obj as &mut dyn std::any::Any, &mut self.rng)?;
        let mut errs: Vec<FieldError> = T::validate_name(&name)
            .into_iter()
            .map(|m| FieldError::invalid("metadata.name", &name, &m))
            .collect();
        errs.extend(validation::labels(
            obj.metadata().labels.as_ref(),
            "metadata.labels",
        ));
        errs.extend(obj.validate());
        if !errs.is_empty() {
            return Err(ApiError::invalid_in(r.group, r.kind, &name, errs));
        }
        let key = r.key(namespace, &name);
        if self.store.get(&key).is_some() {
            return Err(ApiError::already_exists(&r.group_resource(), &name));
        }
        let attrs =
            admission::Attributes::new(r, namespace, &name, &self.store, &self.admission, opts);
        let mut warnings = warnings;
        warnings.extend(admission::validate(&attrs, &to_stored(&obj))?);
        let meta = obj.metadata_mut();
        meta.uid = Some(self.rng.uuid());
        meta.creation_timestamp = Some(to_time(now));
        if T::HAS_GENERATION {
            meta.generation = Some(1);
        }
        obj.finish_create();
        let value = to_stored(&obj);
        self.store_created(r, namespace, &name, value, opts)
            .map(|v| (v, warnings))
    }

    /// A created object's last steps, the same for every kind: its managed fields, the
    /// quota it uses, and the store (not for a dry run).
    fn store_created(
        &mut self,
        r: &'static Resource,
        namespace: &str,
        name: &str,
        mut value: Value,
        opts: &WriteOptions,
    ) -> Result<Value, ApiError> {
        self.record_write(r, None, &mut value, false, opts);
        if opts.dry_run {
            return Ok(value);
        }
        if self.admission.on("ResourceQuota") {
            admission::resource_quota::charge(&mut self.store, r, namespace, &value, None);
        }
        let kv = self
            .store
            .put(&r.key(namespace, name), value, Some(0))
            .map_err(|_| ApiError::already_exists(&r.group_resource(), name))?;
        Ok(with_resource_version(&kv.value(), kv.mod_revision))
    }

    fn update_typed<T: Strategy>(
        &mut self,
        r: &'static Resource,
        namespace: &str,
        body: Value,
        status: bool,
        opts: &WriteOptions,
    ) -> Result<(Value, Vec<String>), ApiError> {
        let (mut obj, warnings): (T, _) = decode::decode(&body, r, opts.validation)?;
        let name = obj.metadata().name.clone().unwrap_or_default();
        let ns = if r.namespaced { namespace } else { "" };
        let key = r.key(ns, &name);
        let gr = r.group_resource();
        let kv = self
            .store
            .get(&key)
            .cloned()
            .ok_or_else(|| ApiError::not_found(&gr, &name))?;
        let old: T = stored_object(&kv.value(), r)?;
        if let Some(rv) = obj
            .metadata()
            .resource_version
            .as_deref()
            .filter(|rv| !rv.is_empty())
        {
            if rv != kv.mod_revision.to_string() {
                return Err(ApiError::conflict(&gr, &name));
            }
        }
        let annotations =
            (status && T::STATUS_SETS_ANNOTATIONS).then(|| obj.metadata().annotations.clone());
        carry_over_meta(obj.metadata_mut(), old.metadata(), status);
        if let Some(annotations) = annotations {
            obj.metadata_mut().annotations = annotations;
        }
        if opts.field_manager.is_some() {
            // The server keeps managedFields; the write's own entry is added below.
            obj.metadata_mut().managed_fields = old.metadata().managed_fields.clone();
        }
        let mut errs = vec![];
        if status {
            obj.prepare_for_status_update(&old);
        } else {
            errs.extend(obj.prepare_for_update(&old));
            errs.extend(validation::labels(
                obj.metadata().labels.as_ref(),
                "metadata.labels",
            ));
            errs.extend(obj.validate());
        }
        if !errs.is_empty() {
            return Err(ApiError::invalid_in(r.group, r.kind, &name, errs));
        }
        let mut value = to_stored(&obj);
        if T::HAS_GENERATION
            && !status
            && generation_fields_changed(T::GENERATION_FIELDS, &value, &kv.value())
        {
            let generation = old.metadata().generation.unwrap_or(0) + 1;
            if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.insert("generation".into(), Value::from(generation));
            }
        }
        // The last finalizer gone from an object being deleted: it goes, unless a grace
        // period still runs (a pod's kubelet deletes it when its containers have ended).
        let finished = obj.metadata().deletion_timestamp.is_some()
            && obj.metadata().deletion_grace_period_seconds.unwrap_or(0) == 0
            && !obj.blocks_deletion()
            && old.blocks_deletion();
        self.update_checked(r, ns, &name, (kv, value), warnings, status, finished, opts)
    }

    /// An update past its kind's checks, the same for every kind: admission (which sees
    /// every update, even one that changes nothing), then the store unless nothing
    /// changed.
    #[allow(clippy::too_many_arguments)]
    fn update_checked(
        &mut self,
        r: &'static Resource,
        ns: &str,
        name: &str,
        (kv, value): (crate::store::KeyValue, Value),
        mut warnings: Vec<String>,
        status: bool,
        finished: bool,
        opts: &WriteOptions,
    ) -> Result<(Value, Vec<String>), ApiError> {
        let old = kv.value();
        let attrs = admission::Attributes::new(r, ns, name, &self.store, &self.admission, opts)
            .updating(&old, status);
        warnings.extend(admission::validate(&attrs, &value)?);
        // Stored objects are their typed form's JSON without a resourceVersion, so the
        // JSON tells whether anything changed (no typed comparison per kind).
        if value == *kv.value() {
            return Ok((
                with_resource_version(&kv.value(), kv.mod_revision),
                warnings,
            ));
        }
        self.store_updated(r, ns, name, (kv, value), status, finished, opts)
            .map(|v| (v, warnings))
    }

    /// An updated object's last steps, the same for every kind: its managed fields, then
    /// (not for a dry run) deletion once `finished`, else the quota it uses and the store.
    #[allow(clippy::too_many_arguments)]
    fn store_updated(
        &mut self,
        r: &'static Resource,
        ns: &str,
        name: &str,
        (kv, mut value): (crate::store::KeyValue, Value),
        status: bool,
        finished: bool,
        opts: &WriteOptions,
    ) -> Result<Value, ApiError> {
        let (key, gr) = (r.key(ns, name), r.group_resource());
        self.record_write(r, Some(&kv.value()), &mut value, status, opts);
        if opts.dry_run {
            return Ok(with_resource_version(&value, kv.mod_revision));
        }
        if finished {
            let gone = self
                .store
                .delete(&key, Some(kv.mod_revision))
                .map_err(|_| ApiError::conflict(&gr, name))?;
            return Ok(with_resource_version(&value, gone.mod_revision));
        }
        if !status && self.admission.on("ResourceQuota") {
            admission::resource_quota::charge(&mut self.store, r, ns, &value, Some(&kv.value()));
        }
        let kv = self
            .store
            .put(&key, value, Some(kv.mod_revision))
            .map_err(|e| match e {
                StoreError::RevisionMismatch { .. } => ApiError::conflict(&gr, name),
                _ => ApiError::not_found(&gr, name),
            })?;
        Ok(with_resource_version(&kv.value(), kv.mod_revision))
    }

    /// The stored object `name` of `r` with its key, or NotFound.
    pub(crate) fn stored(
        &self,
        r: &Resource,
        ns: &str,
        name: &str,
    ) -> Result<(String, crate::store::KeyValue), ApiError> {
        let key = r.key(ns, name);
        match self.store.get(&key) {
            Some(kv) => Ok((key, kv.clone())),
            None => Err(ApiError::not_found(&r.group_resource(), name)),
        }
    }

    fn delete_typed<T: Strategy>(
        &mut self,
        r: &'static Resource,
        namespace: &str,
        name: &str,
        grace: Option<i64>,
        dry_run: bool,
        finalizer: Option<&str>,
    ) -> Result<Deleted, ApiError> {
        let ns = if r.namespaced { namespace } else { "" };
        let gr = r.group_resource();
        let (key, kv) = self.stored(r, ns, name)?;
        let mut obj: T = stored_object(&kv.value(), r)?;
        let grace = obj.grace_period(grace);
        let held = finalizer.is_some_and(|f| hold_for(obj.metadata_mut(), f));
        let blocks = obj.blocks_deletion();
        let marked =
            mark_deleted(obj.metadata_mut(), (grace, blocks, held), self.now()).map(|changed| {
                changed.then(|| {
                    obj.mark_terminating();
                    to_stored(&obj)
                })
            });
        self.delete_decided(&gr, name, (key, kv), marked, dry_run)
    }

    /// A delete of a kind that keeps the default strategy (no grace period, held only by
    /// finalizers, nothing to mark), done on its stored JSON: the typed path would
    /// compile again for each of those kinds.
    fn delete_plain(
        &mut self,
        r: &'static Resource,
        namespace: &str,
        name: &str,
        dry_run: bool,
        finalizer: Option<&str>,
    ) -> Result<Deleted, ApiError> {
        let ns = if r.namespaced { namespace } else { "" };
        let gr = r.group_resource();
        let (key, kv) = self.stored(r, ns, name)?;
        let mut value = (*kv.value()).clone();
        let mut meta: ObjectMeta = serde_json::from_value(value["metadata"].take())
            .map_err(|e| ApiError::new(errors::Reason::InternalError, e.to_string()))?;
        let held = finalizer.is_some_and(|f| hold_for(&mut meta, f));
        let blocks = meta.finalizers.as_ref().is_some_and(|f| !f.is_empty());
        let marked = mark_deleted(&mut meta, (0, blocks, held), self.now()).map(|changed| {
            changed.then(|| {
                meta.resource_version = None;
                value["metadata"] = decode::untyped(&meta);
                value
            })
        });
        self.delete_decided(&gr, name, (key, kv), marked, dry_run)
    }

    /// A delete decided, the same for every kind: the object goes (`marked` None), is
    /// marked with its new form, or stays as it is marked already.
    fn delete_decided(
        &mut self,
        gr: &str,
        name: &str,
        (key, kv): (String, crate::store::KeyValue),
        marked: Option<Option<Value>>,
        dry_run: bool,
    ) -> Result<Deleted, ApiError> {
        match marked {
            None if dry_run => Ok(Deleted::Gone(with_resource_version(
                &kv.value(),
                kv.mod_revision,
            ))),
            None => {
                let gone = self
                    .store
                    .delete(&key, None)
                    .map_err(|_| ApiError::not_found(gr, name))?;
                Ok(Deleted::Gone(with_resource_version(
                    &gone.value(),
                    gone.mod_revision,
                )))
            }
            Some(Some(value)) if dry_run => Ok(Deleted::Terminating(with_resource_version(
                &value,
                kv.mod_revision,
            ))),
            Some(Some(value)) => {
                let kv = self
                    .store
                    .put(&key, value, Some(kv.mod_revision))
                    .map_err(|_| ApiError::conflict(gr, name))?;
                Ok(Deleted::Terminating(with_resource_version(
                    &kv.value(),
                    kv.mod_revision,
                )))
            }
            Some(None) => Ok(Deleted::Terminating(with_resource_version(
                &kv.value(),
                kv.mod_revision,
            ))),
        }
    }
}
