//! The REST surface driven directly, as the HTTP server and client libraries will drive
//! it: a table of requests and the status code each must get, then the state they left.
//! Everything runs in order on one default cluster.

use kubarium_core::apiserver::request::{Method, PatchType, Request};
use kubarium_core::cluster::Cluster;
use serde_json::{json, Value};

/// One request and the status code it must get.
struct Step {
    method: Method,
    url: &'static str,
    body: Value,
    code: u16,
}

fn step(method: Method, url: &'static str, body: Value, code: u16) -> Step {
    Step {
        method,
        url,
        body,
        code,
    }
}

fn deployment() -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
           "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                                 "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}})
}

#[test]
fn rest_surface_steps() {
    let deploys = "/apis/apps/v1/namespaces/default/deployments";
    let steps = vec![
        step(
            Method::Post,
            "/apis/apps/v1/namespaces/default/deployments",
            deployment(),
            201,
        ),
        step(
            Method::Get,
            "/apis/apps/v1/namespaces/default/deployments/web/scale",
            Value::Null,
            200,
        ),
        step(
            Method::Put,
            "/apis/apps/v1/namespaces/default/deployments/web/scale",
            json!({"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "web"}, "spec": {"replicas": 5}}),
            200,
        ),
        step(
            Method::Post,
            "/api/v1/namespaces/default/pods/nope/eviction",
            json!({"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "nope"}}),
            404,
        ),
        step(
            Method::Delete,
            "/api/v1/namespaces/default/pods/nope/log",
            Value::Null,
            404,
        ),
        step(
            Method::Put,
            "/apis/apps/v1/namespaces/default/deployments/other",
            deployment(),
            400,
        ),
    ];
    let mut c = Cluster::new(1);
    let mut run = |s: &Step| {
        let mut req = Request::from_url(s.method, s.url);
        if !s.body.is_null() {
            req.body = Some(s.body.clone());
        }
        c.api.handle(&req)
    };
    for s in &steps {
        let resp = run(s);
        assert_eq!(resp.code, s.code, "{:?} {}: {}", s.method, s.url, resp.body);
    }
    // The scale write reached the Deployment; the selector reads as a selector string.
    let scale = run(&step(
        Method::Get,
        "/apis/apps/v1/namespaces/default/deployments/web/scale",
        Value::Null,
        200,
    ));
    assert_eq!(scale.body["spec"]["replicas"], 5);
    assert_eq!(scale.body["status"]["selector"], "app=web");
    let d = run(&step(
        Method::Get,
        "/apis/apps/v1/namespaces/default/deployments/web",
        Value::Null,
        200,
    ));
    assert_eq!(d.body["spec"]["replicas"], 5);
    assert_eq!(d.body["metadata"]["generation"], 2);
    // A merge patch on the scale subresource.
    let mut patch = Request::new(Method::Patch, format!("{deploys}/web/scale"))
        .body(json!({"spec": {"replicas": 1}}));
    patch.content_type = Some(PatchType::Merge.content_type().into());
    assert_eq!(c.api.handle(&patch).body["spec"]["replicas"], 1);
    // Strategic merge patch on the Deployment: containers merge by name.
    let mut smp = Request::new(Method::Patch, format!("{deploys}/web")).body(json!(
        {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx:1.28"}]}}}}));
    smp.content_type = Some(PatchType::StrategicMerge.content_type().into());
    let patched = c.api.handle(&smp);
    assert_eq!(patched.code, 200, "{}", patched.body);
    let container = &patched.body["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["image"], "nginx:1.28");
    assert_eq!(container["imagePullPolicy"], "IfNotPresent");
    // A JSON patch that fails its test leaves the object as it was.
    let mut jp = Request::new(Method::Patch, format!("{deploys}/web")).body(json!(
        [{"op": "test", "path": "/spec/replicas", "value": 9}, {"op": "replace", "path": "/spec/replicas", "value": 3}]));
    jp.content_type = Some(PatchType::Json.content_type().into());
    assert!(!c.api.handle(&jp).is_success());
    // Evicting a pod no budget covers deletes it.
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "x"}},
                     "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
    assert_eq!(
        c.api
            .handle(&Request::post("/api/v1/namespaces/default/pods", pod))
            .code,
        201
    );
    let evict = Request::post(
        "/api/v1/namespaces/default/pods/p/eviction",
        json!({"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "p"}}),
    );
    assert_eq!(c.api.handle(&evict).code, 201);
    assert_eq!(
        c.api
            .handle(&Request::get("/api/v1/namespaces/default/pods/p"))
            .code,
        404
    );
    // A budget whose status the disruption controller has not processed blocks evictions.
    let pdb = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "b"},
                     "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "y"}}}});
    assert_eq!(
        c.api
            .handle(&Request::post(
                "/apis/policy/v1/namespaces/default/poddisruptionbudgets",
                pdb
            ))
            .code,
        201
    );
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "q", "labels": {"app": "y"}},
                     "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
    assert_eq!(
        c.api
            .handle(&Request::post("/api/v1/namespaces/default/pods", pod))
            .code,
        201
    );
    let evict = Request::post(
        "/api/v1/namespaces/default/pods/q/eviction",
        json!({"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "q"}}),
    );
    let refused = c.api.handle(&evict);
    assert_eq!(refused.code, 429, "{}", refused.body);
    assert_eq!(
        refused.body["message"],
        "Cannot evict pod as it would violate the pod's disruption budget."
    );
    assert_eq!(
        refused.body["details"]["causes"][0]["message"],
        "The disruption budget b is still being processed by the server."
    );
}

#[test]
fn aggregated_discovery_lists_groups_in_priority_order() {
    let mut c = Cluster::new(1);
    let mut req = Request::get("/apis");
    req.accept = Some(
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
            .into(),
    );
    let resp = c.api.handle(&req);
    assert_eq!(
        resp.content_type,
        Some(kubarium_core::apiserver::discovery::AGGREGATED)
    );
    assert_eq!(resp.body["kind"], "APIGroupDiscoveryList");
    let groups: Vec<&str> = resp.body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g["metadata"]["name"].as_str())
        .collect();
    assert_eq!(&groups[..3], ["apps", "autoscaling", "batch"]);
    let apps = &resp.body["items"][0]["versions"][0]["resources"];
    let deployments = apps
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["resource"] == "deployments")
        .cloned()
        .unwrap_or_default();
    assert_eq!(deployments["shortNames"], json!(["deploy"]));
    assert_eq!(deployments["subresources"][0]["subresource"], "scale");
    assert_eq!(
        deployments["subresources"][0]["responseKind"]["kind"],
        "Scale"
    );
    // Without the Accept header: the plain group list.
    assert_eq!(
        c.api.handle(&Request::get("/apis")).body["kind"],
        "APIGroupList"
    );
}
