//! The contract of `kubarium serve`, through its HTTP surface and the real clients: the
//! statuses kube-apiserver gives bad requests, watches that stream while a stuck client
//! is cut off, impersonation, Helm installing, upgrading and uninstalling a chart, and a
//! clean stop on SIGTERM.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use common::Server;
use serde_json::Value;

/// Sends one raw HTTP/1.1 request (closing the connection) and returns the status code
/// and body.
fn raw(server: &Server, request: &str, body: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(&server.addr).unwrap_or_else(|e| panic!("connect: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(30))).ok();
    s.write_all(request.as_bytes())
        .unwrap_or_else(|e| panic!("write: {e}"));
    let _ = s.write_all(body);
    let mut text = String::new();
    let _ = s.read_to_string(&mut text);
    let code = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (code, body)
}

fn request(method: &str, path: &str, content_type: &str, body: &str) -> String {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// The Status reason in a response body.
fn reason(body: &str) -> String {
    serde_json::from_str::<Value>(body).map_or(String::new(), |v| {
        v["reason"].as_str().unwrap_or("").to_string()
    })
}

#[test]
fn bad_requests_get_kube_apiserver_statuses() {
    let server = Server::start("errors", 1, &[]);
    let (code, body) = raw(&server, &request("GET", "/version", "", ""), b"");
    assert_eq!(code, 200);
    assert!(body.contains("v1.35.2"), "{body}");
    let (code, body) = raw(
        &server,
        &request("GET", "/apis/nope/v1/things", "", ""),
        b"",
    );
    assert_eq!((code, reason(&body)), (404, "NotFound".into()), "{body}");
    let (code, body) = raw(&server, &request("OPTIONS", "/api/v1/pods", "", ""), b"");
    assert_eq!(
        (code, reason(&body)),
        (405, "MethodNotAllowed".into()),
        "{body}"
    );
    let cm = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}"#;
    let path = "/api/v1/namespaces/default/configmaps";
    let (code, body) = raw(&server, &request("POST", path, "text/plain", cm), b"");
    assert_eq!(
        (code, reason(&body)),
        (415, "UnsupportedMediaType".into()),
        "{body}"
    );
    let (code, body) = raw(
        &server,
        &request("POST", path, "application/json", "{nope"),
        b"",
    );
    assert_eq!((code, reason(&body)), (400, "BadRequest".into()), "{body}");
    let bad = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"UPPER"}}"#;
    let (code, body) = raw(
        &server,
        &request("POST", path, "application/json", bad),
        b"",
    );
    assert_eq!((code, reason(&body)), (422, "Invalid".into()), "{body}");
    // A body over 3 MiB is refused before it is read.
    let huge = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 4000000\r\n\r\n"
    );
    let (code, body) = raw(&server, &huge, b"{");
    assert_eq!(
        (code, reason(&body)),
        (413, "RequestEntityTooLarge".into()),
        "{body}"
    );
    // Malformed HTTP gets a 400 from the HTTP layer, and the server goes on.
    let (code, _) = raw(&server, "NOT HTTP AT ALL\r\n\r\n", b"");
    assert_eq!(code, 400);
    let (code, _) = raw(&server, &request("POST", path, "application/json", cm), b"");
    assert_eq!(code, 201);
}

