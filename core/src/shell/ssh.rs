//! Moving between the cluster's machines as on exam nodes: `ssh HOST [COMMAND]`, `sudo`
//! (the learner is root already), `sudo -i`/`su -`, and `exit`/`logout` back to the
//! login before.

use std::collections::BTreeMap;

use super::exec::{Exec, Flow, Input};
use super::{syntax, Shell};
use crate::command::Output;

/// A login the shell left for another, restored when that one ends.
#[derive(Debug, Clone)]
pub struct Login {
    host: String,
    cwd: String,
    vars: BTreeMap<String, String>,
    aliases: BTreeMap<String, String>,
    functions: BTreeMap<String, syntax::Command>,
    positional: Vec<String>,
    /// The machine `ssh` connected to from it (`ssh` says when that connection closes);
    /// `None` for `sudo -i`.
    remote: Option<String>,
    /// The container shell that `chroot` into its node's files left (see `chroot`),
    /// the terminal's again when this login ends.
    pub(super) container: Option<crate::kubectl::exec::Attached>,
}

/// ssh's options that take a value.
const VALUED: &str = "BbcDEeFIiJLlmOoPpQRSWw";

impl Shell {
    /// Starts a login shell on `host` (root, in /root, with a fresh environment),
    /// keeping the current one to return to.
    pub(super) fn log_in(&mut self, host: &str, remote: bool) {
        let fresh = Shell::default();
        let login = Login {
            host: std::mem::replace(&mut self.host, host.to_string()),
            cwd: std::mem::replace(&mut self.cwd, fresh.cwd),
            vars: std::mem::replace(&mut self.vars, fresh.vars),
            aliases: std::mem::replace(&mut self.aliases, fresh.aliases),
            functions: std::mem::replace(&mut self.functions, fresh.functions),
            positional: std::mem::take(&mut self.positional),
            remote: remote.then(|| host.to_string()),
            container: None,
        };
        self.logins.push(login);
    }

    /// Whether the shell is one `chroot` started from a container's shell.
    pub(super) fn chrooted(&self) -> bool {
        self.logins.last().is_some_and(|l| l.container.is_some())
    }

    /// How many logins there are to return to.
    pub fn logins_open(&self) -> usize {
        self.logins.len()
    }

    /// Ends the current login (`exit` in it): back to the one before, with bash's and
    /// ssh's goodbyes. False at the first login, which the terminal keeps open.
    pub fn log_out(&mut self, out: &mut Output) -> bool {
        self.leave(out, false)
    }

    /// Leaves the current login as its machine goes down: the connection drops under
    /// it, and ssh says so.
    pub fn drop_login(&mut self, out: &mut Output) -> bool {
        self.leave(out, true)
    }

    fn leave(&mut self, out: &mut Output, dropped: bool) -> bool {
        let Some(login) = self.logins.pop() else {
            return false;
        };
        if login.container.is_some() {
            // A shell that chroot started ends quietly, back in the container's.
            self.attached = login.container;
        } else if !dropped {
            out.out("logout\n");
        }
        if let Some(host) = &login.remote {
            if dropped {
                out.err(format!("Connection to {host} closed by remote host.\n"));
            }
            out.err(format!("Connection to {host} closed.\n"));
        }
        let status = self.vars.get("?").cloned();
        self.host = login.host;
        self.cwd = login.cwd;
        self.vars = login.vars;
        self.aliases = login.aliases;
        self.functions = login.functions;
        self.positional = login.positional;
        if let Some(s) = status {
            self.vars.insert("?".into(), s);
        }
        true
    }
}

