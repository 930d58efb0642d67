//! `chroot DIR` in a container's shell when DIR is its node's root, mounted from a
//! hostPath (as `kubectl debug node/NAME` mounts it at /host): a root shell on that
//! node, with its files, services and tools, until `exit` returns to the container's
//! shell. `chroot DIR COMMAND...` runs COMMAND there.

use super::exec::{Exec, Input};
use super::Shell;
use crate::cluster::Cluster;
use crate::command::Output;

impl Shell {
    /// Runs `line` when it is such a `chroot` typed on a container's terminal; `None`
    /// for any other line (the container's shell takes it).
    pub(super) fn chroot(&mut self, line: &str, cluster: &mut Cluster) -> Option<Output> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let ["chroot", dir, command @ ..] = words.as_slice() else {
            return None;
        };
        let (root, node) = self.attached.as_ref()?.node_root(cluster)?;
        if dir.trim_end_matches('/') != root.trim_end_matches('/') {
            return None;
        }
        let session = self.attached.take()?;
        self.log_in(&node, false);
        self.cwd = "/".into();
        if let Some(login) = self.logins.last_mut() {
            login.container = Some(session);
        }
        if matches!(command, [] | ["sh" | "/bin/sh" | "bash" | "/bin/bash"]) {
            return Some(Output::default());
        }
        let mut out = Output::default();
        let mut ex = Exec::new(self, cluster);
        let code = ex.run_text(&command.join(" "), &mut Input::default(), &mut out);
        ex.flush_stderr(&mut out);
        self.log_out(&mut Output::default());
        if let Some(a) = self.attached.as_mut() {
            a.status = code;
        }
        Some(out)
    }
}
