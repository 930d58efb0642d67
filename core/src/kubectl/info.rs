//! `kubectl version`, `kubectl cluster-info` and `kubectl api-resources`.

use super::flags::Parsed;
use crate::apiserver::resources;
use crate::printers::tabwriter;
use crate::shell::CmdResult;
use crate::version::{KUBECTL_VERSION, KUBERNETES_VERSION, KUSTOMIZE_VERSION};

pub fn version(p: &Parsed) -> CmdResult {
    let mut s =
        format!("Client Version: {KUBECTL_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}\n");
    if !p.on("client") {
        s.push_str(&format!("Server Version: {KUBERNETES_VERSION}\n"));
    }
    CmdResult::ok(s)
}

pub fn cluster_info(p: &Parsed) -> CmdResult {
    if !p.positional.is_empty() {
        return super::fail(
            "error: \"kubectl cluster-info dump\" is not supported in Kubarium yet",
        );
    }
    CmdResult::ok(
        "Kubernetes control plane is running at https://172.30.1.2:6443\n\
CoreDNS is running at https://172.30.1.2:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\n\
To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n",
    )
}

pub fn api_resources(catalog: &resources::Catalog) -> CmdResult {
    let mut rows: Vec<&resources::Resource> = catalog.preferred().collect();
    rows.sort_by_key(|r| (r.group, r.plural));
    let mut text = String::from("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND\n");
    for r in rows {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            r.plural,
            r.short_names.join(","),
            r.api_version(),
            r.namespaced,
            r.kind
        ));
    }
    CmdResult::ok(tabwriter::align(&text, 6, 3))
}
