//! `kubectl drain (NODE... | -l SELECTOR)`: cordons the nodes, then evicts the pods on
//! each through the eviction API, after kubectl's filters (DaemonSet-managed, mirror,
//! local storage and unmanaged pods), and waits in virtual time until they are gone.

use serde_json::{json, Value};

use super::apply::{dry_run, DryRun};
use super::client::{self, ListOptions};
use super::cordon;
use super::flags::Parsed;
use super::{fail, Ctx};
use crate::apiserver::errors::Reason;
use crate::apiserver::request::Request;
use crate::apiserver::resources;
use crate::clock::Millis;
use crate::command::{CmdResult, Output};
use crate::labels::Selector;
use crate::printers::age::go_duration;

const DAEMON_SET_FATAL: &str = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
const DAEMON_SET_WARNING: &str = "ignoring DaemonSet-managed Pods";
const LOCAL_STORAGE_FATAL: &str =
    "Pods with local storage (use --delete-emptydir-data to override)";
const UNMANAGED_FATAL: &str =
    "cannot delete Pods that declare no controller (use --force to override)";
const UNMANAGED_WARNING: &str = "deleting Pods that declare no controller";

/// What the filters decided for one pod.
enum Verdict {
    Delete,
    /// Deleted (or not) with a warning.
    Warn(bool, String),
    Skip,
    Fatal(String),
}

/// The flags that steer the filters.
struct Options {
    force: bool,
    ignore_daemon_sets: bool,
    delete_emptydir_data: bool,
}

/// kubectl's filters, in its order; the first that does not delete decides, else the last.
fn verdict(api: &mut client::Client<'_>, pod: &Value, o: &Options) -> Verdict {
    let finished = matches!(
        pod["status"]["phase"].as_str(),
        Some("Succeeded" | "Failed")
    );
    let owner = pod["metadata"]["ownerReferences"]
        .as_array()
        .and_then(|refs| refs.iter().find(|r| r["controller"] == true));
    // DaemonSet-managed pods stay, unless their DaemonSet is gone and --force is given.
    let daemon_set = owner.filter(|r| r["kind"] == "DaemonSet" && r["apiVersion"] == "apps/v1");
    if let (Some(ds), false) = (daemon_set, finished) {
        let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
        let name = ds["name"].as_str().unwrap_or("");
        let found = resources::find("apps", "v1", "daemonsets").map(|r| api.get(r, ns, name));
        match found {
            Some(Err(e)) if e.reason == Reason::NotFound && o.force => {
                return Verdict::Warn(true, e.message)
            }
            Some(Err(e)) => return Verdict::Fatal(e.message),
            _ if !o.ignore_daemon_sets => return Verdict::Fatal(DAEMON_SET_FATAL.into()),
            _ => return Verdict::Warn(false, DAEMON_SET_WARNING.into()),
        }
    }
    if pod["metadata"]["annotations"]["kubernetes.io/config.mirror"].is_string() {
        return Verdict::Skip;
    }
    let local_storage = pod["spec"]["volumes"]
        .as_array()
        .is_some_and(|v| v.iter().any(|v| v["emptyDir"].is_object()));
    if local_storage && !finished && !o.delete_emptydir_data {
        return Verdict::Fatal(LOCAL_STORAGE_FATAL.into());
    }
    if finished || owner.is_some() {
        return Verdict::Delete;
    }
    if o.force {
        Verdict::Warn(true, UNMANAGED_WARNING.into())
    } else {
        Verdict::Fatal(UNMANAGED_FATAL.into())
    }
}

/// `message: ns/a, ns/b` for each message, in the order first seen.
fn grouped(items: &[(String, String)]) -> Vec<String> {
    let mut groups: Vec<(String, Vec<String>)> = vec![];
    for (msg, pod) in items {
        match groups.iter_mut().find(|(m, _)| m == msg) {
            Some((_, pods)) => pods.push(pod.clone()),
            None => groups.push((msg.clone(), vec![pod.clone()])),
        }
    }
    groups
        .into_iter()
        .map(|(m, pods)| format!("{m}: {}", pods.join(", ")))
        .collect()
}

