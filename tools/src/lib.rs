//! The learner's text utilities (grep, awk, sed, jq and the coreutils), kubectl's help texts and its Go template printer. The shell's own types (what a
//! command gives back, the node's files) live here too, so that both the core and the
//! browser's second WebAssembly module speak them; the core links the utilities in
//! native builds, and the browser loads them after the first paint.

pub mod age;
pub mod awk;
pub mod bootstrap;
pub mod command;
pub mod completion;
pub mod components;
pub mod config;
pub mod config_property;
pub mod controllers;
pub mod coreutils;
pub mod crictl;
pub mod cron;
pub mod debug;
pub mod describe;
pub mod eviction;
pub mod explain;
pub mod expose;
pub mod find;
pub mod flags;
pub mod fs;
pub mod generators;
pub mod glob;
pub mod gojson;
pub mod gosort;
pub mod gotemplate;
pub mod gotypes;
pub mod grep;
pub mod help;
pub mod io;
pub mod jq;
pub mod klog;
pub mod kubectl_args;
pub mod labels;
pub mod pod_security;
pub mod program;
pub mod programs;
pub mod ps;
pub mod quantity;
pub mod reference;
pub mod regex;
pub mod sed;
pub mod set;
pub mod sort;
pub mod tabwriter;
pub mod tar;
pub mod time;
pub mod time_zone;
pub mod tls;
pub mod top;
pub mod value;
pub mod vpa;
pub mod webhook_configuration;
pub mod yaml;

use command::CmdResult;
use io::Io;

/// Runs the utility `name`; None when there is no such utility here.
pub fn run(name: &str, args: &[String], io: &mut Io) -> Option<CmdResult> {
    match name {
        "awk" => Some(awk::run(args, io)),
        "sed" => Some(sed::run(args, io)),
        "jq" => Some(jq::run(args, io)),
        "grep" | "egrep" | "fgrep" => Some(grep::run(name, args, io)),
        "tar" => Some(tar::run(args, io)),
        "find" => Some(find::run(args, io)),
        n => coreutils::run(n, args, io),
    }
}

/// A tool called by name across the boundary to the browser's second module: a JSON
/// request in, a JSON answer out (`null` for a name it does not know).
pub fn call(name: &str, request: &str) -> String {
    fn answer<Q: serde::de::DeserializeOwned, A: serde::Serialize>(
        request: &str,
        f: impl Fn(&Q) -> A,
    ) -> String {
        serde_json::from_str(request)
            .ok()
            .map(|q| serde_json::to_string(&f(&q)).unwrap_or_default())
            .unwrap_or_else(|| "null".into())
    }
    match name {
        "regex" => answer(request, regex::is_match),
        "file" => answer(request, |name: &String| bootstrap::file(name)),
        "startup" => answer(request, programs::startup),
        "webhook_configuration" => answer(request, webhook_configuration::validate),
        "yaml" => answer(request, yaml::decode),
        "yaml_positions" => answer(request, yaml::positions),
        "explain_fields" => answer(request, explain::fields),
        "ps" => answer(request, ps::run),
        "request_loop" => answer(request, |argv: &Vec<String>| ps::request_loop(argv)),
        "debug" => answer(request, debug::plan),
        "expose" => answer(request, expose::service),
        "generate" => answer(request, generators::build),
        "config" => answer(request, config::run),
        "set" => answer(request, set::run),
        "crictl" => answer(request, crictl::answer),
        "job" => answer(request, controllers::job::decide),
        "job_validation" => answer(request, controllers::job::validate),
        "cronjob" => answer(request, controllers::cron_job::decide),
        "cronjob_validation" => answer(request, controllers::cron_job::validate),
        "daemonset" => answer(request, controllers::daemon_set::decide),
        "statefulset" => answer(request, controllers::stateful_set::decide),
        "disruption" => answer(request, controllers::disruption::decide),
        "eviction" => answer(request, eviction::decide),
        "horizontal_pod_autoscaler" => {
            answer(request, controllers::horizontal_pod_autoscaler::decide)
        }
        "vpa-recommender" => answer(request, vpa::recommender::step),
        "vpa-updater" => answer(request, vpa::updater::step),
        "vpa-admission-controller" => answer(request, vpa::admission_controller::step),
        "vpa-admission-controller/webhook" => answer(request, vpa::admission_controller::webhook),
        "pod_template" => answer(request, describe::template),
        "component_check" => answer(request, components::check),
        "pod_security" => answer(request, pod_security::violations),
        _ => "null".into(),
    }
}

/// Whether `name` is one of the utilities here.
pub fn has(name: &str) -> bool {
    matches!(
        name,
        "awk" | "sed" | "jq" | "grep" | "egrep" | "fgrep" | "tar" | "find"
    ) || coreutils::NAMES.contains(&name)
}
