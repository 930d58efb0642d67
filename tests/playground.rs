//! The page's link to its cluster, as the page speaks it (JSON requests to the engine
//! module, JSON replies): a saved session replays to the same cluster as typing it, bad
//! requests and manifests lose nothing, and the editor panel's apply says where a
//! mistake is.

use kubarium_core::playground::{Engine, Reply, Request, Step};
use kubarium_core::session::Session;

fn ask(engine: &mut Engine, request: &Request) -> Reply {
    let json = serde_json::to_string(request).expect("request as JSON");
    serde_json::from_str(&engine.serve(&json)).expect("reply as JSON")
}

fn booted(steps: Vec<Step>, now: i64) -> (Engine, Reply) {
    let mut engine = Engine::default();
    let reply = ask(
        &mut engine,
        &Request::Boot {
            seed: 1,
            steps,
            now,
        },
    );
    (engine, reply)
}

fn text(reply: &Reply) -> String {
    reply.shown.iter().map(|s| s.output.text()).collect()
}

#[test]
fn a_saved_session_replays_to_the_cluster_typing_it_builds_and_its_clock() {
    let lines = [
        "kubectl create deployment web --image=nginx --replicas=2",
        "sleep 20",
        "kubectl get pods -o wide",
    ];
    let mut typed = Session::new(1);
    let mut expected = String::new();
    for line in lines {
        expected.push_str(&typed.input(line).text());
    }
    let steps = lines.iter().map(|l| Step::Line(0, l.to_string())).collect();
    // The clock runs on to where it was left (time skipped after the last step).
    let later = typed.cluster.now() + 600_000;
    let (_, reply) = booted(steps, later);
    assert_eq!(reply.state.now, later);
    assert_eq!(text(&reply), expected);
    assert_eq!(
        reply.shown[0].command.as_deref(),
        Some("controlplane:~$ kubectl create deployment web --image=nginx --replicas=2")
    );
    let view = reply
        .state
        .view
        .as_ref()
        .expect("the first reply has the view");
    let web_pods = view
        .nodes
        .iter()
        .flat_map(|n| &n.pods)
        .filter(|p| p.name.starts_with("web-"))
        .count();
    assert_eq!(web_pods, 2, "the map shows the replayed pods: {view:?}");
    assert_eq!(reply.state.prompt, "controlplane:~$ ");
}

#[test]
fn the_view_is_sent_only_when_it_changed() {
    let (mut engine, boot) = booted(vec![], 0);
    assert!(boot.state.view.is_some());
    let read = ask(
        &mut engine,
        &Request::Input {
            line: "kubectl get pods -A".into(),
        },
    );
    assert_eq!(read.state.view, None, "a read changes nothing on the map");
    assert_eq!(ask(&mut engine, &Request::Tick { ms: 0 }).state.view, None);
    let run = ask(
        &mut engine,
        &Request::Input {
            line: "kubectl run w --image=nginx".into(),
        },
    );
    let pending = run.state.view.expect("a new pod is on the map");
    assert!(pending
        .pending
        .iter()
        .chain(pending.nodes.iter().flat_map(|n| &n.pods))
        .any(|p| p.name == "w"));
}

#[test]
fn a_bad_request_answers_an_error_and_changes_nothing() {
    let (mut engine, before) = booted(vec![], 0);
    for bad in [
        "",
        "{",
        "{\"op\":\"format_disk\"}",
        "{\"op\":\"input\"}",
        "[1,2]",
        "{\"op\":\"tick\",\"ms\":\"soon\"}",
    ] {
        let reply: Reply = serde_json::from_str(&engine.serve(bad)).expect("reply as JSON");
        assert!(
            text(&reply).starts_with("kubarium: bad request from the page: "),
            "{bad}: {}",
            text(&reply)
        );
        assert_eq!(
            reply.state,
            kubarium_core::playground::State {
                view: None,
                ..before.state.clone()
            },
            "{bad}"
        );
    }
}

