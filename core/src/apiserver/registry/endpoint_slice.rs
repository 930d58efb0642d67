//! EndpointSlice strategy: an address type that never changes, at least one address per
//! endpoint and addresses of that type, uniquely named ports with a protocol; the
//! generation follows changes to anything but metadata (and to labels).

use k8s_openapi::api::discovery::v1::EndpointSlice;

use super::endpoints::endpoint_ip;
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};
use crate::apiserver::validation;

const ADDRESS_TYPES: &[&str] = &["FQDN", "IPv4", "IPv6"];

impl Strategy for EndpointSlice {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        for p in self.ports.iter_mut().flatten() {
            p.name.get_or_insert_with(String::new);
            p.protocol.get_or_insert_with(|| "TCP".into());
        }
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        if self.address_type.is_empty() {
            errs.push(FieldError::required("addressType"));
        } else if let Some(e) =
            FieldError::one_of("addressType", Some(&self.address_type), ADDRESS_TYPES)
        {
            errs.push(e);
        }
        for (i, e) in self.endpoints.iter().enumerate() {
            let at = format!("endpoints[{i}]");
            if e.addresses.is_empty() {
                errs.push(
                    FieldError::required(format!("{at}.addresses"))
                        .with_detail("Required value: must contain at least 1 address"),
                );
            }
            for (j, a) in e.addresses.iter().enumerate() {
                let path = format!("{at}.addresses[{j}]");
                let parsed = a.parse::<std::net::IpAddr>();
                match (self.address_type.as_str(), parsed) {
                    ("IPv4", Ok(ip)) if !ip.is_ipv4() => errs.push(FieldError::invalid(
                        format!("{at}.addresses"),
                        a,
                        "must be an IPv4 address",
                    )),
                    ("IPv6", Ok(ip)) if !ip.is_ipv6() => errs.push(FieldError::invalid(
                        format!("{at}.addresses"),
                        a,
                        "must be an IPv6 address",
                    )),
                    ("IPv4" | "IPv6", _) => endpoint_ip(&path, a, &mut errs),
                    ("FQDN", _) => errs.extend(
                        validation::dns1123_subdomain(a)
                            .into_iter()
                            .map(|m| FieldError::invalid(path.clone(), a, &m)),
                    ),
                    _ => {}
                }
            }
        }
        let ports = self.ports.as_deref().unwrap_or_default();
        for (i, p) in ports.iter().enumerate() {
            let at = format!("ports[{i}]");
            let name = p.name.as_deref().unwrap_or("");
            if ports[..i]
                .iter()
                .any(|o| o.name.as_deref().unwrap_or("") == name)
            {
                errs.push(FieldError::duplicate(format!("{at}.name"), name));
            } else if !name.is_empty() {
                errs.extend(
                    validation::dns1123_label(name)
                        .into_iter()
                        .map(|m| FieldError::invalid(format!("{at}.name"), name, &m)),
                );
            }
            errs.extend(validation::protocol(
                &format!("{at}.protocol"),
                p.protocol.as_deref(),
            ));
        }
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        if self.address_type != old.address_type {
            return vec![FieldError::invalid(
                "addressType",
                &self.address_type,
                "field is immutable",
            )];
        }
        vec![]
    }

    const GENERATION_FIELDS: &'static [&'static str] = &["endpoints", "ports", "metadata.labels"];
}
