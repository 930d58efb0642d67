//! Pod strategy: API defaults, validation, the update rules, and graceful deletion.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{
    Container, Pod, PodSecurityContext, PodSpec, PodStatus, ResourceRequirements, Volume,
};

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};
use crate::apiserver::validation;
use crate::quantity;

const RESTART_POLICIES: &[&str] = &["Always", "OnFailure", "Never"];
const DNS_POLICIES: &[&str] = &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const PULL_POLICIES: &[&str] = &["Always", "IfNotPresent", "Never"];
const PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];

/// `Always` for `:latest` or untagged images, `IfNotPresent` otherwise (digests too).
pub fn default_pull_policy(image: &str) -> &'static str {
    let last = image.rsplit('/').next().unwrap_or(image);
    if image.contains('@') {
        return "IfNotPresent";
    }
    match last.split_once(':') {
        Some((_, "latest")) | None => "Always",
        Some(_) => "IfNotPresent",
    }
}

fn default_container(c: &mut Container) {
    if c.image_pull_policy.is_none() {
        c.image_pull_policy = Some(default_pull_policy(c.image.as_deref().unwrap_or("")).into());
    }
    c.termination_message_path
        .get_or_insert_with(|| "/dev/termination-log".into());
    c.termination_message_policy
        .get_or_insert_with(|| "File".into());
    c.resources
        .get_or_insert_with(ResourceRequirements::default);
    for p in c.ports.iter_mut().flatten() {
        p.protocol.get_or_insert_with(|| "TCP".into());
    }
    for probe in [
        c.liveness_probe.as_mut(),
        c.readiness_probe.as_mut(),
        c.startup_probe.as_mut(),
    ]
    .into_iter()
    .flatten()
    {
        probe.timeout_seconds.get_or_insert(1);
        probe.period_seconds.get_or_insert(10);
        probe.success_threshold.get_or_insert(1);
        probe.failure_threshold.get_or_insert(3);
        if let Some(h) = probe.http_get.as_mut() {
            h.path.get_or_insert_with(|| "/".into());
            h.scheme.get_or_insert_with(|| "HTTP".into());
        }
        if let Some(g) = probe.grpc.as_mut() {
            g.service.get_or_insert_with(String::new);
        }
    }
    if let Some(l) = c.lifecycle.as_mut() {
        for h in [l.post_start.as_mut(), l.pre_stop.as_mut()]
            .into_iter()
            .flatten()
            .filter_map(|h| h.http_get.as_mut())
        {
            h.path.get_or_insert_with(|| "/".into());
            h.scheme.get_or_insert_with(|| "HTTP".into());
        }
    }
    for e in c.env.iter_mut().flatten() {
        if let Some(fr) = e.value_from.as_mut().and_then(|vf| vf.field_ref.as_mut()) {
            fr.api_version.get_or_insert_with(|| "v1".into());
        }
    }
}

/// The defaults of a pod spec, in pods and in pod templates (SetDefaults_PodSpec and its
/// containers'; `enableServiceLinks` is the pod's own).
pub fn default_pod_spec(spec: &mut PodSpec) {
    spec.restart_policy.get_or_insert_with(|| "Always".into());
    spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    spec.termination_grace_period_seconds.get_or_insert(30);
    spec.scheduler_name
        .get_or_insert_with(|| "default-scheduler".into());
    spec.security_context
        .get_or_insert_with(PodSecurityContext::default);
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten())
    {
        default_container(c);
    }
    for v in spec.volumes.iter_mut().flatten() {
        default_volume(v);
    }
    if spec.service_account_name.is_some() {
        spec.service_account = spec.service_account_name.clone();
    }
}

/// Volume defaults: an empty source is an emptyDir; file modes 0644.
fn default_volume(v: &mut Volume) {
    let no_source = {
        let mut bare = v.clone();
        bare.name = String::new();
        bare == Volume::default()
    };
    if no_source {
        v.empty_dir = Some(Default::default());
    }
    if let Some(s) = v.secret.as_mut() {
        s.default_mode.get_or_insert(420);
    }
    if let Some(c) = v.config_map.as_mut() {
        c.default_mode.get_or_insert(420);
    }
    if let Some(d) = v.downward_api.as_mut() {
        d.default_mode.get_or_insert(420);
        for item in d.items.iter_mut().flatten() {
            if let Some(f) = item.field_ref.as_mut() {
                f.api_version.get_or_insert_with(|| "v1".into());
            }
        }
    }
    if let Some(p) = v.projected.as_mut() {
        p.default_mode.get_or_insert(420);
        for src in p.sources.iter_mut().flatten() {
            if let Some(t) = src.service_account_token.as_mut() {
                t.expiration_seconds.get_or_insert(3600);
            }
            for item in src
                .downward_api
                .iter_mut()
                .flat_map(|d| d.items.iter_mut().flatten())
            {
                if let Some(f) = item.field_ref.as_mut() {
                    f.api_version.get_or_insert_with(|| "v1".into());
                }
            }
        }
    }
    if let Some(h) = v.host_path.as_mut() {
        h.type_.get_or_insert_with(String::new);
    }
}

