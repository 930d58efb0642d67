//! Helpers shared by the workspace-level tests: the transcript format, the corpus, and
//! the fuzz harnesses (also run by `make fuzz` through the `fuzz/` crate).

pub mod fuzz;

use std::path::PathBuf;

/// One step of a transcript: the input lines (a command and any continuation lines)
/// and the output expected after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub input: Vec<String>,
    pub expected: String,
}

/// A transcript file: leading `#` comments, then `$ command` lines (with `> ` lines for
/// here-document or continuation input), each followed by the exact expected output.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Transcript {
    pub header: String,
    pub steps: Vec<Step>,
}

impl Transcript {
    pub fn parse(text: &str) -> Transcript {
        let mut t = Transcript::default();
        let mut lines = text.lines().peekable();
        while let Some(l) = lines.peek() {
            if l.starts_with('#') || l.is_empty() {
                t.header.push_str(l);
                t.header.push('\n');
                lines.next();
            } else {
                break;
            }
        }
        for line in lines {
            if let Some(cmd) = line
                .strip_prefix("$ ")
                .or_else(|| (line == "$").then_some(""))
            {
                t.steps.push(Step {
                    input: vec![cmd.to_string()],
                    expected: String::new(),
                });
            } else if let (Some(cont), Some(step)) = (
                line.strip_prefix("> ")
                    .or_else(|| (line == ">").then_some("")),
                t.steps.last_mut(),
            ) {
                if step.expected.is_empty() {
                    step.input.push(cont.to_string());
                    continue;
                }
                step.expected.push_str(line);
                step.expected.push('\n');
            } else if let Some(step) = t.steps.last_mut() {
                step.expected.push_str(line);
                step.expected.push('\n');
            }
        }
        t
    }

    /// Writes the transcript back, with `actual` outputs in place of the expected ones.
    pub fn render(&self, actual: &[String]) -> String {
        let mut s = self.header.clone();
        for (step, out) in self.steps.iter().zip(actual) {
            for (i, l) in step.input.iter().enumerate() {
                s.push_str(if i == 0 { "$ " } else { "> " });
                s.push_str(l);
                s.push('\n');
            }
            s.push_str(out);
            if !out.is_empty() && !out.ends_with('\n') {
                s.push('\n');
            }
        }
        s
    }
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The manifest corpus kept in the repository (`tests/corpus`; see its README for sources).
pub fn corpus_dir() -> PathBuf {
    workspace().join("tests/corpus")
}
