//! Name and label validation with the messages of k8s.io/apimachinery's validation package.

use super::errors::FieldError;

const LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1035_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";

fn is_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// Problems with `s` as an RFC 1123 subdomain (object names of most kinds).
pub fn dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errs = vec![];
    if s.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    if !s.split('.').all(is_label) {
        errs.push(format!(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{LABEL_FMT}(\\.{LABEL_FMT})*')"
        ));
    }
    errs
}

/// Problems with `s` as an RFC 1123 label (namespace names, container names).
pub fn dns1123_label(s: &str) -> Vec<String> {
    let mut errs = vec![];
    if s.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !is_label(s) {
        errs.push(format!(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '{LABEL_FMT}')"
        ));
    }
    errs
}

/// Problems with `s` as an RFC 1035 label (service names).
pub fn dns1035_label(s: &str) -> Vec<String> {
    let mut errs = vec![];
    if s.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !is_label(s) || !s.as_bytes()[0].is_ascii_lowercase() {
        errs.push(format!(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '{DNS1035_FMT}')"
        ));
    }
    errs
}

fn is_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

const QUALIFIED_NAME_RULE: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/// IsQualifiedName: an optional DNS subdomain prefix and '/', then a name part.
pub fn qualified_name(s: &str) -> Vec<String> {
    let parts: Vec<&str> = s.split('/').collect();
    let (prefix, name) = match parts.as_slice() {
        [name] => (None, *name),
        [prefix, name] => (Some(*prefix), *name),
        _ => {
            return vec![format!(
                "a qualified name {QUALIFIED_NAME_RULE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            )]
        }
    };
    let mut errs = vec![];
    match prefix {
        Some("") => errs.push("prefix part must be non-empty".to_string()),
        Some(p) => errs.extend(
            dns1123_subdomain(p)
                .into_iter()
                .map(|m| format!("prefix part {m}")),
        ),
        None => {}
    }
    if name.is_empty() {
        errs.push("name part must be non-empty".into());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".into());
    } else if !is_qualified_name_part(name) {
        errs.push(format!("name part {QUALIFIED_NAME_RULE}"));
    }
    errs
}

/// Validates label keys and values as metav1validation does.
pub fn labels(
    labels: Option<&std::collections::BTreeMap<String, String>>,
    field: &str,
) -> Vec<FieldError> {
    let mut errs = vec![];
    for (k, v) in labels.into_iter().flatten() {
        let (prefix, name) = match k.split_once('/') {
            Some((p, n)) => (Some(p), n),
            None => (None, k.as_str()),
        };
        let prefix_ok = prefix.is_none_or(|p| dns1123_subdomain(p).is_empty());
        if !prefix_ok || !is_qualified_name_part(name) {
            errs.push(FieldError::invalid(
                field,
                k,
                "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            ));
        }
        if !v.is_empty() && !is_qualified_name_part(v) {
            errs.push(FieldError::invalid(
                field,
                v,
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            ));
        }
    }
    errs
}

/// A port number outside 1-65535 (validation.IsValidPortNum).
pub fn port_number(field: &str, port: i32) -> Option<FieldError> {
    (!(1..=65535).contains(&port)).then(|| {
        FieldError::invalid_raw(
            field,
            &port.to_string(),
            "must be between 1 and 65535, inclusive",
        )
    })
}

/// A string that is not an IP address.
pub fn ip_address(field: &str, ip: &str) -> Option<FieldError> {
    ip.parse::<std::net::IpAddr>().is_err().then(|| {
        FieldError::invalid(
            field,
            ip,
            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
        )
    })
}

/// A port protocol other than TCP, UDP or SCTP.
pub fn protocol(field: &str, protocol: Option<&str>) -> Option<FieldError> {
    FieldError::one_of(field, protocol, &["SCTP", "TCP", "UDP"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(dns1123_subdomain("nginx.example-1").is_empty());
        assert_eq!(dns1123_subdomain("Nginx").len(), 1);
        assert_eq!(dns1123_subdomain("a..b").len(), 1);
        assert!(dns1123_label("kube-system").is_empty());
        assert_eq!(dns1123_label("a.b").len(), 1);
        assert_eq!(dns1035_label("1abc").len(), 1);
        assert!(dns1035_label("abc-1").is_empty());
    }
}
