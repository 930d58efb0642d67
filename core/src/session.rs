//! A learner's session: one cluster and one shell, fed line by line. The browser and
//! the CLI both drive the cluster through this type.

use crate::clock::Millis;
use crate::cluster::Cluster;
use crate::shell::{Output, Shell};

#[derive(Debug, Clone)]
pub struct Session {
    pub cluster: Cluster,
    pub shell: Shell,
}

impl Session {
    /// A fresh default cluster with the given seed.
    pub fn new(seed: u64) -> Self {
        Session { cluster: Cluster::new(seed), shell: Shell::default() }
    }

    /// Takes one line as if typed at the prompt.
    pub fn input(&mut self, line: &str) -> Output {
        self.shell.input(line, &mut self.cluster)
    }

    pub fn prompt(&self) -> String {
        self.shell.prompt()
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
