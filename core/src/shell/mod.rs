//! The learner's shell: bash as exam one-liners use it (lists, pipelines, `if`/`for`/
//! `while`/`case`, functions, `$(...)`, `$((...))`, parameter expansion, here-documents,
//! redirections into the node's files), history and aliases (`k` for kubectl, as on the
//! exam's terminal), and the commands a CKA learner types.

pub mod arith;
pub mod builtins;
pub mod chroot;
pub mod complete;
pub mod crictl;
pub mod editor;
pub mod exec;
pub use kubarium_tools::{fs, io};
pub mod expand;
pub mod pattern;
pub mod power;
pub mod ps;
pub mod ssh;
pub mod syntax;
pub mod systemctl;
pub mod test;
pub mod watch;

use std::collections::BTreeMap;

use crate::cluster::Cluster;
use crate::command::Output;
use crate::kubectl::edit::Saved;
use exec::{Exec, Input};
use syntax::ParseError;

/// The shell's state: variables, aliases, functions, history and files.
#[derive(Debug, Clone)]
pub struct Shell {
    pub vars: BTreeMap<String, String>,
    pub aliases: BTreeMap<String, String>,
    pub functions: BTreeMap<String, syntax::Command>,
    /// `$1`, `$2`, ... (inside functions, or after `set --`).
    pub positional: Vec<String>,
    pub history: Vec<String>,
    /// The machine the shell runs on, whose files it sees.
    pub host: String,
    /// The logins left by `ssh` and `sudo -i`, to return to.
    logins: Vec<ssh::Login>,
    pub cwd: String,
    /// Lines of a command that is not complete yet (an open quote, `for` without `done`,
    /// a here-document still being typed).
    pending: Option<String>,
    /// Whether the line being run is one command with its output on the terminal (what
    /// may go on running after it returns).
    pub foreground_line: bool,
    /// Whether the command running writes to the terminal (not into a pipe, a file, a
    /// command substitution or an ssh connection): `ls` lays names out in columns there.
    pub stdout_terminal: bool,
    /// The command lines of the pipeline running (its commands run side by side: `ps`
    /// sees them).
    pub pipeline: Vec<String>,
    /// A command still running in the foreground (`kubectl get --watch`, an edit).
    pub foreground: Option<Foreground>,
    /// The edit `kubectl edit` has just started, for the shell to hand to an editor.
    pub edit: Option<crate::kubectl::edit::Edit>,
    /// A shell in a container the terminal is attached to (`kubectl exec -it POD --
    /// sh`): lines go there until it exits.
    pub attached: Option<crate::kubectl::exec::Attached>,
}

/// A command that goes on printing after it returns, until interrupted.
#[derive(Debug, Clone)]
pub enum Foreground {
    Watch(crate::kubectl::get::watch::GetWatch),
    /// `kubectl logs -f` printing what the containers write.
    Logs(crate::kubectl::logs::Follow),
    /// `watch COMMAND` running the command again each interval.
    Repeat(watch::Watch),
    /// `kubectl edit` waiting for the page's or the terminal's editor.
    Edit(crate::kubectl::edit::Edit),
    /// `vi FILE` (or vim, nano) with the file open in that editor.
    EditFile(editor::FileEdit),
    /// `kubectl run -i` showing its pod until the container ends.
    Run(crate::kubectl::run::Attach),
    /// `kubectl port-forward` until Ctrl-C.
    Forward(crate::kubectl::port_forward::Forward),
}

impl Default for Shell {
    fn default() -> Self {
        let mut vars = BTreeMap::new();
        vars.insert("HOME".into(), fs::HOME.into());
        vars.insert("USER".into(), "root".into());
        vars.insert("SHELL".into(), "/bin/bash".into());
        let mut aliases = BTreeMap::new();
        aliases.insert("k".into(), "kubectl".into());
        Shell {
            vars,
            aliases,
            functions: BTreeMap::new(),
            positional: vec![],
            history: vec![],
            host: crate::host::FIRST.into(),
            logins: vec![],
            cwd: fs::HOME.into(),
            pending: None,
            foreground_line: false,
            stdout_terminal: false,
            pipeline: vec![],
            foreground: None,
            edit: None,
            attached: None,
        }
    }
}

