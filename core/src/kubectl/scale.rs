//! `kubectl scale`: sets spec.replicas through the scale subresource of the objects named
//! or selected, after checking `--current-replicas` and `--resource-version` against the
//! live scale; `scaled`, with kubectl's errors.

use serde_json::json;

use super::apply::{output_options, DryRun};
use super::client;
use super::flags::Parsed;
use super::{fail, targets, Ctx};
use crate::apiserver::request::PatchType;
use crate::command::{CmdResult, Output};

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let Some(replicas) = p.get("replicas") else {
        return fail("error: required flag(s) \"replicas\" not set");
    };
    let replicas = match replicas.parse::<i64>() {
        Ok(n) if n >= 0 => n,
        Ok(_) => {
            return fail("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
        }
        Err(_) => {
            return fail(format!(
                "error: invalid argument \"{replicas}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{replicas}\": invalid syntax\nSee 'kubectl scale --help' for usage."
            ))
        }
    };
    let current = match p.get("current-replicas").map(str::parse::<i64>) {
        None => None,
        Some(Ok(n)) => Some(n).filter(|n| *n >= 0),
        Some(Err(_)) => {
            return fail(format!(
                "error: invalid argument \"{}\" for \"--current-replicas\" flag: strconv.ParseInt: parsing \"{0}\": invalid syntax\nSee 'kubectl scale --help' for usage.",
                p.get("current-replicas").unwrap_or("")
            ))
        }
    };
    let (format, dry) = match output_options(p) {
        Ok(v) => v,
        Err(e) => return e,
    };
    if p.positional.is_empty() {
        return fail("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    }
    let targets = match targets::of(p, ctx, &p.positional) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let mut out = Output::default();
    let mut client = client::connect(ctx.cluster);
    for (r, ns, name) in targets {
        // kubectl reads the object before its scale.
        let scale = match client
            .get(r, &ns, &name)
            .and_then(|_| client.get_subresource(r, &ns, &name, "scale"))
        {
            Ok(s) => s,
            Err(e) => {
                out.err(format!("{}\n", e.kubectl_message()));
                return CmdResult {
                    output: out,
                    code: 1,
                };
            }
        };
        let have = scale["spec"]["replicas"].as_i64().unwrap_or(0);
        if let Some(want) = current.filter(|c| *c != have) {
            out.err(format!(
                "error: Expected replicas to be {want}, was {have}\n"
            ));
            return CmdResult {
                output: out,
                code: 1,
            };
        }
        if dry != DryRun::Client {
            let mut body = json!({"spec": {"replicas": replicas}});
            if let Some(rv) = p.get("resource-version") {
                body["metadata"] = json!({"resourceVersion": rv});
            }
            let query = client::write_query(dry == DryRun::Server, "");
            if let Err(e) = client.patch(r, &ns, &name, "scale", PatchType::Merge, body, &query) {
                out.err(format!("{}\n", e.kubectl_message()));
                return CmdResult {
                    output: out,
                    code: 1,
                };
            }
        }
        match format.as_str() {
            "" => out.out(format!(
                "{}/{name} scaled{}\n",
                r.kubectl_kind(),
                dry.suffix()
            )),
            "name" => out.out(format!("{}/{name}\n", r.kubectl_kind())),
            f => match client.get(r, &ns, &name) {
                Ok(obj) => out.out(super::get::print_objects(vec![obj], f, true)),
                Err(e) => out.err(format!("{}\n", e.kubectl_message())),
            },
        }
    }
    CmdResult {
        output: out,
        code: 0,
    }
}
