//! The admission chain: mutating plugins on every create, then validating plugins on
//! creates and updates, in kube-apiserver 1.35's plugin order.

pub mod always_pull_images;
pub mod certificate_approval;
pub mod certificate_subject_restriction;
pub mod default_ingress_class;
pub mod default_storage_class;
pub mod default_toleration_seconds;
pub mod limit_ranger;
pub mod matching;
pub mod namespace_lifecycle;
pub mod node_restriction;
pub mod persistent_volume_claim_resize;
pub mod plugins;
pub mod pod_security;
pub mod priority;
pub mod resource_quota;
pub mod runtime_class;
pub mod service_account;
pub mod storage_object_in_use_protection;
pub mod taint_nodes_by_condition;
pub mod validating_admission_policy;
pub mod webhooks;

use std::any::Any;

use super::errors::ApiError;
use super::request::User;
use super::resources::Resource;
use super::WriteOptions;
use crate::rng::Rng;
use crate::store::Store;
use plugins::Plugins;

/// The operation a request performs, as admission names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "CREATE",
            Operation::Update => "UPDATE",
        }
    }
}

/// What admission sees of a request.
pub struct Attributes<'a> {
    pub resource: &'static Resource,
    /// The subresource written ("" for the object itself).
    pub subresource: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
    pub operation: Operation,
    /// The object as stored before an update.
    pub old: Option<&'a serde_json::Value>,
    pub user: Option<&'a User>,
    pub dry_run: bool,
    pub store: &'a Store,
    /// The plugins that run.
    pub plugins: &'a Plugins,
}

impl<'a> Attributes<'a> {
    /// A create of `name` in `namespace`, by the request `opts` come from.
    pub fn new(
        resource: &'static Resource,
        namespace: &'a str,
        name: &'a str,
        store: &'a Store,
        plugins: &'a Plugins,
        opts: &'a WriteOptions,
    ) -> Self {
        Attributes {
            resource,
            subresource: opts.subresource,
            namespace,
            name,
            operation: Operation::Create,
            old: None,
            user: opts.user.as_ref(),
            dry_run: opts.dry_run,
            store,
            plugins,
        }
    }

    /// The same request as an update of `old` (of its status, with `status`).
    pub fn updating(self, old: &'a serde_json::Value, status: bool) -> Self {
        let subresource = match (self.subresource, status) {
            ("", true) => "status",
            (sub, _) => sub,
        };
        Attributes {
            operation: Operation::Update,
            old: Some(old),
            subresource,
            ..self
        }
    }
}

/// Runs the mutating plugins that are on, in the API server's order.
pub fn mutate(attrs: &Attributes<'_>, obj: &mut dyn Any, rng: &mut Rng) -> Result<(), ApiError> {
    let on = |p: &str| attrs.plugins.on(p);
    if on("NamespaceLifecycle") {
        namespace_lifecycle::validate(attrs)?;
    }
    if on("NamespaceExists") {
        namespace_lifecycle::exists(attrs)?;
    }
    if on("LimitRanger") {
        limit_ranger::admit(attrs, obj);
    }
    if on("ServiceAccount") {
        service_account::admit(attrs, obj, rng)?;
    }
    if on("TaintNodesByCondition") {
        taint_nodes_by_condition::admit(obj);
    }
    if on("AlwaysPullImages") {
        always_pull_images::admit(obj);
    }
    if on("Priority") {
        priority::admit(attrs, obj)?;
    }
    if on("DefaultTolerationSeconds") {
        default_toleration_seconds::admit(attrs, obj);
    }
    if on("DefaultStorageClass") {
        default_storage_class::admit(attrs, obj);
    }
    if on("StorageObjectInUseProtection") {
        storage_object_in_use_protection::admit(obj);
    }
    if on("RuntimeClass") {
        runtime_class::admit(attrs, obj)?;
    }
    if on("DefaultIngressClass") {
        default_ingress_class::admit(attrs, obj);
    }
    // The webhooks Kubarium serves see a new pod as JSON, after the built-in plugins
    // (their warnings are dropped; custom resources call them themselves).
    if let Some(pod) = obj.downcast_mut::<k8s_openapi::api::core::v1::Pod>() {
        let mut v = super::decode::untyped(&*pod);
        let before = v.clone();
        webhooks::mutate(attrs, &mut v)?;
        if v != before {
            if let Ok(p) = super::decode::typed(v) {
                *pod = p;
            }
        }
    }
    Ok(())
}