impl Shell {
    /// The prompt to show before the next line.
    pub fn prompt(&self) -> String {
        if let Some(a) = &self.attached {
            return a.prompt();
        }
        if self.pending.is_some() {
            return "> ".into();
        }
        if self.chrooted() {
            // The node's sh (dash) as root.
            return "# ".into();
        }
        let dir = if self.cwd == fs::HOME {
            "~".to_string()
        } else {
            self.cwd.clone()
        };
        format!("{}:{dir}$ ", self.host)
    }

    /// Abandons a partly typed command (Ctrl-C).
    pub fn interrupt(&mut self) {
        self.pending = None;
    }

    /// What the foreground command printed since the last call. When it has ended by
    /// itself (its timeout), the shell is back at its prompt.
    pub fn poll(&mut self, cluster: &mut Cluster) -> Output {
        if let Some(Foreground::Repeat(w)) = self.foreground.as_mut() {
            if !w.due(cluster.now()) {
                return Output::default();
            }
            let w = w.clone();
            let printed = Exec::new(self, cluster).run_watched(&w.command);
            return w.screen(cluster, printed);
        }
        let polled = match self.foreground.as_mut() {
            Some(Foreground::Watch(w)) => w.poll(cluster),
            Some(Foreground::Logs(f)) => f.poll(cluster),
            Some(Foreground::Forward(f)) => {
                let out = f.poll(cluster);
                if let Some(code) = f.code {
                    self.foreground = None;
                    self.vars.insert("?".into(), code.to_string());
                }
                return out;
            }
            Some(Foreground::Run(r)) => {
                let out = r.poll(cluster);
                if let Some(mut session) = r.take_session() {
                    // The terminal now talks to the container's shell; kubectl waits
                    // for the pod again once that has exited.
                    if let Some(Foreground::Run(r)) = self.foreground.take() {
                        session.then = Some(Box::new(r));
                    }
                    self.attached = Some(session);
                    return out.unwrap_or_default();
                }
                if r.ended() {
                    let code = r.code;
                    self.foreground = None;
                    self.vars.insert("?".into(), code.to_string());
                }
                return out.unwrap_or_default();
            }
            _ => return Output::default(),
        };
        match polled {
            Some(out) => out,
            None => {
                self.foreground = None;
                self.vars.insert("?".into(), "0".into());
                Output::default()
            }
        }
    }

    /// The file and text of the edit waiting for the page's or the terminal's editor.
    pub fn editing(&self, cluster: &Cluster) -> Option<(String, String)> {
        match &self.foreground {
            Some(Foreground::Edit(e)) => Some((e.file.clone(), e.current(cluster))),
            Some(Foreground::EditFile(f)) => Some((f.path.clone(), f.text(cluster))),
            _ => None,
        }
    }

    /// For a file open in `vi`, `vim` or `nano` (rather than `kubectl edit`'s): the
    /// editor's name and the machine the file is on.
    pub fn editing_file(&self) -> Option<(&str, &str)> {
        match &self.foreground {
            Some(Foreground::EditFile(f)) => Some((&f.editor, &f.host)),
            _ => None,
        }
    }

    /// The editor of a waiting edit closed with `text` saved (`None`: without saving).
    /// The edit ends, or waits again with the server's reasons in its file.
    pub fn save_edit(&mut self, cluster: &mut Cluster, text: Option<String>) -> Output {
        let mut edit = match self.foreground.take() {
            Some(Foreground::Edit(edit)) => edit,
            Some(Foreground::EditFile(file)) => {
                if let Some(text) = text {
                    if let Err(out) = file.save(cluster, &text) {
                        self.foreground = Some(Foreground::EditFile(file));
                        return out;
                    }
                }
                cluster.settle();
                self.vars.insert("?".into(), "0".into());
                return Output::default();
            }
            other => {
                self.foreground = other;
                return Output::default();
            }
        };
        let saved = edit.saved(cluster, text);
        cluster.settle();
        match saved {
            Saved::Done(res) => {
                self.vars.insert("?".into(), res.code.to_string());
                res.output
            }
            Saved::Again(out) => {
                self.foreground = Some(Foreground::Edit(edit));
                out
            }
        }
    }