#[test]
fn the_editor_panel_apply_locates_mistakes_and_applies_good_manifests() {
    let (mut engine, _) = booted(vec![], 0);
    let reply = ask(
        &mut engine,
        &Request::Apply {
            yaml: "kind: Pod\nmetadata: [\n".into(),
        },
    );
    let (ok, status) = reply.applied.clone().expect("apply status");
    assert!(!ok && status.starts_with("line "), "{status}");
    assert!(
        reply.shown.is_empty(),
        "YAML that does not parse is not applied"
    );
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n    imagee: x\n";
    let reply = ask(&mut engine, &Request::Apply { yaml: pod.into() });
    assert_eq!(
        reply.applied,
        Some((
            false,
            "line 9, column 5: unknown field \"spec.containers[0].imagee\"".to_string()
        )),
        "kubectl validates strictly: {}",
        text(&reply)
    );
    let reply = ask(
        &mut engine,
        &Request::Apply {
            yaml: pod.replace("    imagee: x\n", ""),
        },
    );
    assert_eq!(reply.applied, Some((true, "pod/web created".to_string())));
    assert_eq!(
        reply.shown[0].command.as_deref(),
        Some("# kubectl apply -f - (from the editor)")
    );
}

#[test]
fn completion_watch_interrupt_and_the_editor_round_trip() {
    let (mut engine, _) = booted(vec![], 0);
    let reply = ask(
        &mut engine,
        &Request::Complete {
            line: "kubectl descr".into(),
        },
    );
    assert_eq!(
        reply.completion,
        Some(("kubectl describe ".to_string(), vec![]))
    );
    let reply = ask(
        &mut engine,
        &Request::Complete {
            line: "kubectl get no".into(),
        },
    );
    assert_eq!(
        reply.completion,
        Some((
            "kubectl get node".to_string(),
            vec!["node".to_string(), "nodes".to_string()]
        ))
    );
    ask(
        &mut engine,
        &Request::Input {
            line: "kubectl run w --image=nginx".into(),
        },
    );
    let reply = ask(
        &mut engine,
        &Request::Input {
            line: "kubectl get pods -w".into(),
        },
    );
    assert!(
        reply.state.busy && reply.state.prompt.is_empty(),
        "{:?}",
        reply.state
    );
    let mut streamed = String::new();
    for _ in 0..40 {
        streamed.push_str(&text(&ask(&mut engine, &Request::Tick { ms: 250 })));
    }
    assert!(
        streamed.contains("Running"),
        "rows stream as the pod starts: {streamed}"
    );
    let reply = ask(&mut engine, &Request::Interrupt);
    assert!(!reply.state.busy && reply.state.prompt == "controlplane:~$ ");
    let reply = ask(
        &mut engine,
        &Request::Input {
            line: "kubectl edit pod w".into(),
        },
    );
    let editing = reply.state.editing.clone().expect("the editor opens");
    assert!(
        editing.text.contains("name: w\n") && editing.editor.is_none(),
        "{editing:?}"
    );
    let changed = editing
        .text
        .replacen("labels:\n", "labels:\n    tier: front\n", 1);
    let reply = ask(
        &mut engine,
        &Request::SaveEdit {
            text: Some(changed),
        },
    );
    assert_eq!(text(&reply), "pod/w edited\n");
    assert!(reply.state.editing.is_none());
    let reply = ask(
        &mut engine,
        &Request::Input {
            line: "vi notes.txt".into(),
        },
    );
    let editing = reply.state.editing.expect("vi opens the editor");
    assert_eq!(
        editing.editor,
        Some(("vi".to_string(), "controlplane".to_string()))
    );
}

