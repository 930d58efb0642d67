//! distribution/reference's grammar for image references, as kubectl run checks an image
//! name and the kubelet parses one before it pulls (`ParseNormalizedNamed`).

/// Why distribution/reference's `ParseNormalizedNamed` rejects `image`, as the kubelet
/// checks every image before it pulls or starts it (the message after `couldn't parse
/// image name "…": `); None for a valid reference.
pub fn invalid_reference(image: &str) -> Option<String> {
    if image.len() == 64
        && image
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Some(format!(
            "invalid repository name ({image}), cannot specify 64-byte hexadecimal strings"
        ));
    }
    // splitDockerDomain: the first part is a registry only if it looks like a host.
    let (domain, mut remote) = match image.split_once('/') {
        Some((d, r)) if d.contains(['.', ':']) || d == "localhost" || d.to_lowercase() != d => {
            (d, r.to_string())
        }
        _ => ("docker.io", image.to_string()),
    };
    let domain = if domain == "index.docker.io" {
        "docker.io"
    } else {
        domain
    };
    if domain == "docker.io" && !remote.contains('/') {
        remote = format!("library/{remote}");
    }
    // Only the repository must be lower-case, not its tag.
    let repository = remote.split(':').next().unwrap_or(&remote);
    if repository.to_lowercase() != repository {
        return Some(format!(
            "invalid reference format: repository name ({repository}) must be lowercase"
        ));
    }
    let whole = format!("{domain}/{remote}");
    if reference_matches(&whole) {
        let name_len = whole.split(['@']).next().map_or(0, |n| {
            n.rsplit_once(':')
                .filter(|(_, t)| !t.contains('/'))
                .map_or(n.len(), |(n, _)| n.len())
        });
        return (name_len > 255)
            .then(|| "repository name must not be more than 255 characters".to_string());
    }
    Some(if reference_matches(&whole.to_lowercase()) {
        "repository name must be lowercase".to_string()
    } else {
        "invalid reference format".to_string()
    })
}

/// distribution/reference's ReferenceRegexp: `domain/path[:tag][@digest]`.
fn reference_matches(s: &str) -> bool {
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    let (name, tag) = match rest.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, Some(t)),
        _ => (rest, None),
    };
    let Some((domain, path)) = name.split_once('/') else {
        return false;
    };
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    // A path component: lower-case alphanumerics joined by one `.`, one or two `_`, or dashes.
    let separator = |s: &str| matches!(s, "" | "." | "_" | "__") || s.bytes().all(|b| b == b'-');
    let component = |p: &str| {
        let mut seps = String::new();
        for (i, c) in p.chars().enumerate() {
            if alnum(c) {
                if !separator(&seps) {
                    return false;
                }
                seps.clear();
            } else if matches!(c, '.' | '_' | '-') && i > 0 {
                seps.push(c);
            } else {
                return false;
            }
        }
        !p.is_empty() && seps.is_empty()
    };
    let domain_ok = {
        let (host, port) = match domain.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (domain, None),
        };
        let label = |l: &str| {
            !l.is_empty()
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        host.split('.').all(label)
            && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    let tag_ok = tag.is_none_or(|t| {
        let mut cs = t.chars();
        t.len() <= 128
            && cs
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && cs.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    });
    let digest_ok = digest.is_none_or(|d| {
        d.split_once(':').is_some_and(|(algo, hex)| {
            algo.starts_with(|c: char| c.is_ascii_alphabetic())
                && algo
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '.'))
                && hex.len() >= 32
                && hex.bytes().all(|b| b.is_ascii_hexdigit())
        })
    });
    domain_ok && path.split('/').all(component) && tag_ok && digest_ok
}

/// Whether `image` matches ReferenceRegexp as written (kubectl run's check): with or
/// without a registry in front.
pub fn matches(image: &str) -> bool {
    reference_matches(image) || reference_matches(&format!("x/{image}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_references() {
        for ok in [
            "nginx",
            "nginx:1.27",
            "registry.k8s.io/pause:3.10",
            "localhost:5000/my_app__x/a-b.c:v1",
            "busybox@sha256:771e6aafb805ef10f0acec68773ec29c7262be8711b90d0b3ccd4aca595235f9",
            "polinux/stress",
        ] {
            assert_eq!(invalid_reference(ok), None, "{ok}");
        }
        let bad = |s: &str| invalid_reference(s).unwrap_or_default();
        assert_eq!(
            bad("NGINX"),
            "invalid reference format: repository name (library/NGINX) must be lowercase"
        );
        assert_eq!(invalid_reference("nginx:Latest"), None);
        assert_eq!(bad("nginx:1.2:3"), "invalid reference format");
        assert_eq!(bad("nginx:"), "invalid reference format");
        assert_eq!(bad("my image"), "invalid reference format");
        assert_eq!(bad("a//b"), "invalid reference format");
    }

    #[test]
    fn as_written() {
        assert!(matches("nginx"));
        assert!(matches("localhost:5000/app:v1"));
        assert!(!matches("NGINX"));
        assert!(!matches("nginx:1.2:3"));
    }
}