    /// Ctrl-C while a command runs in the foreground: a watch stops (kubectl exits 1),
    /// an edit closes without saving. Returns what it printed last; the terminal shows
    /// the `^C` itself.
    pub fn stop_foreground(&mut self, cluster: &mut Cluster) -> Output {
        if matches!(
            self.foreground,
            Some(Foreground::Edit(_) | Foreground::EditFile(_))
        ) {
            return self.save_edit(cluster, None);
        }
        if matches!(
            self.foreground,
            Some(Foreground::Repeat(_) | Foreground::Forward(_))
        ) {
            // watch and port-forward end on Ctrl-C without an error.
            self.foreground = None;
            self.vars.insert("?".into(), "0".into());
            return Output::default();
        }
        let out = self.poll(cluster);
        if self.foreground.take().is_some() {
            self.vars.insert("?".into(), "1".into());
        }
        out
    }

    /// Takes one line of input; runs the command once it is complete.
    pub fn input(&mut self, line: &str, cluster: &mut Cluster) -> Output {
        if let Some(out) = self.chroot(line, cluster) {
            return out;
        }
        if let Some(a) = self.attached.as_mut() {
            let (mut out, exited) = a.input(cluster, line);
            cluster.settle();
            let Some(code) = exited else {
                return out;
            };
            let Some(session) = self.attached.take() else {
                return out;
            };
            if !session.is_own() {
                // kubectl exec ends with the shell, with its status.
                if code != 0 {
                    out.err(format!("command terminated with exit code {code}\n"));
                }
                self.vars.insert("?".into(), code.to_string());
                return out;
            }
            if let Some(farewell) = session.farewell {
                out.out(farewell);
            }
            match session.then {
                Some(mut then) => {
                    // kubectl run waits for the pod its shell ran in.
                    then.resume(cluster);
                    self.foreground = Some(Foreground::Run(*then));
                    out.extend(self.poll(cluster));
                }
                None => {
                    self.vars.insert("?".into(), "0".into());
                }
            }
            return out;
        }
        let text = match self.pending.take() {
            Some(before) => format!("{before}\n{line}"),
            None => line.to_string(),
        };
        let aliases = self.aliases.clone();
        let parsed = syntax::parse(&text, &|w| aliases.get(w).cloned());
        if parsed == Err(ParseError::Incomplete) {
            self.pending = Some(text);
            return Output::default();
        }
        if !text.trim().is_empty() {
            self.history.push(text);
        }
        let mut out = Output::default();
        match parsed {
            Ok(list) => {
                self.foreground_line = is_one_command(&list);
                self.stdout_terminal = true;
                let mut ex = Exec::new(self, cluster);
                let code = ex.run_list(&list, &mut Input::default(), &mut out);
                ex.flush_stderr(&mut out);
                let exited = ex.flow == Some(exec::Flow::Exit);
                self.foreground_line = false;
                self.stdout_terminal = false;
                self.vars.insert("?".into(), code.to_string());
                if exited {
                    // Off with the machine it ran on (`poweroff`), every login there goes.
                    if cluster.powered_off(&self.host) {
                        while cluster.powered_off(&self.host) && self.drop_login(&mut out) {}
                    } else {
                        self.log_out(&mut out);
                    }
                }
                // What the line changed on the machine (a manifest written) is seen at
                // once, as the kubelet's file watch sees it.
                cluster.settle();
            }
            Err(e) => {
                let msg = match e {
                    ParseError::Syntax(m) => m,
                    ParseError::Incomplete => "syntax error: unexpected end of file".into(),
                };
                out.err(format!("bash: {msg}\n"));
                self.vars.insert("?".into(), "2".into());
            }
        }
        out
    }
}

/// Whether a line is a single command without redirections: its output goes straight
/// to the terminal.
fn is_one_command(list: &syntax::List) -> bool {
    match list.items.as_slice() {
        [(_, p)] if !p.negate => matches!(
            p.commands.as_slice(),
            [syntax::Command::Simple { redirects, .. }] if redirects.is_empty()
        ),
        _ => false,
    }
}
