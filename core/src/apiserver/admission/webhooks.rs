//! MutatingAdmissionWebhook and ValidatingAdmissionWebhook: the webhooks whose rules and
//! selectors match a request are called. A webhook whose Service selects a ready pod
//! running a program Kubarium has (the VPA admission controller) is served by that
//! program, stepped in the tools module with its reads answered from the store; its
//! patch mutates the object and its refusal refuses the request. Other webhook servers
//! cannot be reached yet (the networking issue brings simulated ones), so each matching
//! call fails as it would with no server behind it, and the webhook's failurePolicy
//! decides: Fail refuses the request with the API server's error, Ignore admits it.

use serde_json::{json, Value};

use super::matching::{rule_matches, selectors_match};
use super::Attributes;
use crate::apiserver::errors::{ApiError, FieldError, Reason};
use crate::apiserver::request::{parse_path, Target};
use crate::apiserver::resources;
use crate::store::Store;

/// The webhook servers Kubarium runs, by their image's name.
const SERVERS: [&str; 1] = ["vpa-admission-controller"];

/// Whether a webhook's rules and selectors match the request.
fn matches(attrs: &Attributes<'_>, webhook: &Value, obj: &Value) -> bool {
    let mut rules = webhook["rules"].as_array().into_iter().flatten();
    rules.any(|rule| rule_matches(attrs, rule)) && selectors_match(attrs, webhook, obj)
}

/// Why calling a webhook fails: its service does not exist, or Kubarium cannot call it.
fn call_error(attrs: &Attributes<'_>, webhook: &Value) -> String {
    let config = &webhook["clientConfig"];
    if let Some(url) = config["url"].as_str() {
        return format!(
            "Post \"{url}?timeout={}s\": calling webhook servers is not supported in Kubarium yet",
            webhook["timeoutSeconds"].as_i64().unwrap_or(10)
        );
    }
    let svc = &config["service"];
    let (name, ns) = (
        svc["name"].as_str().unwrap_or(""),
        svc["namespace"].as_str().unwrap_or(""),
    );
    let url = format!(
        "https://{name}.{ns}.svc:{}{}?timeout={}s",
        svc["port"].as_i64().unwrap_or(443),
        svc["path"].as_str().unwrap_or("/"),
        webhook["timeoutSeconds"].as_i64().unwrap_or(10)
    );
    let exists = attrs
        .store
        .get(&resources::services().key(ns, name))
        .is_some();
    if exists {
        format!("Post \"{url}\": calling webhook servers is not supported in Kubarium yet")
    } else {
        format!("Post \"{url}\": service \"{name}\" not found")
    }
}

/// The program serving a webhook: one of `SERVERS` run by a ready pod its Service selects.
fn server(store: &Store, webhook: &Value) -> Option<&'static str> {
    let svc = &webhook["clientConfig"]["service"];
    let ns = svc["namespace"].as_str()?;
    let service = store.get(&resources::services().key(ns, svc["name"].as_str()?))?;
    let selector = service.value()["spec"]["selector"].clone();
    let selected = |pod: &Value| {
        selector.as_object().is_some_and(|s| {
            !s.is_empty() && s.iter().all(|(k, v)| pod["metadata"]["labels"][k] == *v)
        })
    };
    let ready = |pod: &Value| {
        let mut conditions = pod["status"]["conditions"].as_array().into_iter().flatten();
        conditions.any(|c| c["type"] == "Ready" && c["status"] == "True")
    };
    store
        .range(&resources::pods().prefix(Some(ns)))
        .map(|kv| kv.value())
        .filter(|pod| selected(pod) && ready(pod))
        .find_map(|pod| {
            let containers = pod["spec"]["containers"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            SERVERS.into_iter().find(|s| {
                containers.iter().any(|c| {
                    let image =
                        crate::kubelet::images::parse_reference(c["image"].as_str().unwrap_or(""));
                    image.repository.rsplit('/').next() == Some(s)
                })
            })
        })
}

/// What a read of `path` gives from the store: an object, a list or a 404.
fn read(store: &Store, path: &str) -> (u16, Value) {
    let found = match parse_path(path) {
        Target::Resource(info) if info.subresource.is_empty() => {
            let catalog = crate::apiserver::custom_resources::catalog(store);
            catalog
                .find(&info.group, &info.version, &info.resource)
                .and_then(|r| {
                    let ns = Some(info.namespace.as_str()).filter(|n| !n.is_empty());
                    if info.name.is_empty() {
                        let items: Vec<Value> = store
                            .range(&r.prefix(ns))
                            .map(|kv| (*kv.value()).clone())
                            .collect();
                        Some(json!({"items": items}))
                    } else {
                        let key = r.key(ns.unwrap_or(""), &info.name);
                        store.get(&key).map(|kv| (*kv.value()).clone())
                    }
                })
        }
        _ => None,
    };
    found.map_or((404, json!({"message": "not found"})), |v| (200, v))
}

