//! Describers for the workload controllers' objects: Deployments, ReplicaSets,
//! ReplicationControllers, DaemonSets, StatefulSets, Jobs and CronJobs.

use serde_json::Value;

use super::pod_template::{int_or_string, label_selector, pod_template};
use super::{
    controlled_by, rfc1123z, s, strings, time_of, write_annotations, write_events, write_map,
};
use crate::age::human;
use crate::labels::selector_string;
use crate::tabwriter;
use crate::time::Millis;

/// The phases of the pods a controller owns, as describe counts them.
#[derive(Debug, Default, Clone, Copy)]
pub struct PodCounts {
    pub running: usize,
    pub waiting: usize,
    pub succeeded: usize,
    pub failed: usize,
}

impl PodCounts {
    /// Counts the pods whose controller is the object with `uid`.
    pub fn of(pods: &[Value], uid: &str) -> Self {
        let mut c = PodCounts::default();
        for p in pods {
            let owned = p["metadata"]["ownerReferences"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|r| r["controller"] == true && r["uid"] == uid);
            if !owned {
                continue;
            }
            match s(p, "/status/phase") {
                "Running" => c.running += 1,
                "Pending" => c.waiting += 1,
                "Succeeded" => c.succeeded += 1,
                "Failed" => c.failed += 1,
                _ => {}
            }
        }
        c
    }
}

impl std::fmt::Display for PodCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} Running / {} Waiting / {} Succeeded / {} Failed",
            self.running, self.waiting, self.succeeded, self.failed
        )
    }
}

