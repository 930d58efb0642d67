//! Writes of custom resources: the request body pruned, defaulted and validated by the
//! CRD's structural schema, the status subresource split, generation, and deletion with
//! finalizers (apiextensions-apiserver's customresource strategy).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::{Map, Value};

use super::schema;
use super::{definition, Definition};
use crate::apiserver::decode::{self, FieldValidation};
use crate::apiserver::errors::{ApiError, FieldError, Reason};
use crate::apiserver::resources::Resource;
use crate::apiserver::{
    admission, validation, with_resource_version, ApiServer, Deleted, WriteOptions,
};
use crate::clock::to_time;
use crate::store::StoreError;

/// A custom resource's body split into its typed metadata and the rest.
struct Decoded {
    meta: ObjectMeta,
    rest: Map<String, Value>,
    warnings: Vec<String>,
}

/// The CRD of `r`, or NotFound as for a resource that does not exist.
fn definition_of(api: &ApiServer, r: &Resource) -> Result<Definition, ApiError> {
    definition(&api.store, r).ok_or_else(|| {
        ApiError::new(
            Reason::NotFound,
            "the server could not find the requested resource",
        )
    })
}

/// Decodes a body: metadata strictly as ObjectMeta, the rest pruned to the schema, then
/// defaulted; unknown fields handled as `validation` says.
fn decode_body(
    r: &Resource,
    def: &Definition,
    body: Value,
    validation: FieldValidation,
) -> Result<Decoded, ApiError> {
    let Value::Object(mut rest) = body else {
        return Err(ApiError::bad_request(format!(
            "Object '{}' is missing in '{}'",
            r.kind, body
        )));
    };
    let meta_body = serde_json::json!({"metadata": rest.remove("metadata").unwrap_or(Value::Null)});
    #[derive(serde::Deserialize, serde::Serialize)]
    struct Meta {
        metadata: Option<ObjectMeta>,
    }
    let (meta, mut unknown): (Meta, Vec<String>) =
        decode::decode(&meta_body, r, FieldValidation::Warn)?;
    let mut unknown: Vec<String> = unknown
        .drain(..)
        .map(|w| {
            w.trim_start_matches("unknown field \"")
                .trim_end_matches('"')
                .to_string()
        })
        .collect();
    let mut value = Value::Object(rest);
    if let Some(s) = &def.schema {
        let mut pruned = vec![];
        schema::prune(&mut value, s, "", true, &mut pruned);
        crate::sort::sort(&mut pruned);
        unknown.extend(pruned);
        schema::default(&mut value, s);
    }
    let warnings: Vec<String> = unknown
        .iter()
        .map(|p| format!("unknown field \"{p}\""))
        .collect();
    let warnings = match validation {
        FieldValidation::Strict if !warnings.is_empty() => {
            return Err(ApiError::bad_request(format!(
                "{} in version \"{}\" cannot be handled as a {}: strict decoding error: {}",
                r.kind,
                r.version,
                r.kind,
                warnings.join(", ")
            )))
        }
        FieldValidation::Warn => warnings,
        _ => vec![],
    };
    let Value::Object(mut rest) = value else {
        return Err(ApiError::bad_request("the body must be an object"));
    };
    rest.insert(
        "apiVersion".into(),
        Value::String(def.storage_api_version.clone()),
    );
    rest.insert("kind".into(), Value::String(r.kind.to_string()));
    Ok(Decoded {
        meta: meta.metadata.unwrap_or_default(),
        rest,
        warnings,
    })
}

/// Metadata and schema validation of a whole object.
fn validate(
    def: &Definition,
    meta: &ObjectMeta,
    rest: &Map<String, Value>,
    old: Option<&Map<String, Value>>,
) -> Vec<FieldError> {
    let name = meta.name.as_deref().unwrap_or("");
    let mut errs: Vec<FieldError> = validation::dns1123_subdomain(name)
        .into_iter()
        .map(|m| FieldError::invalid("metadata.name", name, &m))
        .collect();
    errs.extend(validation::labels(meta.labels.as_ref(), "metadata.labels"));
    if let Some(s) = &def.schema {
        let obj = Value::Object(rest.clone());
        schema::validate(&obj, s, "", &mut errs);
        // Validation rules run on objects the schema accepts.
        if errs.is_empty() {
            let old = old.map(|o| Value::Object(o.clone()));
            super::validation_rules::validate(&obj, old.as_ref(), s, "", &mut errs);
        }
    }
    errs
}

/// The stored form of an object: its fields with metadata first after kind/apiVersion.
fn assemble(meta: &ObjectMeta, rest: &Map<String, Value>) -> Value {
    let mut obj = rest.clone();
    let mut meta = serde_json::to_value(meta).unwrap_or(Value::Null);
    if let Some(m) = meta.as_object_mut() {
        m.remove("resourceVersion");
    }
    obj.insert("metadata".into(), meta);
    Value::Object(obj)
}

