//! The REST surface driven directly, as the HTTP server and client libraries will drive
//! it: a table of requests and the status code each must get, in order on one default
//! cluster, then what they left behind.

use kubarium_core::apiserver::request::{Method, PatchType, Request};
use kubarium_core::apiserver::rest::Response;
use kubarium_core::cluster::Cluster;
use serde_json::{json, Value};

const DEPLOYS: &str = "/apis/apps/v1/namespaces/default/deployments";
const PODS: &str = "/api/v1/namespaces/default/pods";

/// Sends one request: the patch type, if any, becomes its Content-Type.
fn send(
    c: &mut Cluster,
    method: Method,
    url: &str,
    patch: Option<PatchType>,
    body: Value,
) -> Response {
    let mut req = Request::from_url(method, url);
    if !body.is_null() {
        req.body = Some(body);
    }
    req.content_type = patch.map(|p| p.content_type().to_string());
    c.api.handle(&req)
}

fn deployment() -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
           "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                                 "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}})
}

fn pod(name: &str, app: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": app}},
           "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
}

fn eviction(name: &str) -> Value {
    json!({"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": name}})
}

#[test]
fn rest_surface_steps() {
    use Method::{Delete, Get, Patch, Post, Put};
    use PatchType::{Json, Merge, StrategicMerge};
    let scale = json!({"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "web"}, "spec": {"replicas": 5}});
    let pdb = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "b"},
                     "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "y"}}}});
    let smp = json!({"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx:1.28"}]}}}});
    // A JSON patch whose test fails changes nothing.
    let failing = json!([{"op": "test", "path": "/spec/replicas", "value": 9},
                         {"op": "replace", "path": "/spec/replicas", "value": 3}]);
    let steps: Vec<(Method, String, Option<PatchType>, Value, u16)> = vec![
        (Post, DEPLOYS.into(), None, deployment(), 201),
        (Get, format!("{DEPLOYS}/web/scale"), None, Value::Null, 200),
        (Put, format!("{DEPLOYS}/web/scale"), None, scale, 200),
        (Put, format!("{DEPLOYS}/other"), None, deployment(), 400),
        (
            Patch,
            format!("{DEPLOYS}/web/scale"),
            Some(Merge),
            json!({"spec": {"replicas": 1}}),
            200,
        ),
        (
            Patch,
            format!("{DEPLOYS}/web"),
            Some(StrategicMerge),
            smp,
            200,
        ),
        (Patch, format!("{DEPLOYS}/web"), Some(Json), failing, 422),
        (
            Post,
            format!("{PODS}/nope/eviction"),
            None,
            eviction("nope"),
            404,
        ),
        (Delete, format!("{PODS}/nope/log"), None, Value::Null, 404),
        (Post, PODS.into(), None, pod("p", "x"), 201),
        (Post, format!("{PODS}/p/eviction"), None, eviction("p"), 201),
        (Get, format!("{PODS}/p"), None, Value::Null, 404),
        (Post, PODS.into(), None, pod("q", "y"), 201),
    ];
    let mut c = Cluster::new(1);
    for (method, url, patch, body, code) in steps {
        let resp = send(&mut c, method, &url, patch, body);
        assert_eq!(resp.code, code, "{method:?} {url}: {}", resp.body);
    }
    // The scale writes reached the Deployment (one generation each, with the patch's),
    // the patch kept defaults, and the scale's selector reads as a selector string.
    let d = send(&mut c, Get, &format!("{DEPLOYS}/web"), None, Value::Null).body;
    assert_eq!(d["spec"]["replicas"], 1);
    assert_eq!(d["metadata"]["generation"], 4);
    let container = &d["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["image"], "nginx:1.28");
    assert_eq!(container["imagePullPolicy"], "IfNotPresent");
    let s = send(
        &mut c,
        Get,
        &format!("{DEPLOYS}/web/scale"),
        None,
        Value::Null,
    )
    .body;
    assert_eq!(s["status"]["selector"], "app=web");
    // Once the pod runs, a budget the disruption controller has not processed yet
    // blocks its eviction (a pending pod goes without a look at budgets).
    c.advance(30_000);
    let pdbs = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";
    assert_eq!(send(&mut c, Post, pdbs, None, pdb).code, 201);
    let refused = send(
        &mut c,
        Post,
        &format!("{PODS}/q/eviction"),
        None,
        eviction("q"),
    );
    assert_eq!(refused.code, 429, "{}", refused.body);
    assert_eq!(
        refused.body["message"],
        "Cannot evict pod as it would violate the pod's disruption budget."
    );
    let cause = &refused.body["details"]["causes"][0];
    assert_eq!(cause["reason"], "DisruptionBudget");
    assert_eq!(
        cause["message"],
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
    assert_eq!(
        &groups[..3],
        ["apiregistration.k8s.io", "apps", "events.k8s.io"]
    );
    let apps = &resp.body["items"][1]["versions"][0]["resources"];
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

const CRDS: &str = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const WIDGETS: &str = "/apis/example.com/v1/namespaces/default/widgets";

fn widget_crd() -> Value {
    json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "widgets.example.com"},
           "spec": {"group": "example.com", "scope": "Namespaced",
                    "names": {"plural": "widgets", "kind": "Widget"},
                    "versions": [{"name": "v1", "served": true, "storage": true,
                        "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.size", "statusReplicasPath": ".status.size"}},
                        "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                            "spec": {"type": "object", "properties": {"size": {"type": "integer"}}},
                            "status": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}}]}})
}