/// Validates a pod spec found at `path` (`spec`, `spec.template.spec`).
pub fn validate_pod_spec(spec: &PodSpec, path: &str) -> Vec<FieldError> {
    let mut errs = vec![];
    if spec.containers.is_empty() {
        errs.push(FieldError::required(format!("{path}.containers")));
    }
    let mut names = BTreeSet::new();
    let volumes: BTreeSet<&str> = spec
        .volumes
        .iter()
        .flatten()
        .map(|v| v.name.as_str())
        .collect();
    errs.extend(validate_containers(
        &spec.containers,
        &format!("{path}.containers"),
        &mut names,
        &volumes,
    ));
    if let Some(init) = &spec.init_containers {
        errs.extend(validate_containers(
            init,
            &format!("{path}.initContainers"),
            &mut names,
            &volumes,
        ));
    }
    errs.extend(FieldError::one_of(
        format!("{path}.restartPolicy"),
        spec.restart_policy.as_deref(),
        RESTART_POLICIES,
    ));
    errs.extend(FieldError::one_of(
        format!("{path}.dnsPolicy"),
        spec.dns_policy.as_deref(),
        DNS_POLICIES,
    ));
    if let Some(g) = spec.termination_grace_period_seconds {
        if g < 0 {
            errs.push(FieldError {
                field: format!("{path}.terminationGracePeriodSeconds"),
                detail: format!("Invalid value: {g}: must be greater than or equal to 0"),
            });
        }
    }
    for (i, t) in spec.tolerations.iter().flatten().enumerate() {
        let field = format!("{path}.tolerations[{i}]");
        let op = t.operator.as_deref().unwrap_or("Equal");
        errs.extend(FieldError::one_of(
            format!("{field}.operator"),
            Some(op),
            &["Equal", "Exists"],
        ));
        if op == "Exists" && !t.value.as_deref().unwrap_or("").is_empty() {
            errs.push(FieldError::invalid(
                format!("{field}.operator"),
                op,
                "value must be empty when `operator` is 'Exists'",
            ));
        }
        errs.extend(FieldError::one_of(
            format!("{field}.effect"),
            t.effect.as_deref().filter(|e| !e.is_empty()),
            &["NoExecute", "NoSchedule", "PreferNoSchedule"],
        ));
    }
    errs
}

