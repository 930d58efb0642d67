//! `kubectl create priorityclass NAME --value=N [--global-default] [--description]
//! [--preemption-policy]`.

use serde_json::json;

use super::{int_flag, Generated, Parsed};

pub fn priorityclass(p: &Parsed, name: &str) -> Result<Generated, String> {
    let value = int_flag(p, "value", "--value", "create priorityclass")?.unwrap_or(0);
    let global_default = match p.get("global-default") {
        None | Some("true") | Some("false") => p.on("global-default"),
        Some(v) => {
            return Err(format!("error: invalid argument \"{v}\" for \"--global-default\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax\nSee 'kubectl create priorityclass --help' for usage."))
        }
    };
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
    Ok(Generated::new(
        obj,
        "scheduling.k8s.io",
        "priorityclasses",
        "priorityclass.scheduling.k8s.io",
        "failed to create priorityclass: ",
    ))
}
