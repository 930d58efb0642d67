//! What the tests of `kubarium serve` share: a served cluster in a scratch directory, and
//! where the reference tools are.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A reference tool: `$env`, else the one scripts/install-tools.sh caches.
pub fn reference_tool(env: &str, cached: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(env) {
        return PathBuf::from(p);
    }
    let home = std::env::var_os("HOME").unwrap_or_default();
    let path = Path::new(&home).join(".cache/kubarium-tools").join(cached);
    assert!(
        path.exists(),
        "{} not found (scripts/install-tools.sh browser installs it; or set {env})",
        path.display()
    );
    path
}

pub fn real_kubectl() -> PathBuf {
    reference_tool("KUBARIUM_REAL_KUBECTL", "kubectl-1.35.2/kubectl")
}

pub fn real_helm() -> PathBuf {
    reference_tool("KUBARIUM_REAL_HELM", "helm-4.1.4/helm")
}

/// A served cluster with its kubeconfig in a scratch directory; killed when dropped.
pub struct Server {
    pub child: Child,
    pub dir: PathBuf,
    /// `host:port`.
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Server {
    /// Starts `kubarium --seed SEED serve` on a free loopback port with `extra` flags.
    pub fn start(name: &str, seed: u64, extra: &[&str]) -> Server {
        let dir =
            std::env::temp_dir().join(format!("kubarium-serve-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let mut child = Command::new(env!("CARGO_BIN_EXE_kubarium"))
            .args([
                "--seed",
                &seed.to_string(),
                "serve",
                "--listen",
                "127.0.0.1:0",
            ])
            .arg("--kubeconfig")
            .arg(dir.join("kubeconfig"))
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("kubarium serve: {e}"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        let _ = reader.read_line(&mut first);
        let addr = first
            .trim()
            .rsplit("http://")
            .next()
            .unwrap_or("")
            .to_string();
        assert!(first.contains("http://"), "kubarium serve said: {first}");
        // Keep reading what it prints, so it never writes to a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        Server { child, dir, addr }
    }

    /// A command with this server's kubeconfig, HOME and working directory.
    pub fn command(&self, program: &Path) -> Command {
        let mut c = Command::new(program);
        c.env("HOME", &self.dir)
            .env("KUBECONFIG", self.dir.join("kubeconfig"))
            .current_dir(&self.dir);
        c
    }
}
