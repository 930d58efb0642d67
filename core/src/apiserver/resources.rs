//! The API resources of Kubernetes 1.35 as discovery describes them (group, version,
//! kind, names, scope, verbs, categories, subresources), read once from
//! `api-resources.tsv`, and which of them Kubarium serves today.

use std::sync::LazyLock;

/// One API resource, as discovery describes it.
#[derive(Debug, PartialEq, Eq)]
pub struct Resource {
    pub kind: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: Vec<&'static str>,
    pub categories: Vec<&'static str>,
    pub verbs: Vec<&'static str>,
    pub subresources: Vec<&'static str>,
    pub group: &'static str,
    pub version: &'static str,
    pub namespaced: bool,
}

/// The table the resources are read from (tab-separated, one resource per row).
const TABLE: &str = include_str!("api-resources.tsv");

fn list(cell: &'static str) -> Vec<&'static str> {
    cell.split(',').filter(|s| !s.is_empty()).collect()
}

static ALL: LazyLock<Vec<Resource>> = LazyLock::new(|| {
    TABLE
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .filter_map(|line| {
            let c: Vec<&'static str> = line.split('\t').collect();
            Some(Resource {
                group: c.first()?,
                version: c.get(1)?,
                kind: c.get(2)?,
                plural: c.get(3)?,
                singular: c.get(4)?,
                namespaced: *c.get(5)? == "true",
                short_names: list(c.get(6)?),
                categories: list(c.get(7)?),
                verbs: list(c.get(8)?),
                subresources: list(c.get(9).copied().unwrap_or("")),
            })
        })
        .collect()
});

/// Subresources the REST surface serves today.
const SERVED_SUBRESOURCES: &[&str] = &["status", "binding", "finalize", "scale", "eviction"];

/// Every resource of Kubernetes 1.35, in the table's order.
pub fn all() -> impl Iterator<Item = &'static Resource> {
    ALL.iter()
}

/// Whether Kubarium stores objects of this resource (every other resource of the table
/// is known, and answered with "not supported in Kubarium yet").
pub fn is_served(r: &'static Resource) -> bool {
    super::serves(super::conversion::storage(r))
}

/// The served resources as discovery offers them to clients: each once, at its preferred
/// version (the table's first), in discovery order.
pub fn preferred() -> impl Iterator<Item = &'static Resource> {
    all().enumerate().filter_map(|(i, r)| {
        let first = all().position(|x| x.group == r.group && x.plural == r.plural) == Some(i);
        (first && is_served(r)).then_some(r)
    })
}

/// The served resources at their storage versions: each stored kind once.
pub fn stored() -> impl Iterator<Item = &'static Resource> {
    all().filter(|r| is_served(r) && std::ptr::eq(super::conversion::storage(r), *r))
}

/// Whether the REST surface serves this subresource.
pub fn serves_subresource(sub: &str) -> bool {
    SERVED_SUBRESOURCES.contains(&sub)
}

/// The resource at `group`/`version` named `plural`.
pub fn find(group: &str, version: &str, plural: &str) -> Option<&'static Resource> {
    all().find(|r| r.group == group && r.version == version && r.plural == plural)
}

/// The resource with this plural in `group` (its preferred version: the table's first).
fn builtin(group: &str, plural: &str) -> &'static Resource {
    match all().find(|r| r.group == group && r.plural == plural) {
        Some(r) => r,
        // The table is compiled in; a missing core row is a build defect caught by tests.
        None => panic!("api-resources.tsv lacks {plural}.{group}"),
    }
}

pub fn namespaces() -> &'static Resource {
    builtin("", "namespaces")
}
pub fn nodes() -> &'static Resource {
    builtin("", "nodes")
}
pub fn pods() -> &'static Resource {
    builtin("", "pods")
}
pub fn events() -> &'static Resource {
    builtin("", "events")
}
pub fn services() -> &'static Resource {
    builtin("", "services")
}
pub fn limit_ranges() -> &'static Resource {
    builtin("", "limitranges")
}
pub fn resource_quotas() -> &'static Resource {
    builtin("", "resourcequotas")
}
pub fn priority_classes() -> &'static Resource {
    builtin("scheduling.k8s.io", "priorityclasses")
}
pub fn service_accounts() -> &'static Resource {
    builtin("", "serviceaccounts")
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

    /// `/v1, Resource=pods` or `apps/v1, Resource=deployments`, as Go prints a
    /// GroupVersionResource.
    pub fn gvr_string(&self) -> String {
        format!("{}/{}, Resource={}", self.group, self.version, self.plural)
    }

    /// The REST path of a collection (`namespace` for namespaced lists) or an object.
    pub fn path(&self, namespace: Option<&str>, name: Option<&str>) -> String {
        let ns = if self.namespaced { namespace } else { None };
        super::request::path_for(self.group, self.version, self.plural, ns, name)
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

/// Finds a resource by the names kubectl accepts: plural, singular, short name or kind,
/// case-insensitively, optionally qualified by group or version and group (`pods`, `po`,
/// `Pod`, `deployments.apps`, `deployments.v1.apps`). Served resources win over
/// unserved ones of the same name (`events` is core/v1 before events.k8s.io).
pub fn lookup(name: &str) -> Option<&'static Resource> {
    let lower = name.to_ascii_lowercase();
    let (base, qualifier) = match lower.split_once('.') {
        Some((b, q)) => (b.to_string(), Some(q.to_string())),
        None => (lower.clone(), None),
    };
    let found = |r: &&Resource| {
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
    };
    all()
        .filter(|r| is_served(r))
        .find(found)
        .or_else(|| all().find(found))
}

/// Finds the resource for an object's `apiVersion` and `kind`.
pub fn for_kind(api_version: &str, kind: &str) -> Option<&'static Resource> {
    all().find(|r| r.kind == kind && r.api_version() == api_version)
}