/// `ssh [OPTIONS] [USER@]HOST [COMMAND...]`: a login on that machine, or COMMAND run
/// there.
pub fn ssh(ex: &mut Exec<'_>, args: &[String], input: &mut Input, out: &mut Output) -> i32 {
    let mut rest = args.iter();
    let mut destination = None;
    while let Some(a) = rest.next() {
        match a.strip_prefix('-') {
            Some(opts) if !opts.is_empty() => {
                // `-p 22`, `-o StrictHostKeyChecking=no`: a valued option takes the rest of
                // its word, or the next one.
                if let Some(i) = opts.find(|c| VALUED.contains(c)) {
                    if i + 1 == opts.len() {
                        rest.next();
                    }
                }
            }
            _ => {
                destination = Some(a.clone());
                break;
            }
        }
    }
    let Some(destination) = destination else {
        out.err(USAGE);
        return 255;
    };
    let name = destination
        .rsplit_once('@')
        .map_or(destination.as_str(), |(_, h)| h);
    let host = match name {
        "localhost" | "127.0.0.1" => Some(ex.sh.host.clone()),
        _ => ex.cluster.host(name).map(|h| h.name.clone()),
    };
    let Some(host) = host else {
        out.err(format!(
            "ssh: Could not resolve hostname {}: Name or service not known\n",
            name.to_lowercase()
        ));
        return 255;
    };
    if ex.cluster.powered_off(&host) {
        out.err(format!(
            "ssh: connect to host {} port 22: No route to host\n",
            name.to_lowercase()
        ));
        return 255;
    }
    let command: Vec<&str> = rest.map(String::as_str).collect();
    if command.is_empty() {
        ex.sh.log_in(&host, true);
        return 0;
    }
    // ssh joins its arguments into one line for the remote shell.
    let line = command.join(" ");
    run_as_login(ex, &host, true, &line, input, out)
}

/// `sudo [-i|-s] [COMMAND...]` and `su [-]`: the learner is root already, so a command
/// runs as it is, and a login shell starts on this machine.
pub fn sudo(
    ex: &mut Exec<'_>,
    name: &str,
    args: &[String],
    input: &mut Input,
    out: &mut Output,
) -> i32 {
    let mut login = name == "su";
    let mut i = 0;
    while let Some(a) = args.get(i) {
        match a.as_str() {
            "-i" | "-s" | "--login" | "--shell" | "-" | "-l" => login = true,
            "-E" | "-H" | "-n" | "--preserve-env" => {}
            "-u" | "--user" if name == "sudo" => {
                let user = args.get(i + 1).map(String::as_str).unwrap_or("");
                if user != "root" {
                    out.err(format!("sudo: unknown user {user}\n"));
                    return 1;
                }
                i += 1;
            }
            _ => break,
        }
        i += 1;
    }
    let command = &args[i..];
    if name == "sudo" && !login && command.is_empty() {
        out.err("usage: sudo -h | -K | -k | -V\nusage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]\nusage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user] [-u user] [command [arg ...]]\nusage: sudo [-ABbEHkNnPS] [-r role] [-t type] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] [VAR=value] [-i | -s] [command [arg ...]]\nusage: sudo -e [-ABkNnS] [-r role] [-t type] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] file ...\n");
        return 1;
    }
    let host = ex.sh.host.clone();
    match (login, command.is_empty()) {
        (true, true) => {
            ex.sh.log_in(&host, false);
            0
        }
        (true, false) => {
            let line = command.join(" ");
            run_as_login(ex, &host, false, &line, input, out)
        }
        (false, _) => ex.call(command, input, out),
    }
}

/// Runs `line` in a login shell on `host` and comes back.
pub(super) fn run_as_login(
    ex: &mut Exec<'_>,
    host: &str,
    remote: bool,
    line: &str,
    input: &mut Input,
    out: &mut Output,
) -> i32 {
    ex.sh.log_in(host, remote);
    // ssh runs a command without a terminal.
    let terminal = ex.sh.stdout_terminal;
    ex.sh.stdout_terminal &= !remote;
    let code = ex.run_text(line, input, out);
    ex.sh.stdout_terminal = terminal;
    if remote && ex.cluster.powered_off(host) {
        out.err(format!("Connection to {host} closed by remote host.\n"));
    }
    if matches!(ex.flow, Some(Flow::Exit)) {
        ex.flow = None;
    }
    // Back without the goodbyes a closed interactive login prints.
    let mut quiet = Output::default();
    ex.sh.log_out(&mut quiet);
    ex.sh.vars.insert("?".into(), code.to_string());
    code
}

const USAGE: &str = "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]
           [-c cipher_spec] [-D [bind_address:]port] [-E log_file]
           [-e escape_char] [-F configfile] [-I pkcs11] [-i identity_file]
           [-J destination] [-L address] [-l login_name] [-m mac_spec]
           [-O ctl_cmd] [-o option] [-P tag] [-p port] [-R address]
           [-S ctl_path] [-W host:port] [-w local_tun[:remote_tun]]
           destination [command [argument ...]]
";
