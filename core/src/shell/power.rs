//! `poweroff`, `halt`, `shutdown` and `reboot` on a node (the machine goes down and the
//! ssh connection with it), and Kubarium's console, `kubarium node ...`: what a cloud
//! console does from outside the machines (add a worker, power one off or on).

use super::exec::{Exec, Flow};
use crate::cluster::Cluster;
use crate::command::Output;
use crate::host::power::PowerError;

const CONSOLE_USAGE: &str =
    "Kubarium's console: what a cloud console does with the cluster's machines.

Usage:
  kubarium node add [--count N]  add a worker (or N, up to 5000), joined with kubeadm join (node03, ...)
  kubarium node poweroff NAME    power machine NAME off
  kubarium node poweron NAME     power machine NAME on
  kubarium node reboot NAME      power machine NAME off and on again
";

/// The most workers one `kubarium node add --count` adds (Kubernetes' published limit is
/// 5,000 nodes a cluster).
const MAX_ADDED: usize = 5000;

fn not_yet(out: &mut Output, what: &str) -> i32 {
    out.err(format!("error: {what} is not supported in Kubarium yet\n"));
    1
}

/// `poweroff`, `halt`, `shutdown [-h|-r|-P] [now]` and `reboot` run on a machine.
pub fn poweroff(ex: &mut Exec<'_>, name: &str, args: &[String], out: &mut Output) -> i32 {
    let mut reboot = name == "reboot";
    for a in args {
        match (name, a.as_str()) {
            ("shutdown", "now" | "+0" | "-h" | "-P" | "--poweroff" | "-H" | "--halt") => {}
            ("shutdown", "-r" | "--reboot") => reboot = true,
            (_, "-f" | "--force" | "-p" | "--poweroff") => {}
            _ => return not_yet(out, &format!("\"{name} {a}\"")),
        }
    }
    // Without `now`, shutdown schedules itself a minute later.
    if name == "shutdown" && !args.iter().any(|a| a == "now" || a == "+0") {
        return not_yet(out, "\"shutdown\" at a later time");
    }
    let host = ex.sh.host.clone();
    match ex.cluster.power_off(&host, reboot) {
        Ok(()) => {
            // The shell goes down with its machine.
            ex.flow = Some(Flow::Exit);
            255
        }
        Err(_) => not_yet(
            out,
            &format!("\"{name}\" on {host}, the machine this shell's session starts on,"),
        ),
    }
}

/// `kubarium node add|poweroff|poweron|reboot [NAME]`.
pub fn console(cluster: &mut Cluster, args: &[String], out: &mut Output) -> i32 {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let done = match args[..] {
        ["node", "add"] => {
            let name = cluster.add_worker();
            out.out(format!("{name} joined the cluster\n"));
            return 0;
        }
        ["node", "add", "--count", n] => {
            let count = match n.parse::<usize>() {
                Ok(c @ 1..=MAX_ADDED) => c,
                _ => {
                    out.err(format!(
                        "kubarium: --count must be a number from 1 to {MAX_ADDED}, not \"{n}\"\n"
                    ));
                    return 1;
                }
            };
            let names: Vec<String> = (0..count).map(|_| cluster.add_worker()).collect();
            let said = match names.as_slice() {
                [one] => one.clone(),
                [first, .., last] => format!("{} nodes ({first} to {last})", names.len()),
                [] => String::new(),
            };
            out.out(format!("{said} joined the cluster\n"));
            return 0;
        }
        ["node", "poweroff", name] => cluster.power_off(name, false).map(|()| "powered off"),
        ["node", "reboot", name] => cluster.power_off(name, true).map(|()| "rebooting"),
        ["node", "poweron", name] => cluster.power_on(name).map(|()| "powered on"),
        [] | ["help" | "-h" | "--help"] | ["node"] => {
            out.out(CONSOLE_USAGE);
            return 0;
        }
        _ => {
            out.err(format!(
                "kubarium: unknown command \"{}\"\n\n{CONSOLE_USAGE}",
                args.join(" ")
            ));
            return 1;
        }
    };
    let name = args.get(2).copied().unwrap_or_default();
    match done {
        Ok(state) => {
            out.out(format!("{name} {state}\n"));
            0
        }
        Err(PowerError::NoSuchMachine) => {
            out.err(format!("kubarium: no machine is called \"{name}\"\n"));
            1
        }
        Err(PowerError::ControlPlane) => not_yet(
            out,
            &format!("Powering off {name}, the machine the shell's session starts on,"),
        ),
    }
}
