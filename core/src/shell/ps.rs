//! `ps` on a node: the machine's processes (init and its daemons, systemd's kubelet and
//! containerd with their command lines, the runtime's shims, pause and container
//! processes, the terminal's shell), printed by the tools' procps.

use kubarium_tools::ps::{Process, Request};

use super::Shell;
use crate::apiserver::resources;
use crate::clock::SECOND;
use crate::cluster::Cluster;
use crate::command::CmdResult;

/// The daemons a kubeadm node's init starts, by PID.
const DAEMONS: &[(u32, &str, &str)] = &[
    (1, "/sbin/init", "Ss"),
    (2, "[kthreadd]", "S"),
    (312, "/usr/lib/systemd/systemd-journald", "Ss"),
    (356, "/usr/lib/systemd/systemd-udevd", "Ss"),
    (489, "/usr/lib/systemd/systemd-resolved", "Ss"),
    (537, "/usr/sbin/cron -f -P", "Ss"),
    (
        561,
        "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups",
        "Ss",
    ),
];

/// `ps [ARGS]` on the shell's machine.
pub fn ps(sh: &Shell, cluster: &Cluster, args: &[String]) -> CmdResult {
    let now = cluster.now();
    let Some(host) = cluster.host(&sh.host) else {
        return CmdResult::fail("ps: no such machine\n", 1);
    };
    let boot = host.systemd.journal.first().map_or(0, |e| e.at);
    let process = |pid, ppid, started, stat: &str, argv: Vec<String>, rss_kib| Process {
        pid,
        ppid,
        started,
        cpu_ms: (now - started).max(0) as u64 / 5_000,
        rss_kib,
        tty: None,
        stat: stat.into(),
        argv,
    };
    let mut procs: Vec<Process> = DAEMONS
        .iter()
        .map(|(pid, cmd, stat)| {
            let argv = cmd.split(' ').map(String::from).collect();
            let rss = if cmd.starts_with('[') { 0 } else { 9_000 };
            process(*pid, u32::from(*pid != 1), boot, stat, argv, rss)
        })
        .collect();
    for unit in &host.systemd.units {
        if let crate::host::systemd::State::Running { pid, since } = unit.state {
            let mut argv = unit.command_line(&host.fs);
            if argv.is_empty() {
                argv.push(format!(
                    "/usr/bin/{}",
                    unit.name.trim_end_matches(".service")
                ));
            }
            procs.push(process(pid, 1, since, "Ssl", argv, 60_000));
        }
    }
    if let Some(k) = cluster.kubelets.iter().find(|k| k.node == sh.host) {
        procs.extend(k.processes(now));
    }
    // The terminal: the login's shell and ps itself.
    let shell_pid = 9_000 + sh.logins_open() as u32 * 7;
    let mut bash = process(
        shell_pid,
        561,
        now - 60 * SECOND,
        "Ss",
        vec!["-bash".into()],
        5_200,
    );
    bash.tty = Some("pts/0".into());
    let mut me = process(
        shell_pid + 1 + (now / SECOND % 900) as u32,
        shell_pid,
        now,
        "R+",
        std::iter::once("ps".to_string())
            .chain(args.iter().cloned())
            .collect(),
        4_100,
    );
    me.tty = Some("pts/0".into());
    me.cpu_ms = 0;
    // The commands it runs beside in a pipeline (why `grep -v grep` is a habit).
    let ps_pid = me.pid;
    for (i, line) in sh.pipeline.iter().enumerate() {
        if line.split(' ').next() == Some("ps") {
            continue;
        }
        let argv = line.split(' ').map(String::from).collect();
        let mut p = process(ps_pid + 1 + i as u32, shell_pid, now, "S+", argv, 2_300);
        p.tty = Some("pts/0".into());
        p.cpu_ms = 0;
        procs.push(p);
    }
    procs.push(bash);
    procs.push(me);
    crate::sort::by_key(&mut procs, |p| p.pid);
    let memory_kib = cluster
        .api
        .get(resources::nodes(), "", &sh.host)
        .ok()
        .and_then(|n| crate::kubelet::usage::bytes(&n["status"]["capacity"]["memory"]))
        .map_or(4_000_000, |b| b / 1024);
    let request = Request {
        args: args.to_vec(),
        processes: procs,
        now,
        memory_kib,
    };
    crate::tools::ps(&request).unwrap_or_else(|| crate::tools::unavailable("ps"))
}
