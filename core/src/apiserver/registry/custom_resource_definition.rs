//! CustomResourceDefinition strategy: names that match the resource they define, one
//! storage version, structural schemas, the defaults and stored versions the API server
//! sets, and deletion that waits for the cleanup finalizer.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::{
    CustomResourceConversion, CustomResourceDefinition, CustomResourceDefinitionCondition,
    CustomResourceDefinitionStatus,
};
use serde_json::Value;

use crate::apiserver::custom_resources::{validation_rules, CLEANUP_FINALIZER};
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{spec_and_status, Ctx, Strategy};
use crate::apiserver::validation;
use crate::clock::to_time;

/// The storage version's name, if exactly one version is marked.
fn storage_version(crd: &CustomResourceDefinition) -> Option<String> {
    let mut stored = crd.spec.versions.iter().filter(|v| v.storage);
    match (stored.next(), stored.next()) {
        (Some(v), None) => Some(v.name.clone()),
        _ => None,
    }
}

fn dns1035(field: &str, value: &str, errs: &mut Vec<FieldError>) {
    errs.extend(
        validation::dns1035_label(value)
            .into_iter()
            .map(|m| FieldError::invalid(field, value, &m)),
    );
}

/// Structural-schema rules: every specified field has a type (but int-or-string and
/// preserve-unknown-fields nodes), and patterns compile.
fn validate_schema(s: &Value, path: &str, root: bool, errs: &mut Vec<FieldError>) {
    let ty = s["type"].as_str().unwrap_or("");
    let untyped_ok = s["x-kubernetes-int-or-string"] == true
        || s["x-kubernetes-preserve-unknown-fields"] == true;
    if ty.is_empty() && !untyped_ok {
        let why = if root {
            "must not be empty at the root"
        } else {
            "must not be empty for specified object fields"
        };
        errs.push(
            FieldError::required(format!("{path}.type"))
                .with_detail(&format!("Required value: {why}")),
        );
    } else if root && ty != "object" {
        errs.push(FieldError::invalid(
            format!("{path}.type"),
            ty,
            "must be object at the root",
        ));
    }
    if let Some(p) = s["pattern"].as_str() {
        let why = match crate::tools::regex_match(p, None) {
            Some(Ok(_)) => None,
            Some(Err(e)) => Some(format!(
                "must be a valid regular expression, but isn't: {e}"
            )),
            None => Some(crate::tools::REGEX_UNAVAILABLE.to_string()),
        };
        if let Some(why) = why {
            errs.push(FieldError::invalid(format!("{path}.pattern"), p, &why));
        }
    }
    if let Some(props) = s["properties"].as_object() {
        for (k, v) in props {
            validate_schema(v, &format!("{path}.properties[{k}]"), false, errs);
        }
    }
    if s["items"].is_object() {
        validate_schema(&s["items"], &format!("{path}.items"), false, errs);
    }
    if s["additionalProperties"].is_object() {
        validate_schema(
            &s["additionalProperties"],
            &format!("{path}.additionalProperties"),
            false,
            errs,
        );
    }
}

