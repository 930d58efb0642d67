//! The CRD naming and establishing controllers of apiextensions-apiserver (they run in
//! kube-apiserver's process): a CRD's names are accepted unless another CRD of its group
//! already uses them, and a CRD with accepted names is Established.

use serde_json::{json, Value};

use super::{Controller, Informer};
use crate::apiserver::client::Client;
use crate::apiserver::request::User;
use crate::apiserver::resources::{self, Resource};
use crate::apiserver::ApiServer;
use crate::clock::to_time;
use crate::events::Recorder;

#[derive(Debug, Clone, Default)]
pub struct CrdNamingController {
    crds: Informer,
}

/// The CRD resource.
pub fn crds() -> Option<&'static Resource> {
    resources::find("apiextensions.k8s.io", "v1", "customresourcedefinitions")
}

/// The names of `crd` another CRD of its group already accepted, if any: (condition
/// reason, message).
fn conflict(crd: &Value, all: &[Value]) -> Option<(&'static str, String)> {
    let group = &crd["spec"]["group"];
    let names = &crd["spec"]["names"];
    let others = all.iter().filter(|o| {
        o["spec"]["group"] == *group && o["metadata"]["name"] != crd["metadata"]["name"]
    });
    for other in others {
        let accepted = &other["status"]["acceptedNames"];
        if accepted["plural"] == names["plural"] {
            return Some((
                "PluralConflict",
                format!(
                    "\"{}\" is already in use",
                    names["plural"].as_str().unwrap_or("")
                ),
            ));
        }
        if accepted["kind"] == names["kind"] {
            return Some((
                "KindConflict",
                format!(
                    "\"{}\" is already in use",
                    names["kind"].as_str().unwrap_or("")
                ),
            ));
        }
    }
    None
}

/// `conditions` with `ty` set to status/reason/message, keeping the transition time
/// when the status stays.
pub(super) fn set_condition(
    conditions: &mut Vec<Value>,
    ty: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: &Value,
) {
    let since = conditions
        .iter()
        .find(|c| c["type"] == ty && c["status"] == status)
        .map_or_else(|| now.clone(), |c| c["lastTransitionTime"].clone());
    let cond = json!({"type": ty, "status": status, "lastTransitionTime": since, "reason": reason, "message": message});
    match conditions.iter_mut().find(|c| c["type"] == ty) {
        Some(c) => *c = cond,
        None => conditions.push(cond),
    }
}

impl Controller for CrdNamingController {
    fn name(&self) -> &'static str {
        "crd-naming"
    }

    fn component(&self) -> super::Component {
        // The API server's own loops (apiextensions, the aggregator).
        super::Component::ApiServer
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn sync(&mut self, api: &mut ApiServer, _rec: &mut Recorder) {
        let Some(r) = crds() else { return };
        let changed = self.crds.changes(api, r).objects();
        if changed.is_empty() {
            return;
        }
        let now = json!(to_time(api.now()));
        let mut client = Client::component(api, User::system("system:apiserver"));
        let all = client.list(r, None, Default::default()).unwrap_or_default();
        for crd in &all {
            let mut updated = crd.clone();
            let status = &mut updated["status"];
            let mut conditions: Vec<Value> =
                status["conditions"].as_array().cloned().unwrap_or_default();
            match conflict(crd, &all) {
                Some((reason, message)) => {
                    set_condition(
                        &mut conditions,
                        "NamesAccepted",
                        "False",
                        reason,
                        &message,
                        &now,
                    );
                    if !conditions
                        .iter()
                        .any(|c| c["type"] == "Established" && c["status"] == "True")
                    {
                        set_condition(
                            &mut conditions,
                            "Established",
                            "False",
                            "NotAccepted",
                            "not all names are accepted",
                            &now,
                        );
                    }
                }
                None => {
                    status["acceptedNames"] = crd["spec"]["names"].clone();
                    set_condition(
                        &mut conditions,
                        "NamesAccepted",
                        "True",
                        "NoConflicts",
                        "no conflicts found",
                        &now,
                    );
                    if !conditions
                        .iter()
                        .any(|c| c["type"] == "Established" && c["status"] == "True")
                    {
                        set_condition(
                            &mut conditions,
                            "Established",
                            "True",
                            "InitialNamesAccepted",
                            "the initial names have been accepted",
                            &now,
                        );
                    }
                }
            }
            status["conditions"] = Value::Array(conditions);
            if updated != *crd {
                let _ = client.update(r, "", updated, "status", &[]);
            }
        }
    }
}
