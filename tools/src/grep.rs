//! `grep` (GNU grep 3 behaviour): basic, extended and fixed patterns, -i -v -c -o -n -l
//! -q -w -x -h -H -r, context lines, several files; and the POSIX-to-Rust regex
//! translation other utilities share.

use crate::command::{CmdResult, Output};
use crate::io::Io;

/// A POSIX basic (or, with `extended`, extended) regular expression as regex-lite
/// syntax: in basic ones `\(`, `\)`, `\{`, `\}`, `\+`, `\?` and `\|` are the operators.
pub fn posix_regex(pattern: &str, extended: bool) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '[' => {
                // A bracket expression passes through; `]` first is literal.
                let start = i;
                i += 1;
                if matches!(chars.get(i), Some('^')) {
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    i += 1;
                }
                while i < chars.len() && chars[i] != ']' {
                    if chars[i] == '[' && matches!(chars.get(i + 1), Some(':' | '.' | '=')) {
                        let close = chars[i + 2..]
                            .windows(2)
                            .position(|w| w[1] == ']' && matches!(w[0], ':' | '.' | '='));
                        i += close.map_or(1, |p| p + 4);
                        continue;
                    }
                    i += 1;
                }
                let body: String = chars[start..i.min(chars.len())].iter().collect();
                // regex-lite wants `[` inside a class escaped, except in `[:class:]`.
                let mut escaped = String::new();
                let inner: Vec<char> = body.chars().collect();
                let mut k = 0;
                while k < inner.len() {
                    if k > 0
                        && inner[k] == '['
                        && !matches!(inner.get(k + 1), Some(':' | '.' | '='))
                    {
                        escaped.push_str("\\[");
                    } else if inner[k] == '\\' {
                        escaped.push_str("\\\\");
                    } else {
                        escaped.push(inner[k]);
                    }
                    k += 1;
                }
                out.push_str(&escaped);
                if i < chars.len() {
                    out.push(']');
                }
                i += 1;
                continue;
            }
            '\\' => {
                let Some(&n) = chars.get(i + 1) else {
                    out.push_str("\\\\");
                    i += 1;
                    continue;
                };
                i += 2;
                match n {
                    '(' | ')' | '{' | '}' | '+' | '?' | '|' if !extended => out.push(n),
                    '<' | '>' => out.push_str("\\b"),
                    'w' | 'W' | 's' | 'S' | 'b' | 'B' => {
                        out.push('\\');
                        out.push(n);
                    }
                    c if c.is_ascii_digit() => {
                        // Back-references have no regex-lite form; match the text literally.
                        out.push_str(&regex_lite::escape(&format!("\\{c}")));
                    }
                    c => out.push_str(&regex_lite::escape(&c.to_string())),
                }
                continue;
            }
            '(' | ')' | '{' | '}' | '+' | '?' | '|' if !extended => {
                out.push('\\');
                out.push(c);
            }
            '*' if !extended && (out.is_empty() || out.ends_with('(') || out.ends_with('^')) => {
                out.push_str("\\*");
            }
            '{' if extended && !is_interval(&chars[i..]) => out.push_str("\\{"),
            '}' if extended => {
                // Closes an interval only when one is open.
                if out.rfind('{').is_some_and(|p| !out[p..].contains('}')) && !out.ends_with("\\{")
                {
                    out.push('}');
                } else {
                    out.push_str("\\}");
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fn is_interval(chars: &[char]) -> bool {
    let close = chars.iter().position(|c| *c == '}');
    close.is_some_and(|e| {
        let inner: String = chars[1..e].iter().collect();
        !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit() || c == ',')
    })
}

#[derive(Default)]
struct Opts {
    ignore: bool,
    invert: bool,
    count: bool,
    extended: bool,
    fixed: bool,
    word: bool,
    line: bool,
    only: bool,
    number: bool,
    list: bool,
    quiet: bool,
    silent: bool,
    names: Option<bool>,
    recursive: bool,
    after: usize,
    before: usize,
    max: Option<usize>,
}

const USAGE: &str =
    "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n";

pub fn run(name: &str, args: &[String], io: &mut Io) -> CmdResult {
    let mut o = Opts {
        extended: name == "egrep",
        fixed: name == "fgrep",
        ..Opts::default()
    };
    let mut patterns: Vec<String> = vec![];
    let mut operands: Vec<String> = vec![];
    let mut i = 0;
    let mut options_done = false;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if options_done || a == "-" || !a.starts_with('-') {
            operands.push(a.clone());
            continue;
        }
        if a == "--" {
            options_done = true;
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (key, value) = match long.split_once('=') {
                Some((k, v)) => (k, Some(v.to_string())),
                None => (long, None),
            };
            let mut value_or_next = || {
                value.clone().or_else(|| {
                    i += 1;
                    args.get(i - 1).cloned()
                })
            };
            match key {
                "ignore-case" => o.ignore = true,
                "invert-match" => o.invert = true,
                "count" => o.count = true,
                "extended-regexp" => o.extended = true,
                "fixed-strings" => o.fixed = true,
                "word-regexp" => o.word = true,
                "line-regexp" => o.line = true,
                "only-matching" => o.only = true,
                "line-number" => o.number = true,
                "files-with-matches" => o.list = true,
                "quiet" | "silent" => o.quiet = true,
                "no-messages" => o.silent = true,
                "with-filename" => o.names = Some(true),
                "no-filename" => o.names = Some(false),
                "recursive" => o.recursive = true,
                "color" | "colour" => {}
                "regexp" => patterns.extend(value_or_next()),
                "max-count" | "after-context" | "before-context" | "context" => {
                    let v = value_or_next().unwrap_or_default();
                    let Ok(n) = v.parse::<usize>() else {
                        return CmdResult::fail(
                            format!("grep: {v}: invalid context length argument\n"),
                            2,
                        );
                    };
                    match key {
                        "max-count" => o.max = Some(n),
                        "after-context" => o.after = n,
                        "before-context" => o.before = n,
                        _ => (o.after, o.before) = (n, n),
                    }
                }
                _ => {
                    return CmdResult::fail(format!("grep: unrecognized option '{a}'\n{USAGE}"), 2)
                }
            }
            continue;
        }
        let flags: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < flags.len() {
            let f = flags[k];
            k += 1;
            match f {
                'i' | 'y' => o.ignore = true,
                'v' => o.invert = true,
                'c' => o.count = true,
                'E' => o.extended = true,
                'F' => o.fixed = true,
                'G' => o.extended = false,
                'w' => o.word = true,
                'x' => o.line = true,
                'o' => o.only = true,
                'n' => o.number = true,
                'l' => o.list = true,
                'q' => o.quiet = true,
                's' => o.silent = true,
                'h' => o.names = Some(false),
                'H' => o.names = Some(true),
                'r' | 'R' => o.recursive = true,
                'e' | 'm' | 'A' | 'B' | 'C' => {
                    let rest: String = flags[k..].iter().collect();
                    k = flags.len();
                    let value = if rest.is_empty() {
                        i += 1;
                        match args.get(i - 1) {
                            Some(v) => v.clone(),
                            None => {
                                return CmdResult::fail(
                                    format!("grep: option requires an argument -- '{f}'\n{USAGE}"),
                                    2,
                                )
                            }
                        }
                    } else {
                        rest
                    };
                    if f == 'e' {
                        patterns.push(value);
                        continue;
                    }
                    let Ok(n) = value.parse::<usize>() else {
                        let what = if f == 'm' {
                            "max count"
                        } else {
                            "context length argument"
                        };
                        return CmdResult::fail(format!("grep: {value}: invalid {what}\n"), 2);
                    };
                    match f {
                        'm' => o.max = Some(n),
                        'A' => o.after = n,
                        'B' => o.before = n,
                        _ => (o.after, o.before) = (n, n),
                    }
                }
                c => return CmdResult::fail(format!("grep: invalid option -- '{c}'\n{USAGE}"), 2),
            }
        }
    }
    if patterns.is_empty() {
        if operands.is_empty() {
            return CmdResult::fail(USAGE, 2);
        }
        patterns.push(operands.remove(0));
    }
    let matcher = match Matcher::new(&patterns, &o) {
        Ok(m) => m,
        Err(e) => return CmdResult::fail(format!("grep: {e}\n"), 2),
    };
    let mut files: Vec<(String, Option<String>)> = vec![];
    let mut out = Output::default();
    let mut error = false;
    if operands.is_empty() {
        files.push(("(standard input)".into(), io.stdin.take()));
    }
    for f in &operands {
        if f == "-" {
            files.push(("(standard input)".into(), io.stdin.take()));
            continue;
        }
        let path = io.path(f);
        if io.fs.is_dir(&path) {
            if o.recursive {
                for (shown, text) in walk(io, &path, f) {
                    files.push((shown, Some(text)));
                }
            } else if !o.silent {
                out.err(format!("grep: {f}: Is a directory\n"));
            }
            continue;
        }
        match io.fs.read(&path) {
            Some(t) => files.push((f.clone(), Some(t.to_string()))),
            None => {
                error = true;
                if !o.silent {
                    out.err(format!("grep: {f}: No such file or directory\n"));
                }
            }
        }
    }
    let names = o.names.unwrap_or(files.len() > 1 || o.recursive);
    let mut any = false;
    for (name, text) in files {
        let text = text.unwrap_or_default();
        let found = search(&text, &name, names, &matcher, &o, &mut out);
        any |= found;
        if any && o.quiet {
            break;
        }
    }
    if o.quiet {
        out.chunks
            .retain(|(s, _)| *s != crate::command::Stream::Out);
    }
    let code = if any && (o.quiet || !error) {
        0
    } else if error {
        2
    } else {
        1
    };
    CmdResult { output: out, code }
}

