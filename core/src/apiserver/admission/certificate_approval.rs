//! CertificateApproval and CertificateSigning: approving a CertificateSigningRequest
//! takes the `approve` verb, and issuing its certificate the `sign` verb, on the
//! `signers` resource named after its signer (or the signer's domain with `/*`).

use serde_json::Value;

use super::{Attributes, Operation};
use crate::apiserver::authorization::{self, Request};
use crate::apiserver::errors::ApiError;

/// Whether the requester may `verb` requests of `signer` (IsAuthorizedForSignerName).
fn authorized(attrs: &Attributes<'_>, verb: &str, signer: &str) -> bool {
    let Some(user) = attrs.user else {
        return true;
    };
    let ask = |name: &str| {
        authorization::allowed(
            attrs.store,
            user,
            &Request {
                verb,
                group: "certificates.k8s.io",
                resource: "signers",
                name,
                ..Default::default()
            },
        )
    };
    ask(signer)
        || signer
            .split_once('/')
            .is_some_and(|(domain, _)| ask(&format!("{domain}/*")))
}

pub fn validate(attrs: &Attributes<'_>, obj: &Value) -> Result<(), ApiError> {
    let r = attrs.resource;
    if attrs.operation != Operation::Update
        || (r.group, r.plural) != ("certificates.k8s.io", "certificatesigningrequests")
    {
        return Ok(());
    }
    let signer = obj["spec"]["signerName"].as_str().unwrap_or("");
    let (plugin, verb) = match attrs.subresource {
        "approval" => ("CertificateApproval", "approve"),
        "status" => {
            let old = attrs
                .old
                .map_or(&Value::Null, |o| &o["status"]["certificate"]);
            if obj["status"]["certificate"] == *old || obj["status"]["certificate"].is_null() {
                return Ok(());
            }
            ("CertificateSigning", "sign")
        }
        _ => return Ok(()),
    };
    if !attrs.plugins.on(plugin) || authorized(attrs, verb, signer) {
        return Ok(());
    }
    Err(ApiError::forbidden(
        &r.group_resource(),
        attrs.name,
        &format!("user not permitted to {verb} requests with signerName \"{signer}\""),
    ))
}
