//! `kubectl create quota NAME [--hard=key=quantity,...] [--scopes=Scope,...]`.

use serde_json::{json, Map, Value};

use super::super::flags::Parsed;
use super::super::{fail, Ctx};
use super::{output_options, send};
use crate::command::CmdResult;
use crate::quantity;

const QUANTITY_FORMAT: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>, name: &str) -> CmdResult {
    if let Err(e) = output_options(p) {
        return e;
    }
    let mut spec = Map::new();
    let hard = p.get("hard").unwrap_or("");
    if !hard.is_empty() {
        let mut list = Map::new();
        for statement in hard.split(',') {
            let parts: Vec<&str> = statement.split('=').collect();
            let [resource, value] = parts.as_slice() else {
                return fail(format!(
                    "error: Invalid argument syntax {statement}, expected <resource>=<value>"
                ));
            };
            let Some(milli) = quantity::parse(value) else {
                return fail(format!("error: {QUANTITY_FORMAT}"));
            };
            list.insert(
                resource.to_string(),
                json!(quantity::canonical(milli, quantity::is_binary(value))),
            );
        }
        spec.insert("hard".into(), Value::Object(list));
    }
    let scopes = p.get("scopes").unwrap_or("");
    if !scopes.is_empty() {
        let list: Vec<&str> = scopes.split(',').collect();
        if list.iter().any(|s| s.is_empty()) {
            return fail("error: invalid resource quota scope \"\"");
        }
        spec.insert("scopes".into(), json!(list));
    }
    let obj = json!({
        "kind": "ResourceQuota", "apiVersion": "v1",
        "metadata": {"name": name},
        "spec": spec,
        "status": {},
    });
    send(
        p,
        ctx,
        (
            "",
            "resourcequotas",
            "resourcequota",
            "failed to create quota: ",
        ),
        name,
        obj,
    )
}
