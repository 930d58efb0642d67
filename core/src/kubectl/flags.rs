//! Command-line flags, each defined once with the verbs that accept it, parsed the way
//! kubectl's cobra/pflag does (`--flag=v`, `--flag v`, `-n v`, `-nv`, `--`).

use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    /// Whether it takes a value (bool flags don't).
    pub value: bool,
    /// Whether Kubarium implements it; others parse but answer "not supported".
    pub supported: bool,
    /// Verbs that accept it; empty means every verb (global flags).
    pub verbs: &'static [&'static str],
}

const fn f(
    long: &'static str,
    short: Option<char>,
    value: bool,
    supported: bool,
    verbs: &'static [&'static str],
) -> Flag {
    Flag {
        long,
        short,
        value,
        supported,
        verbs,
    }
}

const GET_LIKE: &[&str] = &["get", "describe", "delete", "label", "annotate", "wait"];
const SCALE: &[&str] = &["scale"];
const OUTPUT: &[&str] = &[
    "get",
    "run",
    "apply",
    "create",
    "create *",
    "patch",
    "explain",
    "label",
    "annotate",
    "scale",
    "taint",
    "expose",
    "set",
    "autoscale",
    "replace",
    "edit",
];
const DRY_RUN: &[&str] = &[
    "cordon",
    "uncordon",
    "drain",
    "run",
    "apply",
    "create",
    "create *",
    "patch",
    "label",
    "annotate",
    "scale",
    "taint",
    "expose",
    "set",
    "autoscale",
    "replace",
];
const DUMP: &str = "cluster-info dump";
const VIEW_LA: &str = "apply view-last-applied";
const SET_LA: &str = "apply set-last-applied";
const EDIT_LA: &str = "apply edit-last-applied";
/// Flags every `create` generator has.
const CREATE: &[&str] = &["create", "create *"];
const CREATE_DATA: &[&str] = &["create configmap", "create secret generic"];
const CREATE_ROLE: &[&str] = &["create role", "create clusterrole"];
const CREATE_BINDING: &[&str] = &["create rolebinding", "create clusterrolebinding"];
const META: &[&str] = &["label", "annotate"];
const SUBJECTS: &[&str] = &[
    "create rolebinding",
    "create clusterrolebinding",
    "set subject",
];
const FILES: &[&str] = &[
    "get", "describe", "delete", "apply", "create", "patch", "expose", "replace", "diff", "edit",
];