#[test]
fn the_inspector_reads_an_object_and_changes_nothing() {
    let run = |inspect: bool| {
        let (mut engine, _) = booted(vec![], 0);
        ask(
            &mut engine,
            &Request::Input {
                line: "kubectl run w --image=nginx".into(),
            },
        );
        let mut seen = None;
        if inspect {
            let reply = ask(
                &mut engine,
                &Request::Inspect {
                    kind: "Pod".into(),
                    namespace: Some("default".into()),
                    name: "w".into(),
                },
            );
            seen = reply.inspection;
            let node = ask(
                &mut engine,
                &Request::Inspect {
                    kind: "Node".into(),
                    namespace: None,
                    name: "node01".into(),
                },
            );
            let node = node.inspection.expect("the node");
            assert!(
                node.title == "node/node01"
                    && node.describe.starts_with("Name:               node01\n"),
                "{node:?}"
            );
        }
        let after = ask(
            &mut engine,
            &Request::Input {
                line: "sleep 30; kubectl get events -A | wc -l; kubectl get pods -A -o wide".into(),
            },
        );
        (seen, text(&after), after.state)
    };
    let (seen, inspected, state) = run(true);
    let seen = seen.expect("the pod");
    assert_eq!(seen.title, "pod/w -n default");
    assert!(
        seen.describe
            .starts_with("Name:             w\nNamespace:        default\n"),
        "{}",
        seen.describe
    );
    assert!(
        seen.yaml.starts_with("apiVersion: v1\nkind: Pod\n"),
        "{}",
        seen.yaml
    );
    let (_, plain, plain_state) = run(false);
    assert_eq!(
        inspected, plain,
        "inspecting is not a step: the cluster goes on the same"
    );
    assert_eq!(state, plain_state);
    // The map's view of the nodes: what they can give and what is asked of them.
    let view = state.view.as_ref().expect("the view changed");
    let node = view
        .nodes
        .iter()
        .find(|n| n.name == "controlplane")
        .expect("controlplane");
    assert_eq!(node.cpu.1, 2000);
    assert!(
        node.cpu.0 > 0 && node.taints == ["node-role.kubernetes.io/control-plane:NoSchedule"],
        "{node:?}"
    );
    let names: Vec<&str> = view
        .control_plane
        .iter()
        .map(|c| c.status.as_str())
        .collect();
    assert_eq!(names, ["Running"; 4]);
}

/// Links made by earlier releases (tests/links/*.link) must keep opening to the cluster
/// they were made from.
#[test]
fn stored_links_from_earlier_releases_still_open() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("links");
    let mut opened = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/links") {
        let path = entry.expect("entry").path();
        let link = std::fs::read_to_string(&path).expect("link");
        let mut engine = Engine::default();
        let reply = ask(
            &mut engine,
            &Request::Open {
                link: link.trim().to_string(),
                fallback: Default::default(),
            },
        );
        let saved = match reply.opened {
            Some(Ok(saved)) => saved,
            other => panic!("{}: {other:?}", path.display()),
        };
        assert_eq!(
            reply.shown.len(),
            saved.log.len(),
            "{}: every step replayed",
            path.display()
        );
        assert_eq!(
            reply.state.now,
            saved.now,
            "{}: the clock where it was left",
            path.display()
        );
        opened += 1;
    }
    assert!(opened >= 1);
    // The first link: a lesson's worth of work, in 526 characters.
    let link = std::fs::read_to_string(dir.join("k1-shop.link")).expect("k1-shop.link");
    assert!(
        link.trim().len() < 2_000,
        "a typical lesson state fits in 2,000 characters"
    );
    let mut engine = Engine::default();
    ask(
        &mut engine,
        &Request::Open {
            link,
            fallback: Default::default(),
        },
    );
    let reply = ask(&mut engine, &Request::Input { line: "kubectl get deploy,svc,cm -n shop --no-headers; kubectl get node node02 -o jsonpath='{.spec.taints[0].key}'".into() });
    let out = text(&reply);
    assert!(
        out.starts_with("deployment.apps/web   5/5   5     5"),
        "{out}"
    );
    assert!(
        out.contains("service/web   ClusterIP")
            && out.contains("configmap/settings   2")
            && out.ends_with("dedicated"),
        "{out}"
    );
}