/// The default class among the `plural` objects: the newest one whose `annotation` is
/// "true" (the name breaks ties), as DefaultStorageClass and DefaultIngressClass pick it.
fn default_class(attrs: &Attributes<'_>, plural: &str, annotation: &str) -> Option<String> {
    let group = if plural == "storageclasses" {
        "storage.k8s.io"
    } else {
        "networking.k8s.io"
    };
    let r = super::resources::find(group, "v1", plural)?;
    attrs
        .store
        .range(&r.prefix(None))
        .filter(|kv| kv.value()["metadata"]["annotations"][annotation] == "true")
        .max_by(|a, b| {
            let created = |v: &serde_json::Value| {
                v["metadata"]["creationTimestamp"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            };
            created(&a.value())
                .cmp(&created(&b.value()))
                .then_with(|| b.key.cmp(&a.key))
        })
        .and_then(|kv| kv.value()["metadata"]["name"].as_str().map(String::from))
}

/// Runs the validating plugins that are on, in the API server's order, on the object as
/// it will be stored (after the kind's own validation, as the API server runs them);
/// returns their warnings. LimitRanger judges creates only in Kubarium so far.
pub fn validate(attrs: &Attributes<'_>, obj: &serde_json::Value) -> Result<Vec<String>, ApiError> {
    let on = |p: &str| attrs.plugins.on(p);
    let create = attrs.operation == Operation::Create;
    if on("MutatingAdmissionWebhook") {
        webhooks::admit(attrs, obj, "mutatingwebhookconfigurations")?;
    }
    if on("LimitRanger") && create {
        limit_ranger::validate(attrs, obj)?;
    }
    if on("NodeRestriction") {
        node_restriction::validate(attrs, obj)?;
    }
    let mut warnings = vec![];
    if on("PodSecurity") {
        warnings.extend(pod_security::validate(attrs, obj)?);
    }
    if on("PersistentVolumeClaimResize") {
        persistent_volume_claim_resize::validate(attrs, obj)?;
    }
    certificate_approval::validate(attrs, obj)?;
    if on("CertificateSubjectRestriction") {
        certificate_subject_restriction::validate(attrs, obj)?;
    }
    if on("ValidatingAdmissionPolicy") {
        warnings.extend(validating_admission_policy::admit(attrs, obj)?);
    }
    if on("ValidatingAdmissionWebhook") {
        webhooks::admit(attrs, obj, "validatingwebhookconfigurations")?;
    }
    if on("ResourceQuota") {
        resource_quota::validate(attrs, obj)?;
    }
    if on("AlwaysDeny") {
        return Err(ApiError::forbidden(
            &attrs.resource.group_resource(),
            attrs.name,
            "admission control is denying all modifications",
        ));
    }
    Ok(warnings)
}

/// The plugins that guard deletes: the system namespaces and PriorityClasses stay.
pub fn check_delete(plugins: &Plugins, resource: &Resource, name: &str) -> Result<(), ApiError> {
    match (resource.group, resource.plural) {
        ("", "namespaces") if plugins.on("NamespaceLifecycle") => {
            namespace_lifecycle::check_delete(name)
        }
        ("scheduling.k8s.io", "priorityclasses") if plugins.on("Priority") => {
            priority::check_delete(name)
        }
        _ => Ok(()),
    }
}
