//! APIService strategy (the aggregation layer's registrations): named
//! `<version>.<group>`, priorities in range, a service reference (port 443 by default)
//! for the ones an extension API server answers, none of the TLS settings for local ones.

use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{spec_and_status, Ctx, Strategy};
use crate::apiserver::validation;

impl Strategy for APIService {
    const HAS_GENERATION: bool = true;

    fn validate_name(_name: &str) -> Vec<String> {
        // The name must be `<version>.<group>`: checked with the spec in `validate`.
        vec![]
    }

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        self.status = None;
        if let Some(service) = self.spec.as_mut().and_then(|s| s.service.as_mut()) {
            service.port.get_or_insert(443);
        }
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        let spec = self.spec.clone().unwrap_or_default();
        let (group, version) = (
            spec.group.clone().unwrap_or_default(),
            spec.version.clone().unwrap_or_default(),
        );
        let name = self.metadata.name.clone().unwrap_or_default();
        let required = format!("{version}.{group}");
        let segment =
            matches!(name.as_str(), "." | "..") || name.contains('/') || name.contains('%');
        if segment {
            errs.push(FieldError::invalid(
                "metadata.name",
                &name,
                &format!("may not be '{name}'"),
            ));
        } else if name != required {
            errs.push(FieldError::invalid(
                "metadata.name",
                &name,
                &format!("must be `spec.version+\".\"+spec.group`: \"{required}\""),
            ));
        }
        if group.is_empty() && version != "v1" {
            errs.push(FieldError::required("spec.group").with_detail(
                "Required value: only v1 may have an empty group and it better be legacy kube",
            ));
        }
        if !group.is_empty() {
            errs.extend(
                validation::dns1123_subdomain(&group)
                    .into_iter()
                    .map(|m| FieldError::invalid("spec.group", &group, &m)),
            );
        }
        errs.extend(
            validation::dns1035_label(&version)
                .into_iter()
                .map(|m| FieldError::invalid("spec.version", &version, &m)),
        );
        if !(1..=20000).contains(&spec.group_priority_minimum) {
            errs.push(FieldError::invalid_raw(
                "spec.groupPriorityMinimum",
                &spec.group_priority_minimum.to_string(),
                "must be positive and less than 20000",
            ));
        }
        if !(1..=1000).contains(&spec.version_priority) {
            errs.push(FieldError::invalid_raw(
                "spec.versionPriority",
                &spec.version_priority.to_string(),
                "must be positive and less than 1000",
            ));
        }
        let ca_bundle = spec.ca_bundle.as_ref().map_or(0, |b| b.0.len());
        let insecure = spec.insecure_skip_tls_verify.unwrap_or(false);
        let Some(service) = &spec.service else {
            if ca_bundle > 0 {
                errs.push(FieldError::invalid(
                    "spec.caBundle",
                    &format!("{ca_bundle} bytes"),
                    "local APIServices may not have a caBundle",
                ));
            }
            if insecure {
                errs.push(FieldError::invalid_raw(
                    "spec.insecureSkipTLSVerify",
                    "true",
                    "local APIServices may not have insecureSkipTLSVerify",
                ));
            }
            return errs;
        };
        if service.namespace.as_deref().unwrap_or("").is_empty() {
            errs.push(FieldError::required("spec.service.namespace"));
        }
        if service.name.as_deref().unwrap_or("").is_empty() {
            errs.push(FieldError::required("spec.service.name"));
        }
        errs.extend(validation::port_number(
            "spec.service.port",
            service.port.unwrap_or(443),
        ));
        if insecure && ca_bundle > 0 {
            errs.push(FieldError::invalid_raw(
                "spec.insecureSkipTLSVerify",
                "true",
                "may not be true if caBundle is present",
            ));
        }
        errs
    }

    spec_and_status!(keep_status);
}