#[test]
fn a_bad_link_says_why_and_the_learners_own_session_goes_on() {
    let own = kubarium_core::playground::Saved {
        seed: 1,
        now: 0,
        log: vec![Step::Line(0, "kubectl create namespace mine".into())],
    };
    for bad in [
        "k1.AAAA",
        "k1.",
        "k7.abc",
        "<script>alert(1)</script>",
        "k1.%%%",
    ] {
        let mut engine = Engine::default();
        let reply = ask(
            &mut engine,
            &Request::Open {
                link: bad.into(),
                fallback: own.clone(),
            },
        );
        assert!(
            matches!(&reply.opened, Some(Err(why)) if !why.is_empty()),
            "{bad}: {:?}",
            reply.opened
        );
        assert_eq!(
            text(&reply),
            "namespace/mine created\n",
            "{bad}: the own session replayed"
        );
    }
    // A link made now opens to the same cluster.
    let mut engine = Engine::default();
    let made = ask(&mut engine, &Request::Link { saved: own.clone() })
        .link
        .expect("a link");
    let reply = ask(
        &mut Engine::default(),
        &Request::Open {
            link: made,
            fallback: Default::default(),
        },
    );
    assert_eq!(reply.opened, Some(Ok(own)));
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n    imagePullPolicy: IfNotPresent\n";

/// The editor's problems for `text`, as (line, column, message).
fn lint(engine: &mut Engine, text: &str) -> Vec<(usize, usize, String)> {
    let reply = ask(engine, &Request::Lint { text: text.into() });
    reply
        .problems
        .expect("problems")
        .into_iter()
        .map(|p| (p.line, p.column, p.message))
        .collect()
}

#[test]
fn the_editor_finds_problems_where_they_are_as_the_server_would() {
    let (mut engine, _) = booted(vec![], 0);
    assert_eq!(lint(&mut engine, POD), []);
    let cases = [
        (
            POD.replace("    image:", "    imagee:"),
            vec![(8, 5, "unknown field \"spec.containers[0].imagee\"")],
        ),
        (
            POD.replace("IfNotPresent", "Sometimes"),
            vec![(9, 5, "spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"")],
        ),
        (
            POD.replace("    image: nginx:1.27\n", ""),
            vec![(7, 5, "spec.containers[0].image: Required value")],
        ),
        (
            POD.replace("kind: Pod", "kind: Pood"),
            vec![(2, 1, "resource mapping not found for name: \"web\" namespace: \"\" from \"STDIN\": no matches for kind \"Pood\" in version \"v1\"\nensure CRDs are installed first")],
        ),
        (
            POD.replace("  name: web\nspec", "  name: web\n spec"),
            vec![(5, 2, "did not find expected key")],
        ),
        (
            format!("{POD}---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: \"3\"\n"),
            vec![(16, 3, "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32")],
        ),
    ];
    for (text, want) in cases {
        let want: Vec<(usize, usize, String)> = want
            .into_iter()
            .map(|(l, c, m)| (l, c, m.to_string()))
            .collect();
        assert_eq!(lint(&mut engine, &text), want, "{text}");
    }
}

#[test]
fn the_editor_offers_what_the_schema_allows_where_the_cursor_is() {
    let (mut engine, _) = booted(vec![], 0);
    let mut at = |text: &str, line: usize, column: usize| {
        ask(
            &mut engine,
            &Request::Assist {
                text: text.into(),
                line,
                column,
            },
        )
        .assist
        .expect("assist")
    };
    // On a key: its documentation, and the fields not yet written beside it.
    let image = at(POD, 8, 7);
    assert_eq!(image.path, "Pod.spec.containers[]");
    let field = image.field.expect("image's documentation");
    assert_eq!(
        (field.name.as_str(), field.kind.as_str()),
        ("image", "string")
    );
    assert!(
        field.description.starts_with("Container image name."),
        "{}",
        field.description
    );
    assert!(
        image.candidates.contains(&"image".to_string())
            && image.candidates.contains(&"resources".to_string())
            && !image.candidates.contains(&"name".to_string()),
        "{:?}",
        image.candidates
    );
    // After a key's colon: its values.
    let policy = at(POD, 9, 22);
    assert_eq!(policy.candidates, ["Always", "Never", "IfNotPresent"]);
    // A new line in spec: the pod spec's fields, by the typed prefix's place.
    let text = POD.replace("spec:\n", "spec:\n  tol\n");
    let spec = at(&text, 6, 6);
    assert_eq!(
        (spec.path.as_str(), spec.prefix.as_str()),
        ("Pod.spec", "tol")
    );
    assert!(spec.candidates.contains(&"tolerations".to_string()));
    assert!(!spec.candidates.contains(&"containers".to_string()));
    // The kinds of an apiVersion.
    let kinds = at("apiVersion: apps/v1\nkind: \n", 2, 7);
    assert_eq!(
        kinds.candidates,
        [
            "ControllerRevision",
            "DaemonSet",
            "Deployment",
            "ReplicaSet",
            "StatefulSet"
        ]
    );
}

#[test]
fn dry_runs_and_diffs_from_the_editor_change_nothing() {
    let run = |try_it: bool| {
        let (mut engine, _) = booted(vec![], 0);
        let mut seen = String::new();
        if try_it {
            for diff in [false, true] {
                let reply = ask(
                    &mut engine,
                    &Request::Try {
                        yaml: format!("{POD}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n"),
                        diff,
                    },
                );
                seen.push_str(&text(&reply));
            }
            lint(&mut engine, POD);
        }
        let after = ask(
            &mut engine,
            &Request::Input {
                line: "kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nEOF\nkubectl expose pod etcd-controlplane -n kube-system --port 80 --type NodePort --name e; sleep 5; kubectl get cm,pods,svc -A; kubectl get cm c -o yaml".into(),
            },
        );
        (seen, text(&after), after.state)
    };
    let (seen, tried, state) = run(true);
    assert!(
        seen.starts_with("pod/web created (server dry run)\n"),
        "{seen}"
    );
    assert!(seen.contains("+  name: web\n"), "{seen}");
    let (_, plain, plain_state) = run(false);
    assert_eq!(tried, plain);
    assert_eq!(state, plain_state);
}

#[test]
fn the_cluster_exports_as_a_bundle_that_apply_takes_back() {
    let lines = [
        "kubectl create namespace prod",
        "kubectl create deployment web --image=nginx --replicas=2 -n prod",
        "kubectl expose deployment web --port 80 -n prod",
        "kubectl create configmap settings --from-literal=mode=fast -n prod",
        "kubectl run solo --image=busybox -- sleep 3600",
        "sleep 30",
    ];
    let steps = lines.iter().map(|l| Step::Line(0, l.to_string())).collect();
    let (mut engine, _) = booted(steps, 0);
    let bundle = ask(&mut engine, &Request::Export { seed: 1 })
        .bundle
        .expect("a bundle");
    let kinds: Vec<&str> = bundle
        .lines()
        .filter_map(|l| l.strip_prefix("kind: "))
        .collect();
    assert_eq!(
        kinds,
        ["Namespace", "ConfigMap", "Deployment", "Pod", "Service"],
        "{bundle}"
    );
    for server_filled in [
        "uid:",
        "resourceVersion:",
        "status:",
        "clusterIP",
        "last-applied",
    ] {
        assert!(
            !bundle.contains(server_filled),
            "{server_filled} in {bundle}"
        );
    }
    // A fresh cluster takes it back, and then exports the same bundle.
    let (mut fresh, _) = booted(vec![], 0);
    let applied = ask(
        &mut fresh,
        &Request::Apply {
            yaml: bundle.clone(),
        },
    );
    assert_eq!(
        text(&applied),
        "namespace/prod created\nconfigmap/settings created\ndeployment.apps/web created\npod/solo created\nservice/web created\n"
    );
    ask(
        &mut fresh,
        &Request::Input {
            line: "sleep 30".into(),
        },
    );
    let again = ask(&mut fresh, &Request::Export { seed: 1 }).bundle;
    assert_eq!(again.as_deref(), Some(bundle.as_str()));
}
