//! A small POSIX-like shell: history, aliases, variables, pipes, redirections into a
//! virtual home directory, here-documents, and the commands a CKA learner types.

pub mod builtins;
pub mod complete;
pub mod fs;
pub mod io;
pub mod parse;

use std::collections::BTreeMap;

use crate::cluster::Cluster;
use crate::command::{Output, Stream};
use parse::{Connector, Redirect, Script};

/// The shell's state: variables, aliases, history and files.
#[derive(Debug, Clone)]
pub struct Shell {
    pub vars: BTreeMap<String, String>,
    pub aliases: BTreeMap<String, String>,
    pub history: Vec<String>,
    pub fs: fs::Fs,
    pub cwd: String,
    pending: Option<Pending>,
}

/// A command line still waiting for more input (here-document bodies, `\` continuations).
#[derive(Debug, Clone)]
struct Pending {
    text: String,
    script: Option<Script>,
    bodies: Vec<String>,
    current: String,
}

impl Default for Shell {
    fn default() -> Self {
        let mut vars = BTreeMap::new();
        vars.insert("HOME".into(), fs::HOME.into());
        vars.insert("USER".into(), "root".into());
        vars.insert("SHELL".into(), "/bin/bash".into());
        vars.insert("KUBECONFIG".into(), "/etc/kubernetes/admin.conf".into());
        Shell {
            vars,
            aliases: BTreeMap::new(),
            history: vec![],
            fs: fs::Fs::default(),
            cwd: fs::HOME.into(),
            pending: None,
        }
    }
}

impl Shell {
    /// The prompt to show before the next line.
    pub fn prompt(&self) -> String {
        if self.pending.is_some() {
            return "> ".into();
        }
        let dir = if self.cwd == fs::HOME {
            "~".to_string()
        } else {
            self.cwd.clone()
        };
        format!("controlplane:{dir}$ ")
    }

    /// Abandons a partly typed command (Ctrl-C).
    pub fn interrupt(&mut self) {
        self.pending = None;
    }

    /// Takes one line of input; runs it once the command is complete.
    pub fn input(&mut self, line: &str, cluster: &mut Cluster) -> Output {
        if let Some(mut p) = self.pending.take() {
            let Some(script) = p.script.as_mut() else {
                // A `\` continuation.
                let text = format!("{}{line}", p.text);
                return self.start(&text, cluster);
            };
            let mut heredocs = script.heredocs_mut();
            let idx = p.bodies.len();
            if let Some(Redirect::Heredoc {
                delim, strip_tabs, ..
            }) = heredocs.get_mut(idx).map(|r| &**r)
            {
                let candidate = if *strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                if candidate == delim {
                    p.bodies.push(std::mem::take(&mut p.current));
                } else {
                    p.current.push_str(candidate);
                    p.current.push('\n');
                }
            }
            if p.bodies.len() < heredocs.len() {
                self.pending = Some(p);
                return Output::default();
            }
            let Pending {
                mut script, bodies, ..
            } = p;
            let Some(mut script) = script.take() else {
                return Output::default();
            };
            for (r, b) in script.heredocs_mut().into_iter().zip(bodies) {
                if let Redirect::Heredoc { body, expand, .. } = r {
                    *body = if *expand {
                        parse::expand_vars(&b, &self.vars)
                    } else {
                        b
                    };
                }
            }
            return self.run_script(&script, cluster);
        }
        self.start(line, cluster)
    }

    fn start(&mut self, line: &str, cluster: &mut Cluster) -> Output {
        if let Some(head) = line.strip_suffix('\\') {
            self.pending = Some(Pending {
                text: head.to_string(),
                script: None,
                bodies: vec![],
                current: String::new(),
            });
            return Output::default();
        }
        if !line.trim().is_empty() {
            self.history.push(line.to_string());
        }
        let aliases = self.aliases.clone();
        let script = match parse::parse(line, &self.vars, &|w| aliases.get(w).cloned()) {
            Ok(s) => s,
            Err(e) => {
                let mut o = Output::default();
                o.err(format!("bash: {e}\n"));
                self.vars.insert("?".into(), "2".into());
                return o;
            }
        };
        let mut script = script;
        if !script.heredocs_mut().is_empty() {
            self.pending = Some(Pending {
                text: line.to_string(),
                script: Some(script),
                bodies: vec![],
                current: String::new(),
            });
            return Output::default();
        }
        self.run_script(&script, cluster)
    }

