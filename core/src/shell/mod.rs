//! The learner's shell: bash as exam one-liners use it (lists, pipelines, `if`/`for`/
//! `while`/`case`, functions, `$(...)`, `$((...))`, parameter expansion, here-documents,
//! redirections into the node's files), history and aliases (`k` for kubectl, as on the
//! exam's terminal), and the commands a CKA learner types.

pub mod arith;
pub mod builtins;
pub mod complete;
pub mod exec;
pub use kubarium_tools::{fs, io};
pub mod expand;
pub mod pattern;
pub mod syntax;
pub mod test;

use std::collections::BTreeMap;

use crate::cluster::Cluster;
use crate::command::Output;
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
    pub fs: fs::Fs,
    pub cwd: String,
    /// Lines of a command that is not complete yet (an open quote, `for` without `done`,
    /// a here-document still being typed).
    pending: Option<String>,
}

impl Default for Shell {
    fn default() -> Self {
        let mut vars = BTreeMap::new();
        vars.insert("HOME".into(), fs::HOME.into());
        vars.insert("USER".into(), "root".into());
        vars.insert("SHELL".into(), "/bin/bash".into());
        let mut aliases = BTreeMap::new();
        aliases.insert("k".into(), "kubectl".into());
        // kubeadm's admin kubeconfig, and the copy kubectl reads, as on the exam's nodes.
        let mut files = fs::Fs::default();
        let kubeconfig =
            crate::kubectl::config::text(&format!("https://{}", crate::version::SERVER_ADDRESS));
        let _ = files.mkdir("/root/.kube", true);
        for path in [
            "/etc/kubernetes/admin.conf",
            crate::kubectl::config::DEFAULT_PATH,
        ] {
            let _ = files.write(path, &kubeconfig, false);
        }
        Shell {
            vars,
            aliases,
            functions: BTreeMap::new(),
            positional: vec![],
            history: vec![],
            fs: files,
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

    /// Takes one line of input; runs the command once it is complete.
    pub fn input(&mut self, line: &str, cluster: &mut Cluster) -> Output {
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
                let mut ex = Exec::new(self, cluster);
                let code = ex.run_list(&list, &mut Input::default(), &mut out);
                ex.flush_stderr(&mut out);
                self.vars.insert("?".into(), code.to_string());
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
