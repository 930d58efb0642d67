//! Conditions: the `test` / `[` builtin and bash's `[[ ... ]]` (patterns, `=~`), with
//! file tests against the node's files.

use super::exec::Exec;
use super::fs::{self, Fs};
use super::pattern;
use super::syntax::{plain, Word};
use crate::command::Output;

/// One operand or operator after expansion.
struct Tok {
    text: String,
    /// The text as a pattern (quoted parts escaped), for `==` in `[[ ]]`.
    pattern: String,
    /// An unquoted operator word.
    op: bool,
}

/// `test ARGS` or `[ ARGS ]`.
pub fn builtin(name: &str, args: &[String], fs: &Fs, cwd: &str, out: &mut Output) -> i32 {
    let mut args = args.to_vec();
    if name == "[" {
        if args.last().map(String::as_str) != Some("]") {
            out.err("bash: [: missing `]'\n");
            return 2;
        }
        args.pop();
    }
    let toks: Vec<Tok> = args
        .into_iter()
        .map(|a| Tok {
            pattern: pattern::escape(&a),
            op: true,
            text: a,
        })
        .collect();
    let mut c = Cond {
        toks: &toks,
        pos: 0,
        fs,
        cwd,
        name,
        extended: false,
    };
    finish(&mut c, out)
}

/// `[[ words ]]`.
pub fn conditional(ex: &mut Exec, words: &[Word], out: &mut Output) -> i32 {
    let mut toks = vec![];
    for w in words {
        let op = plain(w).is_some_and(|s| {
            matches!(s, "&&" | "||" | "!" | "(" | ")" | "<" | ">")
                || s.starts_with('-')
                || s.contains('=')
        });
        let text = match ex.expand_string(w) {
            Ok(t) => t,
            Err(e) => {
                out.err(format!("bash: {}\n", e.0));
                return e.1;
            }
        };
        let pattern = ex.expand_pattern(w).unwrap_or_else(|_| text.clone());
        toks.push(Tok { text, pattern, op });
    }
    ex.flush_stderr(out);
    let mut c = Cond {
        toks: &toks,
        pos: 0,
        fs: ex.cluster.fs(&ex.sh.host),
        cwd: &ex.sh.cwd,
        name: "[[",
        extended: true,
    };
    finish(&mut c, out)
}

fn finish(c: &mut Cond, out: &mut Output) -> i32 {
    if c.toks.is_empty() {
        return 1;
    }
    match c.or() {
        Ok(_) if c.pos < c.toks.len() => {
            let extra = &c.toks[c.pos].text;
            out.err(if c.extended {
                format!(
                    "bash: syntax error in conditional expression: unexpected token `{extra}'\n"
                )
            } else {
                format!("bash: {}: too many arguments\n", c.name)
            });
            2
        }
        Ok(v) => i32::from(!v),
        Err(e) => {
            out.err(format!("bash: {}: {e}\n", c.name));
            2
        }
    }
}

struct Cond<'a> {
    toks: &'a [Tok],
    pos: usize,
    fs: &'a Fs,
    cwd: &'a str,
    name: &'a str,
    extended: bool,
}

