//! A learner's session: one cluster and one shell, fed line by line. The browser and
//! the CLI both drive the cluster through this type.

use crate::clock::Millis;
use crate::cluster::Cluster;
use crate::command::Output;
use crate::shell::Shell;

#[derive(Debug, Clone)]
pub struct Session {
    pub cluster: Cluster,
    pub shell: Shell,
}

impl Session {
    /// A fresh default cluster with the given seed.
    pub fn new(seed: u64) -> Self {
        Session {
            cluster: Cluster::new(seed),
            shell: Shell::default(),
        }
    }

    /// The learner's machine before kubeadm has set up its cluster (no nodes, no API
    /// objects): what the page shows while `new` builds the cluster. It runs no commands.
    pub fn unbooted(seed: u64) -> Self {
        Session {
            cluster: Cluster::empty(seed),
            shell: Shell::default(),
        }
    }

    /// Takes one line as if typed at the prompt. A command still running in the
    /// foreground (`kubectl get --watch` in a script) ends first, with what it printed.
    pub fn input(&mut self, line: &str) -> Output {
        let mut out = Output::default();
        if self.editing().is_some() {
            // The editor closes without saving until the edit ends (a refused edit
            // reopens once, and an unchanged reopened file gives up).
            while self.editing().is_some() {
                out.extend(self.shell.save_edit(&mut self.cluster, None));
            }
        } else if self.busy() {
            out = self.shell.poll(&mut self.cluster);
            self.shell.foreground = None;
        }
        out.extend(self.shell.input(line, &mut self.cluster));
        out
    }

    /// Writes a file on the machine the shell is on (as if pasted there).
    pub fn write_file(&mut self, path: &str, text: &str) -> Result<(), String> {
        self.cluster
            .fs_mut(&self.shell.host)
            .write(path, text, false)
    }

    /// The prompt to show (none while a command runs in the foreground).
    pub fn prompt(&self) -> String {
        if self.busy() {
            return String::new();
        }
        self.shell.prompt()
    }

    /// Whether a command is still running in the foreground (`kubectl get --watch`).
    pub fn busy(&self) -> bool {
        self.shell.foreground.is_some()
    }

    /// The file and text of an edit waiting for an editor (the page's YAML editor, the
    /// terminal's $EDITOR).
    pub fn editing(&self) -> Option<(String, String)> {
        self.shell.editing(&self.cluster)
    }

    /// For a file open in `vi`, `vim` or `nano`: the editor's name and the machine.
    pub fn editing_file(&self) -> Option<(&str, &str)> {
        self.shell.editing_file()
    }

    /// The editor closed with `text` saved (`None`: without saving): the edit goes to
    /// the server, or reopens (`editing` again) with the reasons it was refused.
    pub fn save_edit(&mut self, text: Option<String>) -> Output {
        self.shell.save_edit(&mut self.cluster, text)
    }

    /// What the foreground command printed since the last call (after a tick).
    pub fn poll(&mut self) -> Output {
        self.shell.poll(&mut self.cluster)
    }

    /// Ctrl-C: stops the foreground command (returning what it printed last), or drops a
    /// half-typed command. The terminal shows the `^C`.
    pub fn interrupt(&mut self) -> Output {
        if self.busy() {
            return self.shell.stop_foreground(&mut self.cluster);
        }
        self.shell.interrupt();
        Output::default()
    }

    /// Lets real time pass (the browser's clock at 1x, 10x, ...).
    pub fn tick(&mut self, ms: Millis) {
        self.cluster.advance(ms);
    }

    /// Runs a whole script, line by line, and returns what a terminal would show
    /// (without prompts).
    pub fn run_script(&mut self, script: &str) -> String {
        let mut out = String::new();
        for line in script.lines() {
            let o = self.input(line);
            out.push_str(&o.text());
        }
        out
    }
}

impl Session {
    /// Completes the last word of `line`; returns the new line and the candidates shown
    /// when there is more than one.
    pub fn complete(&self, line: &str) -> (String, Vec<String>) {
        let candidates = crate::shell::complete::complete(line, &self.cluster, &self.shell.aliases);
        let partial_len = if line.ends_with(char::is_whitespace) {
            0
        } else {
            line.split_whitespace().last().map_or(0, str::len)
        };
        let base = &line[..line.len() - partial_len];
        match candidates.len() {
            0 => (line.to_string(), vec![]),
            1 => (format!("{base}{} ", candidates[0]), vec![]),
            _ => {
                let prefix = crate::shell::complete::common_prefix(&candidates);
                (format!("{base}{prefix}"), candidates)
            }
        }
    }
}

impl Session {
    /// Applies a manifest from the editor (`kubectl apply -f -`), returning the output.
    pub fn apply_manifest(&mut self, text: &str) -> Output {
        let out = self.kubectl(&["apply", "-f", "-"], Some(text));
        self.cluster.settle();
        out
    }

    /// Runs kubectl with these arguments outside the shell (nothing in its history), as
    /// the page's panels do.
    pub fn kubectl(&mut self, args: &[&str], stdin: Option<&str>) -> Output {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let mut ctx = crate::kubectl::Ctx {
            cluster: &mut self.cluster,
            host: &self.shell.host,
            cwd: &self.shell.cwd,
            stdin: stdin.map(str::to_string),
            foreground: false,
            stream: None,
            follow: None,
            forward: None,
            edit: None,
            attach: None,
            run: None,
        };
        crate::kubectl::run(&args, &mut ctx).output
    }
}
