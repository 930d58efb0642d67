//! The command-line flags of the control plane's programs (kube-apiserver,
//! kube-controller-manager and kube-scheduler 1.35, etcd 3.6): one line per flag, its
//! name, its kind (pflag's type names; Go flag kinds for etcd) and its default. Where
//! each table comes from is in its first lines; how each program fails on a bad flag is
//! in `flags/ERRORS.md`.

/// The table of `binary`'s flags (tab-separated name, kind, default; `#` comments).
pub fn table(binary: &str) -> Option<&'static str> {
    Some(match binary {
        "kube-apiserver" => include_str!("flags/kube-apiserver.tsv"),
        "kube-controller-manager" => include_str!("flags/kube-controller-manager.tsv"),
        "kube-scheduler" => include_str!("flags/kube-scheduler.tsv"),
        "etcd" => include_str!("flags/etcd.tsv"),
        _ => return None,
    })
}