/// The fields whose change bumps `generation`: everything but metadata (and status, when
/// it is a subresource).
fn spec_part(rest: &Map<String, Value>, status_subresource: bool) -> Map<String, Value> {
    kubarium_tools::sort::insert_all(
        rest.iter()
            .filter(|(k, _)| !(status_subresource && k.as_str() == "status"))
            .map(|(k, v)| (k.clone(), v.clone())),
    )
}

/// Runs the mutating webhooks Kubarium serves on a custom resource, before its schema
/// judges it (as the API server orders them).
fn call_webhooks(
    attrs: &admission::Attributes<'_>,
    meta: &mut ObjectMeta,
    rest: &mut Map<String, Value>,
) -> Result<Vec<String>, ApiError> {
    let original = assemble(meta, rest);
    let mut value = original.clone();
    let warnings = admission::webhooks::mutate(attrs, &mut value)?;
    if value == original {
        return Ok(warnings);
    }
    if let Value::Object(mut m) = value {
        let new_meta = m.remove("metadata").unwrap_or(Value::Null);
        *meta = crate::apiserver::decode::typed(new_meta).unwrap_or_else(|_| meta.clone());
        *rest = m;
    }
    Ok(warnings)
}

fn blocks_deletion(meta: &ObjectMeta) -> bool {
    meta.finalizers.as_ref().is_some_and(|f| !f.is_empty())
}

impl ApiServer {
    /// Creates a custom resource.
    pub(crate) fn create_custom(
        &mut self,
        r: &'static Resource,
        namespace: &str,
        body: Value,
        opts: &WriteOptions,
    ) -> Result<(Value, Vec<String>), ApiError> {
        let def = definition_of(self, r)?;
        let Decoded {
            mut meta,
            mut rest,
            warnings,
        } = decode_body(r, &def, body, opts.validation)?;
        let name = self.name_for_create(&mut meta, r, namespace)?;
        if def.terminating {
            return Err(ApiError::forbidden(
                &r.group_resource(),
                &name,
                "create not allowed while custom resource definition is terminating",
            ));
        }
        if def.status {
            rest.remove("status");
        }
        let mut warnings = warnings;
        {
            let attrs =
                admission::Attributes::new(r, namespace, &name, &self.store, &self.admission, opts);
            warnings.extend(call_webhooks(&attrs, &mut meta, &mut rest)?);
        }
        let errs = validate(&def, &meta, &rest, None);
        if !errs.is_empty() {
            return Err(ApiError::invalid_in(r.group, r.kind, &name, errs));
        }
        let attrs =
            admission::Attributes::new(r, namespace, &name, &self.store, &self.admission, opts);
        if self.admission.on("NamespaceLifecycle") {
            admission::namespace_lifecycle::validate(&attrs)?;
        }
        let key = r.key(namespace, &name);
        if self.store.get(&key).is_some() {
            return Err(ApiError::already_exists(&r.group_resource(), &name));
        }
        warnings.extend(admission::validate(&attrs, &assemble(&meta, &rest))?);
        meta.uid = Some(self.rng.uuid());
        meta.creation_timestamp = Some(to_time(self.now()));
        meta.generation = Some(1);
        let mut value = assemble(&meta, &rest);
        self.record_write(r, None, &mut value, false, opts);
        if opts.dry_run {
            return Ok((value, warnings));
        }
        let kv = self
            .store
            .put(&key, value, Some(0))
            .map_err(|_| ApiError::already_exists(&r.group_resource(), &name))?;
        Ok((
            with_resource_version(&kv.value(), kv.mod_revision),
            warnings,
        ))
    }