fn widget(size: i64, status: i64) -> Value {
    json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
           "spec": {"size": size}, "status": {"size": status}})
}

/// A custom resource's subresources and patch types, and a CSR's approval subresource.
#[test]
fn custom_resources_and_approval() {
    use Method::{Get, Patch, Post, Put};
    use PatchType::{Merge, StrategicMerge};
    let mut c = Cluster::new(1);
    assert_eq!(send(&mut c, Post, CRDS, None, widget_crd()).code, 201);
    // Served only once the CRD's names are accepted and it is established.
    assert_eq!(send(&mut c, Post, WIDGETS, None, widget(1, 5)).code, 404);
    c.settle();
    let steps: Vec<(Method, String, Option<PatchType>, Value, u16)> = vec![
        (Post, WIDGETS.into(), None, widget(1, 5), 201),
        // The main resource ignores status; the status subresource ignores the rest.
        (Put, format!("{WIDGETS}/w"), None, widget(2, 7), 200),
        (Put, format!("{WIDGETS}/w/status"), None, widget(9, 3), 200),
        (
            Patch,
            format!("{WIDGETS}/w"),
            Some(StrategicMerge),
            json!({"spec": {"size": 4}}),
            415,
        ),
        (
            Patch,
            format!("{WIDGETS}/w"),
            Some(Merge),
            json!({"spec": {"size": 4}}),
            200,
        ),
        (
            Put,
            format!("{WIDGETS}/w/scale"),
            None,
            json!({"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "w"}, "spec": {"replicas": 6}}),
            200,
        ),
    ];
    for (method, url, patch, body, code) in steps {
        let resp = send(&mut c, method, &url, patch, body);
        assert_eq!(resp.code, code, "{method:?} {url}: {}", resp.body);
    }
    let w = send(&mut c, Get, &format!("{WIDGETS}/w"), None, Value::Null).body;
    assert_eq!(w["spec"]["size"], 6);
    assert_eq!(w["status"]["size"], 3);
    assert_eq!(w["metadata"]["generation"], 4);
    let scale = send(
        &mut c,
        Get,
        &format!("{WIDGETS}/w/scale"),
        None,
        Value::Null,
    )
    .body;
    assert_eq!(
        (
            scale["spec"]["replicas"].clone(),
            scale["status"]["replicas"].clone()
        ),
        (json!(6), json!(3))
    );

    // A CSR records who asked; only the approval subresource adds the Approved condition.
    let csrs = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
    let pem = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n";
    use base64::Engine;
    let request = base64::engine::general_purpose::STANDARD.encode(pem);
    let csr = json!({"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
                     "metadata": {"name": "jane"},
                     "spec": {"request": request, "signerName": "kubernetes.io/kube-apiserver-client",
                              "usages": ["client auth"], "username": "someone-else"}});
    let created = send(&mut c, Post, csrs, None, csr);
    assert_eq!(created.code, 201, "{}", created.body);
    assert_eq!(created.body["spec"]["username"], "kubernetes-admin");
    let mut approved = created.body.clone();
    approved["status"] = json!({"conditions": [{"type": "Approved", "status": "True", "reason": "KubectlApprove",
                                                "message": "This CSR was approved by kubectl certificate approve."}],
                                "certificate": "bm90IGEgY2VydA=="});
    let resp = send(
        &mut c,
        Put,
        &format!("{csrs}/jane/approval"),
        None,
        approved,
    );
    assert_eq!(resp.code, 200, "{}", resp.body);
    assert_eq!(resp.body["status"]["conditions"][0]["type"], "Approved");
    assert!(
        resp.body["status"]["certificate"].is_null(),
        "{}",
        resp.body
    );
}

#[test]
fn admission_plugins_switch_as_kube_apiserver_flags_switch_them() {
    use kubarium_core::apiserver::request::User;
    let mut c = Cluster::new(1);
    // NodeRestriction is on, as kubeadm runs it: a kubelet changes only its own things.
    let as_node = |url: &str, method: Method, body: Value| {
        let mut req = Request::from_url(method, url).as_user(User::system("system:node:node01"));
        req.body = Some(body);
        req
    };
    let node02 = c
        .api
        .get(kubarium_core::apiserver::resources::nodes(), "", "node02");
    let node02 = node02.expect("node02 exists");
    let r = c
        .api
        .handle(&as_node("/api/v1/nodes/node02", Method::Put, node02));
    assert_eq!(r.code, 403, "{}", r.body);
    assert!(r.body["message"]
        .as_str()
        .is_some_and(|m| m.ends_with("node \"node01\" is not allowed to modify node \"node02\"")));
    let r = c
        .api
        .handle(&as_node(PODS, Method::Post, pod("sneaky", "x")));
    assert_eq!(r.code, 403, "{}", r.body);
    // Unknown and not-yet-supported plugins are refused; the plugins set stays.
    assert_eq!(
        c.api.configure_admission(&["Foo"], &[]),
        Err("enable-admission-plugins plugin \"Foo\" is unknown".to_string())
    );
    assert!(c.api.configure_admission(&["EventRateLimit"], &[]).is_err());
    assert!(c.api.admission.on("NodeRestriction"));
    // AlwaysPullImages and NamespaceAutoProvision, off by default, on.
    c.api
        .configure_admission(&["AlwaysPullImages", "NamespaceAutoProvision"], &[])
        .expect("known plugins");
    let r = send(&mut c, Method::Post, PODS, None, pod("p", "x"));
    assert_eq!(r.code, 201, "{}", r.body);
    assert_eq!(r.body["spec"]["containers"][0]["imagePullPolicy"], "Always");
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
    let r = send(
        &mut c,
        Method::Post,
        "/api/v1/namespaces/auto/configmaps",
        None,
        cm,
    );
    assert_eq!(r.code, 201, "{}", r.body);
    let r = send(
        &mut c,
        Method::Get,
        "/api/v1/namespaces/auto",
        None,
        Value::Null,
    );
    assert_eq!(r.code, 200, "{}", r.body);
    // AlwaysDeny denies everything.
    c.api
        .configure_admission(&["AlwaysDeny"], &["NamespaceLifecycle"])
        .expect("known plugins");
    let r = send(&mut c, Method::Post, PODS, None, pod("q", "x"));
    assert_eq!(r.code, 403, "{}", r.body);
    assert_eq!(
        r.body["message"],
        "pods \"q\" is forbidden: admission control is denying all modifications"
    );
}

#[test]
fn approving_a_certificate_takes_the_approve_verb_on_its_signer() {
    use base64::Engine;
    use kubarium_core::apiserver::request::User;
    let mut c = Cluster::new(1);
    let csrs = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
    let pem = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n";
    let request = base64::engine::general_purpose::STANDARD.encode(pem);
    let csr = json!({"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
                     "metadata": {"name": "dev"},
                     "spec": {"request": request, "signerName": "kubernetes.io/kube-apiserver-client",
                              "usages": ["client auth"]}});
    let mut approved = send(&mut c, Method::Post, csrs, None, csr).body;
    approved["status"] = json!({"conditions": [{"type": "Approved", "status": "True", "reason": "R", "message": "M"}]});
    let approve_as = |c: &mut Cluster, user: User, body: &Value| {
        let mut req = Request::from_url(Method::Put, &format!("{csrs}/dev/approval")).as_user(user);
        req.body = Some(body.clone());
        c.api.handle(&req)
    };
    let dev = User::system("dev");
    let denied = approve_as(&mut c, dev.clone(), &approved);
    assert_eq!(denied.code, 403, "{}", denied.body);
    assert_eq!(
        denied.body["message"],
        "certificatesigningrequests.certificates.k8s.io \"dev\" is forbidden: user not permitted to approve requests with signerName \"kubernetes.io/kube-apiserver-client\""
    );
    // A ClusterRole allowing approval for the signer's domain, bound to the user.
    let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                      "metadata": {"name": "approver"},
                      "rules": [{"apiGroups": ["certificates.k8s.io"], "resources": ["signers"],
                                 "resourceNames": ["kubernetes.io/*"], "verbs": ["approve"]}]});
    let binding = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                         "metadata": {"name": "dev-approves"},
                         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "approver"},
                         "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "dev"}]});
    for (url, body) in [
        ("/apis/rbac.authorization.k8s.io/v1/clusterroles", role),
        (
            "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
            binding,
        ),
    ] {
        assert_eq!(send(&mut c, Method::Post, url, None, body).code, 201);
    }
    let allowed = approve_as(&mut c, dev, &approved);
    assert_eq!(allowed.code, 200, "{}", allowed.body);
    assert_eq!(allowed.body["status"]["conditions"][0]["type"], "Approved");
}
