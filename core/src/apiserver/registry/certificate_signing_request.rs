//! CertificateSigningRequest strategy: the requester recorded from the request, a PEM
//! certificate request, a qualified signer and usages; updates change only metadata, the
//! status subresource the certificate, and the approval subresource the Approved/Denied
//! conditions.

use k8s_openapi::api::certificates::v1::CertificateSigningRequest;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};
use crate::apiserver::validation;

const USAGES: &[&str] = &[
    "any",
    "cert sign",
    "client auth",
    "code signing",
    "content commitment",
    "crl sign",
    "data encipherment",
    "decipher only",
    "digital signature",
    "email protection",
    "encipher only",
    "ipsec end system",
    "ipsec tunnel",
    "ipsec user",
    "key agreement",
    "key encipherment",
    "microsoft sgc",
    "netscape sgc",
    "ocsp signing",
    "s/mime",
    "server auth",
    "signing",
    "timestamping",
];

/// Whether `data` is a PEM block of type CERTIFICATE REQUEST.
fn is_pem_request(data: &[u8]) -> bool {
    let text = String::from_utf8_lossy(data);
    text.contains("-----BEGIN CERTIFICATE REQUEST-----")
        && text.contains("-----END CERTIFICATE REQUEST-----")
}

/// ValidateSignerName: a domain of at least two labels and a path, one `/` between.
fn signer_errors(name: &str) -> Vec<FieldError> {
    let field = "spec.signerName";
    if name.is_empty() {
        return vec![FieldError::required(field)];
    }
    let parts: Vec<&str> = name.split('/').collect();
    let [domain, path] = parts[..] else {
        return vec![FieldError::invalid(
            field,
            name,
            "must be a fully qualified domain and path of the form 'example.com/signer-name'",
        )];
    };
    let mut errs = vec![];
    for label in domain.split('.') {
        for m in validation::dns1123_label(label) {
            errs.push(FieldError::invalid(
                field,
                domain,
                &format!("validating label \"{label}\": {m}"),
            ));
        }
    }
    if errs.is_empty() && domain.split('.').count() < 2 {
        errs.push(FieldError::invalid(
            field,
            domain,
            "should be a domain with at least two segments separated by dots",
        ));
    }
    for m in validation::dns1123_subdomain(path) {
        errs.push(FieldError::invalid(
            field,
            path,
            &format!("validating label \"{path}\": {m}"),
        ));
    }
    errs
}

impl Strategy for CertificateSigningRequest {
    /// Any name will do (ValidateCertificateRequestName accepts all).
    fn validate_name(_name: &str) -> Vec<String> {
        vec![]
    }

    fn prepare_for_create(&mut self, ctx: &mut Ctx<'_>) {
        self.status = Some(Default::default());
        let spec = &mut self.spec;
        spec.username = ctx.user.map(|u| u.name.clone());
        spec.groups = ctx.user.map(|u| u.groups.clone());
        spec.uid = None;
        spec.extra = None;
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        let spec = &self.spec;
        if !is_pem_request(&spec.request.0) {
            use base64::Engine;
            let shown = base64::engine::general_purpose::STANDARD.encode(&spec.request.0);
            errs.push(FieldError::invalid(
                "spec.request",
                &shown,
                "PEM block type must be CERTIFICATE REQUEST",
            ));
        }
        if spec.signer_name == "kubernetes.io/legacy-unknown" {
            errs.push(FieldError::invalid(
                "spec.signerName",
                &spec.signer_name,
                "the legacy signerName is not allowed via this API version",
            ));
        } else {
            errs.extend(signer_errors(&spec.signer_name));
        }
        let usages = spec.usages.clone().unwrap_or_default();
        if usages.is_empty() {
            errs.push(FieldError::required("spec.usages"));
        }
        for (i, u) in usages.iter().enumerate() {
            let field = format!("spec.usages[{i}]");
            if usages[..i].contains(u) {
                errs.push(FieldError::duplicate(field, u));
            } else {
                errs.extend(FieldError::one_of(field, Some(u), USAGES));
            }
        }
        if let Some(s) = spec.expiration_seconds.filter(|s| *s < 600) {
            errs.push(FieldError::invalid_raw(
                "spec.expirationSeconds",
                &s.to_string(),
                "may not specify a duration less than 600 seconds (10 minutes)",
            ));
        }
        for (i, c) in self
            .status
            .iter()
            .flat_map(|s| s.conditions.iter().flatten())
            .enumerate()
        {
            let at = format!("status.conditions[{i}]");
            if c.type_.is_empty() {
                errs.push(FieldError::required(format!("{at}.type")));
            }
            let allowed: &[&str] = if matches!(c.type_.as_str(), "Approved" | "Denied" | "Failed") {
                &["True"]
            } else {
                &["False", "True", "Unknown"]
            };
            if c.status.is_empty() {
                errs.push(FieldError::required(format!("{at}.status")));
            } else {
                errs.extend(FieldError::one_of(
                    format!("{at}.status"),
                    Some(&c.status),
                    allowed,
                ));
            }
        }
        let conditions = self
            .status
            .iter()
            .flat_map(|s| s.conditions.iter().flatten());
        let has = |ty: &str| {
            conditions
                .clone()
                .any(|c| c.type_ == ty && c.status == "True")
        };
        if has("Approved") && has("Denied") {
            errs.push(FieldError::invalid(
                "status.conditions",
                "Denied",
                "Approved and Denied conditions are mutually exclusive",
            ));
        }
        errs
    }

    /// A main-resource update changes only metadata.
    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.spec = old.spec.clone();
        self.status = old.status.clone();
        vec![]
    }

    fn prepare_for_status_update(&mut self, old: &Self) {
        self.spec = old.spec.clone();
    }
}