/// Every file under `dir`, with the name grep shows for it.
fn walk(io: &Io, dir: &str, shown: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    for name in io.fs.list(dir) {
        let full = format!("{}/{name}", dir.trim_end_matches('/'));
        let show = format!("{}/{name}", shown.trim_end_matches('/'));
        if io.fs.is_dir(&full) {
            out.extend(walk(io, &full, &show));
        } else if let Some(t) = io.fs.read(&full) {
            out.push((show, t.to_string()));
        }
    }
    out
}

struct Matcher {
    re: regex_lite::Regex,
}

impl Matcher {
    fn new(patterns: &[String], o: &Opts) -> Result<Self, String> {
        let alternatives: Vec<String> = patterns
            .iter()
            .flat_map(|p| p.split('\n').map(str::to_string).collect::<Vec<_>>())
            .map(|p| {
                let body = if o.fixed {
                    regex_lite::escape(&p)
                } else {
                    posix_regex(&p, o.extended)
                };
                if o.line {
                    format!("^(?:{body})$")
                } else if o.word {
                    format!("\\b(?:{body})\\b")
                } else {
                    format!("(?:{body})")
                }
            })
            .collect();
        let flags = if o.ignore { "(?i)" } else { "" };
        regex_lite::Regex::new(&format!("{flags}{}", alternatives.join("|")))
            .map(|re| Matcher { re })
            .map_err(|_| {
                if patterns
                    .iter()
                    .any(|p| p.matches('[').count() > p.matches(']').count())
                {
                    "Unmatched [, [^, [:, [., or [=".to_string()
                } else if patterns
                    .iter()
                    .any(|p| p.contains("\\(") && !p.contains("\\)"))
                {
                    "Unmatched ( or \\(".to_string()
                } else {
                    "Invalid regular expression".to_string()
                }
            })
    }
}

