//! Fuzz harnesses over the public surface: manifest bytes through kubectl's reader and the
//! API server's decoder, raw requests through the REST surface, lines typed at the shell,
//! JSONPath templates and label selectors. None may panic;
//! whatever the fuzzer finds is kept in `tests/fuzz-regressions/<harness>/` and replayed
//! by `tests/robustness.rs`.

use kubarium_core::apiserver::request::{Method, PatchType, Request};
use kubarium_core::apiserver::rest::decode_body;
use kubarium_core::cluster::Cluster;
use kubarium_core::kubectl::manifest;

thread_local! {
    /// The default cluster, built once per thread; each input works on a copy.
    static BASE: Cluster = Cluster::new(1);
}

fn cluster() -> Cluster {
    BASE.with(Cluster::clone)
}

/// Manifest bytes: parsed as kubectl reads `-f`, each document created (dry run, strict
/// field validation) and then created for real.
pub fn manifest(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(docs) = manifest::parse_documents(&text, "fuzz.yaml") else {
        return;
    };
    let mut c = cluster();
    for doc in docs.into_iter().take(16) {
        // Settle so that a CRD earlier in the input is established for the objects after it.
        c.settle();
        let Ok(r) = manifest::resource_of(&c.api.catalog(), &doc) else {
            continue;
        };
        let ns = manifest::namespace_of(&doc, None, "default").unwrap_or_default();
        let path = r.path(Some(&ns), None);
        for dry in ["All", ""] {
            let req = Request::post(&path, doc.value.clone())
                .query("dryRun", dry)
                .query("fieldValidation", "Strict");
            let _ = c.api.handle(&req);
        }
    }
}

/// A raw request: the first byte picks the method (and patch type), then a path line, a
/// query line, and the rest is the body.
pub fn request(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let methods = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ];
    let method = methods[usize::from(first) % methods.len()];
    let mut parts = rest.splitn(3, |b| *b == b'\n');
    let path = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let query = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let body = parts.next().unwrap_or_default();
    let mut req = Request::from_url(method, &format!("{path}?{query}"));
    if !body.is_empty() {
        match decode_body(body) {
            Ok(v) => req.body = Some(v),
            Err(_) => return,
        }
    }
    let patch = [
        PatchType::Json,
        PatchType::Merge,
        PatchType::StrategicMerge,
        PatchType::Apply,
    ];
    req.content_type = Some(
        patch[usize::from(first / 8) % patch.len()]
            .content_type()
            .into(),
    );
    let mut c = cluster();
    let _ = c.api.handle(&req);
}

thread_local! {
    /// A fresh session (default cluster), built once per thread; each input works on a copy.
    static SESSION: kubarium_core::session::Session = kubarium_core::session::Session::new(1);
}

/// Shell input: each line typed at the prompt (bash syntax, expansions, the utilities,
/// kubectl's flag parser), at most 32 lines.
pub fn shell(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut s = SESSION.with(Clone::clone);
    for line in text.lines().take(32) {
        let _ = s.input(line);
    }
    s.shell.interrupt();
}

/// A `-o jsonpath=` template (the first line) rendered against a JSON document (the rest,
/// or a pod when it is not JSON), and the same text as a single path.
pub fn jsonpath(data: &[u8]) {
    use kubarium_core::printers::jsonpath;
    let text = String::from_utf8_lossy(data);
    let (template, doc) = text.split_once('\n').unwrap_or((&text, ""));
    let value = serde_json::from_str(doc).unwrap_or_else(|_| {
        serde_json::json!({"kind": "Pod", "metadata": {"name": "a", "labels": {"app": "x"}},
            "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}]}]},
            "items": [{"a": 1}, {"a": "two"}, {"b": [1, 2, 3]}]})
    });
    let _ = jsonpath::render(template, &value);
    if let Ok(path) = jsonpath::Path::parse(template) {
        let _ = path.find(&value);
    }
}

/// A label selector as `-l` takes it: parsed, matched against a few objects, and turned
/// into a LabelSelector as `create pdb --selector` does.
pub fn selector(data: &[u8]) {
    use kubarium_core::labels::Selector;
    let text = String::from_utf8_lossy(data);
    let Ok(sel) = Selector::parse(&text) else {
        return;
    };
    for labels in [
        serde_json::json!({}),
        serde_json::json!({"app": "web", "tier": "front"}),
        serde_json::json!({"a": "", "b/c": "d"}),
    ] {
        let _ = sel.matches(&serde_json::json!({"metadata": {"labels": labels}}));
    }
    let _ = sel.to_label_selector();
}