impl Cond<'_> {
    fn peek(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.pos + k)
    }

    fn is_op(&self, k: usize, ops: &[&str]) -> bool {
        self.peek(k)
            .is_some_and(|t| t.op && ops.contains(&t.text.as_str()))
    }

    fn or(&mut self) -> Result<bool, String> {
        let mut v = self.and()?;
        while self.is_op(0, if self.extended { &["||"] } else { &["-o"] }) {
            self.pos += 1;
            let r = self.and()?;
            v = v || r;
        }
        Ok(v)
    }

    fn and(&mut self) -> Result<bool, String> {
        let mut v = self.not()?;
        while self.is_op(0, if self.extended { &["&&"] } else { &["-a"] }) {
            self.pos += 1;
            let r = self.not()?;
            v = v && r;
        }
        Ok(v)
    }

    fn not(&mut self) -> Result<bool, String> {
        if self.is_op(0, &["!"]) && self.peek(1).is_some() {
            self.pos += 1;
            return Ok(!self.not()?);
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<bool, String> {
        let Some(first) = self.peek(0) else {
            return Err("argument expected".into());
        };
        if first.op && first.text == "(" {
            self.pos += 1;
            let v = self.or()?;
            if !self.is_op(0, &[")"]) {
                return Err("`)' expected".into());
            }
            self.pos += 1;
            return Ok(v);
        }
        // A binary operator after the first operand.
        if let Some(op) = self
            .peek(1)
            .filter(|t| t.op && is_binary(&t.text, self.extended))
        {
            if self.peek(2).is_some() {
                let op = op.text.clone();
                let left = first.text.clone();
                let right = self.toks[self.pos + 2].text.clone();
                let right_pattern = self.toks[self.pos + 2].pattern.clone();
                self.pos += 3;
                return self.binary(&left, &op, &right, &right_pattern);
            }
        }
        if first.op && first.text.len() == 2 && first.text.starts_with('-') {
            if let Some(arg) = self.peek(1) {
                let op = first.text.clone();
                let arg = arg.text.clone();
                self.pos += 2;
                return self.unary(&op, &arg);
            }
        }
        let text = first.text.clone();
        self.pos += 1;
        if !self.extended && self.pos < self.toks.len() && self.toks.len() - self.pos + 1 == 3 {
            let op = self.toks[self.pos].text.clone();
            return Err(format!("{op}: binary operator expected"));
        }
        Ok(!text.is_empty())
    }

    fn unary(&self, op: &str, arg: &str) -> Result<bool, String> {
        let path = fs::resolve(self.cwd, arg);
        Ok(match op {
            "-z" => arg.is_empty(),
            "-n" => !arg.is_empty(),
            "-e" | "-a" => self.fs.exists(&path),
            "-f" => self.fs.read(&path).is_some(),
            "-d" => self.fs.is_dir(&path),
            "-s" => self.fs.read(&path).is_some_and(|c| !c.is_empty()),
            "-r" | "-w" => self.fs.exists(&path),
            "-x" => self.fs.is_dir(&path),
            "-L" | "-h" | "-p" | "-S" | "-b" | "-c" => false,
            "-v" => false,
            _ => return Err(format!("{op}: unary operator expected")),
        })
    }

    fn binary(
        &self,
        left: &str,
        op: &str,
        right: &str,
        right_pattern: &str,
    ) -> Result<bool, String> {
        let int = |s: &str| -> Result<i64, String> {
            s.trim()
                .parse::<i64>()
                .map_err(|_| format!("{s}: integer expression expected"))
        };
        Ok(match op {
            "=" | "==" if self.extended => pattern::matches(right_pattern, left),
            "!=" if self.extended => !pattern::matches(right_pattern, left),
            "=" | "==" => left == right,
            "!=" => left != right,
            "=~" => match crate::tools::regex_match(right, Some(left)) {
                Some(Ok(m)) => m,
                Some(Err(_)) => return Err(format!("{right}: invalid regular expression")),
                None => return Err(crate::tools::REGEX_UNAVAILABLE.into()),
            },
            "<" => left < right,
            ">" => left > right,
            "-eq" => int(left)? == int(right)?,
            "-ne" => int(left)? != int(right)?,
            "-lt" => int(left)? < int(right)?,
            "-le" => int(left)? <= int(right)?,
            "-gt" => int(left)? > int(right)?,
            "-ge" => int(left)? >= int(right)?,
            "-nt" | "-ot" | "-ef" => false,
            _ => return Err(format!("{op}: binary operator expected")),
        })
    }
}

fn is_binary(op: &str, extended: bool) -> bool {
    matches!(
        op,
        "=" | "==" | "!=" | "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" | "-nt" | "-ot" | "-ef"
    ) || (extended && matches!(op, "=~" | "<" | ">"))
}
