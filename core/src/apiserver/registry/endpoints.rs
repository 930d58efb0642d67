//! Endpoints strategy: each subset with addresses that are usable IPs, ports in range with
//! a protocol, and names on every port when there are several.

use k8s_openapi::api::core::v1::Endpoints;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};
use crate::apiserver::validation;

/// ValidateEndpointIP: an address pods can be reached at (not unspecified, loopback or
/// link-local), after the legacy IP parse check.
pub(crate) fn endpoint_ip(field: &str, ip: &str, errs: &mut Vec<FieldError>) {
    let Ok(addr) = ip.parse::<std::net::IpAddr>() else {
        errs.extend(validation::ip_address(field, ip));
        errs.push(FieldError::invalid(field, ip, "must be a valid IP address"));
        return;
    };
    let why = match addr {
        a if a.is_unspecified() => Some("may not be unspecified (0.0.0.0)"),
        a if a.is_loopback() => Some("may not be in the loopback range (127.0.0.0/8, ::1/128)"),
        std::net::IpAddr::V4(v4) if v4.is_link_local() => {
            Some("may not be in the link-local range (169.254.0.0/16, fe80::/10)")
        }
        std::net::IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80 => {
            Some("may not be in the link-local range (169.254.0.0/16, fe80::/10)")
        }
        std::net::IpAddr::V4(v4) if v4.octets()[..3] == [224, 0, 0] => {
            Some("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")
        }
        std::net::IpAddr::V6(v6) if v6.segments()[0] == 0xff02 => {
            Some("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")
        }
        _ => None,
    };
    if let Some(why) = why {
        errs.push(FieldError::invalid(field, ip, why));
    }
}

impl Strategy for Endpoints {
    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        for subset in self.subsets.iter_mut().flatten() {
            for p in subset.ports.iter_mut().flatten() {
                p.protocol.get_or_insert_with(|| "TCP".into());
            }
        }
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        for (i, subset) in self.subsets.iter().flatten().enumerate() {
            let path = format!("subsets[{i}]");
            let lists = [
                ("addresses", subset.addresses.as_deref().unwrap_or_default()),
                (
                    "notReadyAddresses",
                    subset.not_ready_addresses.as_deref().unwrap_or_default(),
                ),
            ];
            if lists.iter().all(|(_, l)| l.is_empty()) {
                errs.push(FieldError::required(path.clone()).with_detail(
                    "Required value: must specify `addresses` or `notReadyAddresses`",
                ));
            }
            for (field, list) in lists {
                for (j, a) in list.iter().enumerate() {
                    let at = format!("{path}.{field}[{j}]");
                    endpoint_ip(&format!("{at}.ip"), &a.ip, &mut errs);
                    if let Some(h) = a.hostname.as_deref().filter(|h| !h.is_empty()) {
                        errs.extend(
                            validation::dns1123_label(h)
                                .into_iter()
                                .map(|m| FieldError::invalid(format!("{at}.hostname"), h, &m)),
                        );
                    }
                }
            }
            let ports = subset.ports.as_deref().unwrap_or_default();
            for (j, p) in ports.iter().enumerate() {
                let at = format!("{path}.ports[{j}]");
                match p.name.as_deref().filter(|n| !n.is_empty()) {
                    None if ports.len() > 1 => {
                        errs.push(FieldError::required(format!("{at}.name")))
                    }
                    Some(n) => errs.extend(
                        validation::dns1123_label(n)
                            .into_iter()
                            .map(|m| FieldError::invalid(format!("{at}.name"), n, &m)),
                    ),
                    None => {}
                }
                errs.extend(validation::port_number(&format!("{at}.port"), p.port));
                errs.extend(validation::protocol(
                    &format!("{at}.protocol"),
                    p.protocol.as_deref(),
                ));
            }
        }
        errs
    }
}
