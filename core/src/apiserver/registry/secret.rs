//! Secret strategy: `stringData` merged into `data`, the default type, the keys each type
//! requires, the 1 MiB limit, and `immutable`.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::ByteString;

use super::config_map::{immutable_errors, too_long, validate_keys, MAX_DATA_BYTES};
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};

fn data_has(s: &Secret, key: &str) -> bool {
    s.data
        .as_ref()
        .and_then(|d| d.get(key))
        .is_some_and(|v| !v.0.is_empty())
}

/// The keys a Secret of `ty` must have.
fn required_keys(s: &Secret, ty: &str) -> Vec<FieldError> {
    let need = |keys: &[&str]| -> Vec<FieldError> {
        keys.iter()
            .filter(|k| !data_has(s, k))
            .map(|k| FieldError::required(format!("data[{k}]")))
            .collect()
    };
    match ty {
        "kubernetes.io/service-account-token" => {
            let named = s
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("kubernetes.io/service-account.name"))
                .is_some_and(|n| !n.is_empty());
            if named {
                vec![]
            } else {
                vec![FieldError::required(
                    "metadata.annotations[kubernetes.io/service-account.name]",
                )]
            }
        }
        "kubernetes.io/dockercfg" => need(&[".dockercfg"]),
        "kubernetes.io/dockerconfigjson" => {
            let mut errs = need(&[".dockerconfigjson"]);
            if let Some(v) = s.data.as_ref().and_then(|d| d.get(".dockerconfigjson")) {
                if let Err(e) = serde_json::from_slice::<serde_json::Value>(&v.0) {
                    errs.push(FieldError::invalid(
                        "data[.dockerconfigjson]",
                        "<secret contents redacted>",
                        &e.to_string(),
                    ));
                }
            }
            errs
        }
        "kubernetes.io/basic-auth" if !data_has(s, "username") && !data_has(s, "password") => {
            vec![FieldError::required("data[username]")]
        }
        "kubernetes.io/ssh-auth" => need(&["ssh-privatekey"]),
        "kubernetes.io/tls" => need(&["tls.crt", "tls.key"]),
        _ => vec![],
    }
}

impl Strategy for Secret {
    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        merge_string_data(self);
        self.type_.get_or_insert_with(|| "Opaque".into());
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut seen = BTreeSet::new();
        let mut errs = validate_keys(
            self.data.iter().flat_map(|d| d.keys()),
            "data",
            &mut seen,
            "data",
        );
        let size: usize = self
            .data
            .iter()
            .flatten()
            .map(|(k, v)| k.len() + v.0.len())
            .sum();
        if size > MAX_DATA_BYTES {
            errs.push(too_long("data"));
        }
        errs.extend(required_keys(
            self,
            self.type_.as_deref().unwrap_or("Opaque"),
        ));
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        merge_string_data(self);
        self.type_.get_or_insert_with(|| "Opaque".into());
        let mut errs = vec![];
        if self.type_ != old.type_ {
            errs.push(FieldError::invalid(
                "type",
                self.type_.as_deref().unwrap_or(""),
                "field is immutable",
            ));
        }
        errs.extend(immutable_errors(
            old.immutable,
            self.immutable,
            &[("data", self.data != old.data)],
        ));
        errs
    }
}

/// `stringData` is write-only: its entries replace those of `data` and it is dropped.
fn merge_string_data(s: &mut Secret) {
    if let Some(strings) = s.string_data.take() {
        let data = s.data.get_or_insert_with(Default::default);
        for (k, v) in strings {
            data.insert(k, ByteString(v.into_bytes()));
        }
    }
}
