//! HorizontalPodAutoscaler strategy (autoscaling/v2, the storage version): one replica at
//! least, CPU at 80% when no metric is given, the behavior defaults when a behavior is.

use k8s_openapi::api::autoscaling::v2::{
    HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscaler, HorizontalPodAutoscalerStatus,
    MetricSpec, MetricTarget, ResourceMetricSource,
};

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{spec_and_status, Ctx, Strategy};

const METRIC_TYPES: &[&str] = &[
    "ContainerResource",
    "External",
    "Object",
    "Pods",
    "Resource",
];

fn policy(type_: &str, value: i32) -> HPAScalingPolicy {
    HPAScalingPolicy {
        type_: type_.into(),
        value,
        period_seconds: 15,
    }
}

impl Strategy for HorizontalPodAutoscaler {
    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        let spec = self.spec.get_or_insert_with(Default::default);
        spec.min_replicas.get_or_insert(1);
        if spec.metrics.as_ref().is_none_or(|m| m.is_empty()) {
            spec.metrics = Some(vec![MetricSpec {
                type_: "Resource".into(),
                resource: Some(ResourceMetricSource {
                    name: "cpu".into(),
                    target: MetricTarget {
                        type_: "Utilization".into(),
                        average_utilization: Some(80),
                        ..Default::default()
                    },
                }),
                ..Default::default()
            }]);
        }
        if let Some(b) = spec.behavior.as_mut() {
            let up = b.scale_up.get_or_insert_with(HPAScalingRules::default);
            up.stabilization_window_seconds.get_or_insert(0);
            up.select_policy.get_or_insert_with(|| "Max".into());
            up.policies
                .get_or_insert_with(|| vec![policy("Pods", 4), policy("Percent", 100)]);
            let down = b.scale_down.get_or_insert_with(HPAScalingRules::default);
            down.select_policy.get_or_insert_with(|| "Max".into());
            down.policies
                .get_or_insert_with(|| vec![policy("Percent", 100)]);
        }
        self.status = Some(HorizontalPodAutoscalerStatus::default());
    }

    fn validate(&self) -> Vec<FieldError> {
        let Some(spec) = &self.spec else {
            return vec![FieldError::required("spec.scaleTargetRef.kind")];
        };
        let mut errs = vec![];
        let min = spec.min_replicas.unwrap_or(1);
        if min < 1 {
            errs.push(FieldError::invalid_raw(
                "spec.minReplicas",
                &min.to_string(),
                "must be greater than or equal to 1",
            ));
        }
        if spec.max_replicas < 1 {
            errs.push(FieldError::invalid_raw(
                "spec.maxReplicas",
                &spec.max_replicas.to_string(),
                "must be greater than 0",
            ));
        } else if spec.max_replicas < min {
            errs.push(FieldError::invalid_raw(
                "spec.maxReplicas",
                &spec.max_replicas.to_string(),
                "must be greater than or equal to `minReplicas`",
            ));
        }
        if spec.scale_target_ref.kind.is_empty() {
            errs.push(FieldError::required("spec.scaleTargetRef.kind"));
        }
        if spec.scale_target_ref.name.is_empty() {
            errs.push(FieldError::required("spec.scaleTargetRef.name"));
        }
        for (i, m) in spec.metrics.iter().flatten().enumerate() {
            errs.extend(FieldError::one_of(
                format!("spec.metrics[{i}].type"),
                Some(m.type_.as_str()),
                METRIC_TYPES,
            ));
            if let Some(r) = &m.resource {
                let utilization = r.target.average_utilization;
                if utilization.is_none() && r.target.average_value.is_none() {
                    errs.push(FieldError::required(format!(
                        "spec.metrics[{i}].resource.target.averageUtilization"
                    )).with_detail("Required value: must set either a target raw value or a target utilization"));
                }
                if let Some(u) = utilization.filter(|u| *u < 1) {
                    errs.push(FieldError::invalid_raw(
                        format!("spec.metrics[{i}].resource.target.averageUtilization"),
                        &u.to_string(),
                        "must be greater than 0",
                    ));
                }
            }
        }
        errs
    }

    spec_and_status!(keep_status);
}
