//! The objects a verb acts on: TYPE NAME..., TYPE/NAME..., or TYPE with `-l` or `--all`
//! (label, annotate, scale).

use super::client::{self, ListOptions};
use super::flags::Parsed;
use super::{namespace, resource_type, Ctx};
use crate::apiserver::resources::Resource;

/// The objects named or selected: (resource, namespace, name), in the order given.
pub fn of(
    p: &Parsed,
    ctx: &mut Ctx<'_>,
    resources: &[String],
) -> Result<Vec<(&'static Resource, String, String)>, String> {
    let catalog = client::discover(ctx.cluster);
    let ns = namespace(p);
    if resources.is_empty() {
        return Err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>".into());
    }
    if p.on("all") && p.given("selector") {
        return Err("error: cannot set --all and --selector at the same time".into());
    }
    let mut out = vec![];
    if resources.iter().any(|r| r.contains('/')) {
        for a in resources {
            let Some((t, n)) = a.split_once('/') else {
                return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
            };
            out.push((resource_type(&catalog, t)?, ns.clone(), n.to_string()));
        }
        return Ok(out);
    }
    let r = resource_type(&catalog, &resources[0])?;
    if p.on("all") || p.given("selector") {
        let opts = ListOptions {
            label_selector: p.get("selector"),
            field_selector: p.get("field-selector"),
            ..Default::default()
        };
        let list_ns = if p.on("all-namespaces") {
            None
        } else {
            Some(ns.as_str())
        };
        let items = client::connect(ctx.cluster)
            .list(r, list_ns, opts)
            .map_err(|e| e.kubectl_message())?;
        for o in items {
            let meta = &o["metadata"];
            out.push((
                r,
                meta["namespace"].as_str().unwrap_or("").to_string(),
                meta["name"].as_str().unwrap_or("").to_string(),
            ));
        }
        return Ok(out);
    }
    for n in &resources[1..] {
        out.push((r, ns.clone(), n.clone()));
    }
    if out.is_empty() {
        return Err("error: resource(s) were provided, but no name was specified".into());
    }
    Ok(out)
}