    /// Replaces a custom resource, or with `status` its status.
    pub(crate) fn update_custom(
        &mut self,
        r: &'static Resource,
        namespace: &str,
        body: Value,
        status: bool,
        opts: &WriteOptions,
    ) -> Result<(Value, Vec<String>), ApiError> {
        let def = definition_of(self, r)?;
        let Decoded {
            mut meta,
            mut rest,
            mut warnings,
        } = decode_body(r, &def, body, opts.validation)?;
        let name = meta.name.clone().unwrap_or_default();
        let key = r.key(namespace, &name);
        let gr = r.group_resource();
        let kv = self
            .store
            .get(&key)
            .cloned()
            .ok_or_else(|| ApiError::not_found(&gr, &name))?;
        if meta
            .resource_version
            .as_deref()
            .is_some_and(|rv| !rv.is_empty() && rv != kv.mod_revision.to_string())
        {
            return Err(ApiError::conflict(&gr, &name));
        }
        let Value::Object(mut old_rest) = (*kv.value()).clone() else {
            return Err(ApiError::new(
                Reason::InternalError,
                "stored object is not an object",
            ));
        };
        let old_meta: ObjectMeta =
            crate::apiserver::decode::typed(old_rest.remove("metadata").unwrap_or(Value::Null))
                .unwrap_or_default();
        super::super::carry_over_meta(&mut meta, &old_meta, status);
        if status {
            // Only the status changes through the status subresource.
            let new_status = rest.remove("status");
            rest = old_rest.clone();
            match new_status {
                Some(s) => rest.insert("status".into(), s),
                None => rest.remove("status"),
            };
        } else if def.status {
            match old_rest.get("status") {
                Some(s) => rest.insert("status".into(), s.clone()),
                None => rest.remove("status"),
            };
        }
        if !status {
            let old = assemble(&old_meta, &old_rest);
            let attrs =
                admission::Attributes::new(r, namespace, &name, &self.store, &self.admission, opts)
                    .updating(&old, false);
            warnings.extend(call_webhooks(&attrs, &mut meta, &mut rest)?);
        }
        let errs = validate(&def, &meta, &rest, Some(&old_rest));
        if !errs.is_empty() {
            return Err(ApiError::invalid_in(r.group, r.kind, &name, errs));
        }
        if spec_part(&rest, def.status) != spec_part(&old_rest, def.status) {
            meta.generation = Some(old_meta.generation.unwrap_or(0) + 1);
        }
        if opts.field_manager.is_some() {
            meta.managed_fields = old_meta.managed_fields.clone();
        }
        let mut value = assemble(&meta, &rest);
        // Admission sees every update, even one that changes nothing.
        let old = kv.value();
        let attrs =
            admission::Attributes::new(r, namespace, &name, &self.store, &self.admission, opts)
                .updating(&old, status);
        warnings.extend(admission::validate(&attrs, &value)?);
        if value == *kv.value() {
            return Ok((with_resource_version(&value, kv.mod_revision), warnings));
        }
        self.record_write(r, Some(&kv.value()), &mut value, status, opts);
        if opts.dry_run {
            return Ok((with_resource_version(&value, kv.mod_revision), warnings));
        }
        if meta.deletion_timestamp.is_some() && !blocks_deletion(&meta) {
            let gone = self
                .store
                .delete(&key, Some(kv.mod_revision))
                .map_err(|_| ApiError::conflict(&gr, &name))?;
            return Ok((with_resource_version(&value, gone.mod_revision), warnings));
        }
        let kv = self
            .store
            .put(&key, value, Some(kv.mod_revision))
            .map_err(|e| match e {
                StoreError::RevisionMismatch { .. } => ApiError::conflict(&gr, &name),
                _ => ApiError::not_found(&gr, &name),
            })?;
        Ok((
            with_resource_version(&kv.value(), kv.mod_revision),
            warnings,
        ))
    }

    /// Deletes a custom resource; one with finalizers is only marked.
    pub(crate) fn delete_custom(
        &mut self,
        r: &'static Resource,
        namespace: &str,
        name: &str,
        dry_run: bool,
    ) -> Result<Deleted, ApiError> {
        let gr = r.group_resource();
        let (key, kv) = self.stored(r, namespace, name)?;
        let mut obj = (*kv.value()).clone();
        let meta: ObjectMeta =
            crate::apiserver::decode::typed(obj["metadata"].clone()).unwrap_or_default();
        if !blocks_deletion(&meta) {
            if dry_run {
                return Ok(Deleted::Gone(with_resource_version(
                    &kv.value(),
                    kv.mod_revision,
                )));
            }
            let gone = self
                .store
                .delete(&key, None)
                .map_err(|_| ApiError::not_found(&gr, name))?;
            return Ok(Deleted::Gone(with_resource_version(
                &gone.value(),
                gone.mod_revision,
            )));
        }
        if meta.deletion_timestamp.is_some() {
            return Ok(Deleted::Terminating(with_resource_version(
                &obj,
                kv.mod_revision,
            )));
        }
        obj["metadata"]["deletionTimestamp"] = serde_json::json!(to_time(self.now()));
        obj["metadata"]["deletionGracePeriodSeconds"] = Value::from(0);
        if dry_run {
            return Ok(Deleted::Terminating(with_resource_version(
                &obj,
                kv.mod_revision,
            )));
        }
        let kv = self
            .store
            .put(&key, obj, Some(kv.mod_revision))
            .map_err(|_| ApiError::conflict(&gr, name))?;
        Ok(Deleted::Terminating(with_resource_version(
            &kv.value(),
            kv.mod_revision,
        )))
    }
}
