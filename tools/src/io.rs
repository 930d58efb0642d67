//! What a file utility sees while it runs: its standard input, the node's files and the
//! working directory.

use crate::command::CmdResult;
use crate::fs::{self, Fs};

pub struct Io<'a> {
    /// Standard input (a pipe, a `<` file, a here-document), if any.
    pub stdin: Option<String>,
    pub fs: &'a mut Fs,
    pub cwd: &'a str,
}

impl Io<'_> {
    /// The absolute path of `path` as the user typed it.
    pub fn path(&self, path: &str) -> String {
        fs::resolve(self.cwd, path)
    }

    /// One file's text, or coreutils' message (`cmd: f: No such file or directory`).
    pub fn read(&self, cmd: &str, file: &str) -> Result<String, CmdResult> {
        let path = self.path(file);
        match self.fs.read(&path) {
            Some(c) => Ok(c.to_string()),
            None if self.fs.is_dir(&path) => Err(CmdResult::fail(
                format!("{cmd}: {file}: Is a directory\n"),
                1,
            )),
            None => Err(CmdResult::fail(
                format!("{cmd}: {file}: No such file or directory\n"),
                1,
            )),
        }
    }

    /// The named files one after another, or standard input when there are none (`-`
    /// also names standard input).
    pub fn inputs(&mut self, cmd: &str, files: &[String]) -> Result<String, CmdResult> {
        if files.is_empty() {
            return Ok(self.stdin.take().unwrap_or_default());
        }
        let mut text = String::new();
        for f in files {
            if f == "-" {
                text.push_str(&self.stdin.take().unwrap_or_default());
            } else {
                text.push_str(&self.read(cmd, f)?);
            }
        }
        Ok(text)
    }
}
