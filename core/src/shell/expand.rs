//! Word expansion, in bash's order: braces, tilde, parameters, command substitution and
//! arithmetic, then field splitting of what was unquoted, then pathnames, then quote
//! removal.

use super::exec::{Exec, ExpandError, Input};
use super::syntax::{Param, ParamOp, Part, Word};
use super::{fs, pattern};
use crate::command::{Output, Stream};

/// Words a brace expansion may produce.
const MAX_BRACE_WORDS: usize = 10_000;

enum Seg {
    Text {
        text: String,
        quoted: bool,
        split: bool,
    },
    /// Between the fields of `"$@"`.
    Break,
}

#[derive(Default)]
struct Field {
    text: String,
    pattern: String,
    glob: bool,
}

impl Field {
    fn push(&mut self, text: &str, quoted: bool) {
        self.text.push_str(text);
        if quoted {
            self.pattern.push_str(&pattern::escape(text));
        } else {
            self.pattern.push_str(text);
            self.glob |= pattern::has_magic(text);
        }
    }
}

impl Exec<'_> {
    /// A word as command arguments: zero or more fields.
    pub fn expand_fields(&mut self, w: &Word) -> Result<Vec<String>, ExpandError> {
        let mut out = vec![];
        for word in brace_expand(w) {
            let segs = self.segments(&word, false, true)?;
            for f in split_fields(segs) {
                if f.glob {
                    let found =
                        pattern::glob(self.cluster.fs(&self.sh.host), &self.sh.cwd, &f.pattern);
                    if !found.is_empty() {
                        out.extend(found);
                        continue;
                    }
                }
                out.push(f.text);
            }
        }
        Ok(out)
    }

    /// A word as one string (redirection targets, here-documents, `case` subjects).
    pub fn expand_string(&mut self, w: &Word) -> Result<String, ExpandError> {
        let segs = self.segments(w, false, true)?;
        Ok(segs
            .into_iter()
            .map(|s| match s {
                Seg::Text { text, .. } => text,
                Seg::Break => " ".to_string(),
            })
            .collect())
    }

    /// The value of `name=word`.
    pub fn expand_assignment(&mut self, w: &Word) -> Result<String, ExpandError> {
        self.expand_string(w)
    }

    /// A word as a pattern: what was quoted matches literally.
    pub fn expand_pattern(&mut self, w: &Word) -> Result<String, ExpandError> {
        let segs = self.segments(w, false, true)?;
        Ok(segs
            .into_iter()
            .map(|s| match s {
                Seg::Text {
                    text, quoted: true, ..
                } => pattern::escape(&text),
                Seg::Text { text, .. } => text,
                Seg::Break => " ".to_string(),
            })
            .collect())
    }

    fn segments(&mut self, w: &Word, quoted: bool, first: bool) -> Result<Vec<Seg>, ExpandError> {
        let mut segs = vec![];
        for (i, part) in w.iter().enumerate() {
            match part {
                Part::Lit(s) => {
                    let text = if first && i == 0 && !quoted {
                        tilde(s)
                    } else {
                        s.clone()
                    };
                    segs.push(Seg::Text {
                        text,
                        quoted,
                        split: false,
                    });
                }
                Part::Quoted(s) => segs.push(Seg::Text {
                    text: s.clone(),
                    quoted: true,
                    split: false,
                }),
                Part::Double(inner) => {
                    let before = segs.len();
                    segs.extend(self.segments(inner, true, false)?);
                    if segs.len() == before && !inner.iter().any(is_at) {
                        segs.push(Seg::Text {
                            text: String::new(),
                            quoted: true,
                            split: false,
                        });
                    }
                }
                Part::Param(p) => {
                    if quoted && p.name == "@" && p.op == ParamOp::Plain {
                        for (j, v) in self.sh.positional.clone().into_iter().enumerate() {
                            if j > 0 {
                                segs.push(Seg::Break);
                            }
                            segs.push(Seg::Text {
                                text: v,
                                quoted: true,
                                split: false,
                            });
                        }
                        continue;
                    }
                    segs.push(expanded(self.param(p)?, quoted));
                }
                Part::Command(list) => segs.push(expanded(self.substitute(list)?, quoted)),
                Part::ProcSub(list) => {
                    let text = self.capture(list)?;
                    segs.push(Seg::Text {
                        text: self.process_file(&text)?,
                        quoted: true,
                        split: false,
                    });
                }
                Part::Arith(expr) => {
                    let text = self.expand_string(expr)?;
                    let v = super::arith::eval(&text, &mut self.sh.vars)
                        .map_err(|e| ExpandError(e, 1))?;
                    segs.push(expanded(v.to_string(), quoted));
                }
            }
        }
        Ok(segs)
    }

    /// Runs `$(...)` and gives its standard output without trailing newlines; what it
    /// writes to standard error goes to the terminal.
    fn substitute(&mut self, list: &super::syntax::List) -> Result<String, ExpandError> {
        let mut text = self.capture(list)?;
        let trimmed = text.trim_end_matches('\n').len();
        text.truncate(trimmed);
        Ok(text)
    }

    /// Runs `list` in a subshell and gives its standard output; what it writes to
    /// standard error goes to the terminal.
    fn capture(&mut self, list: &super::syntax::List) -> Result<String, ExpandError> {
        let vars = self.sh.vars.clone();
        let cwd = self.sh.cwd.clone();
        let flow = self.flow.take();
        // What a substitution runs writes into it, never on the terminal.
        let foreground = std::mem::take(&mut self.sh.foreground_line);
        let terminal = std::mem::take(&mut self.sh.stdout_terminal);
        let mut out = Output::default();
        let code = self
            .nested(|ex| ex.run_list(list, &mut Input::default(), &mut out))
            .ok_or_else(|| ExpandError("maximum nesting level exceeded".into(), 1));
        self.sh.foreground_line = foreground;
        self.sh.stdout_terminal = terminal;
        let code = code?;
        self.sh.vars = vars;
        self.sh.cwd = cwd;
        self.flow = flow;
        self.substitution_status = Some(code);
        let mut text = String::new();
        for (s, t) in out.chunks {
            match s {
                Stream::Out => text.push_str(&t),
                Stream::Err => self.stderr.err(t),
            }
        }
        Ok(text)
    }

    /// Puts a process substitution's output where its word names it (`/dev/fd/63`, then
    /// 62 ...), as bash does; the file goes when its command is done.
    fn process_file(&mut self, text: &str) -> Result<String, ExpandError> {
        let fd = 63usize.saturating_sub(self.proc_files.len());
        let path = format!("/dev/fd/{fd}");
        let files = self.cluster.fs_mut(&self.sh.host);
        files
            .mkdir("/dev/fd", true)
            .and_then(|()| files.write(&path, text, false))
            .map_err(|e| ExpandError(format!("{path}: {e}"), 1))?;
        self.proc_files.push(path.clone());
        Ok(path)
    }

    fn param(&mut self, p: &Param) -> Result<String, ExpandError> {
        let value = self.lookup(&p.name);
        let set = value.is_some();
        let value = value.unwrap_or_default();
        let unset_or = |colon: bool| !set || (colon && value.is_empty());
        Ok(match &p.op {
            ParamOp::Plain => value,
            ParamOp::Length => {
                if p.name == "@" || p.name == "*" || p.name == "#" {
                    self.sh.positional.len().to_string()
                } else {
                    value.chars().count().to_string()
                }
            }
            ParamOp::Default(colon, w) => {
                if unset_or(*colon) {
                    self.expand_string(w)?
                } else {
                    value
                }
            }
            ParamOp::Assign(colon, w) => {
                if unset_or(*colon) {
                    let v = self.expand_string(w)?;
                    self.sh.vars.insert(p.name.clone(), v.clone());
                    v
                } else {
                    value
                }
            }
            ParamOp::Alternative(colon, w) => {
                if unset_or(*colon) {
                    String::new()
                } else {
                    self.expand_string(w)?
                }
            }
            ParamOp::Error(colon, w) => {
                if unset_or(*colon) {
                    let msg = self.expand_string(w)?;
                    let msg = if msg.is_empty() {
                        if *colon {
                            "parameter null or not set".to_string()
                        } else {
                            "parameter not set".to_string()
                        }
                    } else {
                        msg
                    };
                    return Err(ExpandError(format!("{}: {msg}", p.name), 1));
                }
                value
            }
            ParamOp::TrimPrefix(longest, w) => {
                let pat = self.expand_pattern(w)?;
                trim(&value, &pat, *longest, true)
            }
            ParamOp::TrimSuffix(longest, w) => {
                let pat = self.expand_pattern(w)?;
                trim(&value, &pat, *longest, false)
            }
            ParamOp::Replace { all, pattern, with } => {
                let pat = self.expand_pattern(pattern)?;
                let with = self.expand_string(with)?;
                replace(&value, &pat, &with, *all)
            }
            ParamOp::Substring(offset, length) => {
                let chars: Vec<char> = value.chars().collect();
                let n = chars.len() as i64;
                let off = self.arith(offset)?;
                let start = if off < 0 {
                    (n + off).max(0)
                } else {
                    off.min(n)
                };
                let end = match length {
                    None => n,
                    Some(l) => {
                        let l = self.arith(l)?;
                        if l < 0 {
                            n + l
                        } else {
                            (start + l).min(n)
                        }
                    }
                };
                if end < start {
                    return Err(ExpandError(
                        format!("{}: substring expression < 0", end - start),
                        1,
                    ));
                }
                chars[start as usize..end as usize].iter().collect()
            }
            ParamOp::Case(upper, all) => {
                let mut cs = value.chars();
                match (upper, all) {
                    (true, true) => value.to_uppercase(),
                    (false, true) => value.to_lowercase(),
                    (true, false) => cs
                        .next()
                        .map(|c| c.to_uppercase().chain(cs).collect())
                        .unwrap_or_default(),
                    (false, false) => cs
                        .next()
                        .map(|c| c.to_lowercase().chain(cs).collect())
                        .unwrap_or_default(),
                }
            }
        })
    }

    fn arith(&mut self, w: &Word) -> Result<i64, ExpandError> {
        let text = self.expand_string(w)?;
        super::arith::eval(&text, &mut self.sh.vars).map_err(|e| ExpandError(e, 1))
    }

    /// A parameter's value; None when it is unset.
    fn lookup(&self, name: &str) -> Option<String> {
        let pos = &self.sh.positional;
        match name {
            "?" => Some(self.sh.vars.get("?").cloned().unwrap_or_else(|| "0".into())),
            "#" => Some(pos.len().to_string()),
            "@" | "*" => Some(pos.join(" ")),
            "$" => Some("1".into()),
            "!" => None,
            "-" => Some("hB".into()),
            "0" => Some("bash".into()),
            n if n.chars().all(|c| c.is_ascii_digit()) => n
                .parse::<usize>()
                .ok()
                .and_then(|i| pos.get(i.checked_sub(1)?).cloned()),
            n => self.sh.vars.get(n).cloned(),
        }
    }

    /// Moves what command substitutions wrote to standard error into `out`.
    pub fn flush_stderr(&mut self, out: &mut Output) {
        out.extend(std::mem::take(&mut self.stderr));
    }
}

