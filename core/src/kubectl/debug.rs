//! `kubectl debug`: an ephemeral container added to a running pod (through
//! `pods/NAME/ephemeralcontainers`), a copy of a pod with a debugging container
//! (`--copy-to`), or a pod on a node (`node/NAME`) sharing its namespaces, with its root
//! filesystem at /host, shaped by the profile. The flags are checked and what to send
//! is built in the tools module (`kubarium_tools::debug`); with `-i`, kubectl waits for
//! the container and attaches to it.

use kubarium_tools::debug::{Action, Plan, Request};
use serde_json::Value;

use super::client;
use super::flags::Parsed;
use super::{fail, namespace, Ctx};
use crate::apiserver::request::PatchType;
use crate::apiserver::resources;
use crate::command::{CmdResult, Output};

/// The command's arguments as the tools take them.
pub(crate) fn args(p: &Parsed) -> kubarium_tools::kubectl_args::Args {
    kubarium_tools::kubectl_args::Args {
        values: p.values(),
        positional: p.positional.clone(),
        rest: p.rest.clone(),
    }
}

/// Asks the tools for the plan, printing what kubectl printed on the way.
fn plan(request: &Request, out: &mut Output) -> Result<Action, CmdResult> {
    let Some(Plan { printed, action }) = crate::tools::debug(request) else {
        return Err(crate::tools::unavailable("kubectl debug"));
    };
    for (err, text) in printed {
        if err {
            out.err(text);
        } else {
            out.out(text);
        }
    }
    match action {
        Action::Fail(e) => Err(fail(e)),
        a => Ok(a),
    }
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let mut out = Output::default();
    let mut request = Request {
        flags: args(p),
        target: None,
        suffixes: vec![],
    };
    if let Err(e) = plan(&request, &mut out) {
        return done(out, e);
    }
    let ns = namespace(p);
    let attach = if p.given("attach") {
        p.on("attach")
    } else {
        p.on("stdin")
    };
    if attach && !ctx.foreground {
        return done(out, fail("error: \"kubectl debug -i\" in a pipeline, a redirection or a substitution is not supported in Kubarium yet"));
    }
    for target in p.positional.clone() {
        let (kind, name) = target.split_once('/').unwrap_or(("pods", &target));
        let catalog = client::discover(ctx.cluster);
        let r = match super::resource_type(&catalog, kind) {
            Ok(r) => r,
            Err(e) => return done(out, fail(e)),
        };
        let got = client::connect(ctx.cluster).get(r, &ns, name);
        let obj = match got {
            Ok(o) => o,
            Err(e) => return done(out, fail(e.kubectl_message())),
        };
        if !(r.group.is_empty() && matches!(r.kind, "Node" | "Pod")) {
            let e = format!(
                "error: \"{}/{}, Kind={}\" not supported by debug",
                r.group, r.version, r.kind
            );
            return done(out, fail(e));
        }
        request.target = Some(obj.clone());
        request.suffixes = (0..4).map(|_| ctx.cluster.api.rng.name_suffix(5)).collect();
        let sent = match plan(&request, &mut out) {
            Err(e) => return done(out, e),
            Ok(Action::Create { pod, container }) => {
                create(ctx, p, &obj, pod).map(|pod| (pod, container))
            }
            Ok(Action::Patch { patch, container }) => {
                let ns = obj["metadata"]["namespace"].as_str().unwrap_or("");
                client::connect(ctx.cluster)
                    .patch(
                        resources::pods(),
                        ns,
                        name,
                        "ephemeralcontainers",
                        PatchType::StrategicMerge,
                        patch,
                        &[],
                    )
                    .map(|(pod, _)| (pod, container))
                    .map_err(|e| e.kubectl_message())
            }
            Ok(Action::Proceed | Action::Fail(_)) => continue,
        };
        let (pod, container) = match sent {
            Ok(v) => v,
            Err(e) => return done(out, fail(e)),
        };
        if attach && !container.is_empty() {
            let now = ctx.cluster.now();
            ctx.run = Some(super::run::Attach::debug(&pod, &container, p, now));
            // kubectl attaches to the first object it debugs.
            break;
        }
    }
    CmdResult {
        output: out,
        code: 0,
    }
}

/// Ends with `res`, after what was printed before it.
fn done(mut out: Output, res: CmdResult) -> CmdResult {
    out.extend(res.output);
    CmdResult {
        output: out,
        code: res.code,
    }
}

/// Creates a pod (in the namespace it names, else the command's); with `--replace`,
/// deletes the debugged pod (at once) after.
fn create(ctx: &mut Ctx<'_>, p: &Parsed, target: &Value, pod: Value) -> Result<Value, String> {
    let ns = pod["metadata"]["namespace"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| namespace(p));
    let mut api = client::connect(ctx.cluster);
    let (created, _) = api
        .create(resources::pods(), &ns, pod, &[])
        .map_err(|e| e.kubectl_message())?;
    if p.on("replace") && target["kind"] == "Pod" {
        let name = target["metadata"]["name"].as_str().unwrap_or("");
        api.delete(resources::pods(), &ns, name, Some(0))
            .map_err(|e| e.kubectl_message())?;
    }
    Ok(created)
}