/// Every flag Kubarium knows.
pub const FLAGS: &[Flag] = &[
    f("namespace", Some('n'), true, true, &[]),
    f("help", Some('h'), false, true, &[]),
    f("context", None, true, true, &[]),
    f("kubeconfig", None, true, true, &[]),
    f("as", None, true, false, &[]),
    // Accepted: requests here are instant, and the log lines -v would add are not printed.
    f("request-timeout", None, true, true, &[]),
    f("v", Some('v'), true, true, &[]),
    f("all-namespaces", Some('A'), false, true, GET_LIKE),
    f("all-namespaces", Some('A'), false, true, &["set"]),
    f(
        "selector",
        Some('l'),
        true,
        true,
        &[
            "get", "describe", "delete", "label", "annotate", "scale", "wait", "taint", "set",
        ],
    ),
    f("labels", Some('l'), true, true, &["run"]),
    f(
        "selector",
        Some('l'),
        true,
        true,
        &["cordon", "uncordon", "drain"],
    ),
    f("force", None, false, true, &["drain"]),
    f("ignore-daemonsets", None, false, true, &["drain"]),
    f("delete-emptydir-data", None, false, true, &["drain"]),
    f("delete-local-data", None, false, true, &["drain"]),
    f("grace-period", None, true, true, &["drain"]),
    f("timeout", None, true, true, &["drain"]),
    f("pod-selector", None, true, true, &["drain"]),
    // Accepted: it sizes the list requests' pages, which print nothing.
    f("chunk-size", None, true, true, &["drain"]),
    f("disable-eviction", None, false, false, &["drain"]),
    f(
        "skip-wait-for-delete-timeout",
        None,
        true,
        false,
        &["drain"],
    ),
    f("replicas", None, true, true, SCALE),
    f("replicas", Some('r'), true, true, &["create deployment"]),
    f("current-replicas", None, true, true, SCALE),
    f("resource-version", None, true, true, SCALE),
    f("timeout", None, true, false, SCALE),
    f("for", None, true, true, &["wait"]),
    f("filename", Some('f'), true, false, &["wait"]),
    f("timeout", None, true, true, &["wait"]),
    f("filename", Some('f'), true, false, SCALE),
    f(
        "overwrite",
        None,
        false,
        true,
        &["label", "annotate", "taint"],
    ),
    f("filename", Some('f'), true, false, META),
    f("list", None, false, true, META),
    f("resource-version", None, true, true, META),
    f("resource-version", None, true, false, &["set"]),
    f("output", Some('o'), true, true, OUTPUT),
    f("template", None, true, true, &["get", DUMP]),
    f("output", Some('o'), true, true, &[DUMP]),
    f("all-namespaces", Some('A'), false, true, &[DUMP]),
    f("namespaces", None, true, true, &[DUMP]),
    f("output-directory", None, true, true, &[DUMP]),
    // Accepted: kubectl waits for nothing when it reads the pods it lists.
    f("pod-running-timeout", None, true, true, &[DUMP]),
    f(
        "allow-missing-template-keys",
        None,
        false,
        true,
        &["get", "edit", DUMP],
    ),
    f("show-labels", None, false, true, &["get"]),
    f("show-managed-fields", None, false, true, &["get", DUMP]),
    f("show-managed-fields", None, false, false, &["edit"]),
    f("no-headers", None, false, true, &["get"]),
    f("watch", Some('w'), false, true, &["get"]),
    f("watch-only", None, false, true, &["get"]),
    f("output-watch-events", None, false, true, &["get"]),
    f("sort-by", None, true, true, &["get"]),
    f("show-kind", None, false, true, &["get"]),
    f(
        "field-selector",
        None,
        true,
        true,
        &["get", "delete", "label", "annotate"],
    ),
    f("raw", None, true, true, &["get"]),
    f("label-columns", Some('L'), true, true, &["get"]),
    f("filename", Some('f'), true, true, FILES),
    f("recursive", Some('R'), false, false, FILES),
    f("dry-run", None, true, true, DRY_RUN),
    f(
        "image",
        None,
        true,
        true,
        &["run", "create deployment", "debug"],
    ),
    f("env", None, true, true, &["run", "debug"]),
    f("port", None, true, true, &["run", "create deployment"]),
    f("restart", None, true, true, &["run"]),
    f("command", None, false, true, &["run"]),
    f("image-pull-policy", None, true, true, &["run", "debug"]),
    f("annotations", None, true, true, &["run"]),
    f("overrides", None, true, true, &["run"]),
    f("override-type", None, true, true, &["run"]),
    f("expose", None, false, true, &["run"]),
    f("rm", None, false, true, &["run"]),
    f("stdin", Some('i'), false, true, &["run"]),
    f("tty", Some('t'), false, true, &["run"]),
    f("grace-period", None, true, true, &["delete"]),
    f("cascade", None, true, true, &["delete"]),
    f("force", None, false, true, &["delete", "replace"]),
    f("now", None, false, true, &["delete"]),
    f(
        "all",
        None,
        false,
        true,
        &[
            "delete", "label", "annotate", "scale", "wait", "taint", "set",
        ],
    ),
    f("wait", None, false, true, &["delete"]),
    f("ignore-not-found", None, false, true, &["delete", "get"]),
    f("save-config", None, false, false, CREATE),
    f("save-config", None, false, false, &["edit"]),
    f("output-patch", None, false, false, &["edit"]),
    f("windows-line-endings", None, false, false, &["edit"]),
    f("subresource", None, true, false, &["edit"]),
    f("kustomize", Some('k'), true, false, &["edit"]),
    f(
        "validate",
        None,
        true,
        true,
        &["apply", "create", "create *", "replace", "edit"],
    ),
    f("server-side", None, false, true, &["apply"]),
    f("create-annotation", None, false, true, &[SET_LA]),
    // `apply view-last-applied|set-last-applied|edit-last-applied` have flags of their own.
    f("all", None, false, true, &[VIEW_LA]),
    f("selector", Some('l'), true, true, &[VIEW_LA]),
    f(
        "filename",
        Some('f'),
        true,
        true,
        &[VIEW_LA, SET_LA, EDIT_LA],
    ),
    f("output", Some('o'), true, true, &[VIEW_LA, SET_LA, EDIT_LA]),
    f("recursive", Some('R'), false, false, &[VIEW_LA, EDIT_LA]),
    f("kustomize", Some('k'), true, false, &[VIEW_LA, EDIT_LA]),
    f("dry-run", None, true, true, &[SET_LA]),
    f("template", None, true, false, &[SET_LA, EDIT_LA]),
    f(
        "allow-missing-template-keys",
        None,
        false,
        true,
        &[SET_LA, EDIT_LA],
    ),
    f("show-managed-fields", None, false, true, &[SET_LA]),
    f("show-managed-fields", None, false, false, &[EDIT_LA]),
    f("field-manager", None, true, true, &[EDIT_LA]),
    f("validate", None, true, true, &[EDIT_LA]),
    f("windows-line-endings", None, false, false, &[EDIT_LA]),
    f("force-conflicts", None, false, true, &["apply"]),
    f(
        "field-manager",
        None,
        true,
        true,
        &[
            "apply",
            "create",
            "create *",
            "run",
            "patch",
            "taint",
            "expose",
            "set",
            "autoscale",
            "replace",
            "edit",
        ],
    ),
    f("patch", Some('p'), true, true, &["patch"]),
    f("patch-file", None, true, true, &["patch"]),
    f(
        "type",
        None,
        true,
        true,
        &["patch", "create secret generic"],
    ),
    f("from-literal", None, true, true, CREATE_DATA),
    f(
        "tcp",
        None,
        true,
        true,
        &[
            "create service clusterip",
            "create service nodeport",
            "create service loadbalancer",
            "create service externalname",
        ],
    ),
    f("node-port", None, true, true, &["create service nodeport"]),
    f("clusterip", None, true, true, &["create service clusterip"]),
    f(
        "external-name",
        None,
        true,
        true,
        &["create service externalname"],
    ),
    f(
        "from-file",
        None,
        true,
        true,
        &[
            "create configmap",
            "create secret generic",
            "create secret docker-registry",
        ],
    ),
    f("from-env-file", None, true, true, CREATE_DATA),
    f(
        "append-hash",
        None,
        false,
        false,
        &[
            "create configmap",
            "create secret generic",
            "create secret docker-registry",
            "create secret tls",
        ],
    ),
    f("cert", None, true, true, &["create secret tls"]),
    f("key", None, true, true, &["create secret tls"]),
    f("image", None, true, true, &["create job", "create cronjob"]),
    f("from", None, true, true, &["create job"]),
    f("schedule", None, true, true, &["create cronjob"]),
    f("restart", None, true, true, &["create cronjob"]),
    f("value", None, true, true, &["create priorityclass"]),
    f(
        "global-default",
        None,
        false,
        true,
        &["create priorityclass"],
    ),
    f("description", None, true, true, &["create priorityclass"]),
    f(
        "preemption-policy",
        None,
        true,
        true,
        &["create priorityclass"],
    ),
    f("hard", None, true, true, &["create quota"]),
    f("scopes", None, true, true, &["create quota"]),
    f(
        "min-available",
        None,
        true,
        true,
        &["create poddisruptionbudget"],
    ),
    f(
        "max-unavailable",
        None,
        true,
        true,
        &["create poddisruptionbudget"],
    ),
    f(
        "selector",
        None,
        true,
        true,
        &["create poddisruptionbudget"],
    ),
    f("class", None, true, true, &["create ingress"]),
    f("rule", None, true, true, &["create ingress"]),
    f("default-backend", None, true, true, &["create ingress"]),
    f("annotation", None, true, true, &["create ingress"]),
    f(
        "docker-username",
        None,
        true,
        true,
        &["create secret docker-registry"],
    ),
    f(
        "docker-password",
        None,
        true,
        true,
        &["create secret docker-registry"],
    ),
    f(
        "docker-email",
        None,
        true,
        true,
        &["create secret docker-registry"],
    ),
    f(
        "docker-server",
        None,
        true,
        true,
        &["create secret docker-registry"],
    ),
    f("protocol", None, true, true, &["expose"]),
    f("port", None, true, true, &["expose"]),
    f("type", None, true, true, &["expose"]),
    f("load-balancer-ip", None, true, true, &["expose"]),
    f("selector", None, true, true, &["expose"]),
    f("labels", Some('l'), true, true, &["expose"]),
    f("target-port", None, true, true, &["expose"]),
    f("external-ip", None, true, true, &["expose"]),
    f("name", None, true, true, &["expose"]),
    f("session-affinity", None, true, true, &["expose"]),
    f("cluster-ip", None, true, true, &["expose"]),
    f("override-type", None, true, false, &["expose"]),
    f("overrides", None, true, false, &["expose"]),
    f("limits", None, true, true, &["set"]),
    f("requests", None, true, true, &["set"]),
    f("containers", Some('c'), true, true, &["set"]),
    f("env", Some('e'), true, true, &["set"]),
    f("list", None, false, true, &["set"]),
    f("for", None, true, true, &["events"]),
    f("types", None, true, true, &["events"]),
    f("all-namespaces", Some('A'), false, true, &["events"]),
    f("no-headers", None, false, true, &["events"]),
    f("watch", Some('w'), false, true, &["events"]),
    f("output", Some('o'), true, false, &["events"]),
    f("min", None, true, true, &["autoscale"]),
    f("max", None, true, true, &["autoscale"]),
    f("cpu-percent", None, true, true, &["autoscale"]),
    f("cpu", None, true, true, &["autoscale"]),
    f("memory", None, true, true, &["autoscale"]),
    f("name", None, true, true, &["autoscale"]),
    f("raw", None, false, true, &["config"]),
    f("selector", Some('l'), true, true, &["top node", "top pod"]),
    f("selector", Some('l'), true, true, &["rollout"]),
    f("watch", Some('w'), false, true, &["rollout"]),
    f("revision", None, true, true, &["rollout"]),
    f("timeout", None, true, true, &["rollout"]),
    f("to-revision", None, true, true, &["rollout"]),
    f("dry-run", None, true, true, &["rollout"]),
    f("output", Some('o'), true, true, &["rollout"]),
    f("filename", Some('f'), true, false, &["rollout"]),
    f("field-manager", None, true, false, &["rollout"]),
    f("field-selector", None, true, true, &["top pod"]),
    f("sort-by", None, true, true, &["top node", "top pod"]),
    f("no-headers", None, false, true, &["top node", "top pod"]),
    f("show-capacity", None, false, true, &["top node"]),
    f("containers", None, false, true, &["top pod"]),
    f("all-namespaces", Some('A'), false, true, &["top pod"]),
    f("sum", None, false, true, &["top pod"]),
    // Kubarium's API server answers in JSON either way.
    f(
        "use-protocol-buffers",
        None,
        false,
        true,
        &["top node", "top pod"],
    ),
    f("show-swap", None, false, false, &["top node", "top pod"]),
    f(
        "container",
        Some('c'),
        true,
        true,
        &["logs", "exec", "attach", "cp", "debug"],
    ),
    f("no-preserve", None, false, true, &["cp"]),
    f("retries", None, true, true, &["cp"]),
    f(
        "stdin",
        Some('i'),
        false,
        true,
        &["exec", "attach", "debug"],
    ),
    f("tty", Some('t'), false, true, &["exec", "attach", "debug"]),
    f(
        "quiet",
        Some('q'),
        false,
        true,
        &["exec", "attach", "debug"],
    ),
    f("target", None, true, true, &["debug"]),
    f("copy-to", None, true, true, &["debug"]),
    f("replace", None, false, true, &["debug"]),
    f("same-node", None, false, true, &["debug"]),
    f("share-processes", None, false, true, &["debug"]),
    f("set-image", None, true, true, &["debug"]),
    f("profile", None, true, true, &["debug"]),
    f("custom", None, true, true, &["debug"]),
    f("attach", None, false, true, &["debug"]),
    f("arguments-only", None, false, true, &["debug"]),
    f("keep-labels", None, false, true, &["debug"]),
    f("keep-annotations", None, false, true, &["debug"]),
    f("keep-liveness", None, false, true, &["debug"]),
    f("keep-readiness", None, false, true, &["debug"]),
    f("keep-startup", None, false, true, &["debug"]),
    f("keep-init-containers", None, false, true, &["debug"]),
    f(
        "pod-running-timeout",
        None,
        true,
        true,
        &["exec", "attach", "port-forward"],
    ),
    f("address", None, true, true, &["port-forward"]),
    f("selector", Some('l'), true, true, &["logs"]),
    f("previous", Some('p'), false, true, &["logs"]),
    f("follow", Some('f'), false, true, &["logs"]),
    f("timestamps", None, false, true, &["logs"]),
    f("tail", None, true, true, &["logs"]),
    f("since", None, true, true, &["logs"]),
    f("since-time", None, true, true, &["logs"]),
    f("limit-bytes", None, true, true, &["logs"]),
    f("all-containers", None, false, true, &["logs"]),
    f("all-pods", None, false, true, &["logs"]),
    f("prefix", None, false, true, &["logs"]),
    f("ignore-errors", None, false, true, &["logs"]),
    f("max-log-requests", None, true, true, &["logs"]),
    f("pod-running-timeout", None, true, true, &["logs"]),
    f(
        "insecure-skip-tls-verify-backend",
        None,
        false,
        true,
        &["logs"],
    ),
    f("minify", None, false, true, &["config"]),
    f("flatten", None, false, false, &["config"]),
    f("current", None, false, true, &["config"]),
    f("cluster", None, true, true, &["config"]),
    f("user", None, true, true, &["config"]),
    f("output", Some('o'), true, true, &["config"]),
    f("no-headers", None, false, true, &["config"]),
    f("server", None, true, true, &["config"]),
    f("certificate-authority", None, true, true, &["config"]),
    f("insecure-skip-tls-verify", None, false, true, &["config"]),
    f("tls-server-name", None, true, true, &["config"]),
    f("proxy-url", None, true, true, &["config"]),
    f("embed-certs", None, false, true, &["config"]),
    f("token", None, true, true, &["config"]),
    f("username", None, true, true, &["config"]),
    f("password", None, true, true, &["config"]),
    f("client-certificate", None, true, true, &["config"]),
    f("client-key", None, true, true, &["config"]),
    f("set-raw-bytes", None, false, true, &["config"]),
    f("auth-provider", None, true, false, &["config"]),
    f("auth-provider-arg", None, true, false, &["config"]),
    f("exec-command", None, true, false, &["config"]),
    f("exec-api-version", None, true, false, &["config"]),
    f("exec-arg", None, true, false, &["config"]),
    f("exec-env", None, true, false, &["config"]),
    f("exec-interactive-mode", None, true, false, &["config"]),
    f("exec-provide-cluster-info", None, false, false, &["config"]),
    f("verb", None, true, true, CREATE_ROLE),
    f("resource", None, true, true, CREATE_ROLE),
    f("resource-name", None, true, true, CREATE_ROLE),
    f(
        "non-resource-url",
        None,
        true,
        true,
        &["create clusterrole"],
    ),
    f(
        "aggregation-rule",
        None,
        true,
        true,
        &["create clusterrole"],
    ),
    f("role", None, true, true, &["create rolebinding"]),
    f("clusterrole", None, true, true, CREATE_BINDING),
    f("user", None, true, true, SUBJECTS),
    f("group", None, true, true, SUBJECTS),
    f("serviceaccount", None, true, true, SUBJECTS),
    f("subresource", None, true, true, &["patch"]),
    f("local", None, false, false, &["patch", "set"]),
    f("recursive", None, false, true, &["explain"]),
    f("api-version", None, true, true, &["explain"]),
    f("show-events", None, false, true, &["describe"]),
    f("client", None, false, true, &["version"]),
    f("output", Some('o'), true, true, &["version"]),
    f("namespaced", None, false, true, &["api-resources"]),
    f("api-group", None, true, true, &["api-resources"]),
    f("verbs", None, true, true, &["api-resources"]),
    f("categories", None, true, true, &["api-resources"]),
    f("sort-by", None, true, true, &["api-resources"]),
    f("no-headers", None, false, true, &["api-resources"]),
    f("output", Some('o'), true, true, &["api-resources"]),
    f("cached", None, false, true, &["api-resources"]),
];