/// What an expansion gave: split into fields later unless it was quoted.
fn expanded(text: String, quoted: bool) -> Seg {
    Seg::Text {
        text,
        quoted,
        split: !quoted,
    }
}

fn is_at(p: &Part) -> bool {
    matches!(p, Part::Param(p) if p.name == "@")
}

fn tilde(s: &str) -> String {
    match s.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("{}{rest}", fs::HOME),
        Some(rest) if rest == "root" || rest.starts_with("root/") => {
            format!("{}{}", fs::HOME, &rest[4..])
        }
        _ => s.to_string(),
    }
}

fn split_fields(segs: Vec<Seg>) -> Vec<Field> {
    let mut fields = vec![];
    let mut cur: Option<Field> = None;
    for seg in segs {
        match seg {
            Seg::Break => fields.extend(cur.take()),
            Seg::Text {
                text, split: true, ..
            } => {
                let mut piece = String::new();
                for c in text.chars() {
                    if matches!(c, ' ' | '\t' | '\n') {
                        if !piece.is_empty() {
                            cur.get_or_insert_with(Field::default).push(&piece, false);
                            piece.clear();
                        }
                        fields.extend(cur.take());
                    } else {
                        piece.push(c);
                    }
                }
                if !piece.is_empty() {
                    cur.get_or_insert_with(Field::default).push(&piece, false);
                }
            }
            Seg::Text { text, quoted, .. } => {
                cur.get_or_insert_with(Field::default).push(&text, quoted);
            }
        }
    }
    fields.extend(cur);
    fields
}

