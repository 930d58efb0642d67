//! The component schemas of Kubernetes 1.35's OpenAPI v3 documents: for the kinds asked
//! for, their schemas and every schema they reference, keyed by the names kube-apiserver
//! uses (`io.k8s.api.core.v1.Pod`), with field descriptions, `$ref`s wrapped in `allOf`
//! and `x-kubernetes-group-version-kind` on each kind, as served under `/openapi/v3`.
//! The schemas come from k8s-openapi (generated from the same 1.35 specification).

use std::cell::RefCell;
use std::collections::HashMap;

use k8s_openapi::Resource;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

/// Registers `T` if it is the kind asked for; its schema's name if it was.
fn add<T: JsonSchema + Resource>(
    gen: &mut SchemaGenerator,
    group: &str,
    version: &str,
    kind: &str,
) -> Option<String> {
    let found = T::GROUP == group && T::VERSION == version && T::KIND == kind;
    found.then(|| {
        gen.subschema_for::<T>();
        T::schema_name().into_owned()
    })
}

/// Registers the kind `group/version, kind`; its schema's name if k8s-openapi has it.
macro_rules! register {
    ($gen:expr, $g:expr, $v:expr, $k:expr; $($t:ty),* $(,)?) => {
        None $(.or_else(|| add::<$t>($gen, $g, $v, $k)))*
    };
}

fn register(gen: &mut SchemaGenerator, group: &str, version: &str, kind: &str) -> Option<String> {
    use k8s_openapi::api::admissionregistration::v1 as admissionregistration;
    use k8s_openapi::api::apps::v1 as apps;
    use k8s_openapi::api::autoscaling::{v1 as autoscaling_v1, v2 as autoscaling_v2};
    use k8s_openapi::api::batch::v1 as batch;
    use k8s_openapi::api::certificates::v1 as certificates;
    use k8s_openapi::api::coordination::v1 as coordination;
    use k8s_openapi::api::core::v1 as core;
    use k8s_openapi::api::discovery::v1 as discovery;
    use k8s_openapi::api::events::v1 as events;
    use k8s_openapi::api::networking::v1 as networking;
    use k8s_openapi::api::node::v1 as node;
    use k8s_openapi::api::policy::v1 as policy;
    use k8s_openapi::api::rbac::v1 as rbac;
    use k8s_openapi::api::scheduling::v1 as scheduling;
    use k8s_openapi::api::storage::v1 as storage;
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiextensions;
    // ObjectMeta on its own, for the schemas of custom resources.
    if (group, version, kind) == ("meta.k8s.io", "v1", "ObjectMeta") {
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
        gen.subschema_for::<ObjectMeta>();
        return None;
    }
    register!(gen, group, version, kind;
        core::Binding, core::ComponentStatus, core::ConfigMap, core::Endpoints, core::Event,
        core::LimitRange, core::Namespace, core::Node, core::PersistentVolume,
        core::PersistentVolumeClaim, core::Pod, core::PodTemplate, core::ReplicationController,
        core::ResourceQuota, core::Secret, core::Service, core::ServiceAccount,
        admissionregistration::MutatingWebhookConfiguration,
        admissionregistration::ValidatingAdmissionPolicy,
        admissionregistration::ValidatingAdmissionPolicyBinding,
        admissionregistration::ValidatingWebhookConfiguration,
        apiextensions::CustomResourceDefinition,
        apps::ControllerRevision, apps::DaemonSet, apps::Deployment, apps::ReplicaSet,
        apps::StatefulSet,
        autoscaling_v1::HorizontalPodAutoscaler, autoscaling_v2::HorizontalPodAutoscaler,
        batch::CronJob, batch::Job,
        certificates::CertificateSigningRequest,
        coordination::Lease,
        discovery::EndpointSlice,
        events::Event,
        networking::IPAddress, networking::Ingress, networking::IngressClass,
        networking::NetworkPolicy, networking::ServiceCIDR,
        node::RuntimeClass,
        policy::PodDisruptionBudget,
        rbac::ClusterRole, rbac::ClusterRoleBinding, rbac::Role, rbac::RoleBinding,
        scheduling::PriorityClass,
        storage::CSIDriver, storage::CSINode, storage::CSIStorageCapacity, storage::StorageClass,
        storage::VolumeAttachment, storage::VolumeAttributesClass,
        k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService,
    )
}

/// Kinds asked for, as `(group, version, kind)`.
type Kinds = Vec<(String, String, String)>;

thread_local! {
    /// Schemas already built, by the kinds asked for.
    static BUILT: RefCell<HashMap<Kinds, Map<String, Value>>> = RefCell::new(HashMap::new());
}

/// The schemas of the kinds `(group, version, kind)` and of everything they reference;
/// kinds k8s-openapi does not have are left out.
pub fn schemas(kinds: &[(&str, &str, &str)]) -> Map<String, Value> {
    let key: Kinds = kinds
        .iter()
        .map(|&(g, v, k)| (g.to_string(), v.to_string(), k.to_string()))
        .collect();
    if let Some(built) = BUILT.with(|b| b.borrow().get(&key).cloned()) {
        return built;
    }
    let built = build(kinds);
    BUILT.with(|b| b.borrow_mut().insert(key, built.clone()));
    built
}

fn build(kinds: &[(&str, &str, &str)]) -> Map<String, Value> {
    let mut gen = SchemaSettings::openapi3().into_generator();
    let mut named = vec![];
    for &(group, version, kind) in kinds {
        if let Some(name) = register(&mut gen, group, version, kind) {
            named.push((name, group, version, kind));
        }
    }
    let mut defs = gen.take_definitions(true);
    for (name, group, version, kind) in named {
        let Some(obj) = defs.get_mut(&name).and_then(Value::as_object_mut) else {
            continue;
        };
        obj.insert(
            "x-kubernetes-group-version-kind".into(),
            json!([{"group": group, "kind": kind, "version": version}]),
        );
        // The API types' metadata is optional; k8s-openapi requires it only in Rust.
        if let Some(Value::Array(required)) = obj.get_mut("required") {
            required.retain(|r| r != "metadata");
            if required.is_empty() {
                obj.remove("required");
            }
        }
    }
    defs
}

#[cfg(test)]
mod tests {
    #[test]
    fn pod_schema_as_the_api_server_serves_it() {
        let defs = super::schemas(&[("", "v1", "Pod"), ("apps", "v1", "Deployment")]);
        let pod = &defs["io.k8s.api.core.v1.Pod"];
        assert_eq!(pod["x-kubernetes-group-version-kind"][0]["kind"], "Pod");
        assert!(pod.get("required").is_none());
        assert_eq!(
            pod["properties"]["spec"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.api.core.v1.PodSpec"
        );
        assert!(defs.contains_key("io.k8s.api.core.v1.Container"));
        assert!(defs.contains_key("io.k8s.api.apps.v1.DeploymentSpec"));
        let time = &defs["io.k8s.apimachinery.pkg.apis.meta.v1.Time"];
        assert_eq!(time["type"], "string");
    }
}
