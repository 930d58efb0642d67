//! Describers for storage: PersistentVolumes, PersistentVolumeClaims, StorageClasses,
//! VolumeAttributesClasses and CSINodes.

use serde_json::Value;

use super::{
    format_labels, rfc1123z, s, strings, time_of, write_annotations, write_events, write_map,
};
use crate::age::human;
use crate::tabwriter;
use crate::time::Millis;

/// Access modes as kubectl abbreviates them, in its fixed order: `RWO,ROX,RWX,RWOP`.
fn access_modes(modes: &Value) -> String {
    let have = strings(modes);
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(mode, _)| have.contains(mode))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

/// The class of a volume or claim: the beta annotation, else `spec.storageClassName`.
fn class_of(obj: &Value) -> &str {
    obj["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-class"]
        .as_str()
        .unwrap_or_else(|| s(obj, "/spec/storageClassName"))
}

/// A string list as Go's `%v` prints it: `[a b]`.
fn go_list(v: &Value) -> String {
    format!("[{}]", strings(v).join(" "))
}

fn status_line(out: &mut String, obj: &Value, now: Millis) {
    match time_of(&obj["metadata"]["deletionTimestamp"]) {
        Some(t) => w!(out, "Status:\tTerminating (lasts {})\n", human(now - t)),
        None => w!(out, "Status:\t{}\n", s(obj, "/status/phase")),
    }
}