/// `${v#p}` / `${v##p}` / `${v%p}` / `${v%%p}`.
fn trim(value: &str, pat: &str, longest: bool, prefix: bool) -> String {
    let bounds: Vec<usize> = value
        .char_indices()
        .map(|(i, _)| i)
        .chain([value.len()])
        .collect();
    let mut order: Vec<usize> = bounds.clone();
    if longest == prefix {
        order.reverse();
    }
    for i in order {
        if prefix && pattern::matches(pat, &value[..i]) {
            return value[i..].to_string();
        }
        if !prefix && pattern::matches(pat, &value[i..]) {
            return value[..i].to_string();
        }
    }
    value.to_string()
}

/// `${v/p/w}` / `${v//p/w}` (`#p` anchors at the start, `%p` at the end).
fn replace(value: &str, pat: &str, with: &str, all: bool) -> String {
    let bounds: Vec<usize> = value
        .char_indices()
        .map(|(i, _)| i)
        .chain([value.len()])
        .collect();
    if let Some(p) = pat.strip_prefix('#') {
        for &j in bounds.iter().rev() {
            if pattern::matches(p, &value[..j]) {
                return format!("{with}{}", &value[j..]);
            }
        }
        return value.to_string();
    }
    if let Some(p) = pat.strip_prefix('%') {
        for &i in &bounds {
            if pattern::matches(p, &value[i..]) {
                return format!("{}{with}", &value[..i]);
            }
        }
        return value.to_string();
    }
    if pat.is_empty() {
        return value.to_string();
    }
    let mut out = String::new();
    let mut k = 0;
    while k < bounds.len() {
        let i = bounds[k];
        let found = bounds[k + 1..]
            .iter()
            .rev()
            .find(|&&j| pattern::matches(pat, &value[i..j]))
            .copied();
        match found {
            Some(j) if i < value.len() => {
                out.push_str(with);
                if !all {
                    out.push_str(&value[j..]);
                    return out;
                }
                k = bounds.iter().position(|&b| b == j).unwrap_or(bounds.len());
            }
            _ => {
                if let Some(&next) = bounds.get(k + 1) {
                    out.push_str(&value[i..next]);
                }
                k += 1;
            }
        }
    }
    out
}

