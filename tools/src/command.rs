//! What a command gives back: its output, in the order written and by stream, and its
//! exit status. The shell and kubectl both speak it.

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Stream {
    Out,
    Err,
}

/// Output in the order it was written, with which stream each piece went to.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Output {
    pub chunks: Vec<(Stream, String)>,
    /// `clear` (or Ctrl-L) asked for an empty screen.
    pub clear: bool,
}

impl Output {
    pub fn out(&mut self, s: impl Into<String>) {
        self.chunks.push((Stream::Out, s.into()));
    }

    pub fn err(&mut self, s: impl Into<String>) {
        self.chunks.push((Stream::Err, s.into()));
    }

    /// Everything, as a terminal shows it.
    pub fn text(&self) -> String {
        self.chunks.iter().map(|(_, s)| s.as_str()).collect()
    }

    pub fn extend(&mut self, other: Output) {
        self.chunks.extend(other.chunks);
        self.clear |= other.clear;
    }
}

/// What one command run gives back.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct CmdResult {
    pub output: Output,
    pub code: i32,
}

impl CmdResult {
    pub fn ok(out: impl Into<String>) -> Self {
        let mut o = Output::default();
        let s = out.into();
        if !s.is_empty() {
            o.out(s);
        }
        CmdResult { output: o, code: 0 }
    }

    pub fn fail(err: impl Into<String>, code: i32) -> Self {
        let mut o = Output::default();
        o.err(err);
        CmdResult { output: o, code }
    }
}