/// Parsed arguments.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub positional: Vec<String>,
    values: BTreeMap<&'static str, Vec<String>>,
    /// Words after `--`.
    pub rest: Vec<String>,
    pub dashdash: bool,
    /// The first flag given that Kubarium does not implement for this verb.
    unsupported_given: Option<&'static str>,
    /// The namespace of the kubeconfig's context, used when `-n` is not given.
    pub context_namespace: Option<String>,
    /// The server of the context's cluster, if it has one.
    pub context_server: Option<String>,
}

impl Parsed {
    fn record(&mut self, flag: &Flag, value: String) {
        if !flag.supported && self.unsupported_given.is_none() {
            self.unsupported_given = Some(flag.long);
        }
        self.values.entry(flag.long).or_default().push(value);
    }

    /// The last value given for a flag.
    pub fn get(&self, long: &str) -> Option<&str> {
        self.values
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// Every value given for a repeatable flag.
    pub fn all(&self, long: &str) -> Vec<String> {
        self.values.get(long).cloned().unwrap_or_default()
    }

    /// Whether a bool flag is on.
    pub fn on(&self, long: &str) -> bool {
        self.get(long).is_some_and(|v| v != "false")
    }

    /// Every flag given, by long name, with its values.
    pub fn values(&self) -> BTreeMap<String, Vec<String>> {
        kubarium_tools::sort::insert_all(
            self.values.iter().map(|(k, v)| (k.to_string(), v.clone())),
        )
    }

    pub fn given(&self, long: &str) -> bool {
        self.values.contains_key(long)
    }

    /// The first flag that was given but is not implemented.
    pub fn unsupported(&self) -> Option<&'static str> {
        self.unsupported_given
    }
}