/// Brace expansion (`{a,b}`, `{1..5}`, `{a..e}`, `{01..10..2}`) inside unquoted text.
fn brace_expand(w: &Word) -> Vec<Word> {
    let mut done = vec![];
    let mut todo = vec![w.clone()];
    while let Some(word) = todo.pop() {
        if done.len() + todo.len() > MAX_BRACE_WORDS {
            done.push(word);
            continue;
        }
        match expand_once(&word) {
            Some(words) => todo.extend(words.into_iter().rev()),
            None => done.push(word),
        }
    }
    done
}

fn expand_once(w: &Word) -> Option<Vec<Word>> {
    for (i, part) in w.iter().enumerate() {
        let Part::Lit(s) = part else { continue };
        let chars: Vec<char> = s.chars().collect();
        for open in (0..chars.len()).filter(|&k| chars[k] == '{') {
            let Some((close, alts)) = brace_group(&chars, open) else {
                continue;
            };
            let prefix: String = chars[..open].iter().collect();
            let suffix: String = chars[close + 1..].iter().collect();
            return Some(
                alts.into_iter()
                    .map(|alt| {
                        let mut nw = w[..i].to_vec();
                        nw.push(Part::Lit(format!("{prefix}{alt}{suffix}")));
                        nw.extend(w[i + 1..].iter().cloned());
                        nw
                    })
                    .collect(),
            );
        }
    }
    None
}

