//! `kubectl set image|resources|env|serviceaccount|subject|selector (TYPE NAME |
//! TYPE/NAME | -l | --all)`: the tools module decides each change
//! (`kubarium_tools::set`); the core resolves and reads the objects, writes them back
//! (`set image` as a strategic merge patch, the others whole) and prints the result.

use kubarium_tools::set::{finish, Request, Target};
use serde_json::Value;

use super::apply::{output_options, DryRun};
use super::client;
use super::flags::Parsed;
use super::get::print_objects;
use super::{fail, namespace, targets, Ctx};
use crate::apiserver::request::PatchType;
use crate::command::{CmdResult, Output};

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    // `set image` checks -o and --dry-run before anything else.
    if p.positional.first().is_some_and(|s| s == "image") {
        if let Err(e) = output_options(p) {
            return e;
        }
    }
    let args = p.positional.get(1..).unwrap_or_default();
    let mut request = Request {
        flags: crate::kubectl::debug::args(p),
        namespace: namespace(p),
        selector: (p.positional.first().is_some_and(|s| s == "selector") && args.len() > 1)
            .then(|| args.last())
            .flatten()
            .map(|expr| crate::labels::Selector::parse(expr).and_then(|s| s.to_label_selector())),
        objects: None,
    };
    let need = match ask(&request) {
        Ok(Step::Need(need)) => need,
        Ok(_) => return fail("error: kubectl set answered before reading its objects"),
        Err(e) => return e,
    };
    let resources: Vec<String> = crate::value::strings(&need["resources"])
        .into_iter()
        .map(str::to_string)
        .collect();
    let check_output = need["check_output"].as_bool().unwrap_or(false);
    if check_output {
        if let Err(e) = output_options(p) {
            return e;
        }
        if resources.is_empty() {
            return fail(kubarium_tools::set::NO_RESOURCES);
        }
    }
    let named = match targets::of(p, ctx, &resources) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let mut client = client::connect(ctx.cluster);
    let mut objects = vec![];
    let mut read = vec![];
    for (r, ns, name) in named {
        match client.get(r, &ns, &name) {
            Ok(object) => objects.push(Target {
                object,
                group: r.group.into(),
                version: r.version.into(),
                kind: r.kind.into(),
                plural: r.plural.into(),
                shown: format!("{}/{name}", r.kubectl_kind()),
                group_resource: r.group_resource(),
            }),
            // `set env --list` skips what it cannot read.
            Err(_) if p.on("list") => continue,
            Err(e) => return fail(e.kubectl_message()),
        }
        read.push((r, ns, name));
    }
    request.objects = Some(objects);
    let outcomes = match ask(&request) {
        Ok(Step::Changes(outcomes)) => outcomes,
        Ok(Step::Need(_)) => return fail("error: kubectl set asked twice for its objects"),
        Err(e) => return e,
    };
    let (format, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let manager = p.get("field-manager").unwrap_or("kubectl-set");
    let query = [
        ("fieldManager", manager),
        ("dryRun", if dry == DryRun::Server { "All" } else { "" }),
    ];
    let mut out = Output::default();
    let mut errors = vec![];
    for (mut outcome, (r, ns, name)) in outcomes.into_iter().zip(read) {
        errors.extend(
            crate::value::strings(&outcome["errors"])
                .into_iter()
                .map(str::to_string),
        );
        let write = outcome["write"].take();
        if write.is_null() {
            continue;
        }
        let text = |k: &str| write[k].as_str().unwrap_or("");
        let object = write["object"].clone();
        let result = if dry == DryRun::Client {
            Ok(object)
        } else if !write["patch"].is_null() {
            let patch = write["patch"].clone();
            client
                .patch(r, &ns, &name, "", PatchType::StrategicMerge, patch, &query)
                .map(|(o, _)| o)
        } else {
            client.update(r, &ns, object, "", &query)
        };
        match result {
            Ok(result) => match format.as_str() {
                "" => out.out(format!(
                    "{} {}{}\n",
                    text("shown"),
                    text("word"),
                    dry.suffix()
                )),
                "name" => out.out(format!("{}\n", text("shown"))),
                f => out.out(print_objects(vec![result], f, true)),
            },
            Err(e) => errors.push(format!("error: {}{}", text("failed"), e.message)),
        }
    }
    finish(out, errors)
}

/// A step of `kubarium_tools::set::Answer` the core acts on.
enum Step {
    Need(Value),
    Changes(Vec<Value>),
}

/// The tools module's next step for `request`; its `Done` as the command's result.
fn ask(request: &Request) -> Result<Step, CmdResult> {
    let mut answer =
        crate::tools::set(request).ok_or_else(|| crate::tools::unavailable("kubectl set"))?;
    if let Some(done) = answer.get_mut("Done") {
        return Err(serde_json::from_value(done.take())
            .unwrap_or_else(|e| fail(format!("error: kubectl set: {e}"))));
    }
    match answer.get_mut("Changes").map(Value::take) {
        Some(Value::Array(outcomes)) => Ok(Step::Changes(outcomes)),
        _ => Ok(Step::Need(answer["Need"].take())),
    }
}