/// The versions as the API server prints its internal, untagged Go type in errors (the
/// per-version parts that every version shares have moved out, so they are null).
fn internal_versions(crd: &CustomResourceDefinition) -> String {
    let items: Vec<String> = crd
        .spec
        .versions
        .iter()
        .map(|v| {
            format!(
                "{{\"Name\":{},\"Served\":{},\"Storage\":{},\"Deprecated\":{},\"DeprecationWarning\":null,\"Schema\":null,\"Subresources\":null,\"AdditionalPrinterColumns\":null,\"SelectableFields\":null}}",
                Value::String(v.name.clone()),
                v.served,
                v.storage,
                v.deprecated.unwrap_or(false)
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

impl Strategy for CustomResourceDefinition {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        let names = &mut self.spec.names;
        if names.singular.as_deref().unwrap_or("").is_empty() {
            names.singular = Some(names.kind.to_ascii_lowercase());
        }
        if names.list_kind.as_deref().unwrap_or("").is_empty() {
            names.list_kind = Some(format!("{}List", names.kind));
        }
        self.spec
            .conversion
            .get_or_insert_with(|| CustomResourceConversion {
                strategy: "None".into(),
                webhook: None,
            });
        self.status = Some(CustomResourceDefinitionStatus {
            accepted_names: None,
            conditions: None,
            observed_generation: None,
            stored_versions: storage_version(self).map(|v| vec![v]),
        });
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        let spec = &self.spec;
        let name = self.metadata.name.as_deref().unwrap_or("");
        if name != format!("{}.{}", spec.names.plural, spec.group) {
            errs.push(FieldError::invalid(
                "metadata.name",
                name,
                "must be spec.names.plural+\".\"+spec.group",
            ));
        }
        if spec.group.is_empty() {
            errs.push(FieldError::required("spec.group"));
        } else if !spec.group.contains('.') {
            errs.push(FieldError::invalid(
                "spec.group",
                &spec.group,
                "should be a domain with at least one dot",
            ));
        } else {
            errs.extend(
                validation::dns1123_subdomain(&spec.group)
                    .into_iter()
                    .map(|m| FieldError::invalid("spec.group", &spec.group, &m)),
            );
        }
        if let Some(e) = FieldError::one_of(
            "spec.scope",
            Some(spec.scope.as_str()),
            &["Cluster", "Namespaced"],
        ) {
            errs.push(if spec.scope.is_empty() {
                FieldError::required("spec.scope")
            } else {
                e
            });
        }
        let names = &spec.names;
        if names.plural.is_empty() {
            errs.push(FieldError::required("spec.names.plural"));
        } else {
            dns1035("spec.names.plural", &names.plural, &mut errs);
        }
        if let Some(s) = names.singular.as_deref().filter(|s| !s.is_empty()) {
            dns1035("spec.names.singular", s, &mut errs);
        }
        if names.kind.is_empty() {
            errs.push(FieldError::required("spec.names.kind"));
        } else {
            dns1035(
                "spec.names.kind",
                &names.kind.to_ascii_lowercase(),
                &mut errs,
            );
        }
        for (i, s) in names.short_names.iter().flatten().enumerate() {
            dns1035(&format!("spec.names.shortNames[{i}]"), s, &mut errs);
        }
        let unique = spec
            .versions
            .iter()
            .enumerate()
            .all(|(i, v)| !spec.versions[..i].iter().any(|o| o.name == v.name));
        if !unique {
            errs.push(FieldError::invalid_raw(
                "spec.versions",
                &internal_versions(self),
                "must contain unique version names",
            ));
        }
        if storage_version(self).is_none() {
            errs.push(FieldError::invalid_raw(
                "spec.versions",
                &internal_versions(self),
                "must have exactly one version marked as storage version",
            ));
        }
        // The API server validates the internal form, where a schema every version shares
        // moves to spec.validation (and its errors are reported there).
        let schemas: Vec<Option<Value>> = spec
            .versions
            .iter()
            .map(|v| {
                v.schema
                    .as_ref()
                    .and_then(|s| s.open_api_v3_schema.as_ref())
                    .map(|s| serde_json::to_value(s).unwrap_or(Value::Null))
            })
            .collect();
        let shared = schemas.windows(2).all(|w| w[0] == w[1]);
        for (i, v) in spec.versions.iter().enumerate() {
            dns1035(&format!("spec.versions[{i}].name"), &v.name, &mut errs);
            if shared && i > 0 {
                continue;
            }
            let path = if shared {
                "spec.validation.openAPIV3Schema".to_string()
            } else {
                format!("spec.versions[{i}].schema.openAPIV3Schema")
            };
            match &schemas[i] {
                None => errs.push(FieldError::required(path)),
                Some(s) => {
                    let mut structural = vec![];
                    validate_schema(s, &path, true, &mut structural);
                    crate::sort::by_key(&mut structural, ToString::to_string);
                    errs.extend(structural);
                    validation_rules::compile_errors(s, &path, &mut errs);
                }
            }
        }
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.status = old.status.clone();
        let storage = storage_version(self);
        if let (Some(status), Some(v)) = (self.status.as_mut(), storage) {
            let stored = status.stored_versions.get_or_insert_with(Vec::new);
            if !stored.contains(&v) {
                stored.push(v);
            }
        }
        let mut errs = vec![];
        if self.spec.group != old.spec.group {
            errs.push(FieldError::invalid(
                "spec.group",
                &self.spec.group,
                "field is immutable",
            ));
        }
        if self.spec.names.plural != old.spec.names.plural {
            errs.push(FieldError::invalid(
                "spec.names.plural",
                &self.spec.names.plural,
                "field is immutable",
            ));
        }
        errs
    }

    spec_and_status!();

    /// A CRD goes only through the cleanup finalizer, which deletes its objects first.
    fn blocks_deletion(&self) -> bool {
        self.metadata.deletion_timestamp.is_none()
            || self
                .metadata
                .finalizers
                .as_ref()
                .is_some_and(|f| !f.is_empty())
    }

    fn mark_terminating(&mut self) {
        let finalizers = self.metadata.finalizers.get_or_insert_with(Vec::new);
        if !finalizers.iter().any(|f| f == CLEANUP_FINALIZER) {
            finalizers.push(CLEANUP_FINALIZER.into());
        }
        let now = self.metadata.deletion_timestamp.clone();
        let conditions = self
            .status
            .get_or_insert_with(Default::default)
            .conditions
            .get_or_insert_with(Vec::new);
        conditions.retain(|c| c.type_ != "Terminating");
        conditions.push(CustomResourceDefinitionCondition {
            last_transition_time: now.or_else(|| Some(to_time(0))),
            message: Some(
                "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon"
                    .into(),
            ),
            observed_generation: None,
            reason: Some("InstanceDeletionPending".into()),
            status: "True".into(),
            type_: "Terminating".into(),
        });
    }
}