/// Searches one file's text; whether any line was selected.
fn search(text: &str, name: &str, names: bool, m: &Matcher, o: &Opts, out: &mut Output) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    let mut selected = vec![];
    for (i, l) in lines.iter().enumerate() {
        if o.max.is_some_and(|max| selected.len() >= max) {
            break;
        }
        if m.re.is_match(l) != o.invert {
            selected.push(i);
        }
    }
    let any = !selected.is_empty();
    if o.list {
        if any {
            out.out(format!("{name}\n"));
        }
        return any;
    }
    if o.count {
        let prefix = if names {
            format!("{name}:")
        } else {
            String::new()
        };
        out.out(format!("{prefix}{}\n", selected.len()));
        return any;
    }
    let prefix = |i: usize, sep: char| {
        let mut p = String::new();
        if names {
            p.push_str(name);
            p.push(sep);
        }
        if o.number {
            p.push_str(&format!("{}{sep}", i + 1));
        }
        p
    };
    if o.only {
        if !o.invert {
            for &i in &selected {
                for mat in m.re.find_iter(lines[i]).filter(|x| !x.as_str().is_empty()) {
                    out.out(format!("{}{}\n", prefix(i, ':'), mat.as_str()));
                }
            }
        }
        return any;
    }
    let mut text_out = String::new();
    let mut last: Option<usize> = None;
    for &h in &selected {
        let from = h.saturating_sub(o.before);
        let to = (h + o.after).min(lines.len().saturating_sub(1));
        let start = match last {
            Some(l) if from <= l + 1 => l + 1,
            Some(_) => {
                if o.after > 0 || o.before > 0 {
                    text_out.push_str("--\n");
                }
                from
            }
            None => from,
        };
        for (k, line) in lines.iter().enumerate().take(to + 1).skip(start) {
            let sep = if selected.binary_search(&k).is_ok() {
                ':'
            } else {
                '-'
            };
            text_out.push_str(&prefix(k, sep));
            text_out.push_str(line);
            text_out.push('\n');
        }
        last = Some(last.map_or(to, |l| l.max(to)));
    }
    if !text_out.is_empty() {
        out.out(text_out);
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::Fs;

    fn grep(args: &[&str], stdin: &str) -> (String, i32) {
        let mut fs = Fs::default();
        fs.write("/root/a.txt", "alpha\nbeta\n", false).ok();
        let mut io = Io {
            stdin: Some(stdin.to_string()),
            fs: &mut fs,
            cwd: "/root",
        };
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let r = run("grep", &args, &mut io);
        (r.output.text(), r.code)
    }

    #[test]
    fn gnu_grep_cases() {
        // Expected values from GNU grep 3.8.
        let input = "web-1 Running\nweb-2 Pending\ndb-0 Running\n-x dash\n";
        let cases: &[(&[&str], &str, i32)] = &[
            (&["Running"], "web-1 Running\ndb-0 Running\n", 0),
            (&["-v", "Running"], "web-2 Pending\n-x dash\n", 0),
            (&["-c", "web"], "2\n", 0),
            (&["-E", "web|db"], "web-1 Running\nweb-2 Pending\ndb-0 Running\n", 0),
            (&["web\\|db"], "web-1 Running\nweb-2 Pending\ndb-0 Running\n", 0),
            (&["-o", "web-[0-9]"], "web-1\nweb-2\n", 0),
            (&["-oE", "[a-z]+-[0-9]+"], "web-1\nweb-2\ndb-0\n", 0),
            (&["-n", "Pending"], "2:web-2 Pending\n", 0),
            (&["-i", "running"], "web-1 Running\ndb-0 Running\n", 0),
            (&["-w", "web"], "web-1 Running\nweb-2 Pending\n", 0),
            (&["-x", "db-0 Running"], "db-0 Running\n", 0),
            (&["--", "-x"], "-x dash\n", 0),
            (&["-e", "-x"], "-x dash\n", 0),
            (&["-q", "web"], "", 0),
            (&["nothing"], "", 1),
            (&["-A1", "web-2"], "web-2 Pending\ndb-0 Running\n", 0),
            (&["-F", "web-[0-9]"], "", 1),
            (&["x", "a.txt", "nofile"], "grep: nofile: No such file or directory\n", 2),
            (&["-H", "beta", "a.txt"], "a.txt:beta\n", 0),
            (&["a", "a.txt", "-"], "a.txt:alpha\na.txt:beta\n(standard input):-x dash\n", 0),
            (&["^[a-z]*-[0-9] R"], "web-1 Running\ndb-0 Running\n", 0),
            (&["-j"], "grep: invalid option -- 'j'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n", 2),
            (&["[abc"], "grep: Unmatched [, [^, [:, [., or [=\n", 2),
            (&["-c", "web", "a.txt", "-"], "a.txt:0\n(standard input):2\n", 0),
        ];
        for (args, want, code) in cases {
            assert_eq!(
                grep(args, input),
                (want.to_string(), *code),
                "grep {args:?}"
            );
        }
    }
}
