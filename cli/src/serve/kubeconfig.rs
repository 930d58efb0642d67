//! The kubeconfig `kubarium serve` writes: kubeadm's names (cluster `kubernetes`, user
//! `kubernetes-admin`, context `kubernetes-admin@kubernetes`) pointing at the served
//! address. Plain HTTP and no credentials until the security issue brings the cluster CA
//! and client certificates; every request acts as kubeadm's admin.

use std::path::{Path, PathBuf};

/// Where the kubeconfig went.
pub enum Written {
    To(PathBuf),
    /// The default kubeconfig already existed: a user's config is never overwritten.
    Kept(PathBuf),
}

/// The kubeconfig's text for a server address.
pub fn text(server: &str) -> String {
    kubarium_core::kubectl::config::text(server)
}

/// Writes the kubeconfig to `file`, or to ~/.kube/config when that does not exist yet.
pub fn write(file: Option<&Path>, server: &str) -> std::io::Result<Written> {
    let path = match file {
        Some(f) => f.to_path_buf(),
        None => {
            let home = std::env::var_os("HOME").ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::NotFound, "HOME is not set")
            })?;
            let path = Path::new(&home).join(".kube").join("config");
            if path.exists() {
                return Ok(Written::Kept(path));
            }
            path
        }
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, text(server))?;
    Ok(Written::To(path))
}