fn n(v: &Value, pointer: &str) -> i64 {
    v.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

fn header(out: &mut String, obj: &Value) {
    w!(out, "Name:\t{}\n", s(obj, "/metadata/name"));
    w!(out, "Namespace:\t{}\n", s(obj, "/metadata/namespace"));
}

fn meta(out: &mut String, obj: &Value) {
    write_map(out, "", "Labels", &obj["metadata"]["labels"]);
    write_annotations(out, "Annotations", &obj["metadata"]["annotations"]);
}

fn created(out: &mut String, obj: &Value) {
    let t = time_of(&obj["metadata"]["creationTimestamp"]).unwrap_or(0);
    w!(out, "CreationTimestamp:\t{}\n", rfc1123z(t));
}

/// A selector as `labels.Selector.String()` prints it (empty when it selects everything).
fn selector(obj: &Value) -> String {
    serde_json::from_value(obj["spec"]["selector"].clone())
        .map(|sel| selector_string(&sel))
        .unwrap_or_default()
}

fn conditions(out: &mut String, obj: &Value) {
    let Some(list) = obj["status"]["conditions"]
        .as_array()
        .filter(|a| !a.is_empty())
    else {
        return;
    };
    out.push_str("Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n");
    for c in list {
        w!(
            out,
            "  {} \t{}\t{}\n",
            s(c, "/type"),
            s(c, "/status"),
            s(c, "/reason")
        );
    }
}

fn finish(mut out: String, obj: &Value, events: Option<&[Value]>, now: Millis) -> String {
    write_events(&mut out, obj, events, now);
    tabwriter::align(&out, 0, 2)
}

fn replica_sets(list: &[&Value]) -> String {
    if list.is_empty() {
        return "<none>".into();
    }
    list.iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                s(rs, "/metadata/name"),
                n(rs, "/status/replicas"),
                n(rs, "/spec/replicas")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether two pod templates are the same but for the `pod-template-hash` label.
fn same_template(a: &Value, b: &Value) -> bool {
    let strip = |t: &Value| {
        let mut t = t.clone();
        if let Some(labels) = t["metadata"]["labels"].as_object_mut() {
            labels.remove("pod-template-hash");
            if labels.is_empty() {
                t["metadata"].as_object_mut().map(|m| m.remove("labels"));
            }
        }
        t
    };
    strip(a) == strip(b)
}

/// `kubectl describe deployment`. `owned` are the ReplicaSets it controls; the new one is
/// the oldest whose template matches the Deployment's.
pub fn deployment(d: &Value, owned: &[Value], events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    let spec = &d["spec"];
    header(&mut out, d);
    created(&mut out, d);
    meta(&mut out, d);
    w!(out, "Selector:\t{}\n", selector(d));
    w!(
        out,
        "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
        n(spec, "/replicas"),
        n(d, "/status/updatedReplicas"),
        n(d, "/status/replicas"),
        n(d, "/status/availableReplicas"),
        n(d, "/status/unavailableReplicas")
    );
    w!(out, "StrategyType:\t{}\n", s(spec, "/strategy/type"));
    w!(out, "MinReadySeconds:\t{}\n", n(spec, "/minReadySeconds"));
    if let Some(ru) = spec["strategy"]["rollingUpdate"].as_object() {
        let get = |k: &str| ru.get(k).map_or("<nil>".into(), int_or_string);
        w!(
            out,
            "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
            get("maxUnavailable"),
            get("maxSurge")
        );
    }
    pod_template(&mut out, &spec["template"]);
    conditions(&mut out, d);
    let mut sorted: Vec<&Value> = owned.iter().collect();
    crate::sort::by_key(&mut sorted, |rs| {
        time_of(&rs["metadata"]["creationTimestamp"]).unwrap_or(0)
    });
    let new = sorted
        .iter()
        .position(|rs| same_template(&rs["spec"]["template"], &spec["template"]));
    if !sorted.is_empty() {
        let new_rs: Vec<&Value> = new.map(|i| sorted[i]).into_iter().collect();
        let old: Vec<&Value> = sorted
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != new)
            .map(|(_, rs)| *rs)
            .collect();
        w!(out, "OldReplicaSets:\t{}\n", replica_sets(&old));
        w!(out, "NewReplicaSet:\t{}\n", replica_sets(&new_rs));
    }
    finish(out, d, events, now)
}

/// `kubectl describe replicaset`.
pub fn replica_set(rs: &Value, pods: PodCounts, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    header(&mut out, rs);
    w!(
        out,
        "Selector:\t{}\n",
        label_selector(&rs["spec"]["selector"])
    );
    meta(&mut out, rs);
    if let Some(c) = controlled_by(rs) {
        w!(out, "Controlled By:\t{c}\n");
    }
    w!(
        out,
        "Replicas:\t{} current / {} desired\n",
        n(rs, "/status/replicas"),
        n(rs, "/spec/replicas")
    );
    w!(out, "Pods Status:\t{pods}\n");
    pod_template(&mut out, &rs["spec"]["template"]);
    conditions(&mut out, rs);
    finish(out, rs, events, now)
}

/// `kubectl describe replicationcontroller`.
pub fn replication_controller(
    rc: &Value,
    pods: PodCounts,
    events: Option<&[Value]>,
    now: Millis,
) -> String {
    let mut out = String::new();
    header(&mut out, rc);
    let sel: Vec<String> = rc["spec"]["selector"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
        .collect();
    w!(out, "Selector:\t{}\n", sel.join(","));
    meta(&mut out, rc);
    w!(
        out,
        "Replicas:\t{} current / {} desired\n",
        n(rc, "/status/replicas"),
        n(rc, "/spec/replicas")
    );
    w!(out, "Pods Status:\t{pods}\n");
    pod_template(&mut out, &rc["spec"]["template"]);
    conditions(&mut out, rc);
    finish(out, rc, events, now)
}

/// `kubectl describe daemonset`.
pub fn daemon_set(ds: &Value, pods: PodCounts, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    header(&mut out, ds);
    w!(out, "Selector:\t{}\n", selector(ds));
    let node_selector: Vec<String> = ds["spec"]["template"]["spec"]["nodeSelector"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
        .collect();
    let node_selector = if node_selector.is_empty() {
        "<none>".to_string()
    } else {
        node_selector.join(",")
    };
    w!(out, "Node-Selector:\t{node_selector}\n");
    meta(&mut out, ds);
    let st = |k: &str| n(ds, &format!("/status/{k}"));
    w!(
        out,
        "Desired Number of Nodes Scheduled: {}\n",
        st("desiredNumberScheduled")
    );
    w!(
        out,
        "Current Number of Nodes Scheduled: {}\n",
        st("currentNumberScheduled")
    );
    w!(
        out,
        "Number of Nodes Scheduled with Up-to-date Pods: {}\n",
        st("updatedNumberScheduled")
    );
    w!(
        out,
        "Number of Nodes Scheduled with Available Pods: {}\n",
        st("numberAvailable")
    );
    w!(
        out,
        "Number of Nodes Misscheduled: {}\n",
        st("numberMisscheduled")
    );
    w!(out, "Pods Status:\t{pods}\n");
    pod_template(&mut out, &ds["spec"]["template"]);
    finish(out, ds, events, now)
}

/// `kubectl describe statefulset`.
pub fn stateful_set(sts: &Value, pods: PodCounts, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    let spec = &sts["spec"];
    header(&mut out, sts);
    created(&mut out, sts);
    w!(out, "Selector:\t{}\n", selector(sts));
    meta(&mut out, sts);
    w!(
        out,
        "Replicas:\t{} desired | {} total\n",
        n(spec, "/replicas"),
        n(sts, "/status/replicas")
    );
    w!(
        out,
        "Update Strategy:\t{}\n",
        s(spec, "/updateStrategy/type")
    );
    let ru = &spec["updateStrategy"]["rollingUpdate"];
    if let Some(p) = ru["partition"].as_i64() {
        w!(out, "  Partition:\t{p}\n");
        if !ru["maxUnavailable"].is_null() {
            w!(
                out,
                "  MaxUnavailable:\t{}\n",
                int_or_string(&ru["maxUnavailable"])
            );
        }
    }
    w!(out, "Pods Status:\t{pods}\n");
    pod_template(&mut out, &spec["template"]);
    match spec["volumeClaimTemplates"]
        .as_array()
        .filter(|a| !a.is_empty())
    {
        None => out.push_str("Volume Claims:\t<none>\n"),
        Some(list) => {
            out.push_str("Volume Claims:\n");
            for pvc in list {
                w!(out, "  Name:\t{}\n", s(pvc, "/metadata/name"));
                let class = match pvc["spec"]["storageClassName"].as_str() {
                    Some(c) => c.to_string(),
                    None => s(
                        pvc,
                        "/metadata/annotations/volume.beta.kubernetes.io~1storage-class",
                    )
                    .to_string(),
                };
                w!(out, "  StorageClass:\t{class}\n");
                write_map(&mut out, "  ", "Labels", &pvc["metadata"]["labels"]);
                write_map(
                    &mut out,
                    "  ",
                    "Annotations",
                    &pvc["metadata"]["annotations"],
                );
                let cap = pvc["spec"]["resources"]["requests"]["storage"]
                    .as_str()
                    .unwrap_or("<default>");
                w!(out, "  Capacity:\t{cap}\n");
                w!(
                    out,
                    "  Access Modes:\t[{}]\n",
                    strings(&pvc["spec"]["accessModes"]).join(" ")
                );
            }
        }
    }
    finish(out, sts, events, now)
}

/// `kubectl describe job`.
pub fn job(job: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    let spec = &job["spec"];
    let status = &job["status"];
    header(&mut out, job);
    w!(out, "Selector:\t{}\n", selector(job));
    meta(&mut out, job);
    if let Some(c) = controlled_by(job) {
        w!(out, "Controlled By:\t{c}\n");
    }
    if let Some(p) = spec["parallelism"].as_i64() {
        w!(out, "Parallelism:\t{p}\n");
    }
    match spec["completions"].as_i64() {
        Some(c) => w!(out, "Completions:\t{c}\n"),
        None => out.push_str("Completions:\t<unset>\n"),
    }
    if let Some(m) = spec["completionMode"].as_str() {
        w!(out, "Completion Mode:\t{m}\n");
    }
    if let Some(b) = spec["suspend"].as_bool() {
        w!(out, "Suspend:\t{b}\n");
    }
    if let Some(b) = spec["backoffLimit"].as_i64() {
        w!(out, "Backoff Limit:\t{b}\n");
    }
    if let Some(t) = spec["ttlSecondsAfterFinished"].as_i64() {
        w!(out, "TTL Seconds After Finished:\t{t}\n");
    }
    let start = time_of(&status["startTime"]);
    let done = time_of(&status["completionTime"]);
    if let Some(t) = start {
        w!(out, "Start Time:\t{}\n", rfc1123z(t));
    }
    if let Some(t) = done {
        w!(out, "Completed At:\t{}\n", rfc1123z(t));
    }
    if let (Some(a), Some(b)) = (start, done) {
        w!(out, "Duration:\t{}\n", human(b - a));
    }
    if let Some(d) = spec["activeDeadlineSeconds"].as_i64() {
        w!(out, "Active Deadline Seconds:\t{d}s\n");
    }
    let (active, succeeded, failed) = (
        n(status, "/active"),
        n(status, "/succeeded"),
        n(status, "/failed"),
    );
    match status["ready"].as_i64() {
        Some(r) => w!(
            out,
            "Pods Statuses:\t{active} Active ({r} Ready) / {succeeded} Succeeded / {failed} Failed\n"
        ),
        None => w!(
            out,
            "Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n"
        ),
    }
    if s(spec, "/completionMode") == "Indexed" {
        let indexes = s(status, "/completedIndexes");
        let text = if indexes.is_empty() {
            "<none>".to_string()
        } else {
            // At most about 50 characters, cut after a whole index.
            match indexes.get(50..).and_then(|rest| rest.find(',')) {
                Some(i) => format!("{}...", &indexes[..=50 + i]),
                _ => indexes.to_string(),
            }
        };
        w!(out, "Completed Indexes:\t{text}\n");
    }
    pod_template(&mut out, &spec["template"]);
    finish(out, job, events, now)
}

/// `kubectl describe cronjob`.
pub fn cron_job(cj: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    let spec = &cj["spec"];
    header(&mut out, cj);
    meta(&mut out, cj);
    w!(out, "Schedule:\t{}\n", s(spec, "/schedule"));
    w!(
        out,
        "Concurrency Policy:\t{}\n",
        s(spec, "/concurrencyPolicy")
    );
    let suspend = match spec["suspend"].as_bool() {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    w!(out, "Suspend:\t{suspend}\n");
    let unset = |k: &str, suffix: &str| {
        spec[k]
            .as_i64()
            .map_or("<unset>".to_string(), |v| format!("{v}{suffix}"))
    };
    w!(
        out,
        "Successful Job History Limit:\t{}\n",
        unset("successfulJobsHistoryLimit", "")
    );
    w!(
        out,
        "Failed Job History Limit:\t{}\n",
        unset("failedJobsHistoryLimit", "")
    );
    w!(
        out,
        "Starting Deadline Seconds:\t{}\n",
        unset("startingDeadlineSeconds", "s")
    );
    let job = &spec["jobTemplate"]["spec"];
    if job["selector"].is_object() {
        w!(out, "Selector:\t{}\n", selector(&spec["jobTemplate"]));
    } else {
        out.push_str("Selector:\t<unset>\n");
    }
    for (label, key) in [
        ("Parallelism", "parallelism"),
        ("Completions", "completions"),
    ] {
        match job[key].as_i64() {
            Some(v) => w!(out, "{label}:\t{v}\n"),
            None => w!(out, "{label}:\t<unset>\n"),
        }
    }
    if let Some(d) = job["activeDeadlineSeconds"].as_i64() {
        w!(out, "Active Deadline Seconds:\t{d}s\n");
    }
    pod_template(&mut out, &job["template"]);
    match time_of(&cj["status"]["lastScheduleTime"]) {
        Some(t) => w!(out, "Last Schedule Time:\t{}\n", rfc1123z(t)),
        None => out.push_str("Last Schedule Time:\t<unset>\n"),
    }
    let active: Vec<&str> = cj["status"]["active"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| s(r, "/name"))
        .collect();
    if active.is_empty() {
        out.push_str("Active Jobs:\t<none>\n");
    } else {
        w!(out, "Active Jobs:\t{}\n", active.join(", "));
    }
    finish(out, cj, events, now)
}
