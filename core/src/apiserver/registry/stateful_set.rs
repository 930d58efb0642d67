//! StatefulSet strategy: apps/v1 defaults (OrderedReady, RollingUpdate at partition 0,
//! ten revisions, claims retained), claim template defaults, validation, and the fields
//! an update may change.

use k8s_openapi::api::apps::v1::{
    RollingUpdateStatefulSetStrategy, StatefulSet, StatefulSetPersistentVolumeClaimRetentionPolicy,
    StatefulSetStatus, StatefulSetUpdateStrategy,
};
use k8s_openapi::api::core::v1::{
    PersistentVolumeClaimStatus, PersistentVolumeClaimVolumeSource, Volume,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::workload::{default_template, immutable_selector, non_negative, validate_replicated};
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{spec_and_status, Ctx, Strategy};

const POLICIES: &[&str] = &["OrderedReady", "Parallel"];
const STRATEGIES: &[&str] = &["OnDelete", "RollingUpdate"];

impl Strategy for StatefulSet {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        let spec = self.spec.get_or_insert_with(Default::default);
        spec.replicas.get_or_insert(1);
        spec.pod_management_policy
            .get_or_insert_with(|| "OrderedReady".into());
        let st = spec
            .update_strategy
            .get_or_insert_with(StatefulSetUpdateStrategy::default);
        if st.type_.is_none() {
            st.type_ = Some("RollingUpdate".into());
            st.rolling_update
                .get_or_insert_with(RollingUpdateStatefulSetStrategy::default);
        }
        if st.type_.as_deref() == Some("RollingUpdate") {
            if let Some(ru) = st.rolling_update.as_mut() {
                ru.partition.get_or_insert(0);
                ru.max_unavailable.get_or_insert(IntOrString::Int(1));
            }
        }
        spec.revision_history_limit.get_or_insert(10);
        let retention = spec
            .persistent_volume_claim_retention_policy
            .get_or_insert_with(StatefulSetPersistentVolumeClaimRetentionPolicy::default);
        retention
            .when_deleted
            .get_or_insert_with(|| "Retain".into());
        retention.when_scaled.get_or_insert_with(|| "Retain".into());
        for claim in spec.volume_claim_templates.iter_mut().flatten() {
            let cs = claim.spec.get_or_insert_with(Default::default);
            cs.volume_mode.get_or_insert_with(|| "Filesystem".into());
            claim.status = Some(PersistentVolumeClaimStatus {
                phase: Some("Pending".into()),
                ..Default::default()
            });
        }
        default_template(&mut spec.template);
        self.status = Some(StatefulSetStatus {
            available_replicas: Some(0),
            replicas: 0,
            ..Default::default()
        });
    }

    fn validate(&self) -> Vec<FieldError> {
        let Some(spec) = &self.spec else {
            return vec![FieldError::required("spec.selector")];
        };
        // Each claim template is a volume of the pods (replacing one of its name).
        let mut template = spec.template.clone();
        if let Some(claims) = &spec.volume_claim_templates {
            let pod = template.spec.get_or_insert_with(Default::default);
            let mut volumes: Vec<Volume> = claims
                .iter()
                .map(|c| {
                    let name = c.metadata.name.clone().unwrap_or_default();
                    Volume {
                        persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                            claim_name: name.clone(),
                            read_only: None,
                        }),
                        name,
                        ..Default::default()
                    }
                })
                .collect();
            let claimed: Vec<String> = volumes.iter().map(|v| v.name.clone()).collect();
            volumes.extend(
                pod.volumes
                    .take()
                    .into_iter()
                    .flatten()
                    .filter(|v| !claimed.contains(&v.name)),
            );
            pod.volumes = Some(volumes);
        }
        let mut errs = validate_replicated(
            spec.replicas,
            &spec.selector,
            Some(&template),
            "statefulset",
        );
        errs.extend(FieldError::one_of(
            "spec.podManagementPolicy",
            spec.pod_management_policy.as_deref(),
            POLICIES,
        ));
        errs.extend(FieldError::one_of(
            "spec.updateStrategy.type",
            spec.update_strategy
                .as_ref()
                .and_then(|s| s.type_.as_deref()),
            STRATEGIES,
        ));
        errs.extend(non_negative(spec.min_ready_seconds, "spec.minReadySeconds"));
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.status = old.status.clone();
        let (Some(new), Some(old_spec)) = (self.spec.as_ref(), old.spec.as_ref()) else {
            return vec![];
        };
        let mut errs = immutable_selector(
            Some(&new.selector),
            Some(&old_spec.selector),
            "spec.selector",
        );
        // Only replicas, ordinals, template, updateStrategy, revisionHistoryLimit, the claim
        // retention policy and minReadySeconds may change.
        let mut a = new.clone();
        a.replicas = old_spec.replicas;
        a.ordinals = old_spec.ordinals.clone();
        a.template = old_spec.template.clone();
        a.update_strategy = old_spec.update_strategy.clone();
        a.revision_history_limit = old_spec.revision_history_limit;
        a.persistent_volume_claim_retention_policy =
            old_spec.persistent_volume_claim_retention_policy.clone();
        a.min_ready_seconds = old_spec.min_ready_seconds;
        a.selector = old_spec.selector.clone();
        if &a != old_spec {
            errs.push(FieldError::forbidden(
                "spec",
                "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
            ));
        }
        errs
    }

    spec_and_status!();
}
