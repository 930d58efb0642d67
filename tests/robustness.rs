//! Nothing a learner types or pastes may panic the core: random lines, random manifests
//! and random completions, from a fixed seed so failures reproduce.

use kubarium_core::rng::Rng;
use kubarium_core::session::Session;

const PIECES: &[&str] = &[
    "kubectl ",
    "k ",
    "get ",
    "run ",
    "delete ",
    "describe ",
    "apply -f ",
    "create ",
    "namespace ",
    "pods ",
    "pod/",
    "nodes ",
    "node01 ",
    "-n ",
    "-A ",
    "-o ",
    "yaml ",
    "json ",
    "wide ",
    "--image=",
    "nginx",
    "busybox",
    "--grace-period=",
    "9223372036854775807",
    "-1",
    "--force ",
    "--now ",
    "-l ",
    "a=b,",
    "!x ",
    "in (",
    ")",
    "--field-selector ",
    "status.phase=",
    "--dry-run=client ",
    "-- ",
    "sleep ",
    "1e308",
    "0.5 ",
    "| ",
    "grep ",
    "-A ",
    "2 ",
    "> ",
    ">> ",
    "2>&1 ",
    "< ",
    "<<EOF",
    "EOF",
    "'",
    "\"",
    "$",
    "${",
    "}",
    "\\",
    "é",
    "日本",
    "\t",
    ";",
    "&&",
    "||",
    "&",
    "`",
    "$(",
    "cat ",
    "echo ",
    "alias ",
    "k=kubectl ",
    "export ",
    "X=",
    "~",
    "../",
    "/",
    "--restart=",
    "Never ",
    "--port=",
    "99999999999 ",
    "--env=",
    "--labels=",
    "=",
    ",",
    "-",
    "--",
    "ns ",
    "svc ",
];

fn random_line(rng: &mut Rng) -> String {
    let n = rng.between(1, 12) as usize;
    (0..n)
        .map(|_| PIECES[rng.below(PIECES.len() as u64) as usize])
        .collect()
}

const YAML_PIECES: &[&str] = &[
    "apiVersion: v1\n",
    "kind: Pod\n",
    "kind: Service\n",
    "kind: Namespace\n",
    "metadata:\n",
    "  name: x\n",
    "  namespace: y\n",
    "spec:\n",
    "  containers:\n",
    "  - name: c\n",
    "    image: nginx\n",
    "    resources:\n",
    "      requests:\n",
    "        cpu: 1e35\n",
    "        memory: -1Gi\n",
    "  ports:\n",
    "  - port: 70000\n",
    "---\n",
    "- \n",
    ": :\n",
    "  nodeName: node01\n",
    "  tolerations:\n",
    "  - operator: Exists\n",
    "    effect: Bogus\n",
    "  affinity: []\n",
    "items: 3\n",
    "kind: List\n",
    "{\n",
    "]\n",
    "\t\n",
    "é: 日本\n",
    "  terminationGracePeriodSeconds: 9223372036854775807\n",
    "  labels: {a: \"b c\"}\n",
];

/// Inputs that once panicked (or would have): non-ASCII before a tab in completion,
/// grace periods that overflow the deadline, requests that overflow resource sums.
#[test]
fn known_hostile_inputs() {
    let mut s = Session::new(3);
    let _ = s.complete("é\t");
    let _ = s.complete("kubectl get 日本\t");
    let _ = s.input("kubectl run x --image=nginx");
    let _ = s.input("kubectl delete pod x --grace-period=9223372036854775807 --wait=false");
    let huge = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: NAME\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        cpu: 1e35\n        memory: 1e35\n";
    for name in ["h1", "h2", "h3"] {
        let _ = s.apply_manifest(&huge.replace("NAME", name));
    }
    let _ = s.input("sleep 5");
    assert!(s
        .input("kubectl describe node node01")
        .text()
        .contains("Allocated resources"));
}

#[test]
fn random_input_never_panics() {
    let base = Session::new(3);
    let mut rng = Rng::new(42);
    let mut s = base.clone();
    for i in 0..20_000 {
        if i % 300 == 0 {
            s = base.clone();
        }
        let line = random_line(&mut rng);
        let _ = s.input(&line);
        let _ = s.complete(&line);
        if i % 10 == 0 {
            let n = rng.between(1, 14) as usize;
            let yaml: String = (0..n)
                .map(|_| YAML_PIECES[rng.below(YAML_PIECES.len() as u64) as usize])
                .collect();
            let _ = s.apply_manifest(&yaml);
            let _ = s.input("kubectl get pods -A -o wide");
            let _ = s.input("kubectl describe pods -A");
        }
    }
    // The cluster still works afterwards.
    let mut s = base.clone();
    assert!(s.input("kubectl get nodes").text().contains("node01"));
}

/// Inputs the fuzzers found or that were written to stress them, replayed through the
/// same harnesses (`tests/fuzz.rs`); a panic fails the test.
#[test]
fn fuzz_regressions_replay() {
    let dir = kubarium_tests::workspace().join("tests/fuzz-regressions");
    let mut replayed = 0;
    for (harness, run) in [
        ("manifest", kubarium_tests::fuzz::manifest as fn(&[u8])),
        ("request", kubarium_tests::fuzz::request),
        ("shell", kubarium_tests::fuzz::shell),
        ("jsonpath", kubarium_tests::fuzz::jsonpath),
        ("selector", kubarium_tests::fuzz::selector),
    ] {
        let entries = std::fs::read_dir(dir.join(harness)).expect("regression directory");
        for e in entries.flatten() {
            let data = std::fs::read(e.path()).expect("regression input");
            run(&data);
            replayed += 1;
        }
    }
    assert!(replayed >= 10, "only {replayed} regression inputs");
}
