//! `kubectl explain RESOURCE[.FIELD...]`: the documentation of a kind or one of its
//! fields, read from the server's OpenAPI v3 documents and laid out as kubectl 1.35's
//! plaintext template lays it out (the rendering in `kubarium_tools::explain`).

use serde_json::Value;

use super::client;
use super::flags::Parsed;
use super::{fail, resource_type, Ctx};
use crate::apiserver::request::Request;
use crate::apiserver::resources::Resource;
use crate::cluster::Cluster;
use crate::command::{CmdResult, Output};

/// The group-version-kind the document's paths give resource `r`.
fn gvk_of(doc: &Value, r: &Resource) -> Option<Value> {
    let prefix = if r.group.is_empty() {
        "/api".to_string()
    } else {
        format!("/apis/{}", r.group)
    };
    let cluster = format!("{prefix}/{}/{}", r.version, r.plural);
    let namespaced = format!(
        "{prefix}/{}/namespaces/{{namespace}}/{}",
        r.version, r.plural
    );
    let searches = [
        cluster.clone(),
        format!("{cluster}/{{name}}"),
        namespaced.clone(),
        format!("{namespaced}/{{name}}"),
    ];
    searches.iter().find_map(|p| {
        let element = doc["paths"].get(p)?;
        ["get", "post", "put", "patch", "delete"]
            .iter()
            .find_map(|m| element[m].get("x-kubernetes-group-version-kind").cloned())
    })
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    match p.get("output").unwrap_or("plaintext") {
        "plaintext" => {}
        "plaintext-openapiv2" => {
            return fail("error: \"kubectl explain --output=plaintext-openapiv2\" is not supported in Kubarium yet")
        }
        other => {
            return fail(format!(
                "error: unsupported output format: {other}; available formats: plaintext, plaintext-openapiv2"
            ))
        }
    }
    let arg = match p.positional.as_slice() {
        [] => return fail("error: You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources."),
        [one] => one,
        _ => return fail("error: We accept only this format: explain RESOURCE"),
    };
    let mut parts = arg.split('.');
    let name = parts.next().unwrap_or("");
    let path: Vec<String> = parts.map(String::from).collect();
    let catalog = client::discover(ctx.cluster);
    let mut r = match resource_type(&catalog, name) {
        Ok(r) => r,
        // kubectl reports a type the mapper does not know without the "error: " prefix.
        Err(e) => return fail(e.strip_prefix("error: ").unwrap_or(&e)),
    };
    if let Some(api_version) = p.get("api-version") {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        match catalog.find(group, version, r.plural) {
            Some(found) => r = found,
            None => {
                return fail(format!(
                    "error: couldn't find resource for \"{}\"",
                    gvr_string(group, version, r.plural)
                ))
            }
        }
    }
    let (gvk, schema, schemas) = match served_schema(ctx.cluster, r) {
        Ok(found) => found,
        Err(e) => return fail(e),
    };
    // The header is out before the template finds out whether the field exists.
    let mut header = String::new();
    if let Some(group) = gvk["group"].as_str().filter(|g| !g.is_empty()) {
        header.push_str(&format!("GROUP:      {group}\n"));
    }
    header.push_str(&format!(
        "KIND:       {}\nVERSION:    {}\n\n",
        gvk["kind"].as_str().unwrap_or(""),
        gvk["version"].as_str().unwrap_or("")
    ));
    // What the schema refers to, for the renderer loaded after the first paint (the
    // browser loads it before any command runs).
    let request = kubarium_tools::explain::Request {
        schemas,
        schema,
        path: path.clone(),
        recursive: p.on("recursive"),
    };
    let Some(body) = crate::tools::explain(&request) else {
        return crate::tools::unavailable("kubectl explain");
    };
    if body.is_empty() {
        let last = path.last().map(String::as_str).unwrap_or("");
        let mut out = Output::default();
        out.out(header);
        out.err(format!("error: field \"{last}\" does not exist\n"));
        return CmdResult {
            output: out,
            code: 1,
        };
    }
    CmdResult::ok(format!("{header}{body}\n"))
}

/// Kind `r`'s schema as the server's OpenAPI v3 document has it, with its
/// group-version-kind and the schemas it refers to (what `explain` and the editor read).
pub fn served_schema(
    cluster: &mut Cluster,
    r: &Resource,
) -> Result<(Value, Value, serde_json::Map<String, Value>), String> {
    let mut client = client::connect(cluster);
    let index = client
        .send(Request::get("/openapi/v3"))
        .into_result()
        .map_err(|e| e.kubectl_message())?;
    let gv = if r.group.is_empty() {
        format!("api/{}", r.version)
    } else {
        format!("apis/{}/{}", r.group, r.version)
    };
    let Some(url) = index["paths"][&gv]["serverRelativeURL"].as_str() else {
        return Err(format!(
            "error: couldn't find resource for \"{}\"",
            gvr_string(r.group, r.version, r.plural)
        ));
    };
    let url = url.split('?').next().unwrap_or(url).to_string();
    let doc = client
        .send(Request::get(url))
        .into_result()
        .map_err(|e| e.kubectl_message())?;
    let Some(gvk) = gvk_of(&doc, r) else {
        return Err(format!(
            "error: GVR ({}) not found in OpenAPI schema",
            gvr_string(r.group, r.version, r.plural)
        ));
    };
    let schema = doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .find(|(_, s)| {
            s["x-kubernetes-group-version-kind"]
                .as_array()
                .is_some_and(|l| l.contains(&gvk))
        });
    let Some((_, schema)) = schema else {
        return Err(format!(
            "error: GVK {} not found in OpenAPI schema",
            gvk_go(&gvk)
        ));
    };
    let schemas = reachable(&doc, schema);
    Ok((gvk, schema.clone(), schemas))
}

/// The schemas of a document that `schema` refers to, directly or through others.
fn reachable(doc: &Value, schema: &Value) -> serde_json::Map<String, Value> {
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                    out.push(r.trim_start_matches("#/components/schemas/").to_string());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let all = &doc["components"]["schemas"];
    let mut found = serde_json::Map::new();
    let mut todo = vec![];
    refs(schema, &mut todo);
    while let Some(name) = todo.pop() {
        if found.contains_key(&name) {
            continue;
        }
        if let Some(s) = all.get(&name) {
            refs(s, &mut todo);
            found.insert(name, s.clone());
        }
    }
    found
}

/// A GroupVersionResource as Go prints it (`apps/v1, Resource=deployments`).
fn gvr_string(group: &str, version: &str, plural: &str) -> String {
    if group.is_empty() {
        format!("/{version}, Resource={plural}")
    } else {
        format!("{group}/{version}, Resource={plural}")
    }
}

/// A group-version-kind map as Go's `%v` prints it.
fn gvk_go(gvk: &Value) -> String {
    format!(
        "map[group:{} kind:{} version:{}]",
        gvk["group"].as_str().unwrap_or(""),
        gvk["kind"].as_str().unwrap_or(""),
        gvk["version"].as_str().unwrap_or("")
    )
}
