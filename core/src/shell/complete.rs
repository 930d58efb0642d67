//! Tab completion: commands, kubectl verbs, resource types, flags and object names.

use crate::cluster::Cluster;
use crate::kubectl::VERBS;

/// Commands the shell runs besides its builtins and the text utilities (programs in
/// /usr/bin on a node).
pub const SHELL_COMMANDS: &[&str] = &[
    "kubectl",
    "cat",
    "clear",
    "date",
    "egrep",
    "env",
    "fgrep",
    "grep",
    "head",
    "hostname",
    "ls",
    "mkdir",
    "printenv",
    "rm",
    "sleep",
    "ssh",
    "su",
    "sudo",
    "systemctl",
    "journalctl",
    "nano",
    "poweroff",
    "reboot",
    "shutdown",
    "tail",
    "touch",
    "vi",
    "vim",
    "watch",
    "wc",
    "which",
    "whoami",
    "xargs",
];

/// Completions for the word being typed at the end of `line`; each candidate is the
/// whole completed word.
pub fn complete(
    line: &str,
    cluster: &Cluster,
    aliases: &std::collections::BTreeMap<String, String>,
) -> Vec<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let partial = if line.ends_with(char::is_whitespace) || line.is_empty() {
        ""
    } else {
        words.last().copied().unwrap_or("")
    };
    let done: Vec<&str> = if partial.is_empty() {
        words.clone()
    } else {
        words[..words.len() - 1].to_vec()
    };
    let pick = |options: Vec<String>| -> Vec<String> {
        let mut v: Vec<String> = options
            .into_iter()
            .filter(|o| o.starts_with(partial))
            .collect();
        crate::sort::sort(&mut v);
        v.dedup();
        v
    };
    if done.is_empty() {
        let mut all: Vec<String> = SHELL_COMMANDS
            .iter()
            .chain(super::builtins::BUILTINS)
            .chain(kubarium_tools::coreutils::NAMES)
            .chain(&["awk", "sed"])
            .map(|s| s.to_string())
            .collect();
        all.extend(aliases.keys().cloned());
        return pick(all);
    }
    let first = aliases.get(done[0]).map(String::as_str).unwrap_or(done[0]);
    if first != "kubectl" {
        return vec![];
    }
    let args: Vec<&str> = done[1..]
        .iter()
        .copied()
        .filter(|w| !w.starts_with('-'))
        .collect();
    if partial.starts_with('-') {
        let flags: Vec<String> = crate::kubectl::flags::FLAGS
            .iter()
            .filter(|f| {
                f.supported
                    && (f.verbs.is_empty() || args.first().is_some_and(|v| f.verbs.contains(v)))
            })
            .map(|f| format!("--{}", f.long))
            .collect();
        return pick(flags);
    }
    match args.len() {
        0 => pick(VERBS.iter().map(|s| s.to_string()).collect()),
        1 if matches!(args[0], "get" | "describe" | "delete") => {
            let catalog = cluster.api.catalog();
            let mut names: Vec<String> =
                catalog.preferred().map(|r| r.plural.to_string()).collect();
            names.extend(catalog.preferred().map(|r| r.singular.to_string()));
            pick(names)
        }
        1 if args[0] == "create" => pick(vec!["namespace".into()]),
        n if n >= 2 && matches!(args[0], "get" | "describe" | "delete") => {
            let Some(r) = cluster.api.catalog().lookup(args[1]) else {
                return vec![];
            };
            let ns = namespace_of(&done).unwrap_or("default");
            let objs = cluster
                .api
                .list(r, if r.namespaced { Some(ns) } else { None });
            pick(
                objs.iter()
                    .filter_map(|o| o["metadata"]["name"].as_str().map(String::from))
                    .collect(),
            )
        }
        _ => vec![],
    }
}

fn namespace_of<'a>(words: &[&'a str]) -> Option<&'a str> {
    words
        .iter()
        .position(|w| *w == "-n" || *w == "--namespace")
        .and_then(|i| words.get(i + 1).copied())
}

/// The longest common prefix of the candidates.
pub fn common_prefix(candidates: &[String]) -> String {
    let Some(first) = candidates.first() else {
        return String::new();
    };
    let mut len = first.len();
    for c in &candidates[1..] {
        len = len.min(
            first
                .bytes()
                .zip(c.bytes())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    first[..len].to_string()
}