/// The flags of `verb` (for `create`, of one generator: `create role`, `create secret
/// generic`; a flag listed for `create *` belongs to every generator).
fn for_verb(verb: &str) -> impl Iterator<Item = &'static Flag> + '_ {
    let generator = verb.starts_with("create ");
    // `set subject` has flags of its own beside those of every `set` subcommand.
    let set_sub = verb.starts_with("set ");
    FLAGS.iter().filter(move |f| {
        f.verbs.is_empty()
            || f.verbs.contains(&verb)
            || (generator && f.verbs.contains(&"create *"))
            || (set_sub && f.verbs.contains(&"set"))
    })
}

/// The values of a string-slice flag (`--verb=get,list --verb=watch`), split at commas.
pub fn slice(p: &Parsed, long: &str) -> Vec<String> {
    p.all(long)
        .iter()
        .flat_map(|v| v.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|v| !v.is_empty())
        .collect()
}

/// Parses `args` for `verb`, with pflag's error texts.
pub fn parse(verb: &str, args: &[String]) -> Result<Parsed, String> {
    let usage = format!("See 'kubectl {verb} --help' for usage.");
    let mut p = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if p.dashdash {
            p.rest.push(a.clone());
            i += 1;
            continue;
        }
        if a == "--" {
            p.dashdash = true;
            i += 1;
            continue;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(flag) = for_verb(verb).find(|f| f.long == name) else {
                return Err(format!("error: unknown flag: --{name}\n{usage}"));
            };
            let value = if flag.value {
                match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        match args.get(i) {
                            Some(v) => v.clone(),
                            None => {
                                return Err(format!(
                                    "error: flag needs an argument: --{name}\n{usage}"
                                ))
                            }
                        }
                    }
                }
            } else {
                inline.unwrap_or_else(|| "true".into())
            };
            p.record(flag, value);
            i += 1;
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let Some(flag) = for_verb(verb).find(|f| f.short == Some(c)) else {
                    return Err(format!(
                        "error: unknown shorthand flag: '{c}' in {a}\n{usage}"
                    ));
                };
                if flag.value {
                    let rest: String = chars[j + 1..].iter().collect();
                    let value = if !rest.is_empty() {
                        rest.strip_prefix('=').map(String::from).unwrap_or(rest)
                    } else {
                        i += 1;
                        match args.get(i) {
                            Some(v) => v.clone(),
                            None => {
                                return Err(format!(
                                    "error: flag needs an argument: '{c}' in -{c}\n{usage}"
                                ))
                            }
                        }
                    };
                    p.record(flag, value);
                    break;
                }
                p.record(flag, "true".into());
                j += 1;
            }
            i += 1;
            continue;
        }
        p.positional.push(a.clone());
        i += 1;
    }
    Ok(p)
}