fn node_affinity(out: &mut String, affinity: &Value) {
    let Some(required) = affinity.get("required") else {
        out.push_str("Node Affinity:\t<none>\n");
        return;
    };
    out.push_str("Node Affinity:\t\n");
    let terms = required["nodeSelectorTerms"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if terms.is_empty() {
        out.push_str("  Required Terms:\t<none>\n");
        return;
    }
    out.push_str("  Required Terms:\t\n");
    selector_terms(out, "    ", &terms, "matchExpressions");
}

/// Selector terms, `Term N:` then one requirement a line: `key op [v1, v2]` (topology
/// terms have no operator: theirs is always `in`).
fn selector_terms(out: &mut String, indent: &str, terms: &[Value], key: &str) {
    for (i, term) in terms.iter().enumerate() {
        w!(out, "{indent}Term {i}:\t");
        let reqs = term[key].as_array().cloned().unwrap_or_default();
        if reqs.is_empty() {
            out.push_str("<none>\n");
        }
        for (j, r) in reqs.iter().enumerate() {
            if j != 0 {
                w!(out, "{indent}\t");
            }
            let op = match s(r, "/operator") {
                "" => "in".to_string(),
                op => op.to_lowercase(),
            };
            let values = strings(&r["values"]);
            if values.is_empty() {
                w!(out, "{} {op}\n", s(r, "/key"));
            } else {
                w!(out, "{} {op} [{}]\n", s(r, "/key"), values.join(", "));
            }
        }
    }
}

fn source(out: &mut String, spec: &Value) {
    let b = |v: &Value| v.as_bool().unwrap_or(false);
    if let Some(h) = spec.get("hostPath") {
        let kind = h["type"].as_str().unwrap_or("<none>");
        w!(
            out,
            "    Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{kind}\n",
            s(h, "/path")
        );
    } else if let Some(n) = spec.get("nfs") {
        w!(
            out,
            "    Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n",
            s(n, "/server"),
            s(n, "/path"),
            b(&n["readOnly"])
        );
    } else if let Some(l) = spec.get("local") {
        w!(
            out,
            "    Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t{}\n",
            s(l, "/path")
        );
    } else if let Some(c) = spec.get("csi") {
        w!(
            out,
            "    Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    VolumeHandle:\t{}\n    ReadOnly:\t{}\n",
            s(c, "/driver"),
            s(c, "/fsType"),
            s(c, "/volumeHandle"),
            b(&c["readOnly"])
        );
        write_map(out, "    ", "VolumeAttributes", &c["volumeAttributes"]);
    } else {
        out.push_str("  <unknown>\n");
    }
}

/// `kubectl describe persistentvolume`.
pub fn persistent_volume(pv: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    let spec = &pv["spec"];
    w!(out, "Name:\t{}\n", s(pv, "/metadata/name"));
    write_map(&mut out, "", "Labels", &pv["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &pv["metadata"]["annotations"]);
    w!(
        out,
        "Finalizers:\t{}\n",
        go_list(&pv["metadata"]["finalizers"])
    );
    w!(out, "StorageClass:\t{}\n", class_of(pv));
    status_line(&mut out, pv, now);
    match spec["claimRef"].as_object() {
        Some(_) => w!(
            out,
            "Claim:\t{}/{}\n",
            s(spec, "/claimRef/namespace"),
            s(spec, "/claimRef/name")
        ),
        None => out.push_str("Claim:\t\n"),
    }
    w!(
        out,
        "Reclaim Policy:\t{}\n",
        s(spec, "/persistentVolumeReclaimPolicy")
    );
    w!(
        out,
        "Access Modes:\t{}\n",
        access_modes(&spec["accessModes"])
    );
    if let Some(m) = spec["volumeMode"].as_str() {
        w!(out, "VolumeMode:\t{m}\n");
    }
    w!(
        out,
        "Capacity:\t{}\n",
        spec["capacity"]["storage"].as_str().unwrap_or("0")
    );
    node_affinity(&mut out, &spec["nodeAffinity"]);
    w!(out, "Message:\t{}\n", s(pv, "/status/message"));
    out.push_str("Source:\n");
    source(&mut out, spec);
    write_events(&mut out, pv, events, now);
    tabwriter::align(&out, 0, 2)
}

/// `kubectl describe persistentvolumeclaim`. `used_by` are the names of the pods that
/// mount the claim.
pub fn persistent_volume_claim(
    pvc: &Value,
    used_by: &[String],
    events: Option<&[Value]>,
    now: Millis,
) -> String {
    let mut out = String::new();
    let spec = &pvc["spec"];
    w!(out, "Name:\t{}\n", s(pvc, "/metadata/name"));
    w!(out, "Namespace:\t{}\n", s(pvc, "/metadata/namespace"));
    w!(out, "StorageClass:\t{}\n", class_of(pvc));
    status_line(&mut out, pvc, now);
    w!(out, "Volume:\t{}\n", s(spec, "/volumeName"));
    write_map(&mut out, "", "Labels", &pvc["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &pvc["metadata"]["annotations"]);
    w!(
        out,
        "Finalizers:\t{}\n",
        go_list(&pvc["metadata"]["finalizers"])
    );
    let bound = !s(spec, "/volumeName").is_empty();
    let (capacity, modes) = if bound {
        (
            pvc["status"]["capacity"]["storage"]
                .as_str()
                .unwrap_or("0")
                .to_string(),
            access_modes(&pvc["status"]["accessModes"]),
        )
    } else {
        (String::new(), String::new())
    };
    w!(out, "Capacity:\t{capacity}\n");
    w!(out, "Access Modes:\t{modes}\n");
    if let Some(m) = spec["volumeMode"].as_str() {
        w!(out, "VolumeMode:\t{m}\n");
    }
    if let Some(d) = spec["dataSource"].as_object() {
        out.push_str("DataSource:\n");
        if let Some(g) = d.get("apiGroup").and_then(Value::as_str) {
            w!(out, "  APIGroup:\t{g}\n");
        }
        w!(out, "  Kind:\t{}\n", s(&spec["dataSource"], "/kind"));
        w!(out, "  Name:\t{}\n", s(&spec["dataSource"], "/name"));
    }
    let mut pods = used_by.to_vec();
    crate::sort::sort(&mut pods);
    if pods.is_empty() {
        out.push_str("Used By:\t<none>\n");
    }
    for (i, p) in pods.iter().enumerate() {
        let label = if i == 0 { "Used By:" } else { "" };
        w!(out, "{label}\t{p}\n");
    }
    if let Some(conds) = pvc["status"]["conditions"]
        .as_array()
        .filter(|c| !c.is_empty())
    {
        out.push_str("Conditions:\n  Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n  ----\t------\t-----------------\t------------------\t------\t-------\n");
        for c in conds {
            let t = |k: &str| rfc1123z(time_of(&c[k]).unwrap_or(0));
            w!(
                out,
                "  {} \t{} \t{} \t{} \t{} \t{}\n",
                s(c, "/type"),
                s(c, "/status"),
                t("lastProbeTime"),
                t("lastTransitionTime"),
                s(c, "/reason"),
                s(c, "/message")
            );
        }
    }
    write_events(&mut out, pvc, events, now);
    tabwriter::align(&out, 0, 2)
}

/// `kubectl describe storageclass`.
pub fn storage_class(sc: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    let annotations = &sc["metadata"]["annotations"];
    let default = [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|k| annotations[*k] == "true");
    w!(out, "Name:\t{}\n", s(sc, "/metadata/name"));
    w!(
        out,
        "IsDefaultClass:\t{}\n",
        if default { "Yes" } else { "No" }
    );
    w!(out, "Annotations:\t{}\n", format_labels(annotations));
    w!(out, "Provisioner:\t{}\n", s(sc, "/provisioner"));
    w!(out, "Parameters:\t{}\n", format_labels(&sc["parameters"]));
    let expansion = match sc["allowVolumeExpansion"].as_bool() {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    w!(out, "AllowVolumeExpansion:\t{expansion}\n");
    match sc["mountOptions"].as_array().filter(|m| !m.is_empty()) {
        None => out.push_str("MountOptions:\t<none>\n"),
        Some(opts) => {
            out.push_str("MountOptions:\n");
            for o in opts {
                w!(out, "  {}\n", o.as_str().unwrap_or(""));
            }
        }
    }
    if let Some(p) = sc["reclaimPolicy"].as_str() {
        w!(out, "ReclaimPolicy:\t{p}\n");
    }
    if let Some(m) = sc["volumeBindingMode"].as_str() {
        w!(out, "VolumeBindingMode:\t{m}\n");
    }
    if let Some(terms) = sc["allowedTopologies"].as_array() {
        if terms.is_empty() {
            out.push_str("AllowedTopologies:\t<none>\n");
        } else {
            out.push_str("AllowedTopologies:\t\n");
        }
        selector_terms(&mut out, "  ", terms, "matchLabelExpressions");
    }
    write_events(&mut out, sc, events, now);
    tabwriter::align(&out, 0, 2)
}

/// `kubectl describe volumeattributesclass`.
pub fn volume_attributes_class(vac: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    w!(out, "Name:\t{}\n", s(vac, "/metadata/name"));
    w!(
        out,
        "Annotations:\t{}\n",
        format_labels(&vac["metadata"]["annotations"])
    );
    w!(out, "DriverName:\t{}\n", s(vac, "/driverName"));
    w!(out, "Parameters:\t{}\n", format_labels(&vac["parameters"]));
    write_events(&mut out, vac, events, now);
    tabwriter::align(&out, 0, 2)
}

/// `kubectl describe csinode`.
pub fn csi_node(node: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    w!(out, "Name:\t{}\n", s(node, "/metadata/name"));
    write_map(&mut out, "", "Labels", &node["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &node["metadata"]["annotations"]);
    w!(
        out,
        "CreationTimestamp:\t{}\n",
        rfc1123z(time_of(&node["metadata"]["creationTimestamp"]).unwrap_or(0))
    );
    out.push_str("Spec:\n");
    if let Some(drivers) = node["spec"]["drivers"].as_array() {
        out.push_str("  Drivers:\n");
        for d in drivers {
            w!(out, "    {}:\n", s(d, "/name"));
            w!(out, "      Node ID:\t{}\n", s(d, "/nodeID"));
            if let Some(c) = d["allocatable"]["count"].as_i64() {
                w!(out, "      Allocatables:\n        Count:\t{c}\n");
            }
            if d["topologyKeys"].is_array() {
                w!(
                    out,
                    "      Topology Keys:\t{}\n",
                    go_list(&d["topologyKeys"])
                );
            }
        }
    }
    write_events(&mut out, node, events, now);
    tabwriter::align(&out, 0, 2)
}
