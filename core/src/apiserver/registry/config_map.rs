//! ConfigMap strategy: key names, the 1 MiB limit, and `immutable`.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::ConfigMap;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::Strategy;

/// The most a ConfigMap or Secret may hold.
pub const MAX_DATA_BYTES: usize = 1024 * 1024;

const CONFIG_KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

/// IsConfigMapKey: what a key of a ConfigMap or Secret may be.
pub fn config_key_errors(key: &str) -> Vec<String> {
    let mut errs = vec![];
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
    {
        errs.push(CONFIG_KEY_MSG.to_string());
    }
    if key.len() > 253 {
        errs.push("must be no more than 253 characters".into());
    }
    if key == "." {
        errs.push("must not be '.'".into());
    } else if key == ".." {
        errs.push("must not be '..'".into());
    } else if key.starts_with("..") {
        errs.push("must not start with '..'".into());
    }
    errs
}

/// Validates the keys of a data map at `field`, against keys already seen elsewhere.
pub fn validate_keys<'a>(
    keys: impl Iterator<Item = &'a String>,
    field: &str,
    seen: &mut BTreeSet<String>,
    other: &str,
) -> Vec<FieldError> {
    let mut errs = vec![];
    for k in keys {
        for m in config_key_errors(k) {
            errs.push(FieldError::invalid(format!("{field}[{k}]"), k, &m));
        }
        if !seen.insert(k.clone()) {
            errs.push(FieldError::invalid(
                format!("{field}[{k}]"),
                k,
                &format!("duplicate of key present in {other}"),
            ));
        }
    }
    errs
}

/// Once `immutable` is set, neither it nor the listed fields may change.
pub fn immutable_errors(
    was: Option<bool>,
    now: Option<bool>,
    changed: &[(&str, bool)],
) -> Vec<FieldError> {
    if was != Some(true) {
        return vec![];
    }
    let why = "field is immutable when `immutable` is set";
    let mut errs = vec![];
    if now != Some(true) {
        errs.push(FieldError::forbidden("immutable", why));
    }
    for (field, _) in changed.iter().filter(|(_, c)| *c) {
        errs.push(FieldError::forbidden(*field, why));
    }
    errs
}

/// The size limit's error.
pub fn too_long(field: &str) -> FieldError {
    FieldError {
        field: field.into(),
        detail: format!("Too long: may not be more than {MAX_DATA_BYTES} bytes"),
    }
}

impl Strategy for ConfigMap {
    fn validate(&self) -> Vec<FieldError> {
        let mut seen = BTreeSet::new();
        let mut errs = validate_keys(
            self.data.iter().flat_map(|d| d.keys()),
            "data",
            &mut seen,
            "binaryData",
        );
        errs.extend(validate_keys(
            self.binary_data.iter().flat_map(|d| d.keys()),
            "binaryData",
            &mut seen,
            "data",
        ));
        let size: usize = self
            .data
            .iter()
            .flatten()
            .map(|(k, v)| k.len() + v.len())
            .chain(
                self.binary_data
                    .iter()
                    .flatten()
                    .map(|(k, v)| k.len() + v.0.len()),
            )
            .sum();
        if size > MAX_DATA_BYTES {
            errs.push(too_long("data"));
        }
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        immutable_errors(
            old.immutable,
            self.immutable,
            &[
                ("data", self.data != old.data),
                ("binaryData", self.binary_data != old.binary_data),
            ],
        )
    }
}
