//! `kubectl taint nodes NAME|-l SEL|--all KEY[=VALUE]:EFFECT ... KEY[:EFFECT]-`: adds,
//! overwrites and removes node taints, as kubectl computes them, with a strategic merge
//! patch of `spec.taints`.

use serde_json::{json, Value};

use super::apply::{output_options, DryRun};
use super::client;
use super::flags::Parsed;
use super::get::print_objects;
use super::{fail, resource_type, targets, Ctx};
use crate::apiserver::request::PatchType;
use crate::command::{CmdResult, Output};

const EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];

#[derive(Clone, PartialEq)]
struct Taint {
    key: String,
    value: String,
    effect: String,
}

impl Taint {
    fn of(v: &Value) -> Taint {
        let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
        Taint {
            key: s("key"),
            value: s("value"),
            effect: s("effect"),
        }
    }

    /// `key=value:effect` as kubectl's Taint.ToString writes it.
    fn text(&self) -> String {
        match (self.value.is_empty(), self.effect.is_empty()) {
            (true, true) => self.key.clone(),
            (true, false) => format!("{}:{}", self.key, self.effect),
            (false, true) => format!("{}={}:", self.key, self.value),
            (false, false) => format!("{}={}:{}", self.key, self.value, self.effect),
        }
    }
}

/// Whether `s` is a qualified name (`[prefix/]name`), as taint keys must be.
fn qualified(s: &str) -> bool {
    let (prefix, name) = match s.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    let name_ok = !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|l| {
                !l.is_empty()
                    && l.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                    && l.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                    && l.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            })
    });
    name_ok && prefix_ok
}

