//! Fuzz harnesses over the public surface: manifest bytes through kubectl's reader and the
//! API server's decoder, and raw requests through the REST surface. Neither may panic;
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
        let ns = manifest::namespace_of(&doc, None).unwrap_or_default();
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
