//! IPAddress and ServiceCIDR strategies: addresses named by their canonical form with a
//! parent, and service ranges that are valid CIDRs (at most one per IP family).

use k8s_openapi::api::networking::v1::{IPAddress, ServiceCIDR};

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{spec_and_status, Strategy};

impl Strategy for IPAddress {
    fn validate_name(name: &str) -> Vec<String> {
        match name.parse::<std::net::IpAddr>() {
            Ok(ip) if ip.to_string() == name => vec![],
            Ok(ip) => vec![format!("must be in canonical form (\"{ip}\")")],
            Err(_) => vec!["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)".into()],
        }
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        let Some(parent) = self.spec.as_ref().map(|s| &s.parent_ref) else {
            return vec![FieldError::required("spec.parentRef")];
        };
        if parent.resource.is_empty() {
            errs.push(FieldError::required("spec.parentRef.resource"));
        }
        if parent.name.is_empty() {
            errs.push(FieldError::required("spec.parentRef.name"));
        }
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        if self.spec != old.spec {
            let parent = self.spec.as_ref().map(|s| &s.parent_ref);
            return vec![FieldError::invalid_raw(
                "spec.parentRef",
                &serde_json::to_string(&parent).unwrap_or_default(),
                "field is immutable",
            )];
        }
        vec![]
    }
}

/// Whether `s` is an IP prefix in CIDR notation (`10.96.0.0/12`).
fn is_cidr(s: &str) -> bool {
    let Some((ip, bits)) = s.split_once('/') else {
        return false;
    };
    let Ok(ip) = ip.parse::<std::net::IpAddr>() else {
        return false;
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    bits.parse::<u8>().is_ok_and(|b| b <= max)
}

impl Strategy for ServiceCIDR {
    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        let cidrs = self
            .spec
            .as_ref()
            .and_then(|s| s.cidrs.clone())
            .unwrap_or_default();
        if cidrs.is_empty() {
            errs.push(
                FieldError::required("spec.cidrs")
                    .with_detail("Required value: at least one CIDR required"),
            );
        }
        if cidrs.len() > 2 {
            let spec = serde_json::to_string(&self.spec).unwrap_or_default();
            errs.push(FieldError::invalid_raw(
                "spec.cidrs",
                &spec,
                "may only hold up to 2 values",
            ));
            return errs;
        }
        for (i, c) in cidrs.iter().enumerate() {
            if !is_cidr(c) {
                errs.push(FieldError::invalid(
                    format!("spec.cidrs[{i}]"),
                    c,
                    "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                ));
            }
        }
        if let [a, b] = &cidrs[..] {
            if is_cidr(a) && is_cidr(b) && a.contains(':') == b.contains(':') {
                errs.push(FieldError::invalid_raw(
                    "spec.cidrs",
                    &serde_json::to_string(&cidrs).unwrap_or_default(),
                    "may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64",
                ));
            }
        }
        errs
    }

    /// The ranges never change, but a second (other-family) range may be added.
    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.status = old.status.clone();
        let cidrs = |s: &Self| {
            s.spec
                .as_ref()
                .and_then(|s| s.cidrs.clone())
                .unwrap_or_default()
        };
        let (new, old) = (cidrs(self), cidrs(old));
        if new.len() != old.len() && !(old.len() == 1 && new.len() == 2) {
            return vec![FieldError::invalid_raw(
                "spec.cidrs",
                &serde_json::to_string(&new).unwrap_or_default(),
                "field is immutable",
            )];
        }
        old.iter()
            .zip(&new)
            .enumerate()
            .filter(|(_, (o, n))| o != n)
            .map(|(i, (_, n))| {
                FieldError::invalid(format!("spec.cidrs[{i}]"), n, "field is immutable")
            })
            .collect()
    }

    spec_and_status!();
}