/// The pod's QoS class, from its containers' requests and limits.
pub fn qos_class(pod: &Pod) -> &'static str {
    let containers = pod.spec.iter().flat_map(|s| {
        s.containers
            .iter()
            .chain(s.init_containers.iter().flatten())
    });
    let mut any = false;
    let mut guaranteed = true;
    for c in containers {
        let res = c.resources.clone().unwrap_or_default();
        let requests = res.requests.unwrap_or_default();
        let limits = res.limits.unwrap_or_default();
        for r in ["cpu", "memory"] {
            if requests.contains_key(r) || limits.contains_key(r) {
                any = true;
            }
            match (requests.get(r), limits.get(r)) {
                (_, None) => guaranteed = false,
                (Some(q), Some(l)) if quantity::parse(&q.0) != quantity::parse(&l.0) => {
                    guaranteed = false
                }
                _ => {}
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

fn validate_containers(
    containers: &[Container],
    path: &str,
    names: &mut BTreeSet<String>,
    volumes: &BTreeSet<&str>,
) -> Vec<FieldError> {
    let mut errs = vec![];
    for (i, c) in containers.iter().enumerate() {
        let field = format!("{path}[{i}]");
        if c.name.is_empty() {
            errs.push(FieldError::required(format!("{field}.name")));
        } else {
            for msg in validation::dns1123_label(&c.name) {
                errs.push(FieldError::invalid(format!("{field}.name"), &c.name, &msg));
            }
            if !names.insert(c.name.clone()) {
                errs.push(FieldError::duplicate(format!("{field}.name"), &c.name));
            }
        }
        if c.image.as_deref().unwrap_or("").trim().is_empty() {
            errs.push(FieldError::required(format!("{field}.image")));
        }
        errs.extend(FieldError::one_of(
            format!("{field}.imagePullPolicy"),
            c.image_pull_policy.as_deref(),
            PULL_POLICIES,
        ));
        for (j, m) in c.volume_mounts.iter().flatten().enumerate() {
            if !volumes.contains(m.name.as_str()) {
                errs.push(FieldError {
                    field: format!("{field}.volumeMounts[{j}].name"),
                    detail: format!("Not found: \"{}\"", m.name),
                });
            }
        }
        for (j, port) in c.ports.iter().flatten().enumerate() {
            if !(1..=65535).contains(&port.container_port) {
                errs.push(FieldError {
                    field: format!("{field}.ports[{j}].containerPort"),
                    detail: format!(
                        "Invalid value: {}: must be between 1 and 65535, inclusive",
                        port.container_port
                    ),
                });
            }
            errs.extend(FieldError::one_of(
                format!("{field}.ports[{j}].protocol"),
                port.protocol.as_deref(),
                PROTOCOLS,
            ));
        }
        let res = c.resources.clone().unwrap_or_default();
        for (kind, map) in [
            ("requests", res.requests.as_ref()),
            ("limits", res.limits.as_ref()),
        ] {
            for (name, q) in map.into_iter().flatten() {
                if quantity::parse(&q.0).is_none() {
                    errs.push(FieldError::invalid(
                        format!("{field}.resources.{kind}[{name}]"),
                        &q.0,
                        "must match the regex ^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$",
                    ));
                }
            }
        }
        if let (Some(req), Some(lim)) = (res.requests.as_ref(), res.limits.as_ref()) {
            for (name, q) in req {
                if let (Some(r), Some(l)) = (
                    quantity::parse(&q.0),
                    lim.get(name).and_then(|l| quantity::parse(&l.0)),
                ) {
                    if r > l {
                        errs.push(FieldError::invalid(
                            format!("{field}.resources.requests"),
                            &q.0,
                            &format!(
                                "must be less than or equal to {name} limit of {}",
                                lim[name].0
                            ),
                        ));
                    }
                }
            }
        }
    }
    errs
}

impl Strategy for Pod {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        let spec = self.spec.get_or_insert_with(Default::default);
        default_pod_spec(spec);
        spec.enable_service_links.get_or_insert(true);
        // Pods (not templates): requests default to limits where only limits are given.
        for c in spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut().flatten())
        {
            let res = c
                .resources
                .get_or_insert_with(ResourceRequirements::default);
            if let Some(limits) = res.limits.clone() {
                let requests = res.requests.get_or_insert_with(Default::default);
                for (k, v) in limits {
                    requests.entry(k).or_insert(v);
                }
            }
        }
        let qos = qos_class(self);
        self.status = Some(PodStatus {
            phase: Some("Pending".into()),
            qos_class: Some(qos.into()),
            ..Default::default()
        });
    }

    fn validate(&self) -> Vec<FieldError> {
        match &self.spec {
            Some(spec) => validate_pod_spec(spec, "spec"),
            None => vec![FieldError::required("spec.containers")],
        }
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.status = old.status.clone();
        // Only images, activeDeadlineSeconds, added tolerations and the grace period may change.
        let (Some(new_spec), Some(old_spec)) = (&self.spec, &old.spec) else {
            return vec![];
        };
        let mut a = new_spec.clone();
        let b = old_spec;
        for (ca, cb) in a.containers.iter_mut().zip(b.containers.iter()) {
            ca.image = cb.image.clone();
        }
        if let (Some(ia), Some(ib)) = (a.init_containers.as_mut(), b.init_containers.as_ref()) {
            for (ca, cb) in ia.iter_mut().zip(ib.iter()) {
                ca.image = cb.image.clone();
            }
        }
        a.active_deadline_seconds = b.active_deadline_seconds;
        a.termination_grace_period_seconds = b.termination_grace_period_seconds;
        let old_tolerations = b.tolerations.clone().unwrap_or_default();
        let new_tolerations = a.tolerations.clone().unwrap_or_default();
        if old_tolerations.iter().all(|t| new_tolerations.contains(t)) {
            a.tolerations = b.tolerations.clone();
        }
        if a.node_name.is_none() {
            a.node_name = b.node_name.clone();
        }
        if &a != b {
            return vec![FieldError::forbidden(
                "spec",
                "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
            )];
        }
        vec![]
    }

    fn prepare_for_status_update(&mut self, old: &Self) {
        self.spec = old.spec.clone();
    }

    const GENERATION_FIELDS: &'static [&'static str] = &["spec"];

    fn grace_period(&self, requested: Option<i64>) -> i64 {
        let spec = self.spec.as_ref();
        let unscheduled = spec
            .and_then(|s| s.node_name.as_deref())
            .unwrap_or("")
            .is_empty();
        let finished = matches!(
            self.status.as_ref().and_then(|s| s.phase.as_deref()),
            Some("Succeeded") | Some("Failed")
        );
        if unscheduled || finished {
            return 0;
        }
        requested
            .or_else(|| spec.and_then(|s| s.termination_grace_period_seconds))
            .unwrap_or(30)
            .max(0)
    }
}