/// Opens a watch and returns a reader of its event lines.
fn watch(server: &Server, path: &str) -> BufReader<TcpStream> {
    let s = TcpStream::connect(&server.addr).unwrap_or_else(|e| panic!("connect: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(30))).ok();
    let mut w = s.try_clone().unwrap_or_else(|e| panic!("clone: {e}"));
    w.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .unwrap_or_else(|e| panic!("write: {e}"));
    let mut r = BufReader::new(s);
    // Skip the status line and headers.
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    r
}

/// The next watch event from a chunked stream (chunk sizes and blank lines skipped).
fn next_event(r: &mut BufReader<TcpStream>) -> Value {
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap_or(0) == 0 {
            return Value::Null;
        }
        if let Ok(v) = serde_json::from_str::<Value>(line.trim()) {
            if v.is_object() {
                return v;
            }
        }
    }
}

#[test]
fn watches_stream_and_a_stuck_watcher_blocks_no_one() {
    let server = Server::start("watch", 1, &[]);
    let path = "/api/v1/namespaces/default/configmaps";
    // A watcher that never reads.
    let _stuck = watch(&server, &format!("{path}?watch=true"));
    let mut reader = watch(
        &server,
        &format!("{path}?watch=true&labelSelector=app%3Dweb"),
    );
    for i in 0..1500 {
        let cm = format!(
            r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"cm-{i}","labels":{{"app":"web"}}}},"data":{{"filler":"{}"}}}}"#,
            "x".repeat(1000)
        );
        let (code, body) = raw(
            &server,
            &request("POST", path, "application/json", &cm),
            b"",
        );
        assert_eq!(code, 201, "{body}");
        if i % 500 == 0 {
            let e = next_event(&mut reader);
            assert_eq!(e["type"], "ADDED", "{e}");
        }
    }
    // The reading watcher saw every object, in order.
    let mut seen = 3;
    while seen < 1500 {
        let e = next_event(&mut reader);
        assert_eq!(e["type"], "ADDED", "{e}");
        seen += 1;
    }
    // An object leaving the selector's set is DELETED for that watch.
    let patch = r#"{"metadata":{"labels":{"app":"other"}}}"#;
    let (code, _) = raw(
        &server,
        &request(
            "PATCH",
            &format!("{path}/cm-7"),
            "application/merge-patch+json",
            patch,
        ),
        b"",
    );
    assert_eq!(code, 200);
    let e = next_event(&mut reader);
    assert_eq!(
        (e["type"].as_str(), e["object"]["metadata"]["name"].as_str()),
        (Some("DELETED"), Some("cm-7"))
    );
}

#[test]
fn real_kubectl_impersonates_and_helm_manages_a_release() {
    let server = Server::start("helm", 1, &[]);
    let kubectl = |args: &[&str]| -> String {
        let out = server
            .command(&common::real_kubectl())
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("kubectl: {e}"));
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
    };
    let me = kubectl(&["auth", "whoami"]);
    assert!(
        me.contains("kubernetes-admin") && me.contains("kubeadm:cluster-admins"),
        "{me}"
    );
    let jane = kubectl(&[
        "auth",
        "whoami",
        "--as",
        "jane",
        "-o",
        "jsonpath={.status.userInfo.username}",
    ]);
    assert_eq!(jane, "jane");
    assert_eq!(
        kubectl(&["auth", "can-i", "list", "pods", "--as", "jane"]).trim(),
        "no"
    );
    let chart = common::workspace().join("tests/helm/demo");
    let helm = |args: &[&str]| {
        let out = server
            .command(&common::real_helm())
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("helm: {e}"));
        assert!(
            out.status.success(),
            "helm {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let chart = chart.to_string_lossy().into_owned();
    helm(&["install", "demo", &chart]);
    let message = ["get", "cm", "demo-config", "-o", "jsonpath={.data.message}"];
    assert_eq!(kubectl(&message), "hello");
    helm(&[
        "upgrade",
        "demo",
        &chart,
        "--set",
        "message=bye",
        "--set",
        "replicas=2",
    ]);
    assert_eq!(kubectl(&message), "bye");
    let replicas = kubectl(&[
        "get",
        "deploy",
        "demo-web",
        "-o",
        "jsonpath={.spec.replicas}",
    ]);
    assert_eq!(replicas, "2");
    let releases = kubectl(&["get", "secrets", "-l", "owner=helm", "-o", "name"]);
    assert_eq!(releases.lines().count(), 2, "{releases}");
    helm(&["uninstall", "demo"]);
    let left = kubectl(&[
        "get",
        "cm,svc,deploy,secrets",
        "-l",
        "owner=helm",
        "-o",
        "name",
    ]);
    assert_eq!(left.trim(), "", "{left}");
    assert!(kubectl(&["get", "cm", "demo-config"]).contains("NotFound"));
}

#[test]
fn sigterm_stops_it_with_watches_open() {
    let mut server = Server::start("stop", 1, &[]);
    let _w = watch(&server, "/api/v1/pods?watch=true");
    let pid = server.child.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status();
    assert!(status.is_ok_and(|s| s.success()));
    for _ in 0..50 {
        if let Ok(Some(_)) = server.child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("kubarium serve did not stop within 5 s of SIGTERM");
}
