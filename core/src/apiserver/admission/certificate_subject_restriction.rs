//! CertificateSubjectRestriction: a CertificateSigningRequest for the
//! kube-apiserver-client signer may not ask for the `system:masters` group (the
//! subject's organization), which would bypass authorization.
//!
//! The request is DER inside PEM; only the subject's organizations are read, so a few
//! lines of DER walking do instead of an X.509 crate.

use base64::Engine;
use serde_json::Value;

use super::{Attributes, Operation};
use crate::apiserver::errors::ApiError;

const SIGNER: &str = "kubernetes.io/kube-apiserver-client";
/// The object identifier 2.5.4.10 (organizationName), DER-encoded.
const ORGANIZATION: &[u8] = &[0x55, 0x04, 0x0a];

/// One DER element: its tag, its contents, and what follows it.
fn element(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = der.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The elements of a constructed DER value.
fn children(mut der: &[u8]) -> Vec<(u8, &[u8])> {
    let mut out = vec![];
    while let Some((tag, content, rest)) = element(der) {
        out.push((tag, content));
        der = rest;
    }
    out
}

/// The organizations of a PEM certificate request's subject.
fn organizations(pem: &str) -> Option<Vec<String>> {
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .ok()?;
    let (_, request, _) = element(&der)?;
    let (_, info, _) = element(request)?;
    let fields = children(info);
    // CertificationRequestInfo: version, subject, ...
    let (_, subject) = fields.get(1)?;
    let mut out = vec![];
    for (_, set) in children(subject) {
        for (_, pair) in children(set) {
            if let [(0x06, oid), (_, value)] = children(pair).as_slice() {
                if *oid == ORGANIZATION {
                    out.push(String::from_utf8_lossy(value).into_owned());
                }
            }
        }
    }
    Some(out)
}

pub fn validate(attrs: &Attributes<'_>, obj: &Value) -> Result<(), ApiError> {
    let r = attrs.resource;
    if attrs.operation != Operation::Create
        || (r.group, r.plural) != ("certificates.k8s.io", "certificatesigningrequests")
        || obj["spec"]["signerName"] != SIGNER
    {
        return Ok(());
    }
    let request = obj["spec"]["request"].as_str().unwrap_or("");
    let pem = base64::engine::general_purpose::STANDARD
        .decode(request)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    if organizations(&pem)
        .unwrap_or_default()
        .iter()
        .any(|o| o == "system:masters")
    {
        return Err(ApiError::forbidden(
            &r.group_resource(),
            attrs.name,
            &format!("use of {SIGNER} signer with system:masters group is not allowed"),
        ));
    }
    Ok(())
}