    fn run_script(&mut self, script: &Script, cluster: &mut Cluster) -> Output {
        let mut out = Output::default();
        let mut last = 0;
        for (connector, pipeline) in &script.items {
            let run = match connector {
                Connector::Always => true,
                Connector::And => last == 0,
                Connector::Or => last != 0,
            };
            if !run {
                continue;
            }
            let (o, code) = self.run_pipeline(pipeline, cluster);
            out.extend(o);
            last = code;
            self.vars.insert("?".into(), code.to_string());
        }
        out
    }

    fn run_pipeline(
        &mut self,
        pipeline: &[parse::Command],
        cluster: &mut Cluster,
    ) -> (Output, i32) {
        let mut terminal = Output::default();
        let mut stdin: Option<String> = None;
        let mut code = 0;
        let n = pipeline.len();
        for (i, cmd) in pipeline.iter().enumerate() {
            for r in &cmd.redirects {
                match r {
                    Redirect::In(path) => {
                        let full = fs::resolve(&self.cwd, path);
                        match self.fs.read(&full) {
                            Some(c) => stdin = Some(c.to_string()),
                            None => {
                                terminal.err(format!("bash: {path}: No such file or directory\n"));
                                return (terminal, 1);
                            }
                        }
                    }
                    Redirect::Heredoc { body, .. } => stdin = Some(body.clone()),
                    _ => {}
                }
            }
            if cmd.argv.is_empty() {
                for (k, v) in &cmd.assignments {
                    self.vars.insert(k.clone(), v.clone());
                }
                for r in &cmd.redirects {
                    if let Redirect::Out { path, append, .. } | Redirect::Both { path, append } = r
                    {
                        let full = fs::resolve(&self.cwd, path);
                        if let Err(e) = self.fs.write(&full, "", *append) {
                            terminal.err(format!("bash: {path}: {e}\n"));
                        }
                    }
                }
                continue;
            }
            let result = builtins::run(self, cluster, &cmd.argv, stdin.take());
            code = result.code;
            let mut to_next = String::new();
            let err_to_out = cmd.redirects.contains(&Redirect::ErrToOut);
            let mut files: Vec<(u8, String, bool)> = vec![];
            for r in &cmd.redirects {
                match r {
                    Redirect::Out { fd, path, append } => files.push((*fd, path.clone(), *append)),
                    Redirect::Both { path, append } => {
                        files.push((1, path.clone(), *append));
                        files.push((2, path.clone(), true));
                    }
                    _ => {}
                }
            }
            let mut written: BTreeMap<String, bool> = BTreeMap::new();
            terminal.clear |= result.output.clear;
            for (stream, text) in result.output.chunks {
                let fd = match (stream, err_to_out) {
                    (Stream::Err, false) => 2,
                    _ => 1,
                };
                if let Some((_, path, append)) = files.iter().rev().find(|(f, _, _)| *f == fd) {
                    if path == "/dev/null" {
                        continue;
                    }
                    let full = fs::resolve(&self.cwd, path);
                    let first = !written.contains_key(&full);
                    let res = self.fs.write(&full, &text, *append || !first);
                    written.insert(full, true);
                    if let Err(e) = res {
                        terminal.err(format!("bash: {path}: {e}\n"));
                        code = 1;
                    }
                } else if fd == 1 && i + 1 < n {
                    to_next.push_str(&text);
                } else if fd == 1 {
                    terminal.out(text);
                } else {
                    terminal.err(text);
                }
            }
            // Redirect targets exist even when the command wrote nothing.
            for (_, path, append) in &files {
                let full = fs::resolve(&self.cwd, path);
                if path != "/dev/null" && !written.contains_key(&full) {
                    let _ = self.fs.write(&full, "", *append);
                }
            }
            if i + 1 < n {
                stdin = Some(to_next);
            }
        }
        (terminal, code)
    }
}
