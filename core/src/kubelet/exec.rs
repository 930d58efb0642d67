//! Commands run in a running container through the kubelet's `/exec` endpoint (what
//! `kubectl exec` reaches through the API server): the command acts on the container's
//! files and environment as its own process left them, and what it changes stays for
//! the next command and the container's probes.

use super::{images, process, script, Kubelet, State};
use crate::apiserver::pod_log::KubeletError;
use crate::clock::{Millis, SECOND};

/// What a command run in a container gave back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecOutput {
    /// Pieces of standard output (`false`) and error (`true`), in order.
    pub chunks: Vec<(bool, String)>,
    pub status: i32,
    /// Whether it was a shell whose script ended with `exit`.
    pub by_exit: bool,
}

/// How long a command may run before the simulation stops waiting for it.
const EXEC_LIMIT: Millis = 60 * SECOND;

/// The shell a container's command line runs (its image's `sh` when it names none).
fn shell_name(argv: &[String]) -> String {
    argv.first().map_or("sh", String::as_str).to_string()
}

impl Kubelet {
    /// What commands run in containers changed under hostPath volumes since the last
    /// call, as paths on the node, for the cluster to write into the machine's files.
    pub fn take_host_writes(&self) -> Vec<script::Change> {
        std::mem::take(&mut *self.host_writes.borrow_mut())
    }

    /// Runs `argv` with `stdin` in container `container` of pod `namespace/pod` at
    /// cluster time `now`.
    pub fn exec(
        &self,
        (namespace, pod, container): (&str, &str, &str),
        argv: &[String],
        stdin: Option<String>,
        now: Millis,
    ) -> Result<ExecOutput, KubeletError> {
        if !self.running {
            return Err(KubeletError::Refused);
        }
        let key = format!("{namespace}/{pod}");
        let not_found =
            || KubeletError::Status(404, format!("container not found ({container:?})"));
        let rt = self.pods.get(&key).ok_or_else(not_found)?;
        let c = rt
            .all()
            .find(|c| c.name == container)
            .ok_or_else(not_found)?;
        let State::Running { started_at, .. } = c.state else {
            return Err(not_found());
        };
        let script = c.script();
        let before = self
            .exec_changes
            .borrow()
            .get(&c.container_id)
            .cloned()
            .unwrap_or_default();
        let shared =
            super::volumes::shared_writes(rt, c, started_at, &self.exec_changes.borrow(), now);
        let (exec, changes) = script::exec_in(
            script.as_deref(),
            argv,
            c.context_with(&shared),
            &before,
            (started_at, now - started_at),
            (EXEC_LIMIT, stdin, true),
        );
        if !changes.is_empty() {
            let onto_node = super::volumes::host_path_changes(&rt.volumes, &c.mounts, &changes);
            self.host_writes.borrow_mut().extend(onto_node);
            self.exec_changes
                .borrow_mut()
                .entry(c.container_id.clone())
                .or_default()
                .extend(changes);
            self.probes_to_wake.borrow_mut().insert(key.clone());
        }
        match exec {
            script::Exec::Exited {
                status,
                printed,
                by_exit,
            } => Ok(ExecOutput {
                chunks: printed.chunks,
                status,
                by_exit,
            }),
            script::Exec::NotFound => Err(KubeletError::Status(
                500,
                format!(
                    "Internal error occurred: error executing command in container: failed to exec in container: failed to start exec {:?}: OCI runtime exec failed: exec failed: unable to start container process: exec: {:?}: executable file not found in $PATH: unknown",
                    super::hex_digest(&format!("{key}/{container}/{}", argv.join(" ")), now as u64),
                    argv.first().map_or("", String::as_str)
                ),
            )),
            script::Exec::TimedOut => Err(KubeletError::Status(
                501,
                format!(
                    "commands that run for more than {}s are not supported in Kubarium yet",
                    EXEC_LIMIT / SECOND
                ),
            )),
        }
    }

    /// A line typed on the terminal of a container's main process (`kubectl attach -i`,
    /// `kubectl run -it`): a shell with `stdin: true` runs it as a command in the
    /// container; `exit [N]` ends the shell, and with it the container's process.
    /// Returns what it printed and whether the shell ended.
    pub fn attach(
        &self,
        (namespace, pod, container): (&str, &str, &str),
        line: &str,
        now: Millis,
    ) -> Result<(ExecOutput, bool), KubeletError> {
        let rt = self.pods.get(&format!("{namespace}/{pod}"));
        let c = rt
            .into_iter()
            .flat_map(|rt| rt.all())
            .find(|c| c.name == container && matches!(c.state, State::Running { .. }))
            .ok_or_else(|| {
                KubeletError::Status(404, format!("container not found ({container:?})"))
            })?;
        let (command, args) = c.command_line();
        let argv = process::argv(&command, &args);
        let reads = images::pull(&c.image).is_ok_and(|i| process::reads_terminal(i, &argv));
        if !c.stdin || !reads {
            return Err(KubeletError::Status(
                400,
                format!("container {container} has no shell reading its terminal"),
            ));
        }
        let shell = shell_name(&argv);
        let status = self
            .terminal
            .borrow()
            .get(&c.container_id)
            .map_or(0, |(s, _)| *s);
        let mut script = line.replace("$?", &status.to_string());
        if script.trim() == "exit" {
            script = format!("exit {status}");
        }
        let out = self.exec(
            (namespace, pod, container),
            &[shell, "-c".into(), script],
            None,
            now,
        )?;
        let mut terminal = self.terminal.borrow_mut();
        let (last, shown) = terminal.entry(c.container_id.clone()).or_default();
        *last = out.status;
        if c.tty {
            // A terminal's screen is the container's log: the prompt, the line, its output.
            let prompt = process::shell_prompt(&shell_name(&argv), &c.image, pod);
            shown.push((now, format!("{prompt}{line}")));
            let printed: String = out.chunks.iter().map(|(_, t)| t.as_str()).collect();
            shown.extend(printed.lines().map(|l| (now, l.to_string())));
        }
        let ended = out.by_exit;
        if ended {
            self.shell_exits
                .borrow_mut()
                .push((c.container_id.clone(), now, out.status));
        }
        Ok((out, ended))
    }
}
