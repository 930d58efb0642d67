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
    /// Defined by a CustomResourceDefinition rather than built in.
    pub custom: bool,
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
                custom: false,
            })
        })
        .collect()
});

/// Subresources the REST surface serves today.
const SERVED_SUBRESOURCES: &[&str] = &[
    "status",
    "resize",
    "binding",
    "finalize",
    "scale",
    "eviction",
    "approval",
    "ephemeralcontainers",
];

/// Every resource of Kubernetes 1.35, in the table's order.
pub fn all() -> impl Iterator<Item = &'static Resource> {
    ALL.iter()
}

/// Whether Kubarium stores objects of this resource (every other resource of the table
/// is known, and answered with "not supported in Kubarium yet").
pub fn is_served(r: &'static Resource) -> bool {
    r.custom
        || r.group == super::metrics::GROUP
        || (r.group.is_empty() && matches!(r.plural, "componentstatuses" | "bindings"))
        || super::reviews::is_review(r)
        || super::serves(super::conversion::storage(r))
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
pub fn persistent_volumes() -> &'static Resource {
    builtin("", "persistentvolumes")
}
pub fn persistent_volume_claims() -> &'static Resource {
    builtin("", "persistentvolumeclaims")
}
pub fn replica_sets() -> &'static Resource {
    builtin("apps", "replicasets")
}
pub fn replication_controllers() -> &'static Resource {
    builtin("", "replicationcontrollers")
}
pub fn deployments() -> &'static Resource {
    builtin("apps", "deployments")
}
pub fn daemon_sets() -> &'static Resource {
    builtin("apps", "daemonsets")
}
pub fn stateful_sets() -> &'static Resource {
    builtin("apps", "statefulsets")
}
pub fn controller_revisions() -> &'static Resource {
    builtin("apps", "controllerrevisions")
}
pub fn jobs() -> &'static Resource {
    builtin("batch", "jobs")
}
pub fn cron_jobs() -> &'static Resource {
    builtin("batch", "cronjobs")
}
pub fn pod_disruption_budgets() -> &'static Resource {
    builtin("policy", "poddisruptionbudgets")
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

    /// The warning every request on this deprecated resource version gets.
    pub fn deprecation(&self) -> Option<&'static str> {
        match (self.group, self.version, self.kind) {
            ("", "v1", "Endpoints") => {
                Some("v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice")
            }
            ("", "v1", "ComponentStatus") => Some("v1 ComponentStatus is deprecated in v1.19+"),
            _ => None,
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
            format!("{}{namespace}/{name}", self.root())
        } else {
            format!("{}{name}", self.root())
        }
    }

    /// The store prefix for a list in `namespace` (all namespaces when `None`).
    pub fn prefix(&self, namespace: Option<&str>) -> String {
        match namespace {
            Some(ns) if self.namespaced => format!("{}{ns}/", self.root()),
            _ => self.root(),
        }
    }

    /// Where this resource's objects live in the store: custom resources under their
    /// group, as in etcd (`/registry/example.com/widgets/`).
    fn root(&self) -> String {
        if self.custom {
            format!("/registry/{}/{}/", self.group, self.plural)
        } else {
            format!("/registry/{}/", self.plural)
        }
    }
}

/// Finds a resource by the names kubectl accepts: plural, singular, short name or kind,
/// case-insensitively, optionally qualified by group or version and group (`pods`, `po`,
/// `Pod`, `deployments.apps`, `deployments.v1.apps`). Served resources win over
/// unserved ones of the same name (`events` is core/v1 before events.k8s.io).
pub fn lookup(name: &str) -> Option<&'static Resource> {
    let table: Vec<&'static Resource> = all().collect();
    let served: Vec<&'static Resource> = all().filter(|r| is_served(r)).collect();
    lookup_in(&served, name).or_else(|| lookup_in(&table, name))
}