/// The alternatives of the brace group opening at `open`, and where it closes.
fn brace_group(chars: &[char], open: usize) -> Option<(usize, Vec<String>)> {
    let mut depth = 0;
    let mut commas = vec![];
    let mut close = None;
    for (k, &c) in chars.iter().enumerate().skip(open) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(k);
                    break;
                }
            }
            ',' if depth == 1 => commas.push(k),
            _ => {}
        }
    }
    let close = close?;
    let inner: String = chars[open + 1..close].iter().collect();
    if commas.is_empty() {
        return sequence(&inner).map(|s| (close, s));
    }
    let mut alts = vec![];
    let mut start = open + 1;
    for c in commas.into_iter().chain([close]) {
        alts.push(chars[start..c].iter().collect());
        start = c + 1;
    }
    Some((close, alts))
}

/// `1..5`, `a..e`, `1..10..2`, `01..10`.
fn sequence(inner: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = inner.split("..").collect();
    let (from, to, step) = match parts.as_slice() {
        [a, b] => (*a, *b, None),
        [a, b, s] => (*a, *b, Some(s.parse::<i64>().ok()?)),
        _ => return None,
    };
    if let (Ok(a), Ok(b)) = (from.parse::<i64>(), to.parse::<i64>()) {
        let step = i64::try_from(step.unwrap_or(1).unsigned_abs().max(1)).ok()?;
        let width =
            if from.starts_with('0') && from.len() > 1 || to.starts_with('0') && to.len() > 1 {
                from.len().max(to.len()).min(64)
            } else {
                0
            };
        let count = i64::try_from(a.abs_diff(b) / step.unsigned_abs() + 1).ok()?;
        if count > MAX_BRACE_WORDS as i64 {
            return None;
        }
        let dir = if a <= b { step } else { -step };
        return (0..count)
            .map(|k| {
                let v = k.checked_mul(dir).and_then(|d| a.checked_add(d))?;
                Some(format!("{v:0width$}"))
            })
            .collect();
    }
    let (mut fc, mut tc) = (from.chars(), to.chars());
    let (Some(a), None, Some(b), None) = (fc.next(), fc.next(), tc.next(), tc.next()) else {
        return None;
    };
    if !a.is_ascii_alphabetic() || !b.is_ascii_alphabetic() {
        return None;
    }
    let step = step.unwrap_or(1).unsigned_abs().max(1) as usize;
    let range: Vec<char> = if a <= b {
        (a..=b).step_by(step).collect()
    } else {
        (b..=a).rev().step_by(step).collect()
    };
    Some(range.into_iter().map(String::from).collect())
}

/// A word as typed, for messages.
pub fn source_text(w: &Word) -> String {
    w.iter()
        .map(|p| match p {
            Part::Lit(s) | Part::Quoted(s) => s.clone(),
            Part::Double(inner) => format!("\"{}\"", source_text(inner)),
            Part::Param(p) => format!("${}", p.name),
            Part::Command(_) => "$(...)".into(),
            Part::Arith(_) => "$((...))".into(),
            Part::ProcSub(_) => "<(...)".into(),
        })
        .collect()
}
