//! The API resources Kubarium serves: kinds, plurals, short names and scope, defined once.

/// One API resource, as discovery describes it.
#[derive(Debug, PartialEq, Eq)]
pub struct Resource {
    pub kind: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    pub group: &'static str,
    pub version: &'static str,
    pub namespaced: bool,
}

impl Resource {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The name kubectl prints for this resource in `kind/name` form (`pod`, `deployment.apps`).
    pub fn kubectl_kind(&self) -> String {
        if self.group.is_empty() {
            self.singular.to_string()
        } else {
            format!("{}.{}", self.singular, self.group)
        }
    }

    /// `pods` or `deployments.apps`, as used in API error messages.
    pub fn group_resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// The store key for an object of this resource.
    pub fn key(&self, namespace: &str, name: &str) -> String {
        if self.namespaced {
            format!("/registry/{}/{}/{}", self.plural, namespace, name)
        } else {
            format!("/registry/{}/{}", self.plural, name)
        }
    }

    /// The store prefix for a list in `namespace` (all namespaces when `None`).
    pub fn prefix(&self, namespace: Option<&str>) -> String {
        match namespace {
            Some(ns) if self.namespaced => format!("/registry/{}/{}/", self.plural, ns),
            _ => format!("/registry/{}/", self.plural),
        }
    }
}

pub const NAMESPACES: Resource = Resource {
    kind: "Namespace",
    plural: "namespaces",
    singular: "namespace",
    short_names: &["ns"],
    group: "",
    version: "v1",
    namespaced: false,
};
pub const NODES: Resource = Resource {
    kind: "Node",
    plural: "nodes",
    singular: "node",
    short_names: &["no"],
    group: "",
    version: "v1",
    namespaced: false,
};
pub const PODS: Resource = Resource {
    kind: "Pod",
    plural: "pods",
    singular: "pod",
    short_names: &["po"],
    group: "",
    version: "v1",
    namespaced: true,
};
pub const EVENTS: Resource = Resource {
    kind: "Event",
    plural: "events",
    singular: "event",
    short_names: &["ev"],
    group: "",
    version: "v1",
    namespaced: true,
};
pub const SERVICES: Resource = Resource {
    kind: "Service",
    plural: "services",
    singular: "service",
    short_names: &["svc"],
    group: "",
    version: "v1",
    namespaced: true,
};

/// Every served resource, in discovery order.
pub const ALL: &[&Resource] = &[&NAMESPACES, &NODES, &PODS, &EVENTS, &SERVICES];

/// Finds a resource by the names kubectl accepts: plural, singular, short name or kind,
/// case-insensitively, optionally qualified by group (`pods`, `po`, `Pod`, `pods.v1`).
pub fn lookup(name: &str) -> Option<&'static Resource> {
    let lower = name.to_ascii_lowercase();
    let (base, qualifier) = match lower.split_once('.') {
        Some((b, q)) => (b.to_string(), Some(q.to_string())),
        None => (lower.clone(), None),
    };
    ALL.iter().copied().find(|r| {
        let name_matches = r.plural == base
            || r.singular == base
            || r.short_names.contains(&base.as_str())
            || r.kind.to_ascii_lowercase() == base;
        let qualifier_matches = match &qualifier {
            None => true,
            Some(q) => {
                q == r.group
                    || *q == r.version
                    || *q == format!("{}.{}", r.version, r.group).trim_end_matches('.')
            }
        };
        name_matches && qualifier_matches
    })
}

/// Finds the resource for an object's `apiVersion` and `kind`.
pub fn for_kind(api_version: &str, kind: &str) -> Option<&'static Resource> {
    ALL.iter()
        .copied()
        .find(|r| r.kind == kind && r.api_version() == api_version)
}