fn parse_taint(spec: &str) -> Result<Taint, String> {
    let invalid = || format!("invalid taint spec: {spec}");
    let parts: Vec<&str> = spec.split(':').collect();
    let (key, value, effect) = match parts.as_slice() {
        [key] => (key.to_string(), String::new(), String::new()),
        [kv, effect] => {
            if !EFFECTS.contains(effect) {
                return Err(format!(
                    "invalid taint effect: {effect}, unsupported taint effect"
                ));
            }
            let kv: Vec<&str> = kv.split('=').collect();
            match kv.as_slice() {
                [k] => (k.to_string(), String::new(), effect.to_string()),
                [k, v] => (k.to_string(), v.to_string(), effect.to_string()),
                _ => return Err(invalid()),
            }
        }
        _ => return Err(invalid()),
    };
    if !qualified(&key) {
        return Err(format!("invalid taint spec: {spec}, name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));
    }
    Ok(Taint { key, value, effect })
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let (format, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    // Resources first, then the taint changes.
    let mut resources = vec![];
    let mut specs = vec![];
    for a in &p.positional {
        let is_taint = a.contains('=') || a.contains(':') || a.ends_with('-');
        if is_taint {
            specs.push(a.clone());
        } else if !specs.is_empty() {
            return fail(format!(
                "error: all resources must be specified before taint changes: {a}"
            ));
        } else {
            resources.push(a.clone());
        }
    }
    if resources.is_empty() {
        return fail("error: one or more resources must be specified as <resource> <name>");
    }
    if specs.is_empty() {
        return fail("error: at least one taint update is required");
    }
    let usage = "See 'kubectl taint -h' for help and examples";
    let mut add: Vec<Taint> = vec![];
    let mut remove: Vec<Taint> = vec![];
    for spec in &specs {
        if let Some(r) = spec.strip_suffix('-') {
            match parse_taint(r) {
                Ok(t) => remove.push(t),
                Err(e) => return fail(format!("error: {e}\n{usage}")),
            }
            continue;
        }
        let t = match parse_taint(spec) {
            Ok(t) => t,
            Err(e) => return fail(format!("error: {e}\n{usage}")),
        };
        if t.effect.is_empty() {
            return fail(format!("error: invalid taint spec: {spec}\n{usage}"));
        }
        if add.iter().any(|x| x.key == t.key && x.effect == t.effect) {
            return fail(format!(
                "error: duplicated taints with the same key and effect: {{{} {} {} <nil>}}\n{usage}",
                t.key, t.value, t.effect
            ));
        }
        add.push(t);
    }
    let catalog = client::discover(ctx.cluster);
    let kind = match resource_type(&catalog, &resources[0].to_ascii_lowercase()) {
        Ok(r) => r.kind,
        Err(e) => return fail(e),
    };
    if kind != "Node" {
        return fail(format!(
            "error: invalid resource type {}, only node types are supported",
            resources[0].to_ascii_lowercase()
        ));
    }
    let conflicts: Vec<String> = remove
        .iter()
        .filter(|r| {
            add.iter()
                .any(|a| a.key == r.key && (r.effect.is_empty() || a.effect == r.effect))
        })
        .map(|r| format!("{}={}", r.key, r.effect))
        .collect();
    if !conflicts.is_empty() {
        return fail(format!(
            "error: can not both modify and remove the following taint(s) in the same command: {}",
            conflicts.join(", ")
        ));
    }
    if p.on("all") && p.given("selector") {
        return fail("error: setting 'all' parameter with a non empty selector is prohibited");
    }
    if !p.on("all") && !p.given("selector") && resources.len() < 2 {
        return fail(
            "error: at least one resource name must be specified since 'all' parameter is not set",
        );
    }
    let nodes = match targets::of(p, ctx, &resources) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let mut out = Output::default();
    let mut code = 0;
    let mut client = client::connect(ctx.cluster);
    for (r, _, name) in nodes {
        let node = match client.get(r, "", &name) {
            Ok(n) => n,
            Err(e) => {
                out.err(format!("{}\n", e.kubectl_message()));
                code = 1;
                continue;
            }
        };
        let old: Vec<Taint> = node["spec"]["taints"]
            .as_array()
            .into_iter()
            .flatten()
            .map(Taint::of)
            .collect();
        if !p.on("overwrite") {
            let exists: Vec<&str> = add
                .iter()
                .filter(|t| old.iter().any(|o| o.key == t.key && o.effect == t.effect))
                .map(|t| t.key.as_str())
                .collect();
            if !exists.is_empty() {
                out.err(format!("error: node {name} already has {} taint(s) with same effect(s) and --overwrite is false\n", exists.join(",")));
                code = 1;
                continue;
            }
        }
        // The new taints, then the old ones they do not replace, less the removed ones.
        let mut new = add.clone();
        for o in &old {
            if !new.iter().any(|t| t.key == o.key && t.effect == o.effect) {
                new.push(o.clone());
            }
        }
        let added = old.len() != new.len();
        let mut errors = vec![];
        let mut removed = false;
        for r in &remove {
            let before = new.len();
            new.retain(|t| !(t.key == r.key && (r.effect.is_empty() || t.effect == r.effect)));
            removed = new.len() != before;
            if !removed {
                errors.push(format!("taint \"{}\" not found", r.text()));
            }
        }
        if !errors.is_empty() {
            let msg = if errors.len() == 1 {
                errors.remove(0)
            } else {
                format!("[{}]", errors.join(", "))
            };
            out.err(format!("error: {msg}\n"));
            code = 1;
            continue;
        }
        let word = if (added && removed) || p.on("overwrite") {
            "modified"
        } else if added {
            "tainted"
        } else {
            "untainted"
        };
        let taints: Vec<Value> = new
            .iter()
            .map(|t| {
                let mut v = json!({"key": t.key, "effect": t.effect});
                if !t.value.is_empty() {
                    v["value"] = json!(t.value);
                }
                v
            })
            .collect();
        let result = if dry == DryRun::Client {
            let mut after = node.clone();
            after["spec"]["taints"] = if taints.is_empty() {
                Value::Null
            } else {
                json!(taints)
            };
            if taints.is_empty() {
                if let Some(spec) = after["spec"].as_object_mut() {
                    spec.remove("taints");
                }
            }
            after
        } else {
            let patch = if taints.is_empty() {
                json!({"spec": {"taints": null}})
            } else {
                json!({"spec": {"taints": taints}})
            };
            let query = client::write_query(dry == DryRun::Server, "Strict");
            match client.patch(r, "", &name, "", PatchType::StrategicMerge, patch, &query) {
                Ok((obj, _)) => obj,
                Err(e) => {
                    out.err(format!("{}\n", e.kubectl_message()));
                    code = 1;
                    continue;
                }
            }
        };
        match format.as_str() {
            // kubectl's taint printer says nothing of a dry run.
            "" => out.out(format!("node/{name} {word}\n")),
            "name" => out.out(format!("node/{name}\n")),
            f => out.out(print_objects(vec![result], f, true)),
        }
    }
    CmdResult { output: out, code }
}
