//! `kubectl create priorityclass NAME --value=N [--global-default] [--description]
//! [--preemption-policy]`.

use serde_json::json;

use super::super::flags::Parsed;
use super::super::{fail, Ctx};
use super::{int_flag, output_options, send};
use crate::command::CmdResult;

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>, name: &str) -> CmdResult {
    let value = match int_flag(p, "value", "--value", "create priorityclass") {
        Ok(v) => v.unwrap_or(0),
        Err(e) => return e,
    };
    let global_default = match p.get("global-default") {
        None | Some("true") | Some("false") => p.on("global-default"),
        Some(v) => {
            return fail(format!("error: invalid argument \"{v}\" for \"--global-default\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax\nSee 'kubectl create priorityclass --help' for usage."))
        }
    };
    if let Err(e) = output_options(p) {
        return e;
    }
    let mut obj = json!({
        "kind": "PriorityClass", "apiVersion": "scheduling.k8s.io/v1",
        "metadata": {"name": name},
        "value": value,
        "preemptionPolicy": p.get("preemption-policy").unwrap_or("PreemptLowerPriority"),
    });
    if global_default {
        obj["globalDefault"] = json!(true);
    }
    if let Some(d) = p.get("description").filter(|d| !d.is_empty()) {
        obj["description"] = json!(d);
    }
    send(
        p,
        ctx,
        (
            "scheduling.k8s.io",
            "priorityclasses",
            "priorityclass.scheduling.k8s.io",
            "failed to create priorityclass: ",
        ),
        name,
        obj,
    )
}
