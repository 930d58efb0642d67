//! The clusterrole-aggregation controller: a ClusterRole with an aggregation rule holds
//! the rules of every ClusterRole its selectors match (by name order, each rule once).

use std::collections::BTreeMap;

use k8s_openapi::api::rbac::v1::{ClusterRole, PolicyRule};

use super::{Controller, Informer};
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::events::Recorder;
use crate::labels::selector_matches;

#[derive(Debug, Clone, Default)]
pub struct ClusterRoleAggregationController {
    roles: Informer,
}

fn cluster_roles() -> &'static resources::Resource {
    resources::find("rbac.authorization.k8s.io", "v1", "clusterroles")
        .unwrap_or_else(resources::namespaces)
}

impl Controller for ClusterRoleAggregationController {
    fn name(&self) -> &'static str {
        "clusterrole-aggregation"
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn sync(&mut self, api: &mut ApiServer, _rec: &mut Recorder) {
        let r = cluster_roles();
        if self.roles.changes(api, r).objects().is_empty() {
            return;
        }
        let roles: Vec<ClusterRole> = api.list_typed(r, None);
        for role in roles.iter().filter(|c| c.aggregation_rule.is_some()) {
            let selectors = role
                .aggregation_rule
                .as_ref()
                .and_then(|a| a.cluster_role_selectors.clone())
                .unwrap_or_default();
            let mut rules: Vec<PolicyRule> = vec![];
            for other in &roles {
                if other.metadata.name == role.metadata.name {
                    continue;
                }
                let labels = other.metadata.labels.clone().unwrap_or_else(BTreeMap::new);
                if !selectors.iter().any(|s| selector_matches(s, &labels)) {
                    continue;
                }
                for rule in other.rules.iter().flatten() {
                    if !rules.contains(rule) {
                        rules.push(rule.clone());
                    }
                }
            }
            let current = role.rules.clone().unwrap_or_default();
            if current != rules {
                let mut next = role.clone();
                next.rules = Some(rules);
                if let Ok(body) = serde_json::to_value(&next) {
                    let _ = super::client(api).update(r, "", body, "", &[]);
                }
            }
        }
    }
}
