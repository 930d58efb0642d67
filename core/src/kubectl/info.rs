//! `kubectl version`, `kubectl cluster-info` and `kubectl api-resources`.

use super::fail;
use super::flags::Parsed;
use crate::apiserver::resources;
use crate::command::CmdResult;
use crate::printers::tabwriter;
use crate::version::{KUBECTL_VERSION, KUBERNETES_VERSION, KUSTOMIZE_VERSION};

pub fn version(p: &Parsed, ctx: &mut super::Ctx<'_>) -> CmdResult {
    let format = p.get("output").unwrap_or("");
    if !matches!(format, "" | "json" | "yaml") {
        return fail("error: --output must be 'yaml' or 'json'");
    }
    if format.is_empty() {
        let mut s =
            format!("Client Version: {KUBECTL_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}\n");
        if !p.on("client") {
            s.push_str(&format!("Server Version: {KUBERNETES_VERSION}\n"));
        }
        return CmdResult::ok(s);
    }
    // The server's from /version; kubectl's own is the same build without emulation.
    let server = super::client::connect(ctx.cluster)
        .send(crate::apiserver::request::Request::get(
            "/version".to_string(),
        ))
        .body;
    let mut client = server.clone();
    if let Some(m) = client.as_object_mut() {
        m.retain(|k, _| !k.starts_with("emulation") && !k.starts_with("minCompatibility"));
        m.insert("gitVersion".into(), serde_json::json!(KUBECTL_VERSION));
    }
    let mut v = serde_json::json!({"clientVersion": client, "kustomizeVersion": KUSTOMIZE_VERSION});
    if !p.on("client") {
        v["serverVersion"] = server;
    }
    CmdResult::ok(if format == "json" {
        crate::printers::json::to_json(&v, crate::printers::json::Order::GoStruct)
    } else {
        // kubectl ends the YAML with an empty line.
        crate::printers::yaml::to_yaml(&v) + "\n"
    })
}

/// `kubectl cluster-info` (arguments ignored, as kubectl ignores them).
pub fn cluster_info() -> CmdResult {
    CmdResult::ok(
        "Kubernetes control plane is running at https://172.30.1.2:6443\n\
CoreDNS is running at https://172.30.1.2:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\n\
To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n",
    )
}

/// `kubectl api-resources`: the served resources at their preferred versions, filtered
/// by `--namespaced`, `--api-group`, `--verbs` and `--categories`, sorted by group and name
/// (or `--sort-by=name|kind`), as a table (`-o wide` adds verbs and categories) or names.
pub fn api_resources(p: &Parsed, catalog: &resources::Catalog) -> CmdResult {
    let format = p.get("output").unwrap_or("");
    match format {
        "" | "wide" | "name" => {}
        "json" | "yaml" | "kyaml" => {
            return fail(format!(
                "error: \"kubectl api-resources -o {format}\" is not supported in Kubarium yet"
            ))
        }
        f => {
            return fail(format!("error: unable to match a printer suitable for the output format \"{f}\", allowed formats are: json,kyaml,name,wide,yaml"))
        }
    }
    let sort = p.get("sort-by").unwrap_or("");
    if !matches!(sort, "" | "name" | "kind") {
        return fail("error: --sort-by accepts only name or kind");
    }
    let verbs: Vec<String> = p
        .all("verbs")
        .iter()
        .flat_map(|v| v.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|v| !v.is_empty())
        .collect();
    let categories: Vec<String> = p
        .all("categories")
        .iter()
        .flat_map(|v| v.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|v| !v.is_empty())
        .collect();
    let mut rows: Vec<&resources::Resource> = catalog
        .preferred()
        .filter(|r| !p.given("namespaced") || r.namespaced == p.on("namespaced"))
        .filter(|r| p.get("api-group").is_none_or(|g| r.group == g))
        .filter(|r| verbs.iter().all(|v| r.verbs.contains(&v.as_str())))
        .filter(|r| {
            categories
                .iter()
                .all(|c| r.categories.contains(&c.as_str()))
        })
        .collect();
    match sort {
        "name" => crate::sort::by_key(&mut rows, |r| r.plural),
        "kind" => crate::sort::by_key(&mut rows, |r| r.kind),
        _ => crate::sort::by_key(&mut rows, |r| (r.group, r.plural)),
    }
    if format == "name" {
        let names: String = rows
            .iter()
            .map(|r| match r.group {
                "" => format!("{}\n", r.plural),
                g => format!("{}.{g}\n", r.plural),
            })
            .collect();
        return CmdResult::ok(names);
    }
    let wide = format == "wide";
    let mut text = String::new();
    if !p.on("no-headers") {
        text.push_str("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND");
        text.push_str(if wide { "\tVERBS\tCATEGORIES\n" } else { "\n" });
    }
    for r in rows {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}",
            r.plural,
            r.short_names.join(","),
            r.api_version(),
            r.namespaced,
            r.kind
        ));
        if wide {
            let mut v = r.verbs.clone();
            crate::sort::sort(&mut v);
            text.push_str(&format!("\t{}\t{}", v.join(","), r.categories.join(",")));
        }
        text.push('\n');
    }
    CmdResult::ok(tabwriter::align(&text, 6, 3))
}

/// `kubectl api-versions`: every group/version the server serves, sorted.
pub fn api_versions(p: &Parsed, catalog: &resources::Catalog) -> CmdResult {
    if let Some(extra) = p.positional.first() {
        return fail(format!(
            "error: unexpected arguments: [{extra}]\nSee 'kubectl api-versions -h' for help and examples"
        ));
    }
    let mut versions: Vec<String> = catalog
        .all()
        .filter(|r| r.custom || resources::is_served(r))
        .map(|r| r.api_version())
        .collect();
    crate::sort::sort(&mut versions);
    versions.dedup();
    CmdResult::ok(
        versions
            .iter()
            .map(|v| format!("{v}\n"))
            .collect::<String>(),
    )
}
