//! Describers for Roles, ClusterRoles and their bindings: the rules broken down to one
//! verb each, merged back per resource, sorted as kubectl sorts them.

use crate::value::owned_strings;
use serde_json::Value;

use super::{s, write_annotations, write_map};
use crate::tabwriter;

/// One policy rule with its lists, in PolicyRule's field order.
#[derive(Clone, PartialEq)]
struct Rule {
    verbs: Vec<String>,
    groups: Vec<String>,
    resources: Vec<String>,
    names: Vec<String>,
    urls: Vec<String>,
}

/// Go's `%v` of a string slice: `[a b]`.
fn go_list(v: &[String]) -> String {
    format!("[{}]", v.join(" "))
}

impl Rule {
    /// The generated protobuf `String()`, which kubectl sorts rules by.
    fn key(&self) -> String {
        format!(
            "&PolicyRule{{Verbs:{},APIGroups:{},Resources:{},ResourceNames:{},NonResourceURLs:{},}}",
            go_list(&self.verbs),
            go_list(&self.groups),
            go_list(&self.resources),
            go_list(&self.names),
            go_list(&self.urls)
        )
    }
}

/// Each rule as rules with one group, resource, verb and resource name each.
fn breakdown(rule: &Value) -> Vec<Rule> {
    let (verbs, groups, resources, names, urls) = (
        owned_strings(&rule["verbs"]),
        owned_strings(&rule["apiGroups"]),
        owned_strings(&rule["resources"]),
        owned_strings(&rule["resourceNames"]),
        owned_strings(&rule["nonResourceURLs"]),
    );
    let one = |x: &String| vec![x.clone()];
    let mut out = vec![];
    for g in &groups {
        for r in &resources {
            for v in &verbs {
                let base = Rule {
                    verbs: one(v),
                    groups: one(g),
                    resources: one(r),
                    names: vec![],
                    urls: vec![],
                };
                for n in &names {
                    out.push(Rule {
                        names: one(n),
                        ..base.clone()
                    });
                }
                if names.is_empty() {
                    out.push(base);
                }
            }
        }
    }
    for u in &urls {
        for v in &verbs {
            out.push(Rule {
                verbs: one(v),
                groups: vec![],
                resources: vec![],
                names: vec![],
                urls: one(u),
            });
        }
    }
    out
}

/// Merges the verbs of rules about the same single resource (and resource name).
fn compact(rules: Vec<Rule>) -> Vec<Rule> {
    let mut out: Vec<Rule> = vec![];
    let mut simple: Vec<Rule> = vec![];
    for r in rules {
        let is_simple = r.names.len() <= 1
            && r.urls.is_empty()
            && r.groups.len() == 1
            && r.resources.len() == 1;
        if !is_simple {
            out.push(r);
            continue;
        }
        match simple
            .iter_mut()
            .find(|x| x.groups == r.groups && x.resources == r.resources && x.names == r.names)
        {
            Some(existing) => {
                for v in r.verbs {
                    if !existing.verbs.contains(&v) {
                        existing.verbs.push(v);
                    }
                }
            }
            None => simple.push(r),
        }
    }
    out.extend(simple);
    crate::sort::by_key(&mut out, Rule::key);
    out
}

/// `resource.group/subresource`, as the describer shows a rule's resource.
fn resource_group(r: &Rule) -> String {
    let Some(first) = r.resources.first() else {
        return String::new();
    };
    let (base, sub) = match first.split_once('/') {
        Some((b, s)) => (b, Some(s)),
        None => (first.as_str(), None),
    };
    let mut out = base.to_string();
    if let Some(g) = r.groups.first().filter(|g| !g.is_empty()) {
        out.push('.');
        out.push_str(g);
    }
    if let Some(s) = sub {
        out.push('/');
        out.push_str(s);
    }
    out
}

/// `kubectl describe role|clusterrole`.
pub fn role(obj: &Value) -> String {
    let mut out = String::new();
    out.push_str(&format!("Name:\t{}\n", s(obj, "/metadata/name")));
    write_map(&mut out, "", "Labels", &obj["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &obj["metadata"]["annotations"]);
    out.push_str("PolicyRule:\n");
    out.push_str("  Resources\tNon-Resource URLs\tResource Names\tVerbs\n");
    out.push_str("  ---------\t-----------------\t--------------\t-----\n");
    let rules: Vec<Rule> = obj["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(breakdown)
        .collect();
    for r in compact(rules) {
        out.push_str(&format!(
            "  {}\t{}\t{}\t{}\n",
            resource_group(&r),
            go_list(&r.urls),
            go_list(&r.names),
            go_list(&r.verbs)
        ));
    }
    tabwriter::align(&out, 0, 2)
}

/// `kubectl describe rolebinding|clusterrolebinding`.
pub fn role_binding(obj: &Value) -> String {
    let mut out = String::new();
    out.push_str(&format!("Name:\t{}\n", s(obj, "/metadata/name")));
    write_map(&mut out, "", "Labels", &obj["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &obj["metadata"]["annotations"]);
    out.push_str("Role:\n");
    out.push_str(&format!("  Kind:\t{}\n", s(obj, "/roleRef/kind")));
    out.push_str(&format!("  Name:\t{}\n", s(obj, "/roleRef/name")));
    out.push_str("Subjects:\n");
    out.push_str("  Kind\tName\tNamespace\n");
    out.push_str("  ----\t----\t---------\n");
    for sub in obj["subjects"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "  {}\t{}\t{}\n",
            s(sub, "/kind"),
            s(sub, "/name"),
            s(sub, "/namespace")
        ));
    }
    tabwriter::align(&out, 0, 2)
}
