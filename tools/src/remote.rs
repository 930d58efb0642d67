//! The utilities across the boundary to the browser's second WebAssembly module: a run
//! (the utility, its arguments, standard input, the working directory and the node's
//! files) and its answer (what it printed, its status, the files afterwards) as JSON.

use serde::{Deserialize, Serialize};

use crate::command::CmdResult;
use crate::fs::Fs;
use crate::io::Io;

#[derive(Serialize, Deserialize)]
pub struct Request {
    pub name: String,
    pub args: Vec<String>,
    pub stdin: Option<String>,
    pub cwd: String,
    pub fs: Fs,
}

#[derive(Serialize, Deserialize)]
pub struct Answer {
    pub result: CmdResult,
    pub fs: Fs,
}

/// Runs a request given as JSON; answers JSON (an unreadable request is answered with
/// a failed run and the files unchanged).
pub fn serve(request: &str) -> String {
    let answer = match serde_json::from_str::<Request>(request) {
        Ok(mut req) => {
            let result = {
                let mut io = Io {
                    stdin: req.stdin.take(),
                    fs: &mut req.fs,
                    cwd: &req.cwd,
                };
                crate::run(&req.name, &req.args, &mut io).unwrap_or_else(|| {
                    CmdResult::fail(format!("bash: {}: command not found\n", req.name), 127)
                })
            };
            Answer { result, fs: req.fs }
        }
        Err(e) => Answer {
            result: CmdResult::fail(format!("kubarium: bad utility request: {e}\n"), 1),
            fs: Fs::default(),
        },
    };
    serde_json::to_string(&answer).unwrap_or_default()
}