/// Go's aggregate of errors: one as itself, several in brackets.
fn aggregate(errs: &[String]) -> String {
    match errs {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// The pods on `node` to evict, or why the node cannot be drained.
fn pods_to_evict(
    ctx: &mut Ctx<'_>,
    node: &str,
    pod_selector: Option<&str>,
    o: &Options,
    out: &mut Output,
) -> Result<Vec<Value>, Vec<String>> {
    let mut client = client::connect(ctx.cluster);
    let field = format!("spec.nodeName={node}");
    let opts = ListOptions {
        label_selector: pod_selector,
        field_selector: Some(&field),
        ..Default::default()
    };
    let pods = client
        .list(resources::pods(), None, opts)
        .map_err(|e| vec![e.kubectl_message()])?;
    let (mut evict, mut warnings, mut fatal) = (vec![], vec![], vec![]);
    for pod in pods {
        let id = format!(
            "{}/{}",
            pod["metadata"]["namespace"].as_str().unwrap_or(""),
            pod["metadata"]["name"].as_str().unwrap_or("")
        );
        match verdict(&mut client, &pod, o) {
            Verdict::Delete => evict.push(pod),
            Verdict::Warn(delete, msg) => {
                warnings.push((msg, id));
                if delete {
                    evict.push(pod);
                }
            }
            Verdict::Skip => {}
            Verdict::Fatal(msg) => fatal.push((msg, id)),
        }
    }
    if !fatal.is_empty() {
        return Err(grouped(&fatal)
            .into_iter()
            .map(|e| format!("cannot delete {e}"))
            .collect());
    }
    if !warnings.is_empty() {
        out.err(format!("Warning: {}\n", grouped(&warnings).join("; ")));
    }
    Ok(evict)
}

/// Where one pod's eviction stands (kubectl runs one goroutine per pod).
enum Eviction {
    /// Asks the eviction API at this time.
    Ask(Millis),
    /// Evicted: polled every second until it is gone.
    Wait(Millis),
    Done,
}

/// How long a drain may wait without --timeout before Kubarium gives up saying so.
const UNBOUNDED_WAIT: Millis = 3_600_000;

/// Evicts `pods` and waits until they are gone, as kubectl's concurrent evictions do in
/// virtual time; the errors, in the order their evictions ended.
fn evict(
    ctx: &mut Ctx<'_>,
    pods: &[Value],
    dry: DryRun,
    grace: Option<i64>,
    timeout: Option<Millis>,
    out: &mut Output,
) -> Vec<String> {
    let start = ctx.cluster.now();
    let deadline = timeout.map(|t| start + t);
    let mut states: Vec<Eviction> = pods.iter().map(|_| Eviction::Ask(start)).collect();
    let mut errors = vec![];
    loop {
        let now = ctx.cluster.now();
        for (pod, state) in pods.iter().zip(states.iter_mut()) {
            let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
            let name = pod["metadata"]["name"].as_str().unwrap_or("");
            match *state {
                Eviction::Ask(at) if at <= now => {
                    out.out(format!("evicting pod {ns}/{name}{}\n", dry.suffix()));
                    if deadline.is_some_and(|d| now >= d) {
                        let t = go_duration(timeout.unwrap_or(0));
                        errors.push(format!("error when evicting pods/\"{name}\" -n \"{ns}\": global timeout reached: {t}"));
                        *state = Eviction::Done;
                        continue;
                    }
                    let mut eviction = json!({
                        "apiVersion": "policy/v1", "kind": "Eviction",
                        "metadata": {"name": name, "namespace": ns},
                    });
                    if let Some(g) = grace {
                        eviction["deleteOptions"]["gracePeriodSeconds"] = json!(g);
                    }
                    if dry == DryRun::Server {
                        eviction["deleteOptions"]["dryRun"] = json!(["All"]);
                    }
                    let path = format!("/api/v1/namespaces/{ns}/pods/{name}/eviction");
                    let resp = client::connect(ctx.cluster).send(Request::post(path, eviction));
                    if resp.is_success() {
                        *state = if dry == DryRun::Server {
                            Eviction::Done
                        } else {
                            Eviction::Wait(ctx.cluster.now())
                        };
                        continue;
                    }
                    let e = crate::apiserver::errors::ApiError::from_status(&resp.body);
                    *state = match e.reason {
                        Reason::NotFound => Eviction::Done,
                        Reason::TooManyRequests => {
                            out.err(format!("error when evicting pods/\"{name}\" -n \"{ns}\" (will retry after 5s): {}\n", e.message));
                            if deadline.is_none() {
                                // kubectl would retry until interrupted.
                                errors.push(format!("waiting for pods/\"{name}\" -n \"{ns}\" to become evictable without --timeout is not supported in Kubarium yet (give --timeout)"));
                                Eviction::Done
                            } else {
                                Eviction::Ask(now + 5000)
                            }
                        }
                        _ => {
                            errors.push(format!(
                                "error when evicting pods/\"{name}\" -n \"{ns}\": {}",
                                e.message
                            ));
                            Eviction::Done
                        }
                    };
                }
                Eviction::Wait(at) if at <= now => {
                    let uid = pod["metadata"]["uid"].as_str();
                    let gone = client::connect(ctx.cluster)
                        .get(resources::pods(), ns, name)
                        .map_or(true, |p| p["metadata"]["uid"].as_str() != uid);
                    if gone {
                        out.out(format!("pod/{name} evicted\n"));
                        *state = Eviction::Done;
                    } else if deadline.is_some_and(|d| now >= d) {
                        errors.push(format!("error when waiting for pod \"{name}\" in namespace \"{ns}\" to terminate: context deadline exceeded"));
                        *state = Eviction::Done;
                    } else {
                        *state = Eviction::Wait(now + 1000);
                    }
                }
                _ => {}
            }
        }
        let next = states
            .iter()
            .filter_map(|s| match s {
                Eviction::Ask(t) | Eviction::Wait(t) => Some(*t),
                Eviction::Done => None,
            })
            .min();
        let Some(next) = next else {
            return errors;
        };
        if deadline.is_none() && next - start > UNBOUNDED_WAIT {
            errors.push("a drain that waits more than an hour for its pods to go without --timeout is not supported in Kubarium yet (give --timeout)".into());
            return errors;
        }
        let next = deadline.map_or(next, |d| next.min(d.max(now + 1)));
        ctx.cluster.advance_until(next, |_| false);
    }
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let dry = match dry_run(p) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let pod_selector = p.get("pod-selector").filter(|s| !s.is_empty());
    if pod_selector.is_some_and(|s| Selector::parse(s).is_err()) {
        return fail("error: --pod-selector=<pod_selector> must be a valid label selector");
    }
    let grace = match p.get("grace-period").map(str::parse::<i64>) {
        None => None,
        Some(Ok(g)) if g < 0 => None,
        Some(Ok(g)) => Some(g),
        Some(Err(_)) => {
            let v = p.get("grace-period").unwrap_or("");
            return fail(format!("invalid argument \"{v}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl drain --help' for usage."));
        }
    };
    let timeout = match p.get("timeout").filter(|t| *t != "0" && *t != "0s") {
        None => None,
        Some(t) => match super::wait::parse_duration(t) {
            Some(ms) => Some(ms),
            None => return fail(format!("invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\"\nSee 'kubectl drain --help' for usage.")),
        },
    };
    let options = Options {
        force: p.on("force"),
        ignore_daemon_sets: p.on("ignore-daemonsets"),
        delete_emptydir_data: p.on("delete-emptydir-data") || p.on("delete-local-data"),
    };
    let nodes = match cordon::nodes(p, ctx, "drain") {
        Ok(n) => n,
        Err(e) => return fail(e),
    };
    let mut out = Output::default();
    cordon::mark(ctx, &nodes, true, dry, &mut out);
    let mut pending: Vec<(String, Vec<String>)> = vec![];
    for node in &nodes {
        let name = node["metadata"]["name"].as_str().unwrap_or("").to_string();
        let errors = match pods_to_evict(ctx, &name, pod_selector, &options, &mut out) {
            Err(errs) => errs,
            Ok(pods) if dry == DryRun::Client => {
                for pod in &pods {
                    out.out(format!(
                        "evicting pod {}/{} (dry run)\n",
                        pod["metadata"]["namespace"].as_str().unwrap_or(""),
                        pod["metadata"]["name"].as_str().unwrap_or("")
                    ));
                }
                vec![]
            }
            Ok(pods) => {
                let errs = evict(ctx, &pods, dry, grace, timeout, &mut out);
                if !errs.is_empty() {
                    // What is left on the node when an eviction failed.
                    let left =
                        pods_to_evict(ctx, &name, pod_selector, &options, &mut Output::default());
                    if let Some(left) = left.ok().filter(|l| !l.is_empty()) {
                        out.err(format!(
                            "There are pending pods in node \"{name}\" when an error occurred: {}\n",
                            aggregate(&errs)
                        ));
                        for pod in left {
                            out.err(format!(
                                "pod/{}\n",
                                pod["metadata"]["name"].as_str().unwrap_or("")
                            ));
                        }
                    }
                }
                errs
            }
        };
        if errors.is_empty() {
            out.out(format!("node/{name} drained{}\n", dry.suffix()));
        } else {
            out.err(format!(
                "error: unable to drain node \"{name}\" due to error: {}, continuing command...\n",
                aggregate(&errors)
            ));
            pending.push((name, errors));
        }
    }
    if pending.is_empty() {
        return CmdResult {
            output: out,
            code: 0,
        };
    }
    out.err("There are pending nodes to be drained:\n");
    for (name, _) in &pending {
        out.err(format!(" {name}\n"));
    }
    for e in pending.iter().flat_map(|(_, errs)| errs) {
        out.err(format!("{e}\n"));
    }
    CmdResult {
        output: out,
        code: 1,
    }
}
