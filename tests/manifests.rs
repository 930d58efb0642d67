//! The corpus of real Kubernetes manifests (tests/corpus), applied through `kubectl apply -f`:
//! manifests of served kinds must be accepted; the rest must be refused honestly
//! (saying what is not supported yet), and nothing may panic.

use kubarium_core::apiserver::resources;
use kubarium_core::session::Session;
use kubarium_tests::corpus_dir;

/// Whether Kubarium serves `apiVersion/kind` (`apps/v1/Deployment`): `Some(true)` served,
/// `Some(false)` a Kubernetes 1.35 kind not served yet, `None` unknown to 1.35.
fn served(kind: &str) -> Option<bool> {
    let (api_version, kind) = kind.rsplit_once('/')?;
    resources::for_kind(api_version, kind).map(resources::is_served)
}

/// Manifests of served kinds that a real API server rejects too, and why.
const REAL_REJECTIONS: &[(&str, &str)] = &[
    (
        "website-current/content/en/examples/pods/pod-with-node-affinity.yaml",
        "requiredDuringSchedulingIgnoredDuringExecution is a list, not a NodeSelector",
    ),
    (
        "kubernetes-examples-repo/_archived/volumes/rbd/rbd.yaml",
        "imagefeatures and imageformat are not RBDVolumeSource fields",
    ),
    (
        "kubernetes-examples-repo/_archived/volumes/storageos/storageos-pod.yaml",
        "StorageOSVolumeSource has no pool field",
    ),
    (
        "kubernetes-examples-repo/_archived/volumes/fibre_channel/fc.yaml",
        "lun is the placeholder string \"<ADD LUN ID Here>\"",
    ),
    (
        "kubernetes-examples-repo/_archived/volumes/scaleio/pod.yaml",
        "protectionDoamin is a typo",
    ),
    (
        "kubernetes-examples-repo/_archived/volumes/storageos/storageos-pv.yaml",
        "StorageOSPersistentVolumeSource has secretRef, not secretName",
    ),
    (
        "website-2019-snapshot-qinlj-docstest/examples/pods/pod-projected-svc-token.yaml",
        "service account \"acct\" does not exist in a fresh cluster",
    ),
];

#[test]
fn corpus_manifests_apply() {
    let dir = corpus_dir();
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).unwrap_or_else(|e| {
        panic!(
            "the manifest corpus is missing at {} ({e}); it lives in tests/corpus",
            dir.display()
        )
    });
    let base = Session::new(1);
    let mut accepted = 0;
    let mut refused = 0;
    let mut rejected_like_real = 0;
    let mut problems = vec![];
    let mut outcomes = String::from("path\toutcome\tfirst error line\n");
    for row in index.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        let (Some(path), Some(kinds)) = (cols.first(), cols.get(2)) else {
            continue;
        };
        let text = std::fs::read_to_string(dir.join(path)).unwrap_or_default();
        let mut s = base.clone();
        s.write_file("/root/m.yaml", &text).unwrap_or_default();
        let out = s.input("kubectl apply -f m.yaml").text();
        let first_error = out
            .lines()
            .find(|l| l.contains("rror") || l.contains("is invalid"))
            .unwrap_or("");
        let kinds: Vec<&str> = kinds.split("; ").collect();
        let served_all = kinds.iter().all(|k| served(k) == Some(true));
        let errored = out.contains("rror");
        let upstream = kinds.iter().any(|k| served(k) == Some(false));
        // A namespace the manifest expects to exist is missing in a fresh cluster too.
        let missing_namespace =
            out.contains("Error from server (NotFound)") && out.contains("namespaces \"");
        let real_rejection =
            missing_namespace || (errored && REAL_REJECTIONS.iter().any(|(p, _)| p == path));
        if served_all {
            if !errored {
                accepted += 1;
                outcomes.push_str(&format!("{path}\taccepted\t\n"));
            } else if real_rejection {
                rejected_like_real += 1;
                outcomes.push_str(&format!("{path}\trejected\t{first_error}\n"));
            } else {
                problems.push(format!("{path}: rejected:\n{out}"));
            }
        } else if upstream && !out.contains("error parsing") {
            if out.contains("not supported in Kubarium yet") {
                refused += 1;
                outcomes.push_str(&format!("{path}\trefused\t{first_error}\n"));
            } else {
                problems.push(format!(
                    "{path}: unsupported kinds ({kinds:?}) but no honest refusal:\n{out}"
                ));
            }
        } else if out.starts_with("error: ") || out.contains("\nerror: ") {
            rejected_like_real += 1;
            outcomes.push_str(&format!("{path}\trejected\t{first_error}\n"));
        } else {
            problems.push(format!(
                "{path}: invalid input ({kinds:?}) without a clear error:\n{out}"
            ));
        }
    }
    println!("corpus: {accepted} accepted, {refused} refused as not supported yet, {rejected_like_real} rejected as a real cluster would");
    // The table of every outcome, with the error each refusal and rejection gives: a
    // change in any of them shows as a diff of tests/corpus/OUTCOMES.tsv.
    let table = dir.join("OUTCOMES.tsv");
    if std::env::var_os("UPDATE_CORPUS").is_some() {
        std::fs::write(&table, &outcomes).unwrap_or_else(|e| panic!("{}: {e}", table.display()));
    } else {
        let expected = std::fs::read_to_string(&table).unwrap_or_default();
        for (want, got) in expected.lines().zip(outcomes.lines()) {
            if want != got {
                problems.push(format!(
                    "outcome changed (UPDATE_CORPUS=1 rewrites OUTCOMES.tsv):\n- {want}\n+ {got}"
                ));
            }
        }
        if expected.lines().count() != outcomes.lines().count() {
            problems.push("OUTCOMES.tsv lists a different number of manifests".into());
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(accepted > 150, "only {accepted} manifests accepted");
}