/// Asks a program to review the request; its answer (`allowed`, the patched `object`,
/// `warnings`, `status`), or None when the tools module is not loaded.
fn review(attrs: &Attributes<'_>, program: &str, obj: &Value) -> Option<Value> {
    let r = attrs.resource;
    let review = json!({
        "operation": attrs.operation.as_str(),
        "namespace": attrs.namespace,
        "resource": {"group": r.group, "version": r.version, "resource": r.plural},
        "object": obj,
        "oldObject": attrs.old,
        "dryRun": attrs.dry_run,
    });
    let tick = json!({"now": 0, "review": review});
    let step = crate::controllers::add_on::step(&format!("{program}/webhook"), tick, |req| {
        read(attrs.store, req["path"].as_str().unwrap_or(""))
    })?;
    Some(step["response"].clone()).filter(|r| !r.is_null())
}

/// Runs the mutating webhooks Kubarium serves that match the request on the object (as
/// JSON; Kubarium calls them before the built-in plugins); returns their warnings, or
/// the refusal.
pub fn mutate(attrs: &Attributes<'_>, obj: &mut Value) -> Result<Vec<String>, ApiError> {
    let mut warnings = vec![];
    if attrs.resource.group == "admissionregistration.k8s.io"
        || !attrs.plugins.on("MutatingAdmissionWebhook")
    {
        return Ok(warnings);
    }
    let Some(configs) = resources::find(
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
    ) else {
        return Ok(warnings);
    };
    let webhooks: Vec<Value> = attrs
        .store
        .range(&configs.prefix(None))
        .flat_map(|kv| {
            kv.value()["webhooks"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    for webhook in webhooks {
        if !matches(attrs, &webhook, obj) {
            continue;
        }
        let Some(program) = server(attrs.store, &webhook) else {
            continue;
        };
        let Some(answer) = review(attrs, program, obj) else {
            continue;
        };
        if answer["allowed"] != true {
            // The program's Invalid status, prefixed by the API server.
            let d = &answer["status"]["details"];
            let text = |v: &Value| v.as_str().unwrap_or("").to_string();
            let causes = d["causes"].as_array().into_iter().flatten();
            let causes = causes.map(|c| FieldError {
                field: text(&c[0]),
                detail: text(&c[1]),
            });
            let mut e = ApiError::invalid_in(
                &text(&d["group"]),
                &text(&d["kind"]),
                &text(&d["name"]),
                causes.collect(),
            );
            let webhook_name = webhook["name"].as_str().unwrap_or("");
            e.message = format!(
                "admission webhook \"{webhook_name}\" denied the request: {}",
                e.message
            );
            return Err(e);
        }
        if answer["object"].is_object() {
            *obj = answer["object"].clone();
        }
        let texts = answer["warnings"].as_array().into_iter().flatten();
        warnings.extend(texts.filter_map(Value::as_str).map(String::from));
    }
    Ok(warnings)
}

/// Calls the webhooks of every configuration of `plural` that match the request (those
/// Kubarium serves were called by `mutate`).
pub fn admit(attrs: &Attributes<'_>, obj: &Value, plural: &str) -> Result<(), ApiError> {
    // Webhooks never intercept the objects that configure admission.
    if attrs.resource.group == "admissionregistration.k8s.io" {
        return Ok(());
    }
    let Some(configs) = resources::find("admissionregistration.k8s.io", "v1", plural) else {
        return Ok(());
    };
    for kv in attrs.store.range(&configs.prefix(None)) {
        for webhook in kv.value()["webhooks"].as_array().into_iter().flatten() {
            if !matches(attrs, webhook, obj)
                || webhook["failurePolicy"] == "Ignore"
                || server(attrs.store, webhook).is_some()
            {
                continue;
            }
            return Err(ApiError::new(
                Reason::InternalError,
                format!(
                    "Internal error occurred: failed calling webhook \"{}\": failed to call webhook: {}",
                    webhook["name"].as_str().unwrap_or(""),
                    call_error(attrs, webhook)
                ),
            ));
        }
    }
    Ok(())
}
