//! The resource quota controller: keeps each quota's `status.hard` and `status.used` equal
//! to its spec and to what the objects of its namespace use, whenever something there
//! changes (admission charges creates at once; this also returns what deletes free).

use std::collections::BTreeSet;

use serde_json::Value;

use super::Controller;
use crate::apiserver::admission::resource_quota::in_scope;
use crate::apiserver::quota::{self, Usage};
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::events::Recorder;

#[derive(Debug, Clone, Default)]
pub struct ResourceQuotaController {
    last_revision: i64,
}

/// What the objects of `ns` use, as `quota` counts them.
fn usage_in(api: &ApiServer, ns: &str, q: &Value) -> Usage {
    let mut total = Usage::new();
    for r in resources::stored().filter(|r| r.namespaced) {
        for obj in api.list(r, Some(ns)) {
            if in_scope(q, r, &obj) {
                quota::sum_into(&mut total, &quota::usage(r, &obj));
            }
        }
    }
    total
}

impl Controller for ResourceQuotaController {
    fn name(&self) -> &'static str {
        "resourcequota"
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn sync(&mut self, api: &mut ApiServer, _rec: &mut Recorder) {
        let now = api.store.revision();
        let touched: Option<BTreeSet<String>> = if self.last_revision == 0 {
            None
        } else {
            api.store
                .watch("/registry/", self.last_revision)
                .ok()
                .map(|evs| {
                    evs.iter()
                        .filter_map(|e| {
                            e.kv.value()["metadata"]["namespace"]
                                .as_str()
                                .map(String::from)
                        })
                        .collect()
                })
        };
        self.last_revision = now;
        let quotas = api.list(resources::resource_quotas(), None);
        for q in quotas {
            let ns = q["metadata"]["namespace"]
                .as_str()
                .unwrap_or("")
                .to_string();
            if touched.as_ref().is_some_and(|t| !t.contains(&ns)) {
                continue;
            }
            let hard = quota::hard(&q);
            let used = usage_in(api, &ns, &q);
            let mut next = q.clone();
            next["status"]["hard"] = q["spec"]["hard"].clone();
            next["status"]["used"] = quota::to_list(&used, hard.keys().cloned());
            if next != q {
                let _ = super::client(api).update(
                    resources::resource_quotas(),
                    &ns,
                    next,
                    "status",
                    &[],
                );
            }
        }
        // Its own status writes are changes too; they need no second look.
        self.last_revision = api.store.revision();
    }
}