/// The first of `resources` that `name` (as kubectl accepts it) names.
fn lookup_in(resources: &[&'static Resource], name: &str) -> Option<&'static Resource> {
    let lower = name.to_ascii_lowercase();
    let (base, qualifier) = match lower.split_once('.') {
        Some((b, q)) => (b.to_string(), Some(q.to_string())),
        None => (lower.clone(), None),
    };
    let found = |r: &&&Resource| {
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
    resources.iter().find(found).copied()
}

/// Finds the resource for an object's `apiVersion` and `kind`.
pub fn for_kind(api_version: &str, kind: &str) -> Option<&'static Resource> {
    all().find(|r| r.kind == kind && r.api_version() == api_version)
}

/// The names a CustomResourceDefinition gives one served version of its resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomNames {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub singular: String,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    pub namespaced: bool,
    pub subresources: Vec<&'static str>,
}

/// The verbs every custom resource has, in discovery's order.
const CUSTOM_VERBS: &[&str] = &[
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "create",
    "update",
    "watch",
];

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// Custom resource descriptions, each distinct one kept once for the life of the process
/// (requests and the catalog hand out `&'static Resource`, as for the built-in table).
static INTERNED: std::sync::Mutex<Vec<&'static Resource>> = std::sync::Mutex::new(Vec::new());

impl CustomNames {
    fn matches(&self, r: &Resource) -> bool {
        r.group == self.group
            && r.version == self.version
            && r.kind == self.kind
            && r.plural == self.plural
            && r.singular == self.singular
            && r.short_names == self.short_names
            && r.categories == self.categories
            && r.namespaced == self.namespaced
            && r.subresources == self.subresources
    }

    /// The resource these names describe.
    pub fn intern(&self) -> &'static Resource {
        let mut interned = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = interned.iter().find(|r| self.matches(r)) {
            return r;
        }
        let r: &'static Resource = Box::leak(Box::new(Resource {
            kind: leak(&self.kind),
            plural: leak(&self.plural),
            singular: leak(&self.singular),
            short_names: self.short_names.iter().map(|s| leak(s)).collect(),
            categories: self.categories.iter().map(|s| leak(s)).collect(),
            verbs: CUSTOM_VERBS.to_vec(),
            subresources: self.subresources.clone(),
            group: leak(&self.group),
            version: leak(&self.version),
            namespaced: self.namespaced,
            custom: true,
        }));
        interned.push(r);
        r
    }
}

/// The resources one cluster serves: the built-in table and the resources its
/// CustomResourceDefinitions define (`ApiServer::catalog`).
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Each CRD's served versions, its preferred version first.
    pub custom: Vec<&'static Resource>,
    /// Each CRD's resource at its storage version.
    pub custom_stored: Vec<&'static Resource>,
    /// The resources of extension API servers the aggregator serves (metrics.k8s.io
    /// while metrics-server is available).
    pub aggregated: Vec<&'static Resource>,
}

impl Catalog {
    /// Every resource: the built-in table, then the custom ones.
    pub fn all(&self) -> impl Iterator<Item = &'static Resource> + '_ {
        all()
            .chain(self.custom.iter().copied())
            .chain(self.aggregated.iter().copied())
    }

    /// The served resources, each once at its preferred version.
    pub fn preferred(&self) -> impl Iterator<Item = &'static Resource> + '_ {
        let custom = self.custom.iter().enumerate().filter_map(|(i, r)| {
            let first = self
                .custom
                .iter()
                .position(|x| x.group == r.group && x.plural == r.plural);
            (first == Some(i)).then_some(*r)
        });
        preferred()
            .chain(custom)
            .chain(self.aggregated.iter().copied())
    }

    /// The served resources at their storage versions.
    pub fn stored(&self) -> impl Iterator<Item = &'static Resource> + '_ {
        stored().chain(self.custom_stored.iter().copied())
    }

    /// The resource at `group`/`version` named `plural`.
    pub fn find(&self, group: &str, version: &str, plural: &str) -> Option<&'static Resource> {
        self.all()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
    }

    /// [`lookup`] over this catalog: custom resources are found by their names too.
    pub fn lookup(&self, name: &str) -> Option<&'static Resource> {
        lookup(name).filter(|r| is_served(r)).or_else(|| {
            let preferred: Vec<&'static Resource> = self.preferred().filter(|r| r.custom).collect();
            lookup_in(&preferred, name)
                .or_else(|| lookup_in(&self.custom, name))
                .or_else(|| lookup(name))
        })
    }

    /// The resource for an object's `apiVersion` and `kind`.
    pub fn for_kind(&self, api_version: &str, kind: &str) -> Option<&'static Resource> {
        self.all()
            .find(|r| r.kind == kind && r.api_version() == api_version)
    }
}
