//! The coreutils a learner pipes kubectl output through, answering as GNU's do under LC_ALL=C.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::fmt::Display;

use base64::Engine;

use crate::command::{CmdResult, Output, Stream};
use crate::fs::Fs;
use crate::io::Io;

/// The commands `run` knows.
pub const NAMES: &[&str] = &[
    "base64", "basename", "cp", "cut", "diff", "dirname", "mv", "nl", "printf", "rev", "seq",
    "sort", "tee", "tr", "uniq",
];

/// The modification time `diff -u` shows for every file: Kubarium's files carry none, so
/// this is a constant (the morning the simulated cluster was built).
const FILE_TIME: &str = "2026-01-05 08:00:00.000000000 +0000";
/// How many numbers `seq` prints (or bytes it writes) before Kubarium stops it.
const SEQ_LIMIT: usize = 1_000_000;
const SEQ_BYTES: usize = 16 << 20;
/// The widest field `printf` and `nl` pad to (Rust's formatting panics from 65535).
const MAX_WIDTH: usize = 10_000;
/// Differing lines beyond which `diff` stops looking for a shortest edit script.
const MAX_EDITS: usize = 1_000;

type Res = Result<CmdResult, CmdResult>;
type Opts = Vec<Result<(char, String), CmdResult>>;

/// Runs `name` (one of NAMES) with its arguments; None when `name` is not one of them.
pub fn run(name: &str, args: &[String], io: &mut Io) -> Option<CmdResult> {
    let res = match name {
        "base64" => base64(args, io),
        "basename" => basename(args),
        "cp" | "mv" => copy(name, args, io),
        "cut" => cut(args, io),
        "diff" => diff(args, io),
        "dirname" => dirname(args),
        "nl" => nl(args, io),
        "printf" => Ok(printf(args)),
        "rev" => rev(args, io),
        "seq" => seq(args),
        "sort" => sort(args, io),
        "tee" => tee(args, io),
        "tr" => tr(args, io),
        "uniq" => uniq(args, io),
        _ => return None,
    };
    Some(res.unwrap_or_else(|e| e))
}

fn status(cmd: &str) -> i32 {
    if matches!(cmd, "sort" | "diff") {
        2
    } else {
        1
    }
}

fn fatal(cmd: &str, msg: impl Display) -> CmdResult {
    CmdResult::fail(format!("{cmd}: {msg}\n"), status(cmd))
}

/// A command-line mistake, with GNU's pointer to `--help`.
fn usage(cmd: &str, msg: impl Display) -> CmdResult {
    let prefix = if cmd == "diff" { "diff: " } else { "" };
    let text = format!("{cmd}: {msg}\n{prefix}Try '{cmd} --help' for more information.\n");
    CmdResult::fail(text, status(cmd))
}

fn unsupported(cmd: &str, what: impl Display) -> CmdResult {
    CmdResult::fail(
        format!("{cmd}: {what} is not supported in Kubarium yet\n"),
        1,
    )
}

fn finish(output: Output, code: i32) -> Res {
    Ok(CmdResult { output, code })
}

/// GNU getopt_long: the options in order as (letter, value) — parsing stops at the first
/// mistake, which comes last — and the operands. Options may follow operands, except for
/// `seq`, which stops at its first operand or negative number.
fn getopt(cmd: &str, args: &[String], short: &str, long: &str) -> (Opts, Vec<String>) {
    let table = long.split_whitespace().chain(["help=!", "version=!"]);
    let table: Vec<(&str, char, bool)> = table
        .filter_map(|e| e.split_once('='))
        .map(|(name, f)| (name, f.chars().next().unwrap_or('!'), f.ends_with(':')))
        .collect();
    let (mut opts, mut operands) = (Opts::new(), vec![]);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let negative = arg
            .strip_prefix('-')
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit() || c == '.'));
        if arg == "--" || (cmd == "seq" && (negative || !arg.starts_with('-'))) {
            operands.extend(arg.ne("--").then(|| arg.clone()));
            operands.extend(it.cloned());
            break;
        }
        if let Some(body) = arg.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            let hits: Vec<_> = table.iter().filter(|l| l.0.starts_with(name)).collect();
            let exact = hits.iter().find(|l| l.0 == name);
            let res = match exact.or(if hits.len() == 1 { hits.first() } else { None }) {
                None if hits.is_empty() => {
                    Err(usage(cmd, format!("unrecognized option '--{name}'")))
                }
                None => {
                    let all: String = hits.iter().map(|l| format!(" '--{}'", l.0)).collect();
                    Err(usage(
                        cmd,
                        format!("option '--{name}' is ambiguous; possibilities:{all}"),
                    ))
                }
                Some((full, '!', _)) => Err(unsupported(cmd, format!("--{full}"))),
                Some(&&(full, c, takes)) => match (takes, inline) {
                    (false, None) => Ok((c, String::new())),
                    (false, Some(_)) => Err(usage(
                        cmd,
                        format!("option '--{full}' doesn't allow an argument"),
                    )),
                    (true, Some(v)) => Ok((c, v.to_string())),
                    (true, None) => it.next().map(|v| (c, v.clone())).ok_or_else(|| {
                        usage(cmd, format!("option '--{full}' requires an argument"))
                    }),
                },
            };
            let stop = res.is_err();
            opts.push(res);
            if stop {
                break;
            }
            continue;
        }
        if arg.len() < 2 || !arg.starts_with('-') {
            operands.push(arg.clone());
            continue;
        }
        for (i, c) in arg.char_indices().skip(1) {
            let Some(at) = short.find(c).filter(|_| c != ':') else {
                opts.push(Err(usage(cmd, format!("invalid option -- '{c}'"))));
                return (opts, operands);
            };
            if !short[at + c.len_utf8()..].starts_with(':') {
                opts.push(Ok((c, String::new())));
                continue;
            }
            let rest = &arg[i + c.len_utf8()..];
            let value = if rest.is_empty() {
                it.next().cloned()
            } else {
                Some(rest.to_string())
            };
            match value {
                Some(v) => opts.push(Ok((c, v))),
                None => {
                    opts.push(Err(usage(
                        cmd,
                        format!("option requires an argument -- '{c}'"),
                    )));
                    return (opts, operands);
                }
            }
            break;
        }
    }
    (opts, operands)
}

/// One operand's text (`-` is standard input), or why it cannot be read.
fn read_one(io: &mut Io, file: &str) -> Result<String, &'static str> {
    match file {
        "-" | "/dev/stdin" => return Ok(io.stdin.take().unwrap_or_default()),
        "/dev/null" => return Ok(String::new()),
        _ => {}
    }
    let path = io.path(file);
    match io.fs.read(&path) {
        Some(t) => Ok(t.to_string()),
        None if io.fs.is_dir(&path) => Err("Is a directory"),
        None => Err("No such file or directory"),
    }
}

/// Each operand with its text or why it cannot be read; standard input when there are none.
fn sources(io: &mut Io, files: &[String]) -> Vec<(String, Result<String, &'static str>)> {
    let names = if files.is_empty() {
        vec!["-".to_string()]
    } else {
        files.to_vec()
    };
    names
        .into_iter()
        .map(|f| (f.clone(), read_one(io, &f)))
        .collect()
}

/// Maps the text of each readable operand (standard input when there are none) through
/// `each`; the others get `cmd: name: why` and exit status 1.
fn per_file(io: &mut Io, cmd: &str, files: &[String], mut each: impl FnMut(&str) -> String) -> Res {
    let (mut out, mut code) = (Output::default(), 0);
    for (name, text) in sources(io, files) {
        match text {
            Ok(t) => out.out(each(&t)),
            Err(why) if cmd == "rev" => out.err(format!("rev: cannot open {name}: {why}\n")),
            Err(why) => out.err(format!("{cmd}: {name}: {why}\n")),
        }
        code |= i32::from(out.chunks.last().is_some_and(|c| c.0 == Stream::Err));
    }
    finish(out, code)
}

/// A count option's value (`uniq -f 2`, `nl -w 3`); huge values mean "all".
fn count(cmd: &str, value: &str, what: &str) -> Result<usize, CmdResult> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fatal(cmd, format!("{value}: {what}")));
    }
    Ok(value.parse().unwrap_or(usize::MAX))
}

fn blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn cut(args: &[String], io: &mut Io) -> Res {
    const LONG: &str =
        "bytes=b: characters=c: complement=C delimiter=d: fields=f: only-delimited=s \
        output-delimiter=O: zero-terminated=z";
    let (opts, files) = getopt("cut", args, "b:c:d:f:nsz", LONG);
    let (mut mode, mut list, mut delim, mut out_delim) = (None, String::new(), None, None);
    let (mut only, mut complement) = (false, false);
    for opt in opts {
        match opt? {
            (c @ ('b' | 'c' | 'f'), v) => {
                if mode.replace(c).is_some() {
                    return Err(usage("cut", "only one list may be specified"));
                }
                list = v;
            }
            ('d', v) => {
                let mut chars = v.chars();
                delim = Some(chars.next().unwrap_or('\0'));
                if chars.next().is_some() {
                    return Err(usage("cut", "the delimiter must be a single character"));
                }
            }
            ('O', v) => out_delim = Some(if v.is_empty() { "\0".to_string() } else { v }),
            ('s', _) => only = true,
            ('C', _) => complement = true,
            ('n', _) => {}
            (c, _) => return Err(unsupported("cut", format!("-{c}"))),
        }
    }
    let Some(mode) = mode else {
        return Err(usage(
            "cut",
            "you must specify a list of bytes, characters, or fields",
        ));
    };
    if mode != 'f' && delim.is_some() {
        return Err(usage(
            "cut",
            "an input delimiter may be specified only when operating on fields",
        ));
    }
    if mode != 'f' && only {
        return Err(usage(
            "cut",
            "suppressing non-delimited lines makes sense\n\tonly when operating on fields",
        ));
    }
    let mut ranges = cut_list(&list, mode == 'f')?;
    if complement {
        ranges = invert(&ranges);
    }
    let delim = delim.unwrap_or('\t');
    per_file(io, "cut", &files, |text| {
        let mut s = String::new();
        for line in text.split_terminator('\n') {
            if mode == 'f' && !line.contains(delim) {
                if !only {
                    s.push_str(line);
                    s.push('\n');
                }
                continue;
            }
            if mode == 'f' {
                let sep = out_delim.clone().unwrap_or_else(|| delim.to_string());
                let fields = line.split(delim).enumerate();
                let picked = fields.filter(|(i, _)| pick(&ranges, i + 1).is_some());
                s.push_str(&picked.map(|f| f.1).collect::<Vec<_>>().join(&sep));
            } else if mode == 'b' {
                let sep = out_delim.as_deref().map(str::as_bytes);
                s.push_str(&String::from_utf8_lossy(&select(
                    line.as_bytes(),
                    &ranges,
                    sep,
                )));
            } else {
                let chars: Vec<char> = line.chars().collect();
                let sep: Option<Vec<char>> = out_delim.as_ref().map(|d| d.chars().collect());
                s.extend(select(&chars, &ranges, sep.as_deref()));
            }
            s.push('\n');
        }
        s
    })
}

/// The range holding position `pos` (from 1), if any.
fn pick(ranges: &[(usize, usize)], pos: usize) -> Option<&(usize, usize)> {
    ranges.iter().find(|r| r.0 <= pos && pos <= r.1)
}

/// The items at the listed positions, with `sep` (if any) where a new range starts.
fn select<T: Clone>(items: &[T], ranges: &[(usize, usize)], sep: Option<&[T]>) -> Vec<T> {
    let mut out = vec![];
    for (i, item) in items.iter().enumerate() {
        if let Some(r) = pick(ranges, i + 1) {
            if r.0 == i + 1 && !out.is_empty() {
                out.extend_from_slice(sep.unwrap_or_default());
            }
            out.push(item.clone());
        }
    }
    out
}

/// The positions not in `ranges` (which are sorted and disjoint).
fn invert(ranges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let (mut out, mut next) = (vec![], Some(1));
    for &(lo, hi) in ranges {
        if let Some(n) = next.filter(|&n| n < lo) {
            out.push((n, lo - 1));
        }
        next = hi.checked_add(1);
    }
    out.extend(next.map(|n| (n, usize::MAX)));
    out
}

/// Parses a `cut` list (`1,3`, `2-`, `-3`) the way GNU's set_fields does; the ranges come
/// back sorted with overlapping ones merged.
fn cut_list(list: &str, fields: bool) -> Result<Vec<(usize, usize)>, CmdResult> {
    let msg = |f: &str, p: &str| usage("cut", if fields { f } else { p });
    let from_one = || {
        msg(
            "fields are numbered from 1",
            "byte/character positions are numbered from 1",
        )
    };
    let bytes = list.as_bytes();
    let (mut ranges, mut value, mut initial, mut start) = (vec![], 0usize, 1usize, 0);
    let (mut lhs, mut rhs, mut dash, mut digits) = (false, false, false, false);
    for i in 0..=bytes.len() {
        let c = bytes.get(i).copied();
        if !matches!(c, Some(b'0'..=b'9')) {
            digits = false;
        }
        match c {
            Some(b'-') => {
                if dash {
                    return Err(msg(
                        "invalid field range",
                        "invalid byte or character range",
                    ));
                }
                dash = true;
                if lhs && value == 0 {
                    return Err(from_one());
                }
                initial = if lhs { value } else { 1 };
                value = 0;
            }
            None | Some(b',' | b' ' | b'\t') => {
                if dash {
                    dash = false;
                    if !lhs && !rhs {
                        return Err(usage("cut", "invalid range with no endpoint: -"));
                    }
                    if !rhs {
                        ranges.push((initial, usize::MAX));
                    } else if value < initial {
                        return Err(usage("cut", "invalid decreasing range"));
                    } else {
                        ranges.push((initial, value));
                    }
                } else if value == 0 {
                    return Err(from_one());
                } else {
                    ranges.push((value, value));
                }
                (value, lhs, rhs) = (0, false, false);
            }
            Some(d @ b'0'..=b'9') => {
                if !digits {
                    start = i;
                }
                digits = true;
                if dash {
                    rhs = true;
                } else {
                    lhs = true;
                }
                let next = value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(usize::from(d - b'0')));
                let Some(next) = next.filter(|&v| v < usize::MAX) else {
                    let n: String = list[start..]
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect();
                    let (f, p) = (
                        format!("field number '{n}' is too large"),
                        format!("byte/character offset '{n}' is too large"),
                    );
                    return Err(msg(&f, &p));
                };
                value = next;
            }
            Some(_) => {
                let rest = &list[i..];
                let (f, p) = (
                    format!("invalid field value '{rest}'"),
                    format!("invalid byte/character position '{rest}'"),
                );
                return Err(msg(&f, &p));
            }
        }
    }
    crate::sort::sort(&mut ranges);
    let mut merged: Vec<(usize, usize)> = vec![];
    for (lo, hi) in ranges {
        match merged.last_mut() {
            Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
            _ => merged.push((lo, hi)),
        }
    }
    Ok(merged)
}

/// One piece of a `tr` set.
enum Item {
    Char(char),
    Range(char, char),
    Class(String),
    /// `[c*n]`; None for `[c*]` (as many as needed).
    Repeat(char, Option<usize>),
}

/// The ASCII characters of a `[:name:]` class, in order; None for an unknown class.
fn class_chars(name: &str) -> Option<Vec<char>> {
    let test: fn(&u8) -> bool = match name {
        "alnum" => u8::is_ascii_alphanumeric,
        "alpha" => u8::is_ascii_alphabetic,
        "blank" => |c| blank(*c),
        "cntrl" => u8::is_ascii_control,
        "digit" => u8::is_ascii_digit,
        "graph" => u8::is_ascii_graphic,
        "lower" => u8::is_ascii_lowercase,
        "print" => |c| (0x20..0x7f).contains(c),
        "punct" => u8::is_ascii_punctuation,
        "space" => |c| matches!(c, 9..=13 | 32),
        "upper" => u8::is_ascii_uppercase,
        "xdigit" => u8::is_ascii_hexdigit,
        _ => return None,
    };
    Some((0..=127u8).filter(test).map(char::from).collect())
}

/// Parses a `tr` set: escapes, ranges, `[:class:]`, `[=c=]` and `[c*n]`.
fn tr_set(s: &str, out: &mut Output) -> Result<Vec<Item>, CmdResult> {
    let mut toks: Vec<(char, bool)> = vec![];
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            toks.push((c, false));
            continue;
        }
        let Some(e) = it.next() else {
            out.err("tr: warning: an unescaped backslash at end of string is not portable\n");
            toks.push(('\\', true));
            break;
        };
        let ch = match e {
            'a' => '\x07',
            'b' => '\x08',
            'f' => '\x0c',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\x0b',
            '0'..='7' => {
                let mut v = e as u32 - '0' as u32;
                for _ in 0..2 {
                    match it.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) if v * 8 + d <= 255 => v = v * 8 + d,
                        _ => break,
                    }
                    it.next();
                }
                char::from_u32(v).unwrap_or('\0')
            }
            e => e,
        };
        toks.push((ch, true));
    }
    let lit = |j: usize, c: char| toks.get(j) == Some(&(c, false));
    let text = |from: usize, to: usize| -> String { toks[from..to].iter().map(|t| t.0).collect() };
    let (mut items, mut i) = (vec![], 0);
    while i < toks.len() {
        let c = toks[i].0;
        if lit(i, '[') && (lit(i + 1, ':') || lit(i + 1, '=')) {
            let mark = toks[i + 1].0;
            if let Some(end) = (i + 2..toks.len()).find(|&j| lit(j, mark) && lit(j + 1, ']')) {
                let name = text(i + 2, end);
                let mut chars = name.chars();
                match (mark, chars.next(), chars.next()) {
                    (':', ..) if class_chars(&name).is_none() => {
                        return Err(fatal("tr", format!("invalid character class '{name}'")))
                    }
                    (':', ..) => items.push(Item::Class(name)),
                    (_, Some(c), None) => items.push(Item::Char(c)),
                    _ => {
                        return Err(fatal(
                            "tr",
                            format!("{name}: equivalence class operand must be a single character"),
                        ))
                    }
                }
                i = end + 2;
                continue;
            }
        } else if lit(i, '[') && lit(i + 2, '*') {
            if let Some(end) = (i + 3..toks.len()).find(|&j| lit(j, ']')) {
                let n = text(i + 3, end);
                let radix = if n.starts_with('0') { 8 } else { 10 };
                let count = match usize::from_str_radix(&n, radix) {
                    _ if n.is_empty() => None,
                    Ok(0) => None,
                    Ok(v) => Some(v.min(1 << 20)),
                    Err(_) => {
                        return Err(fatal(
                            "tr",
                            format!("invalid repeat count '{n}' in [c*n] construct"),
                        ))
                    }
                };
                items.push(Item::Repeat(toks[i + 1].0, count));
                i = end + 1;
                continue;
            }
        }
        if lit(i + 1, '-') && i + 2 < toks.len() {
            let hi = toks[i + 2].0;
            if hi < c {
                return Err(fatal(
                    "tr",
                    format!(
                        "range-endpoints of '{c}-{hi}' are in reverse collating sequence order"
                    ),
                ));
            }
            items.push(Item::Range(c, hi));
            i += 3;
            continue;
        }
        items.push(Item::Char(c));
        i += 1;
    }
    Ok(items)
}

/// The characters a set stands for (`fill` copies for its `[c*]`), and the positions where
/// its `[:upper:]` and `[:lower:]` classes start.
fn tr_expand(items: &[Item], fill: usize) -> (Vec<char>, Vec<usize>) {
    let (mut chars, mut cases) = (vec![], vec![]);
    for item in items {
        match item {
            Item::Char(c) => chars.push(*c),
            Item::Range(lo, hi) => chars.extend(*lo..=*hi),
            Item::Class(name) => {
                if name == "upper" || name == "lower" {
                    cases.push(chars.len());
                }
                chars.extend(class_chars(name).unwrap_or_default());
            }
            Item::Repeat(c, n) => chars.extend(std::iter::repeat_n(*c, n.unwrap_or(fill))),
        }
    }
    (chars, cases)
}

fn tr(args: &[String], io: &mut Io) -> Res {
    const LONG: &str = "complement=c delete=d squeeze-repeats=s truncate-set1=t";
    let (opts, ops) = getopt("tr", args, "cCdst", LONG);
    let (mut comp, mut del, mut squeeze, mut trunc) = (false, false, false, false);
    for opt in opts {
        match opt?.0 {
            'c' | 'C' => comp = true,
            'd' => del = true,
            's' => squeeze = true,
            _ => trunc = true,
        }
    }
    let min = if del == squeeze { 2 } else { 1 };
    let max = if del && !squeeze { 1 } else { 2 };
    if ops.len() < min {
        let Some(last) = ops.last() else {
            return Err(usage("tr", "missing operand"));
        };
        let why = if squeeze {
            "both deleting and squeezing repeats"
        } else {
            "translating"
        };
        return Err(usage(
            "tr",
            format!("missing operand after '{last}'\nTwo strings must be given when {why}."),
        ));
    }
    if ops.len() > max {
        let hint = if ops.len() == 2 {
            "\nOnly one string may be given when deleting without squeezing repeats."
        } else {
            ""
        };
        return Err(usage("tr", format!("extra operand '{}'{hint}", ops[max])));
    }
    let mut out = Output::default();
    let set1 = tr_set(&ops[0], &mut out)?;
    let set2 = ops.get(1).map(|s| tr_set(s, &mut out)).transpose()?;
    let bad = |why: &str| Err(fatal("tr", why));
    if set1.iter().any(|x| matches!(x, Item::Repeat(..))) {
        return bad("the [c*] repeat construct may not appear in string1");
    }
    let (chars1, cases1) = tr_expand(&set1, 0);
    let in1: HashSet<char> = chars1.iter().copied().collect();
    let complement = (0..=255u8).map(char::from).filter(|c| !in1.contains(c));
    let src: Vec<char> = if comp { complement.collect() } else { chars1 };
    let translating = set2.is_some() && !del;
    let (mut map, mut other) = (HashMap::new(), None);
    let mut squeeze_set: Option<HashSet<char>> = None;
    if let Some(set2) = &set2 {
        let fills = set2.iter().filter(|x| matches!(x, Item::Repeat(_, None)));
        if fills.count() > 1 {
            return bad("only one [c*] repeat construct may appear in string2");
        }
        let fixed = tr_expand(set2, 0).0.len();
        let (chars2, cases2) = tr_expand(set2, src.len().saturating_sub(fixed));
        if translating {
            let case = |n: &String| n == "upper" || n == "lower";
            if set2.iter().any(|x| matches!(x, Item::Class(n) if !case(n))) {
                return bad("when translating, the only character classes that may appear in\nstring2 are 'upper' and 'lower'");
            }
            if chars2.is_empty() && !trunc {
                return bad("when not truncating set1, string2 must be non-empty");
            }
            if src.len() > chars2.len() && matches!(set2.last(), Some(Item::Class(_))) {
                return bad("when translating with string1 longer than string2,\nthe latter string must not end with a character class");
            }
            if cases2.iter().any(|p| comp || !cases1.contains(p)) {
                return bad("misaligned [:upper:] and/or [:lower:] construct");
            }
            for (i, c) in src.iter().enumerate() {
                if let Some(t) = chars2.get(i).or(if trunc { None } else { chars2.last() }) {
                    map.insert(*c, *t);
                }
            }
            if comp && !trunc {
                other = chars2.last().copied();
            }
        }
        squeeze_set = Some(chars2.into_iter().collect());
    }
    let in_set1 = |c: char| in1.contains(&c) != comp;
    let (mut s, mut last) = (String::new(), None);
    for c in io.stdin.take().unwrap_or_default().chars() {
        if del && in_set1(c) {
            continue;
        }
        let c = match map.get(&c) {
            Some(t) => *t,
            None if comp && !in1.contains(&c) => other.unwrap_or(c),
            None => c,
        };
        let squeezable = squeeze_set
            .as_ref()
            .map_or(in_set1(c), |set| set.contains(&c));
        if squeeze && last == Some(c) && squeezable {
            continue;
        }
        last = Some(c);
        s.push(c);
    }
    out.out(s);
    finish(out, 0)
}

fn uniq(args: &[String], io: &mut Io) -> Res {
    const LONG: &str =
        "all-repeated=D check-chars=w: count=c group=! ignore-case=i repeated=d skip-chars=s: \
        skip-fields=f: unique=u zero-terminated=z";
    let (opts, ops) = getopt("uniq", args, "cdDf:is:uw:z", LONG);
    // GNU's model: print lines seen once, the first of a repeated group, the rest of it.
    let (mut once, mut first, mut later) = (true, true, false);
    let (mut counts, mut icase) = (false, false);
    let (mut fields, mut chars, mut width) = (0, 0, usize::MAX);
    for opt in opts {
        match opt? {
            ('c', _) => counts = true,
            ('d', _) => once = false,
            ('D', _) => (once, later) = (false, true),
            ('u', _) => first = false,
            ('i', _) => icase = true,
            ('f', v) => fields = count("uniq", &v, "invalid number of fields to skip")?,
            ('s', v) => chars = count("uniq", &v, "invalid number of bytes to skip")?,
            ('w', v) => width = count("uniq", &v, "invalid number of bytes to compare")?,
            (c, _) => return Err(unsupported("uniq", format!("-{c}"))),
        }
    }
    if later && counts {
        return Err(usage(
            "uniq",
            "printing all duplicated lines and repeat counts is meaningless",
        ));
    }
    if ops.len() > 2 {
        return Err(usage("uniq", format!("extra operand '{}'", ops[2])));
    }
    let text = match sources(io, &ops[..ops.len().min(1)]).pop() {
        Some((_, Ok(t))) => t,
        Some((name, Err(why))) => return Err(fatal("uniq", format!("{name}: {why}"))),
        None => String::new(),
    };
    let key = |line: &str| -> Vec<u8> {
        let (b, mut p) = (line.as_bytes(), 0);
        for _ in 0..fields {
            if p == b.len() {
                break;
            }
            p += b[p..].iter().take_while(|&&c| blank(c)).count();
            p += b[p..].iter().take_while(|&&c| !blank(c)).count();
        }
        let rest = &b[p..];
        let rest = &rest[chars.min(rest.len())..];
        let rest = &rest[..width.min(rest.len())];
        if icase {
            rest.to_ascii_lowercase()
        } else {
            rest.to_vec()
        }
    };
    let mut groups: Vec<(Vec<u8>, Vec<&str>)> = vec![];
    for line in text.split_terminator('\n') {
        let k = key(line);
        match groups.last_mut() {
            Some((last, lines)) if *last == k => lines.push(line),
            _ => groups.push((k, vec![line])),
        }
    }
    let mut s = String::new();
    for (_, lines) in &groups {
        let n = lines.len();
        let shown = lines.iter().enumerate().filter(|(i, _)| match (n, i) {
            (1, _) => once,
            (_, 0) => first,
            _ => later,
        });
        for (_, line) in shown {
            if counts {
                s.push_str(&format!("{n:7} "));
            }
            s.push_str(line);
            s.push('\n');
        }
    }
    if let Some(dest) = ops.get(1) {
        let path = io.path(dest);
        return match io.fs.write(&path, &s, false) {
            Ok(()) => Ok(CmdResult::default()),
            Err(why) => Err(fatal("uniq", format!("{dest}: {why}"))),
        };
    }
    Ok(CmdResult::ok(s))
}

/// How `sort` compares one key.
#[derive(Clone, Copy, Default, PartialEq)]
struct Order {
    blanks_start: bool,
    blanks_end: bool,
    dict: bool,
    fold: bool,
    human: bool,
    printable: bool,
    numeric: bool,
    reverse: bool,
    version: bool,
}

/// A `-k` key: fields and characters counted from 0; `echar` 0 means the end of the field.
#[derive(Clone, Copy, Default)]
struct SortKey {
    sword: usize,
    schar: usize,
    eword: Option<usize>,
    echar: usize,
    order: Order,
}

/// Applies the ordering letters at the start of `s` to `o`; returns what follows them.
fn set_order<'a>(s: &'a str, o: &mut Order, end: bool) -> Result<&'a str, CmdResult> {
    for (i, c) in s.char_indices() {
        match c {
            'b' if end => o.blanks_end = true,
            'b' => o.blanks_start = true,
            'd' => o.dict = true,
            'f' => o.fold = true,
            'h' => o.human = true,
            'i' => o.printable = true,
            'n' => o.numeric = true,
            'r' => o.reverse = true,
            'V' => o.version = true,
            'g' | 'M' | 'R' => return Err(unsupported("sort", format!("-{c}"))),
            _ => return Ok(&s[i..]),
        }
    }
    Ok("")
}

fn field_count<'a>(s: &'a str, what: &str) -> Result<(usize, &'a str), CmdResult> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return Err(fatal(
            "sort",
            format!("{what}: invalid count at start of '{s}'"),
        ));
    }
    Ok((s[..n].parse().unwrap_or(usize::MAX), &s[n..]))
}

/// Parses `-k F[.C][OPTS][,F[.C][OPTS]]`.
fn sort_key(spec: &str) -> Result<SortKey, CmdResult> {
    let bad = |why: &str| {
        fatal(
            "sort",
            format!("{why}: invalid field specification '{spec}'"),
        )
    };
    let mut k = SortKey::default();
    let (n, mut rest) = field_count(spec, "invalid number at field start")?;
    k.sword = n
        .checked_sub(1)
        .ok_or_else(|| bad("field number is zero"))?;
    if let Some(r) = rest.strip_prefix('.') {
        let (c, r) = field_count(r, "invalid number after '.'")?;
        k.schar = c
            .checked_sub(1)
            .ok_or_else(|| bad("character offset is zero"))?;
        rest = r;
    }
    rest = set_order(rest, &mut k.order, false)?;
    if let Some(r) = rest.strip_prefix(',') {
        let (n, r) = field_count(r, "invalid number after ','")?;
        k.eword = Some(
            n.checked_sub(1)
                .ok_or_else(|| bad("field number is zero"))?,
        );
        rest = r;
        if let Some(r) = rest.strip_prefix('.') {
            (k.echar, rest) = field_count(r, "invalid number after '.'")?;
        }
        rest = set_order(rest, &mut k.order, true)?;
    }
    if !rest.is_empty() {
        return Err(bad("stray character in field spec"));
    }
    Ok(k)
}

/// The part of `line` a key covers (GNU's begfield and limfield).
fn key_text<'a>(line: &'a [u8], k: &SortKey, tab: Option<u8>) -> &'a [u8] {
    let len = line.len();
    let skip_field = |mut p: usize| {
        match tab {
            Some(t) => p += line[p..].iter().take_while(|&&c| c != t).count(),
            None => {
                p += line[p..].iter().take_while(|&&c| blank(c)).count();
                p += line[p..].iter().take_while(|&&c| !blank(c)).count();
            }
        }
        p
    };
    let skip_blanks = |p: usize| p + line[p..].iter().take_while(|&&c| blank(c)).count();
    let mut b = 0;
    for _ in 0..k.sword {
        if b >= len {
            break;
        }
        b = skip_field(b);
        if tab.is_some() && b < len {
            b += 1;
        }
    }
    if k.order.blanks_start {
        b = skip_blanks(b);
    }
    b = b.saturating_add(k.schar).min(len);
    let e = match k.eword {
        None => len,
        Some(ew) => {
            let mut words = if k.echar == 0 {
                ew.saturating_add(1)
            } else {
                ew
            };
            let mut e = 0;
            while e < len && words > 0 {
                words -= 1;
                e = skip_field(e);
                if tab.is_some() && e < len && (words > 0 || k.echar > 0) {
                    e += 1;
                }
            }
            if k.echar > 0 {
                if k.order.blanks_end {
                    e = skip_blanks(e);
                }
                e = e.saturating_add(k.echar).min(len);
            }
            e
        }
    };
    line.get(b..e).unwrap_or_default()
}

/// A number's sign, integer digits (no leading zeros) and fraction digits (no trailing
/// zeros), as `sort -n` reads it.
fn num_parts(s: &[u8]) -> (bool, &[u8], &[u8]) {
    let s = &s[s.iter().take_while(|&&c| blank(c)).count()..];
    let (neg, s) = match s.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let int = &s[..s.iter().take_while(|c| c.is_ascii_digit()).count()];
    let frac = match s[int.len()..].strip_prefix(b".") {
        Some(f) => &f[..f.iter().take_while(|c| c.is_ascii_digit()).count()],
        None => &[],
    };
    let int = &int[int.iter().take_while(|&&c| c == b'0').count()..];
    let frac = &frac[..frac.len() - frac.iter().rev().take_while(|&&c| c == b'0').count()];
    (neg && !(int.is_empty() && frac.is_empty()), int, frac)
}

fn num_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let ((na, ia, fa), (nb, ib, fb)) = (num_parts(a), num_parts(b));
    let mag = ia.len().cmp(&ib.len()).then(ia.cmp(ib)).then(fa.cmp(fb));
    match (na, nb) {
        (false, true) => Ordering::Greater,
        (true, false) => Ordering::Less,
        (true, true) => mag.reverse(),
        _ => mag,
    }
}

/// The SI suffix order (`K` 1 … `Q` 10) of a `sort -h` number, negative for negatives.
fn unit_order(s: &[u8]) -> i32 {
    let (neg, int, frac) = num_parts(s);
    if int.is_empty() && frac.is_empty() {
        return 0;
    }
    let s = &s[s.iter().take_while(|&&c| blank(c)).count()..];
    let digits = s
        .iter()
        .skip(usize::from(neg))
        .take_while(|c| c.is_ascii_digit() || **c == b'.')
        .count();
    let order = match s.get(usize::from(neg) + digits) {
        Some(b'k' | b'K') => 1,
        Some(&c) => b"KMGTPEZYRQ"
            .iter()
            .position(|&u| u == c)
            .map_or(0, |p| p as i32 + 1),
        None => 0,
    };
    if neg {
        -order
    } else {
        order
    }
}

/// gnulib's filevercmp, which `sort -V` uses.
fn version_cmp(a: &[u8], b: &[u8]) -> Ordering {
    fn prefix_len(s: &[u8]) -> usize {
        let (mut i, mut prefix) = (0, 0);
        while i < s.len() {
            i += 1;
            prefix = i;
            while i + 1 < s.len()
                && s[i] == b'.'
                && (s[i + 1].is_ascii_alphabetic() || s[i + 1] == b'~')
            {
                i += 2;
                while i < s.len() && (s[i].is_ascii_alphanumeric() || s[i] == b'~') {
                    i += 1;
                }
            }
        }
        prefix
    }
    fn order(c: Option<&u8>) -> i32 {
        match c {
            None => -1,
            Some(c) if c.is_ascii_digit() => 0,
            Some(c) if c.is_ascii_alphabetic() => i32::from(*c),
            Some(b'~') => -2,
            Some(c) => i32::from(*c) + 256,
        }
    }
    fn verrev(a: &[u8], b: &[u8]) -> Ordering {
        let (mut i, mut j) = (0, 0);
        let digit = |s: &[u8], p: usize| s.get(p).is_some_and(u8::is_ascii_digit);
        while i < a.len() || j < b.len() {
            while (i < a.len() && !digit(a, i)) || (j < b.len() && !digit(b, j)) {
                let (x, y) = (order(a.get(i)), order(b.get(j)));
                if x != y {
                    return x.cmp(&y);
                }
                (i, j) = (i + 1, j + 1);
            }
            i += a[i..].iter().take_while(|&&c| c == b'0').count();
            j += b[j..].iter().take_while(|&&c| c == b'0').count();
            let mut first = Ordering::Equal;
            while digit(a, i) && digit(b, j) {
                first = first.then(a[i].cmp(&b[j]));
                (i, j) = (i + 1, j + 1);
            }
            if digit(a, i) {
                return Ordering::Greater;
            }
            if digit(b, j) {
                return Ordering::Less;
            }
            if first != Ordering::Equal {
                return first;
            }
        }
        Ordering::Equal
    }
    let special = |s: &[u8]| match s {
        [] => 0,
        b"." => 1,
        b".." => 2,
        [b'.', ..] => 3,
        _ => 4,
    };
    let (sa, sb) = (special(a), special(b));
    if sa != sb || sa < 3 {
        return sa.cmp(&sb);
    }
    let (pa, pb) = (prefix_len(a), prefix_len(b));
    let first = verrev(&a[..pa], &b[..pb]);
    if first != Ordering::Equal || (pa == a.len() && pb == b.len()) {
        return first;
    }
    verrev(a, b)
}

fn key_cmp(a: &str, b: &str, keys: &[SortKey], tab: Option<u8>) -> Ordering {
    for k in keys {
        let (x, y) = (
            key_text(a.as_bytes(), k, tab),
            key_text(b.as_bytes(), k, tab),
        );
        let o = k.order;
        let ord = if o.numeric {
            num_cmp(x, y)
        } else if o.human {
            unit_order(x)
                .cmp(&unit_order(y))
                .then_with(|| num_cmp(x, y))
        } else if o.version {
            version_cmp(x, y)
        } else {
            let keep = |c: &&u8| {
                let shown = !o.printable || (0x20..0x7f).contains(*c);
                shown && (!o.dict || blank(**c) || c.is_ascii_alphanumeric())
            };
            let fold = |c: &u8| if o.fold { c.to_ascii_uppercase() } else { *c };
            x.iter()
                .filter(keep)
                .map(fold)
                .cmp(y.iter().filter(keep).map(fold))
        };
        if ord != Ordering::Equal {
            return if o.reverse { ord.reverse() } else { ord };
        }
    }
    Ordering::Equal
}

fn sort(args: &[String], io: &mut Io) -> Res {
    const LONG: &str = "buffer-size=S: check=c compress-program=!: debug=! dictionary-order=d \
        field-separator=t: files0-from=!: general-numeric-sort=g human-numeric-sort=h \
        ignore-case=f ignore-leading-blanks=b ignore-nonprinting=i key=k: merge=m \
        month-sort=M numeric-sort=n output=o: parallel=S: random-sort=R random-source=!: \
        reverse=r sort=!: stable=s temporary-directory=S: unique=u version-sort=V \
        zero-terminated=z";
    let (opts, files) = getopt("sort", args, "bcCdfghik:mMno:rRsS:t:T:uVz", LONG);
    let (mut global, mut keys, mut tab, mut output) = (Order::default(), vec![], None, None);
    let (mut unique, mut stable, mut check) = (false, false, None);
    for opt in opts {
        match opt? {
            ('k', v) => keys.push(sort_key(&v)?),
            ('t', v) => {
                tab = Some(match v.as_bytes() {
                    [c] => *c,
                    [] => return Err(fatal("sort", "empty tab")),
                    b"\\0" => 0,
                    _ => return Err(fatal("sort", format!("multi-character tab '{v}'"))),
                })
            }
            ('u', _) => unique = true,
            ('s', _) => stable = true,
            ('c', _) => check = Some(false),
            ('C', _) => check = Some(true),
            ('o', v) => output = Some(v),
            ('S' | 'T', _) => {}
            ('b', _) => (global.blanks_start, global.blanks_end) = (true, true),
            (c, _) if "dfhinrVgMR".contains(c) => {
                set_order(&c.to_string(), &mut global, false)?;
            }
            (c, _) => return Err(unsupported("sort", format!("-{c}"))),
        }
    }
    for k in &mut keys {
        if k.order == Order::default() {
            k.order = global;
        }
    }
    if keys.is_empty()
        && (Order {
            reverse: false,
            ..global
        }) != Order::default()
    {
        keys.push(SortKey {
            order: global,
            ..SortKey::default()
        });
    }
    let bad = |why: String| Err(fatal("sort", why));
    for o in keys.iter().map(|k| k.order) {
        let kinds = [o.numeric, o.human, o.version || o.dict || o.printable];
        if kinds.iter().filter(|&&k| k).count() > 1 {
            let set = [o.dict, o.fold, o.human, o.printable, o.numeric, o.version];
            let letters = "dfhinV".chars().zip(set).filter(|x| x.1);
            let letters: String = letters.map(|x| x.0).collect();
            return bad(format!("options '-{letters}' are incompatible"));
        }
    }
    if let (Some(_), Some(extra)) = (check, files.get(1)) {
        return bad(format!("extra operand '{extra}' not allowed with -c"));
    }
    let mut lines: Vec<String> = vec![];
    for (name, text) in sources(io, &files) {
        match text {
            Ok(t) => lines.extend(t.split_terminator('\n').map(String::from)),
            Err(why) if why.starts_with("Is") => return bad(format!("read failed: {name}: {why}")),
            Err(why) => return bad(format!("cannot read: {name}: {why}")),
        }
    }
    let cmp = |a: &String, b: &String| {
        if !keys.is_empty() {
            let o = key_cmp(a, b, &keys, tab);
            if o != Ordering::Equal || unique || stable {
                return o;
            }
        }
        let o = a.as_bytes().cmp(b.as_bytes());
        if global.reverse {
            o.reverse()
        } else {
            o
        }
    };
    if let Some(quiet) = check {
        for (i, w) in lines.windows(2).enumerate() {
            let o = cmp(&w[0], &w[1]);
            if o == Ordering::Greater || (unique && o == Ordering::Equal) {
                let name = files.first().map_or("-", String::as_str);
                let msg = if quiet {
                    String::new()
                } else {
                    format!("sort: {name}:{}: disorder: {}\n", i + 2, w[1])
                };
                return Err(CmdResult::fail(msg, 1));
            }
        }
        return Ok(CmdResult::default());
    }
    crate::sort::by(&mut lines, cmp);
    if unique {
        lines.dedup_by(|b, a| cmp(a, b) == Ordering::Equal);
    }
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    match output {
        Some(dest) => match io.fs.write(&io.path(&dest), &text, false) {
            Ok(()) => Ok(CmdResult::default()),
            Err(why) => bad(format!("open failed: {dest}: {why}")),
        },
        None => Ok(CmdResult::ok(text)),
    }
}

fn base64(args: &[String], io: &mut Io) -> Res {
    const LONG: &str = "decode=d ignore-garbage=i wrap=w:";
    let (opts, files) = getopt("base64", args, "diw:", LONG);
    let (mut decode, mut garbage, mut wrap) = (false, false, 76usize);
    for opt in opts {
        match opt? {
            ('d', _) => decode = true,
            ('i', _) => garbage = true,
            (_, v) => {
                wrap = v
                    .parse()
                    .map_err(|_| fatal("base64", format!("invalid wrap size: '{v}'")))?
            }
        }
    }
    if files.len() > 1 {
        return Err(usage("base64", format!("extra operand '{}'", files[1])));
    }
    let text = match sources(io, &files).pop() {
        Some((_, Ok(t))) => t,
        Some((_, Err(why))) if why.starts_with("Is") => {
            return Err(fatal("base64", format!("read error: {why}")))
        }
        Some((name, Err(why))) => return Err(fatal("base64", format!("{name}: {why}"))),
        None => String::new(),
    };
    if !decode {
        let enc = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
        if wrap == 0 {
            return Ok(CmdResult::ok(enc));
        }
        let lines = enc
            .as_bytes()
            .chunks(wrap)
            .map(|c| format!("{}\n", String::from_utf8_lossy(c)));
        return Ok(CmdResult::ok(lines.collect::<String>()));
    }
    let (bytes, ok) = unbase64(&text, garbage);
    let mut out = Output::default();
    out.out(String::from_utf8_lossy(&bytes));
    if !ok {
        out.err("base64: invalid input\n");
    }
    finish(out, if ok { 0 } else { 1 })
}

/// Decodes base64 as GNU does: newlines are skipped (with `garbage`, anything outside the
/// alphabet), padded groups may follow each other, and a bad group still yields the bytes
/// before the bad character. The flag says whether all input was valid.
fn unbase64(text: &str, garbage: bool) -> (Vec<u8>, bool) {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let keep = |c: &u8| *c != b'\n' && (!garbage || *c == b'=' || val(*c).is_some());
    let data: Vec<u8> = text.bytes().filter(keep).collect();
    let mut out = vec![];
    for quad in data.chunks(4) {
        let v = |i: usize| quad.get(i).and_then(|&c| val(c));
        let (Some(a), Some(b)) = (v(0), v(1)) else {
            return (out, false);
        };
        out.push(a << 2 | b >> 4);
        if quad.get(2) == Some(&b'=') {
            if quad.get(3) != Some(&b'=') {
                return (out, false);
            }
            continue;
        }
        let Some(c) = v(2) else {
            return (out, false);
        };
        out.push(b << 4 | c >> 2);
        match (quad.get(3), v(3)) {
            (Some(b'='), _) => {}
            (_, Some(d)) => out.push(c << 6 | d),
            _ => return (out, false),
        }
    }
    (out, true)
}

/// A `seq` operand: its value times 10^`prec`, its decimals, and its printed width.
struct SeqNum {
    value: i128,
    prec: u32,
    width: isize,
}

fn seq_num(arg: &str) -> Result<SeqNum, CmdResult> {
    let s = arg.trim_start_matches(|c: char| c.is_whitespace() || c == '+');
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !digits(frac) || (int.is_empty() && frac.is_empty()) {
        if s.eq_ignore_ascii_case("nan") || s.eq_ignore_ascii_case("-nan") {
            return Err(usage(
                "seq",
                format!("invalid 'not-a-number' argument: '{arg}'"),
            ));
        }
        if s.parse::<f64>().is_ok() || body.starts_with("0x") || body.starts_with("0X") {
            return Err(unsupported("seq", format!("the number '{arg}'")));
        }
        return Err(usage(
            "seq",
            format!("invalid floating point argument: '{arg}'"),
        ));
    }
    let too_big = || unsupported("seq", format!("the number '{arg}'"));
    let magnitude: i128 = format!("0{int}{frac}").parse().map_err(|_| too_big())?;
    let prec = u32::try_from(frac.len())
        .ok()
        .filter(|&p| p <= 18)
        .ok_or_else(too_big)?;
    let mut width = s.len() as isize;
    if body.contains('.') {
        width += if frac.is_empty() {
            -1
        } else {
            isize::from(int.is_empty())
        };
    }
    let value = if s.starts_with('-') {
        -magnitude
    } else {
        magnitude
    };
    Ok(SeqNum { value, prec, width })
}

fn seq(args: &[String]) -> Res {
    const LONG: &str = "equal-width=w format=f: separator=s:";
    let (opts, ops) = getopt("seq", args, "f:s:w", LONG);
    let (mut sep, mut equal) = ("\n".to_string(), false);
    for opt in opts {
        match opt? {
            ('s', v) => sep = v,
            ('w', _) => equal = true,
            (c, _) => return Err(unsupported("seq", format!("-{c}"))),
        }
    }
    match ops.len() {
        0 => return Err(usage("seq", "missing operand")),
        4.. => return Err(usage("seq", format!("extra operand '{}'", ops[3]))),
        _ => {}
    }
    let mut nums = ops
        .iter()
        .map(|a| seq_num(a))
        .collect::<Result<Vec<_>, _>>()?;
    let one = || SeqNum {
        value: 1,
        prec: 0,
        width: 1,
    };
    let last = nums.pop().unwrap_or_else(one);
    let step = if nums.len() == 2 {
        nums.pop().unwrap_or_else(one)
    } else {
        one()
    };
    let first = nums.pop().unwrap_or_else(one);
    if step.value == 0 {
        return Err(usage(
            "seq",
            format!("invalid Zero increment value: '{}'", ops[1]),
        ));
    }
    let scale = first.prec.max(step.prec).max(last.prec);
    let scaled = |n: &SeqNum| {
        10i128
            .checked_pow(scale - n.prec)
            .and_then(|m| n.value.checked_mul(m))
    };
    let (Some(a), Some(d), Some(z)) = (scaled(&first), scaled(&step), scaled(&last)) else {
        return Err(unsupported("seq", "a number this large"));
    };
    let prec = first.prec.max(step.prec);
    let grow = prec as isize;
    let first_width =
        first.width + grow - first.prec as isize + isize::from(first.prec == 0 && prec > 0);
    let last_width =
        last.width + grow - last.prec as isize - isize::from(last.prec > 0 && prec == 0)
            + isize::from(last.prec == 0 && prec > 0);
    let width = if equal {
        first_width.max(last_width).max(0) as usize
    } else {
        0
    };
    let unit = 10i128.pow(scale);
    let drop = 10i128.pow(scale - prec);
    let (mut out, mut n, mut v) = (String::new(), 0usize, Some(a));
    while let Some(x) = v.filter(|&x| if d > 0 { x <= z } else { x >= z }) {
        if n == SEQ_LIMIT || out.len() > SEQ_BYTES {
            out.push('\n');
            let mut o = Output::default();
            o.out(out);
            o.err(format!("seq: Kubarium stopped seq after {n} numbers\n"));
            return finish(o, 1);
        }
        if n > 0 {
            out.push_str(&sep);
        }
        let (int, frac) = (
            x.unsigned_abs() / unit as u128,
            (x.unsigned_abs() % unit as u128) / drop as u128,
        );
        let digits = if prec > 0 {
            format!("{int}.{frac:0p$}", p = prec as usize)
        } else {
            int.to_string()
        };
        let sign = if x < 0 { "-" } else { "" };
        let zeros = width.saturating_sub(sign.len() + digits.len());
        out.push_str(&format!("{sign}{}{digits}", "0".repeat(zeros)));
        n += 1;
        v = x.checked_add(d);
    }
    if n > 0 {
        out.push('\n');
    }
    Ok(CmdResult::ok(out))
}

/// A `printf` conversion's flags, width and precision.
#[derive(Default)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    zero: bool,
    alt: bool,
    width: usize,
    prec: Option<usize>,
}

impl Spec {
    /// Pads `body` (after `sign` and `prefix`) to the width; zeros go after the sign.
    fn pad(&self, sign: &str, prefix: &str, body: &str, zeros: bool) -> String {
        let len = sign.len() + prefix.len() + body.chars().count();
        let fill = self.width.saturating_sub(len);
        if self.left {
            format!("{sign}{prefix}{body}{}", " ".repeat(fill))
        } else if self.zero && zeros {
            format!("{sign}{prefix}{}{body}", "0".repeat(fill))
        } else {
            format!("{}{sign}{prefix}{body}", " ".repeat(fill))
        }
    }

    fn sign(&self, negative: bool) -> &'static str {
        match (negative, self.plus, self.space) {
            (true, ..) => "-",
            (_, true, _) => "+",
            (_, _, true) => " ",
            _ => "",
        }
    }
}

/// `printf`'s complaint about a number it could not read whole (bash's sh_invalidnum).
fn bad_number(s: &str) -> String {
    let b = s.as_bytes();
    let why = match (b.first(), b.get(1)) {
        (Some(b'0'), Some(c)) if c.is_ascii_digit() => "invalid octal number",
        (Some(b'0'), Some(b'x')) => "invalid hex number",
        _ => "invalid number",
    };
    format!("bash: printf: {s}: {why}\n")
}

/// An integer argument as bash's printf reads it (strtoimax with base 0, `'c` for a
/// character's code); the magnitude saturates just past 2^64.
fn printf_int(s: &str, err: &mut String) -> (bool, u128) {
    if let Some(rest) = s.strip_prefix(['\'', '"']) {
        return (
            false,
            rest.chars().next().map_or(0, |c| u128::from(u32::from(c))),
        );
    }
    let t = s.trim_start();
    let (neg, body) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (radix, digits) = match body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        Some(h) if h.starts_with(|c: char| c.is_ascii_hexdigit()) => (16, h),
        _ if body.starts_with('0') => (8, body),
        _ => (10, body),
    };
    let n = digits.chars().take_while(|c| c.is_digit(radix)).count();
    let limit = 1u128 << 65;
    let value = digits.chars().take(n).fold(0u128, |v, c| {
        (v * u128::from(radix) + u128::from(c.to_digit(radix).unwrap_or(0))).min(limit)
    });
    if !s.is_empty() && (n == 0 || n < digits.len()) {
        err.push_str(&bad_number(s));
    }
    (neg, value)
}

/// A floating-point argument as strtold reads it.
fn printf_float(s: &str, err: &mut String) -> f64 {
    if let Some(rest) = s.strip_prefix(['\'', '"']) {
        return rest.chars().next().map_or(0.0, |c| f64::from(u32::from(c)));
    }
    let t = s.trim_start();
    let b = t.as_bytes();
    let sign = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let lower = t[sign..].to_ascii_lowercase();
    if lower.starts_with("0x") {
        let (neg, v) = printf_int(s, err);
        return if neg { -(v as f64) } else { v as f64 };
    }
    let digits = |from: usize| {
        from + b
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let end = if let Some(w) = ["infinity", "inf", "nan"]
        .iter()
        .find(|w| lower.starts_with(*w))
    {
        sign + w.len()
    } else {
        let int_end = digits(sign);
        let end = if b.get(int_end) == Some(&b'.') {
            digits(int_end + 1)
        } else {
            int_end
        };
        let exp = end + 1 + usize::from(matches!(b.get(end + 1), Some(b'-' | b'+')));
        match b.get(end) {
            _ if end == sign || (end == sign + 1 && int_end == sign) => 0,
            Some(b'e' | b'E') if digits(exp) > exp => digits(exp),
            _ => end,
        }
    };
    if !s.is_empty() && (end == 0 || end < t.len()) {
        err.push_str(&bad_number(s));
    }
    t.get(..end).and_then(|n| n.parse().ok()).unwrap_or(0.0)
}

/// `%e` as C prints it: at least two exponent digits.
fn exp_format(v: f64, prec: usize) -> String {
    let s = format!("{v:.prec$e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    format!("{mant}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
}

/// A float's digits for `%f`, `%e` or `%g` (lower case; no sign).
fn float_format(v: f64, conv: char, prec: usize, alt: bool) -> String {
    let v = v.abs();
    if !v.is_finite() {
        return if v.is_nan() { "nan" } else { "inf" }.to_string();
    }
    match conv {
        'f' => format!("{v:.prec$}"),
        'e' => exp_format(v, prec),
        _ => {
            let p = prec.max(1);
            let x: i32 = if v == 0.0 {
                0
            } else {
                exp_format(v, p - 1)
                    .split_once('e')
                    .and_then(|e| e.1.parse().ok())
                    .unwrap_or(0)
            };
            let mut s = if x < -4 || x >= p as i32 {
                exp_format(v, p - 1)
            } else {
                format!("{v:.*}", (p as i32 - 1 - x).max(0) as usize)
            };
            if !alt && s.contains('.') {
                let (mant, exp) = s
                    .split_once('e')
                    .map_or((s.as_str(), String::new()), |(m, e)| (m, format!("e{e}")));
                s = format!("{}{exp}", mant.trim_end_matches('0').trim_end_matches('.'));
            }
            s
        }
    }
}

/// Expands the backslash escape at the start of `s` (just after the `\`): in a format, or
/// in a `%b` argument (`b`: `\c` stops everything, `\0NNN` is octal). Returns the text (None
/// for `\c`) and how many bytes of `s` it used.
fn escape(s: &str, b: bool) -> (Option<String>, usize) {
    let mut cs = s.chars();
    let Some(c) = cs.next() else {
        return (Some("\\".into()), 0);
    };
    let simple = match c {
        'a' => Some('\x07'),
        'b' => Some('\x08'),
        'e' | 'E' => Some('\x1b'),
        'f' => Some('\x0c'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\x0b'),
        '\\' => Some('\\'),
        '\'' | '"' | '?' if !b => Some(c),
        _ => None,
    };
    if let Some(ch) = simple {
        return (Some(ch.to_string()), 1);
    }
    let number = |skip: usize, radix: u32, max: usize| {
        let n = s[skip..]
            .chars()
            .take(max)
            .take_while(|d| d.is_digit(radix))
            .count();
        (
            u32::from_str_radix(&s[skip..skip + n], radix).ok(),
            skip + n,
        )
    };
    let (code, used) = match c {
        'c' if b => return (None, 1),
        '0' if b => number(1, 8, 3),
        '0'..='7' => number(0, 8, 3),
        'x' => number(1, 16, 2),
        'u' => number(1, 16, 4),
        'U' => number(1, 16, 8),
        _ => (None, 0),
    };
    match code {
        Some(v) if c.is_ascii_digit() => (Some(char::from((v & 0xff) as u8).to_string()), used),
        Some(v) => (
            Some(char::from_u32(v).unwrap_or('\u{fffd}').to_string()),
            used,
        ),
        None if c == '0' => (Some("\0".into()), 1),
        None => (Some(format!("\\{c}")), c.len_utf8()),
    }
}

/// `%q`: the argument quoted for reuse as shell input, as bash writes it.
fn shell_quote(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    if s.chars().any(char::is_control) {
        let mut q = String::from("$'");
        for c in s.chars() {
            match c {
                '\n' => q.push_str("\\n"),
                '\t' => q.push_str("\\t"),
                '\r' => q.push_str("\\r"),
                '\x07' => q.push_str("\\a"),
                '\x08' => q.push_str("\\b"),
                '\x0b' => q.push_str("\\v"),
                '\x0c' => q.push_str("\\f"),
                '\x1b' => q.push_str("\\E"),
                '\'' | '\\' => q.extend(['\\', c]),
                c if c.is_control() => q.push_str(&format!("\\{:03o}", u32::from(c))),
                c => q.push(c),
            }
        }
        return q + "'";
    }
    let mut q = String::new();
    for (i, c) in s.chars().enumerate() {
        if " \t\n'\"\\|&;()<>!{}*[]?^$`,".contains(c) || (i == 0 && (c == '#' || c == '~')) {
            q.push('\\');
        }
        q.push(c);
    }
    q
}

/// bash's `printf` builtin.
fn printf(args: &[String]) -> CmdResult {
    const USAGE: &str = "printf: usage: printf [-v var] format [arguments]\n";
    let args = match args.first().map(String::as_str) {
        Some("--") => &args[1..],
        Some("-v") => return unsupported("printf", "-v"),
        Some(a) if a.starts_with('-') && a.len() > 1 => {
            let opt: String = a.chars().take(2).collect();
            return CmdResult::fail(format!("bash: printf: {opt}: invalid option\n{USAGE}"), 2);
        }
        _ => args,
    };
    let Some((format, mut rest)) = args.split_first() else {
        return CmdResult::fail(USAGE, 2);
    };
    let (mut out, mut err) = (String::new(), String::new());
    let mut code = 0;
    loop {
        let before = rest.len();
        if let Err(fail) = printf_once(format, &mut rest, &mut out, &mut err) {
            if let Some(msg) = fail {
                err.push_str(&msg);
                code = 1;
            }
            break;
        }
        if rest.is_empty() || rest.len() == before {
            break;
        }
    }
    if err
        .lines()
        .any(|l| !l.starts_with("bash: printf: warning:"))
    {
        code = 1;
    }
    let mut o = Output::default();
    if !err.is_empty() {
        o.err(err);
    }
    if !out.is_empty() {
        o.out(out);
    }
    CmdResult { output: o, code }
}

/// One pass over the format. Err stops printf: with a message for a bad format, None
/// for `\c`.
fn printf_once(
    format: &str,
    rest: &mut &[String],
    out: &mut String,
    err: &mut String,
) -> Result<(), Option<String>> {
    let mut next = || -> Option<String> {
        let (first, tail) = rest.split_first()?;
        *rest = tail;
        Some(first.clone())
    };
    let mut i = 0;
    while i < format.len() {
        let tail = &format[i..];
        if let Some(esc) = tail.strip_prefix('\\') {
            let (text, used) = escape(esc, false);
            out.push_str(&text.unwrap_or_default());
            i += 1 + used;
            continue;
        }
        if !tail.starts_with('%') {
            let n = tail.find(['\\', '%']).unwrap_or(tail.len());
            out.push_str(&tail[..n]);
            i += n;
            continue;
        }
        if tail.starts_with("%%") {
            out.push('%');
            i += 2;
            continue;
        }
        let mut spec = Spec::default();
        let mut j = 1;
        let b = tail.as_bytes();
        while let Some(&f) = b.get(j).filter(|f| b"-+ 0#'".contains(f)) {
            match f {
                b'-' => spec.left = true,
                b'+' => spec.plus = true,
                b' ' => spec.space = true,
                b'0' => spec.zero = true,
                b'#' => spec.alt = true,
                _ => {}
            }
            j += 1;
        }
        let mut number = |j: &mut usize| -> Option<i128> {
            if b.get(*j) == Some(&b'*') {
                *j += 1;
                let (neg, v) = printf_int(&next().unwrap_or_default(), err);
                let v = v.min(1 << 40) as i128;
                return Some(if neg { -v } else { v });
            }
            let n = b[*j..].iter().take_while(|c| c.is_ascii_digit()).count();
            let v = tail[*j..*j + n]
                .parse::<i128>()
                .unwrap_or(i128::from(n > 0) << 40);
            *j += n;
            (n > 0).then_some(v)
        };
        if let Some(w) = number(&mut j) {
            spec.left |= w < 0;
            spec.width = usize::try_from(w.unsigned_abs()).unwrap_or(usize::MAX);
        }
        if b.get(j) == Some(&b'.') {
            j += 1;
            spec.prec =
                Some(usize::try_from(number(&mut j).unwrap_or(0).max(0)).unwrap_or(usize::MAX));
        }
        j += b[j..].iter().take_while(|c| b"hjlLtz".contains(c)).count();
        let Some(conv) = tail[j..].chars().next() else {
            return Err(Some(format!(
                "bash: printf: `{tail}': missing format character\n"
            )));
        };
        if spec.width > MAX_WIDTH || spec.prec.is_some_and(|p| p > MAX_WIDTH) {
            let msg = "printf: widths and precisions over 10000 are not supported in Kubarium yet";
            return Err(Some(format!("{msg}\n")));
        }
        i += j + conv.len_utf8();
        let arg = match conv {
            'a' | 'A' | '(' | 'n' | 'Q' => {
                return Err(Some(format!(
                    "printf: %{conv} is not supported in Kubarium yet\n"
                )))
            }
            'd' | 'i' | 'o' | 'u' | 'x' | 'X' | 'f' | 'F' | 'e' | 'E' | 'g' | 'G' | 'c' | 's'
            | 'b' | 'q' => next(),
            _ => {
                return Err(Some(format!(
                    "bash: printf: `{conv}': invalid format character\n"
                )))
            }
        };
        let arg = arg.unwrap_or_default();
        let text = match conv {
            's' | 'b' | 'q' | 'c' => {
                let (mut s, mut stop) = (arg.clone(), false);
                if conv == 'b' {
                    s.clear();
                    let mut k = 0;
                    while let Some(at) = arg[k..].find('\\') {
                        s.push_str(&arg[k..k + at]);
                        let (text, used) = escape(&arg[k + at + 1..], true);
                        let Some(text) = text else {
                            stop = true;
                            k = arg.len();
                            break;
                        };
                        s.push_str(&text);
                        k += at + 1 + used;
                    }
                    s.push_str(&arg[k..]);
                } else if conv == 'q' {
                    s = shell_quote(&arg);
                } else if conv == 'c' {
                    s = arg.chars().next().unwrap_or('\0').to_string();
                }
                if let Some(p) = spec.prec.filter(|_| conv != 'c') {
                    s = s.chars().take(p).collect();
                }
                out.push_str(&spec.pad("", "", &s, false));
                if stop {
                    return Err(None);
                }
                continue;
            }
            'd' | 'i' => {
                let (neg, mag) = printf_int(&arg, err);
                let limit = if neg { 1u128 << 63 } else { (1u128 << 63) - 1 };
                if mag > limit {
                    err.push_str(&format!(
                        "bash: printf: warning: {arg}: Numerical result out of range\n"
                    ));
                }
                let mag = mag.min(limit);
                (
                    spec.sign(neg && mag > 0),
                    String::new(),
                    mag.to_string(),
                    mag == 0,
                )
            }
            'o' | 'u' | 'x' | 'X' => {
                let (neg, mag) = printf_int(&arg, err);
                if mag > u128::from(u64::MAX) {
                    err.push_str(&format!(
                        "bash: printf: warning: {arg}: Numerical result out of range\n"
                    ));
                }
                let v = mag.min(u128::from(u64::MAX)) as u64;
                let v = if neg { v.wrapping_neg() } else { v };
                let (digits, prefix) = match conv {
                    'o' => (format!("{v:o}"), ""),
                    'u' => (v.to_string(), ""),
                    'x' => (format!("{v:x}"), if spec.alt && v != 0 { "0x" } else { "" }),
                    _ => (format!("{v:X}"), if spec.alt && v != 0 { "0X" } else { "" }),
                };
                let digits = if conv == 'o' && spec.alt && !digits.starts_with('0') {
                    format!("0{digits}")
                } else {
                    digits
                };
                ("", prefix.to_string(), digits, v == 0)
            }
            _ => {
                let v = printf_float(&arg, err);
                let lower = conv.to_ascii_lowercase();
                let mut s = float_format(v, lower, spec.prec.unwrap_or(6), spec.alt);
                if conv.is_ascii_uppercase() {
                    s = s.to_uppercase();
                }
                let sign = spec.sign(v.is_sign_negative() && !v.is_nan());
                out.push_str(&spec.pad(sign, "", &s, v.is_finite()));
                continue;
            }
        };
        let (sign, prefix, digits, zero) = text;
        let digits = match spec.prec {
            Some(0) if zero => String::new(),
            Some(p) => format!("{digits:0>p$}"),
            None => digits,
        };
        out.push_str(&spec.pad(sign, &prefix, &digits, spec.prec.is_none()));
    }
    Ok(())
}

fn tee(args: &[String], io: &mut Io) -> Res {
    const LONG: &str = "append=a ignore-interrupts=i output-error=!";
    let (opts, files) = getopt("tee", args, "aip", LONG);
    let mut append = false;
    for opt in opts {
        append |= opt?.0 == 'a';
    }
    let text = io.stdin.take().unwrap_or_default();
    let (mut out, mut code, mut seen) = (Output::default(), 0, HashSet::new());
    let mut copies = 1;
    for f in &files {
        let path = io.path(f);
        match f.as_str() {
            "/dev/null" => {}
            "/dev/stdout" => copies += 1,
            "/dev/stderr" => out.err(text.clone()),
            _ if !seen.insert(path.clone()) => {}
            _ => {
                if let Err(why) = io.fs.write(&path, &text, append) {
                    out.err(format!("tee: {f}: {why}\n"));
                    code = 1;
                }
            }
        }
    }
    out.out(text.repeat(copies));
    finish(out, code)
}

/// The pairs of equal lines (index in `a`, index in `b`) of a shortest edit script.
fn matches<T: PartialEq>(a: &[T], b: &[T]) -> Vec<(usize, usize)> {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let mut out: Vec<(usize, usize)> = (0..pre).map(|i| (i, i)).collect();
    let mid = myers(&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    out.extend(mid.into_iter().map(|(i, j)| (i + pre, j + pre)));
    out.extend((0..suf).map(|t| (a.len() - suf + t, b.len() - suf + t)));
    out
}

/// Myers' greedy algorithm; beyond MAX_EDITS differences it gives up (no pairs: every
/// line changed), which is still a correct diff, only not a minimal one.
fn myers<T: PartialEq>(a: &[T], b: &[T]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (n + m).min(MAX_EDITS as isize);
    let off = max + 1;
    let mut v = vec![0isize; (2 * off + 1) as usize];
    let mut trace: Vec<Vec<isize>> = vec![];
    for d in 0..=max {
        trace.push(v[(off - d - 1) as usize..=(off + d + 1) as usize].to_vec());
        for k in (-d..=d).step_by(2) {
            let at = |k: isize| v[(off + k) as usize];
            let down = k == -d || (k != d && at(k - 1) < at(k + 1));
            let mut x = if down { at(k + 1) } else { at(k - 1) + 1 };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                (x, y) = (x + 1, y + 1);
            }
            v[(off + k) as usize] = x;
            if x >= n && y >= m {
                return backtrack(&trace, n, m);
            }
        }
    }
    vec![]
}

fn backtrack(trace: &[Vec<isize>], n: isize, m: isize) -> Vec<(usize, usize)> {
    let (mut x, mut y, mut pairs) = (n, m, vec![]);
    for (d, vd) in trace.iter().enumerate().rev() {
        let d = d as isize;
        let at = |k: isize| vd[(k + d + 1) as usize];
        let k = x - y;
        let (px, py, sx, sy) = if d == 0 {
            (0, 0, 0, 0)
        } else if k == -d || (k != d && at(k - 1) < at(k + 1)) {
            let px = at(k + 1);
            (px, px - k - 1, px, px - k)
        } else {
            let px = at(k - 1);
            (px, px - k + 1, px + 1, px - k + 1)
        };
        while x > sx && y > sy {
            (x, y) = (x - 1, y - 1);
            pairs.push((x as usize, y as usize));
        }
        (x, y) = (px, py);
    }
    pairs.reverse();
    pairs
}

/// Appends one line of diff output, marking a missing final newline as GNU does.
fn diff_line(out: &mut String, mark: &str, line: &str) {
    out.push_str(mark);
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

fn diff(args: &[String], io: &mut Io) -> Res {
    const LONG: &str =
        "brief=q color=! context=c ignore-all-space=w ignore-blank-lines=B ignore-case=i \
        ignore-space-change=b new-file=N normal=n recursive=r report-identical-files=s \
        side-by-side=y text=a unchanged-group-format=!: unchanged-line-format=!: \
        unidirectional-new-file=! unified=u";
    let (opts, ops) = getopt("diff", args, "abBcC:eiNqrsuU:wy", LONG);
    let (mut brief, mut same, mut icase, mut space, mut unified) = (false, false, false, 0, None);
    for opt in opts {
        match opt? {
            ('q', _) => brief = true,
            ('s', _) => same = true,
            ('i', _) => icase = true,
            ('b', _) => space = space.max(1),
            ('w', _) => space = 2,
            ('u', _) => unified = Some(3usize),
            ('U', v) => {
                unified = Some(
                    v.parse()
                        .map_err(|_| usage("diff", format!("invalid context length '{v}'")))?,
                )
            }
            ('a' | 'n', _) => {}
            (c, _) => return Err(unsupported("diff", format!("-{c}"))),
        }
    }
    match ops.len() {
        0 => return Err(usage("diff", "missing operand after 'diff'")),
        1 => return Err(usage("diff", format!("missing operand after '{}'", ops[0]))),
        2 => {}
        _ => return Err(usage("diff", format!("extra operand '{}'", ops[2]))),
    }
    let mut texts = vec![];
    for name in &ops {
        match read_one(io, name) {
            Ok(t) => texts.push(t),
            Err(why) if why.starts_with("Is") => {
                return Err(unsupported("diff", "comparing directories"))
            }
            Err(why) => return Err(fatal("diff", format!("{name}: {why}"))),
        }
    }
    let (la, lb): (Vec<&str>, Vec<&str>) = (
        texts[0].split_inclusive('\n').collect(),
        texts[1].split_inclusive('\n').collect(),
    );
    let key = |l: &&str| -> String {
        let (body, nl) = l.strip_suffix('\n').map_or((*l, ""), |b| (b, "\n"));
        let mut s = if icase {
            body.to_lowercase()
        } else {
            body.to_string()
        };
        if space == 2 {
            s.retain(|c| !c.is_whitespace());
        } else if space == 1 {
            let lead = body.starts_with(char::is_whitespace) && !body.trim().is_empty();
            s = String::from(if lead { " " } else { "" })
                + &s.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        s + nl
    };
    let (ka, kb): (Vec<String>, Vec<String>) =
        (la.iter().map(key).collect(), lb.iter().map(key).collect());
    let mut changes = vec![];
    let (mut pa, mut pb) = (0, 0);
    for (i, j) in matches(&ka, &kb).into_iter().chain([(la.len(), lb.len())]) {
        if i > pa || j > pb {
            changes.push((pa, i, pb, j));
        }
        (pa, pb) = (i + 1, j + 1);
    }
    let (a, b) = (&ops[0], &ops[1]);
    if changes.is_empty() {
        let msg = if same {
            format!("Files {a} and {b} are identical\n")
        } else {
            String::new()
        };
        return Ok(CmdResult::ok(msg));
    }
    if brief {
        return Ok(CmdResult {
            code: 1,
            ..CmdResult::ok(format!("Files {a} and {b} differ\n"))
        });
    }
    let mut out = String::new();
    if let Some(ctx) = unified {
        out.push_str(&format!("--- {a}\t{FILE_TIME}\n+++ {b}\t{FILE_TIME}\n"));
        let range = |lo: usize, hi: usize| match hi - lo {
            0 => format!("{lo},0"),
            1 => format!("{hi}"),
            n => format!("{},{n}", lo + 1),
        };
        let mut i = 0;
        while i < changes.len() {
            let mut j = i;
            while j + 1 < changes.len() && changes[j + 1].0 - changes[j].1 <= ctx.saturating_mul(2)
            {
                j += 1;
            }
            let a0 = changes[i].0.saturating_sub(ctx);
            let b0 = changes[i].2 - (changes[i].0 - a0);
            let a1 = changes[j].1.saturating_add(ctx).min(la.len());
            let b1 = changes[j].3 + (a1 - changes[j].1);
            out.push_str(&format!("@@ -{} +{} @@\n", range(a0, a1), range(b0, b1)));
            let mut p = a0;
            for &(x0, x1, y0, y1) in &changes[i..=j] {
                la[p..x0].iter().for_each(|l| diff_line(&mut out, " ", l));
                la[x0..x1].iter().for_each(|l| diff_line(&mut out, "-", l));
                lb[y0..y1].iter().for_each(|l| diff_line(&mut out, "+", l));
                p = x1;
            }
            la[p..a1].iter().for_each(|l| diff_line(&mut out, " ", l));
            i = j + 1;
        }
    } else {
        let range = |lo: usize, hi: usize| {
            if hi <= lo + 1 {
                format!("{hi}")
            } else {
                format!("{},{hi}", lo + 1)
            }
        };
        for (x0, x1, y0, y1) in changes {
            let op = if x0 == x1 {
                'a'
            } else if y0 == y1 {
                'd'
            } else {
                'c'
            };
            out.push_str(&format!("{}{op}{}\n", range(x0, x1), range(y0, y1)));
            la[x0..x1].iter().for_each(|l| diff_line(&mut out, "< ", l));
            if op == 'c' {
                out.push_str("---\n");
            }
            lb[y0..y1].iter().for_each(|l| diff_line(&mut out, "> ", l));
        }
    }
    Ok(CmdResult {
        code: 1,
        ..CmdResult::ok(out)
    })
}

/// The last part of `path`, without `suffix` (unless that is all there is).
fn base_name(path: &str, suffix: Option<&str>) -> String {
    let t = path.trim_end_matches('/');
    if t.is_empty() {
        return if path.is_empty() { "" } else { "/" }.into();
    }
    let name = t.rsplit('/').next().unwrap_or(t);
    match suffix {
        Some(s) if !s.is_empty() && name != s => name.strip_suffix(s).unwrap_or(name).into(),
        _ => name.into(),
    }
}

fn basename(args: &[String]) -> Res {
    const LONG: &str = "multiple=a suffix=s: zero=z";
    let (opts, mut ops) = getopt("basename", args, "as:z", LONG);
    let (mut multiple, mut suffix, mut end) = (false, None, '\n');
    for opt in opts {
        match opt? {
            ('a', _) => multiple = true,
            ('s', v) => (multiple, suffix) = (true, Some(v)),
            _ => end = '\0',
        }
    }
    if ops.is_empty() {
        return Err(usage("basename", "missing operand"));
    }
    if !multiple {
        if let Some(extra) = ops.get(2) {
            return Err(usage("basename", format!("extra operand '{extra}'")));
        }
        suffix = ops.get(1).cloned();
        ops.truncate(1);
    }
    Ok(CmdResult::ok(
        ops.iter()
            .map(|p| format!("{}{end}", base_name(p, suffix.as_deref())))
            .collect::<String>(),
    ))
}

fn dirname(args: &[String]) -> Res {
    let (opts, ops) = getopt("dirname", args, "z", "zero=z");
    let mut end = '\n';
    for opt in opts {
        opt?;
        end = '\0';
    }
    if ops.is_empty() {
        return Err(usage("dirname", "missing operand"));
    }
    let dir = |p: &str| -> String {
        let t = p.trim_end_matches('/');
        match t.rfind('/') {
            _ if t.is_empty() => if p.starts_with('/') { "/" } else { "." }.into(),
            None => ".".into(),
            Some(i) => match t[..i].trim_end_matches('/') {
                "" => "/".into(),
                d => d.into(),
            },
        }
    };
    Ok(CmdResult::ok(
        ops.iter()
            .map(|p| format!("{}{end}", dir(p)))
            .collect::<String>(),
    ))
}

fn rev(args: &[String], io: &mut Io) -> Res {
    let (opts, files) = getopt("rev", args, "0", "zero=0");
    if let Some(opt) = opts.into_iter().next() {
        return Err(unsupported("rev", format!("-{}", opt?.0)));
    }
    per_file(io, "rev", &files, |text| {
        let line = |l: &str| {
            let (body, nl) = l.strip_suffix('\n').map_or((l, ""), |b| (b, "\n"));
            body.chars().rev().collect::<String>() + nl
        };
        text.split_inclusive('\n').map(line).collect()
    })
}

fn nl(args: &[String], io: &mut Io) -> Res {
    const LONG: &str =
        "body-numbering=b: footer-numbering=f: header-numbering=h: join-blank-lines=l: \
        line-increment=i: no-renumber=p number-format=n: number-separator=s: number-width=w: \
        section-delimiter=d: starting-line-number=v:";
    let (opts, files) = getopt("nl", args, "b:d:f:h:i:l:n:ps:v:w:", LONG);
    let (mut style, mut format, mut sep, mut width) = ('t', "rn".to_string(), "\t".to_string(), 6);
    let (mut number, mut step) = (1i64, 1i64);
    let int = |v: &str, what: &str| {
        v.parse::<i64>()
            .map_err(|_| fatal("nl", format!("invalid {what}: '{v}'")))
    };
    for opt in opts {
        match opt? {
            ('b', v) if v.starts_with('p') => return Err(unsupported("nl", "-b pREGEX")),
            ('b', v) => match v.as_str() {
                "a" | "t" | "n" => style = v.chars().next().unwrap_or('t'),
                _ => return Err(usage("nl", format!("invalid body numbering style: '{v}'"))),
            },
            ('n', v) if ["ln", "rn", "rz"].contains(&v.as_str()) => format = v,
            ('n', v) => return Err(usage("nl", format!("invalid line numbering format: '{v}'"))),
            ('s', v) => sep = v,
            ('v', v) => number = int(&v, "starting line number")?,
            ('i', v) => step = int(&v, "line number increment")?,
            ('w', v) => {
                let w = int(&v, "line number field width")?;
                let range = "Numerical result out of range";
                let bad = fatal(
                    "nl",
                    format!("invalid line number field width: '{v}': {range}"),
                );
                width = usize::try_from(w)
                    .ok()
                    .filter(|w| (1..=MAX_WIDTH).contains(w))
                    .ok_or(bad)?;
            }
            (c, _) => return Err(unsupported("nl", format!("-{c}"))),
        }
    }
    per_file(io, "nl", &files, |text| {
        let mut s = String::new();
        for line in text.split_terminator('\n') {
            if style == 'a' || (style == 't' && !line.is_empty()) {
                let n = match format.as_str() {
                    "ln" => format!("{number:<width$}"),
                    "rz" => format!("{number:0width$}"),
                    _ => format!("{number:>width$}"),
                };
                s.push_str(&format!("{n}{sep}{line}\n"));
                number = number.saturating_add(step);
            } else {
                s.push_str(&format!("{}{line}\n", " ".repeat(width + sep.len())));
            }
        }
        s
    })
}

/// Copies the directory `from` to `to`, creating `to` if needed; `copied` gets the path
/// (below both) of each thing copied, for `-v`.
fn copy_tree(
    fs: &mut Fs,
    from: &str,
    to: &str,
    rel: &str,
    copied: &mut Vec<String>,
) -> Result<(), String> {
    let (f, t) = (format!("{from}{rel}"), format!("{to}{rel}"));
    if fs.is_dir(&f) {
        if !fs.is_dir(&t) {
            fs.mkdir(&t, false)?;
        }
        copied.push(rel.to_string());
        for name in fs.list(&f) {
            copy_tree(fs, from, to, &format!("{rel}/{name}"), copied)?;
        }
    } else {
        let content = fs.read(&f).unwrap_or_default().to_string();
        fs.write(&t, &content, false)?;
        copied.push(rel.to_string());
    }
    Ok(())
}

/// `cp` and `mv` within the node's files.
fn copy(cmd: &str, args: &[String], io: &mut Io) -> Res {
    const LONG: &str =
        "archive=a backup=! force=f interactive=i no-clobber=n no-target-directory=T \
        preserve=! recursive=r target-directory=t: update=u verbose=v";
    let mv = cmd == "mv";
    let (opts, ops) = getopt(
        cmd,
        args,
        if mv { "fint:Tuv" } else { "afinprRt:Tuv" },
        LONG,
    );
    let (mut noclobber, mut verbose, mut recursive) = (false, false, false);
    for opt in opts {
        match opt? {
            ('f' | 'p', _) => {}
            ('n', _) => noclobber = true,
            ('v', _) => verbose = true,
            ('r' | 'R' | 'a', _) if !mv => recursive = true,
            (c, _) => return Err(unsupported(cmd, format!("-{c}"))),
        }
    }
    let Some((dest, srcs)) = ops.split_last() else {
        return Err(usage(cmd, "missing file operand"));
    };
    if srcs.is_empty() {
        return Err(usage(
            cmd,
            format!("missing destination file operand after '{dest}'"),
        ));
    }
    let dpath = io.path(dest);
    let into_dir = io.fs.is_dir(&dpath);
    if srcs.len() > 1 && !into_dir {
        let why = if io.fs.exists(&dpath) {
            format!("target '{dest}': Not a directory")
        } else {
            format!("target '{dest}': No such file or directory")
        };
        return Err(fatal(cmd, &why));
    }
    let (mut out, mut code) = (Output::default(), 0);
    for src in srcs {
        let spath = io.path(src);
        let (target, shown) = if into_dir {
            let name = base_name(&spath, None);
            (
                format!("{}/{name}", dpath.trim_end_matches('/')),
                format!("{}/{name}", dest.trim_end_matches('/')),
            )
        } else {
            (dpath.clone(), dest.clone())
        };
        let dir = io.fs.is_dir(&spath);
        let problem = if !io.fs.exists(&spath) {
            Err(format!("cannot stat '{src}': No such file or directory"))
        } else if spath == target {
            Err(format!("'{src}' and '{shown}' are the same file"))
        } else if dir && mv {
            Err("moving directories is not supported in Kubarium yet".into())
        } else if dir && !recursive {
            Err(format!("-r not specified; omitting directory '{src}'"))
        } else if dir && target.starts_with(&format!("{spath}/")) {
            Err(format!(
                "cannot copy a directory, '{src}', into itself, '{shown}'"
            ))
        } else if dir && io.fs.exists(&target) && !io.fs.is_dir(&target) {
            Err(format!(
                "cannot overwrite non-directory '{shown}' with directory '{src}'"
            ))
        } else if !dir && io.fs.is_dir(&target) {
            Err(format!(
                "cannot overwrite directory '{shown}' with non-directory"
            ))
        } else if noclobber && io.fs.exists(&target) {
            continue;
        } else {
            let mut copied = vec![];
            match copy_tree(io.fs, &spath, &target, "", &mut copied) {
                Ok(()) if mv => Ok(copied).inspect(|_| {
                    io.fs.remove(&spath);
                }),
                Ok(()) => Ok(copied),
                Err(why) if mv => Err(format!("cannot move '{src}' to '{shown}': {why}")),
                Err(why) if dir => Err(format!("cannot create directory '{shown}': {why}")),
                Err(why) => Err(format!("cannot create regular file '{shown}': {why}")),
            }
        };
        match problem {
            Err(p) => {
                out.err(format!("{cmd}: {p}\n"));
                code = 1;
            }
            Ok(copied) if verbose => {
                let how = if mv { "renamed " } else { "" };
                out.out(
                    copied
                        .iter()
                        .map(|r| format!("{how}'{src}{r}' -> '{shown}{r}'\n"))
                        .collect::<String>(),
                );
            }
            Ok(_) => {}
        }
    }
    finish(out, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files each case starts with, under /root (the working directory); `d` is a directory.
    const FIXTURES: &[(&str, &str)] = &[
        ("s.txt", "b 2 x\na 10 y\nc 1 z\nB 2 w\na 10 a\n"),
        ("u.txt", "a\na\nb\nA\nc\nc\nc"),
        ("f1", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"),
        ("f2", "a\nB\nc\nd\ne\nf\ng\nh\ni\nJ\nk\n"),
        ("n1", "x"),
        ("n2", "x\n"),
        ("p.txt", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\nno delimiter here\n"),
        ("v.txt", "img-1.10\nimg-1.9\nimg-1.2.3\nimg-1.2\nimg-~rc\n"),
        ("h.txt", "10K\n2M\n1G\n512\n-3K\n0\n"),
        ("d/in.txt", "inside\n"),
    ];

    /// (command, arguments, standard input, stdout, stderr, exit status).
    type Case = (
        &'static str,
        &'static [&'static str],
        &'static str,
        &'static str,
        &'static str,
        i32,
    );

    /// Recorded from GNU coreutils 9.1 (printf: bash 5.2) with LC_ALL=C and TZ=UTC in a
    /// directory holding FIXTURES, all dated 2026-01-05 08:00 (FILE_TIME). The few rows marked
    /// `// Kubarium` differ on purpose.
    #[rustfmt::skip]
    const CASES: &[Case] = &[
    ("cut", &["-d:", "-f1,7", "p.txt"], "", "root:/bin/bash\ndaemon:/usr/sbin/nologin\nno delimiter here\n", "", 0),
    ("cut", &["-d:", "-f", "2-4", "-s", "p.txt"], "", "x:0:0\nx:1:1\n", "", 0),
    ("cut", &["-d:", "-f-2", "--complement", "p.txt"], "", "0:0:root:/root:/bin/bash\n1:1::/usr/sbin:/usr/sbin/nologin\nno delimiter here\n", "", 0),
    ("cut", &["-c", "1-3,6"], "kubernetes\nk8s\n", "kubn\nk8s\n", "", 0),
    ("cut", &["-b2-"], "hello", "ello\n", "", 0),
    ("cut", &["-c1-2,4-5", "--output-delimiter=|"], "abcdef\n", "ab|de\n", "", 0),
    ("cut", &["-f2"], "a\tb\tc\nno tabs\n", "b\nno tabs\n", "", 0),
    ("cut", &["-d", " ", "-f", "1 3"], "a b c d\n", "a c\n", "", 0),
    ("cut", &["-f1", "-d:", "--output-delimiter=->", "nofile", "p.txt"], "", "root\ndaemon\nno delimiter here\n", "cut: nofile: No such file or directory\n", 1),
    ("cut", &[], "", "", "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n", 1),
    ("cut", &["-z"], "", "", "cut: -z is not supported in Kubarium yet\n", 1), // Kubarium: -z (NUL-separated lines)
    ("cut", &["-Q"], "", "", "cut: invalid option -- 'Q'\nTry 'cut --help' for more information.\n", 1),
    ("cut", &["-d"], "", "", "cut: option requires an argument -- 'd'\nTry 'cut --help' for more information.\n", 1),
    ("cut", &["-d", "ab", "-f1"], "", "", "cut: the delimiter must be a single character\nTry 'cut --help' for more information.\n", 1),
    ("cut", &["-f", "0"], "", "", "cut: fields are numbered from 1\nTry 'cut --help' for more information.\n", 1),
    ("cut", &["-c", "0-2"], "", "", "cut: byte/character positions are numbered from 1\nTry 'cut --help' for more information.\n", 1),
    ("cut", &["-f", "3-1"], "", "", "cut: invalid decreasing range\nTry 'cut --help' for more information.\n", 1),
    ("cut", &["-f", "1-2-3"], "", "", "cut: invalid field range\nTry 'cut --help' for more information.\n", 1),
    ("cut", &["-f", "-"], "", "", "cut: invalid range with no endpoint: -\nTry 'cut --help' for more information.\n", 1),
    ("cut", &["-f", "x1"], "", "", "cut: invalid field value 'x1'\nTry 'cut --help' for more information.\n", 1),
    ("cut", &["-f", "99999999999999999999999"], "", "", "cut: field number '99999999999999999999999' is too large\nTry 'cut --help' for more information.\n", 1),
    ("cut", &["-f1", "-c2"], "", "", "cut: only one list may be specified\nTry 'cut --help' for more information.\n", 1),
    ("cut", &["-c1", "-d:"], "", "", "cut: an input delimiter may be specified only when operating on fields\nTry 'cut --help' for more information.\n", 1),
    ("cut", &["-b1", "-s"], "", "", "cut: suppressing non-delimited lines makes sense\n\tonly when operating on fields\nTry 'cut --help' for more information.\n", 1),
    ("cut", &["--c", "1"], "", "", "cut: option '--c' is ambiguous; possibilities: '--characters' '--complement'\nTry 'cut --help' for more information.\n", 1),
    ("cut", &["--complement=x"], "", "", "cut: option '--complement' doesn't allow an argument\nTry 'cut --help' for more information.\n", 1),
    ("cut", &["--delim=,", "-f2"], "x,y\n", "y\n", "", 0),
    ("cut", &["-c", "2-3", "--complement"], "abcdef\n", "adef\n", "", 0),
    ("cut", &["-b", "1-2,3-4", "--output-delimiter=:"], "abcdef\n", "ab:cd\n", "", 0),
    ("cut", &["-d", ",", "-f", "2-", "-s"], "a,b,c\nnone\n,\n", "b,c\n\n", "", 0),
    ("cut", &["-f", "1", "p.txt", "d"], "", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\nno delimiter here\n", "cut: d: Is a directory\n", 1),
    ("cut", &["-f1", "--output-delimiter", ""], "a\tb\n", "a\n", "", 0),
    ("tr", &["a-z", "A-Z"], "hello world\n", "HELLO WORLD\n", "", 0),
    ("tr", &["[:lower:]", "[:upper:]"], "Mixed Case\n", "MIXED CASE\n", "", 0),
    ("tr", &["-d", "[:space:]"], "a b\tc\n", "abc", "", 0),
    ("tr", &["-s", " "], "a   b    c\n", "a b c\n", "", 0),
    ("tr", &["-s", "a-z", "A-Z"], "aabbcc\n", "ABC\n", "", 0),
    ("tr", &["-ds", "a", "b"], "abbbacc\n", "bcc\n", "", 0),
    ("tr", &["-cd", "a-z\\n"], "Hello, World 123\n", "elloorld\n", "", 0),
    ("tr", &["-c", "a-z", "_"], "ab1c\n", "ab_c_", "", 0),
    ("tr", &["abc", "x"], "aabbccdd\n", "xxxxxxdd\n", "", 0),
    ("tr", &["abcd", "[x*2]y"], "abcd\n", "xxyy\n", "", 0),
    ("tr", &["abc", "[x*]"], "abcd\n", "xxxd\n", "", 0),
    ("tr", &[":", "\\n"], "a:b:c\n", "a\nb\nc\n", "", 0),
    ("tr", &["-t", "abc", "xy"], "abc\n", "xyc\n", "", 0),
    ("tr", &["\\101", "x"], "ABA\n", "xBx\n", "", 0),
    ("tr", &["a\\", "x"], "a\\b\n", "xxb\n", "tr: warning: an unescaped backslash at end of string is not portable\n", 0),
    ("tr", &["[=a=]", "x"], "aba\n", "xbx\n", "", 0),
    ("tr", &[], "", "", "tr: missing operand\nTry 'tr --help' for more information.\n", 1),
    ("tr", &["a"], "", "", "tr: missing operand after 'a'\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n", 1),
    ("tr", &["-ds", "a"], "", "", "tr: missing operand after 'a'\nTwo strings must be given when both deleting and squeezing repeats.\nTry 'tr --help' for more information.\n", 1),
    ("tr", &["-d", "a", "b"], "", "", "tr: extra operand 'b'\nOnly one string may be given when deleting without squeezing repeats.\nTry 'tr --help' for more information.\n", 1),
    ("tr", &["a", "b", "c"], "", "", "tr: extra operand 'c'\nTry 'tr --help' for more information.\n", 1),
    ("tr", &["z-a", "x"], "", "", "tr: range-endpoints of 'z-a' are in reverse collating sequence order\n", 1),
    ("tr", &["a", "[:digit:]"], "", "", "tr: when translating, the only character classes that may appear in\nstring2 are 'upper' and 'lower'\n", 1),
    ("tr", &["a", ""], "", "", "tr: when not truncating set1, string2 must be non-empty\n", 1),
    ("tr", &["[:foo:]", "x"], "", "", "tr: invalid character class 'foo'\n", 1),
    ("tr", &["a-c", "[:upper:]"], "", "", "tr: misaligned [:upper:] and/or [:lower:] construct\n", 1),
    ("tr", &["-c", "a", "[:upper:]"], "", "", "tr: when translating with string1 longer than string2,\nthe latter string must not end with a character class\n", 1),
    ("tr", &["a[b*]", "x"], "", "", "tr: the [c*] repeat construct may not appear in string1\n", 1),
    ("tr", &["a", "[x*z]"], "", "", "tr: invalid repeat count 'z' in [c*n] construct\n", 1),
    ("tr", &["-s", "[:space:]"], "a  \t\t b\n\n\nc\n", "a \t b\nc\n", "", 0),
    ("tr", &["[:upper:][:lower:]", "[:lower:][:upper:]"], "aBcD\n", "AbCd\n", "", 0),
    ("tr", &["-cs", "[:alnum:]", "\\n"], "hello, world! 42\n", "hello\nworld\n42\n", "", 0),
    ("tr", &["[:digit:]", "[x*]"], "a1b2\n", "axbx\n", "", 0),
    ("tr", &["[", "x"], "a[b\n", "axb\n", "", 0),
    ("tr", &["-c", "ab", "[:upper:]"], "x\n", "", "tr: when translating with string1 longer than string2,\nthe latter string must not end with a character class\n", 1),
    ("uniq", &["u.txt"], "", "a\nb\nA\nc\n", "", 0),
    ("uniq", &["-c", "u.txt"], "", "      2 a\n      1 b\n      1 A\n      3 c\n", "", 0),
    ("uniq", &["-d", "u.txt"], "", "a\nc\n", "", 0),
    ("uniq", &["-u", "u.txt"], "", "b\nA\n", "", 0),
    ("uniq", &["-D", "u.txt"], "", "a\na\nc\nc\nc\n", "", 0),
    ("uniq", &["-ic"], "a\nA\nb\n", "      2 a\n      1 b\n", "", 0),
    ("uniq", &["-f1"], "x a\ny a\nz b\n", "x a\nz b\n", "", 0),
    ("uniq", &["-s1", "-w1"], "xa\nya\nzb\n", "xa\nzb\n", "", 0),
    ("uniq", &["-cD", "u.txt"], "", "", "uniq: printing all duplicated lines and repeat counts is meaningless\nTry 'uniq --help' for more information.\n", 1),
    ("uniq", &["nofile"], "", "", "uniq: nofile: No such file or directory\n", 1),
    ("uniq", &["a", "b", "c"], "", "", "uniq: extra operand 'c'\nTry 'uniq --help' for more information.\n", 1),
    ("uniq", &["-f", "x", "u.txt"], "", "", "uniq: x: invalid number of fields to skip\n", 1),
    ("uniq", &["-w", "-1", "u.txt"], "", "", "uniq: -1: invalid number of bytes to compare\n", 1),
    ("uniq", &["-D", "-u"], "a\na\na\nb\n", "a\na\n", "", 0),
    ("uniq", &["-u", "-D"], "a\na\nb\nc\nc\n", "a\nc\n", "", 0),
    ("uniq", &["--group", "u.txt"], "", "", "uniq: --group is not supported in Kubarium yet\n", 1), // Kubarium
    ("uniq", &["-d", "-c"], "a\na\nb\n", "      2 a\n", "", 0),
    ("uniq", &["-f", "1", "-c"], "1 a\n2 a\n3 b\n", "      2 1 a\n      1 3 b\n", "", 0),
    ("uniq", &["-", "out.txt"], "a\na\n", "", "", 0),
    ("uniq", &["u.txt", "nodir/x"], "", "", "uniq: nodir/x: No such file or directory\n", 1),
    ("sort", &["s.txt"], "", "B 2 w\na 10 a\na 10 y\nb 2 x\nc 1 z\n", "", 0),
    ("sort", &["-r", "s.txt"], "", "c 1 z\nb 2 x\na 10 y\na 10 a\nB 2 w\n", "", 0),
    ("sort", &["-k2", "-n", "s.txt"], "", "c 1 z\nB 2 w\nb 2 x\na 10 a\na 10 y\n", "", 0),
    ("sort", &["-k2,2n", "-r", "s.txt"], "", "c 1 z\nb 2 x\nB 2 w\na 10 y\na 10 a\n", "", 0),
    ("sort", &["-k2,2nr", "s.txt"], "", "a 10 a\na 10 y\nB 2 w\nb 2 x\nc 1 z\n", "", 0),
    ("sort", &["-rn", "s.txt"], "", "c 1 z\nb 2 x\na 10 y\na 10 a\nB 2 w\n", "", 0),
    ("sort", &["-k3", "-n", "-r", "s.txt"], "", "c 1 z\nb 2 x\na 10 y\na 10 a\nB 2 w\n", "", 0),
    ("sort", &["-u", "-k2,2n", "s.txt"], "", "c 1 z\nb 2 x\na 10 y\n", "", 0),
    ("sort", &["-f", "s.txt"], "", "a 10 a\na 10 y\nB 2 w\nb 2 x\nc 1 z\n", "", 0),
    ("sort", &["-fu", "s.txt"], "", "a 10 a\na 10 y\nB 2 w\nb 2 x\nc 1 z\n", "", 0),
    ("sort", &["-t:", "-k3,3n", "p.txt"], "", "no delimiter here\nroot:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n", "", 0),
    ("sort", &["-k", "2.3", "s.txt"], "", "B 2 w\nb 2 x\nc 1 z\na 10 a\na 10 y\n", "", 0),
    ("sort", &["-k1b,1", "-k3r", "s.txt"], "", "B 2 w\na 10 y\na 10 a\nb 2 x\nc 1 z\n", "", 0),
    ("sort", &["-h", "h.txt"], "", "-3K\n0\n512\n10K\n2M\n1G\n", "", 0),
    ("sort", &["-V", "v.txt"], "", "img-~rc\nimg-1.2\nimg-1.2.3\nimg-1.9\nimg-1.10\n", "", 0),
    ("sort", &["-n"], "10\n9\n-1\n1.5\n  3\nabc\n-0\n0.50\n", "-1\n-0\nabc\n0.50\n1.5\n  3\n9\n10\n", "", 0),
    ("sort", &["-s", "-k1,1"], "b 2\na 9\nb 1\na 1\n", "a 9\na 1\nb 2\nb 1\n", "", 0),
    ("sort", &["-u"], "b\na\nb\na\n", "a\nb\n", "", 0),
    ("sort", &["-c", "s.txt"], "", "", "sort: s.txt:2: disorder: a 10 y\n", 1),
    ("sort", &["-C", "s.txt"], "", "", "", 1),
    ("sort", &["-cu"], "a\na\n", "", "sort: -:2: disorder: a\n", 1),
    ("sort", &["-c", "a", "b"], "", "", "sort: extra operand 'b' not allowed with -c\n", 2),
    ("sort", &["-k", "x", "s.txt"], "", "", "sort: invalid number at field start: invalid count at start of 'x'\n", 2),
    ("sort", &["-k", "0", "s.txt"], "", "", "sort: field number is zero: invalid field specification '0'\n", 2),
    ("sort", &["-k", "1.0", "s.txt"], "", "", "sort: character offset is zero: invalid field specification '1.0'\n", 2),
    ("sort", &["-k1,x", "s.txt"], "", "", "sort: invalid number after ',': invalid count at start of 'x'\n", 2),
    ("sort", &["-k2y", "s.txt"], "", "", "sort: stray character in field spec: invalid field specification '2y'\n", 2),
    ("sort", &["-t", "ab", "s.txt"], "", "", "sort: multi-character tab 'ab'\n", 2),
    ("sort", &["-t", "", "s.txt"], "", "", "sort: empty tab\n", 2),
    ("sort", &["-n", "-h", "s.txt"], "", "", "sort: options '-hn' are incompatible\n", 2),
    ("sort", &["nofile"], "", "", "sort: cannot read: nofile: No such file or directory\n", 2),
    ("sort", &["d"], "", "", "sort: read failed: d: Is a directory\n", 2),
    ("sort", &["-Q"], "", "", "sort: invalid option -- 'Q'\nTry 'sort --help' for more information.\n", 2),
    ("sort", &["-k"], "", "", "sort: option requires an argument -- 'k'\nTry 'sort --help' for more information.\n", 2),
    ("sort", &["--foo"], "", "", "sort: unrecognized option '--foo'\nTry 'sort --help' for more information.\n", 2),
    ("sort", &["-o", "nodir/x", "s.txt"], "", "", "sort: open failed: nodir/x: No such file or directory\n", 2),
    ("sort", &["--rev", "s.txt"], "", "c 1 z\nb 2 x\na 10 y\na 10 a\nB 2 w\n", "", 0),
    ("sort", &["-k2"], "x  b\ny a\nz\tc\n", "z\tc\nx  b\ny a\n", "", 0),
    ("sort", &["-b", "-k2"], "x  b\ny a\nz\tc\n", "y a\nx  b\nz\tc\n", "", 0),
    ("sort", &["-t", ",", "-k2,2", "-k1,1r"], "a,2\nb,1\nc,2\nd,1\n", "d,1\nb,1\nc,2\na,2\n", "", 0),
    ("sort", &["-k1.2,1.3"], "xbc\nyab\nzaa\n", "zaa\nyab\nxbc\n", "", 0),
    ("sort", &["-n", "-k2", "-t:"], "a:3\nb:-2\nc:1.5\nd:\ne:x\n", "b:-2\nd:\ne:x\nc:1.5\na:3\n", "", 0),
    ("sort", &["-g"], "1\n", "", "sort: -g is not supported in Kubarium yet\n", 1), // Kubarium
    ("sort", &["-h"], "1.5K\n1K\n900\n1M\n-1G\n2k\n0.5M\n", "-1G\n900\n1K\n1.5K\n2k\n0.5M\n1M\n", "", 0),
    ("sort", &["-V"], "a10\na9\na1.5\na1.10\n1.0~rc1\n1.0\n.hidden\n..\n.\nfile.tar.gz\nfile.tar\n", ".\n..\n.hidden\n1.0~rc1\n1.0\na1.5\na1.10\na9\na10\nfile.tar\nfile.tar.gz\n", "", 0),
    ("sort", &["-d"], "a-c\nab\na c\n_z\n", "a c\nab\na-c\n_z\n", "", 0),
    ("sort", &["-fdn"], "1\n", "", "sort: options '-dfn' are incompatible\n", 2),
    ("sort", &["-r", "-u", "-f"], "a\nA\nb\nB\n", "b\na\n", "", 0),
    ("sort", &["-k", "2,1"], "b a\na b\n", "a b\nb a\n", "", 0),
    ("sort", &["-k2.2b"], "x  ab\ny  ba\n", "y  ba\nx  ab\n", "", 0),
    ("sort", &["-c"], "a\nb\nb\n", "", "", 0),
    ("base64", &[], "hello world\n", "aGVsbG8gd29ybGQK\n", "", 0),
    ("base64", &["-w0"], "hi\n", "aGkK", "", 0),
    ("base64", &["-w", "8", "p.txt"], "", "cm9vdDp4\nOjA6MDpy\nb290Oi9y\nb290Oi9i\naW4vYmFz\naApkYWVt\nb246eDox\nOjE6Oi91\nc3Ivc2Jp\nbjovdXNy\nL3NiaW4v\nbm9sb2dp\nbgpubyBk\nZWxpbWl0\nZXIgaGVy\nZQo=\n", "", 0),
    ("base64", &[], "The quick brown fox jumps over the lazy dog, again and again and again and again\n", "VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZywgYWdhaW4gYW5kIGFn\nYWluIGFuZCBhZ2FpbiBhbmQgYWdhaW4K\n", "", 0),
    ("base64", &["-d"], "aGVsbG8gd29ybGQK\n", "hello world\n", "", 0),
    ("base64", &["--decode"], "aGVs\nbG8=\n", "hello", "", 0),
    ("base64", &["-d"], "aGVsbG8gd29ybGQ=x", "hello world", "base64: invalid input\n", 1),
    ("base64", &["-d"], "aGVsbG8", "hello", "base64: invalid input\n", 1),
    ("base64", &["-d"], "aGVs bG8=", "hel", "base64: invalid input\n", 1),
    ("base64", &["-d"], "aGVsbG8=aGVsbG8=", "hellohello", "", 0),
    ("base64", &["-di"], "aGV*sbG8=\n", "hello", "", 0),
    ("base64", &["-d"], "aG=x", "h", "base64: invalid input\n", 1),
    ("base64", &[], "", "", "", 0),
    ("base64", &["-w", "x"], "", "", "base64: invalid wrap size: 'x'\n", 1),
    ("base64", &["a", "b"], "", "", "base64: extra operand 'b'\nTry 'base64 --help' for more information.\n", 1),
    ("base64", &["nofile"], "", "", "base64: nofile: No such file or directory\n", 1),
    ("base64", &["-d"], "====\n", "", "base64: invalid input\n", 1),
    ("base64", &["-d"], "a\n", "", "base64: invalid input\n", 1),
    ("base64", &["-d"], "aGVs\r\nbG8=\n", "hel", "base64: invalid input\n", 1),
    ("base64", &["d"], "", "", "base64: read error: Is a directory\n", 1),
    ("seq", &["3"], "", "1\n2\n3\n", "", 0),
    ("seq", &["2", "4"], "", "2\n3\n4\n", "", 0),
    ("seq", &["1", "2", "8"], "", "1\n3\n5\n7\n", "", 0),
    ("seq", &["5", "-2", "0"], "", "5\n3\n1\n", "", 0),
    ("seq", &["1", "0.5", "3"], "", "1.0\n1.5\n2.0\n2.5\n3.0\n", "", 0),
    ("seq", &["0.1", "0.1", "0.5"], "", "0.1\n0.2\n0.3\n0.4\n0.5\n", "", 0),
    ("seq", &["-s,", "3"], "", "1,2,3\n", "", 0),
    ("seq", &["-s", ", ", "3"], "", "1, 2, 3\n", "", 0),
    ("seq", &["-w", "8", "11"], "", "08\n09\n10\n11\n", "", 0),
    ("seq", &["-w", "-3", "1"], "", "-3\n-2\n-1\n00\n01\n", "", 0),
    ("seq", &["-w", "1.5", "10"], "", "01.5\n02.5\n03.5\n04.5\n05.5\n06.5\n07.5\n08.5\n09.5\n", "", 0),
    ("seq", &["1", "1", "2.5"], "", "1\n2\n", "", 0),
    ("seq", &["3", "1"], "", "", "", 0),
    ("seq", &["-3", "-1"], "", "-3\n-2\n-1\n", "", 0),
    ("seq", &[".5", "2"], "", "0.5\n1.5\n", "", 0),
    ("seq", &["1.", "3"], "", "1\n2\n3\n", "", 0),
    ("seq", &["0", "-0.5", "-1"], "", "0.0\n-0.5\n-1.0\n", "", 0),
    ("seq", &["-s", "", "3"], "", "123\n", "", 0),
    ("seq", &["1", "0", "3"], "", "", "seq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\n", 1),
    ("seq", &["x"], "", "", "seq: invalid floating point argument: 'x'\nTry 'seq --help' for more information.\n", 1),
    ("seq", &[], "", "", "seq: missing operand\nTry 'seq --help' for more information.\n", 1),
    ("seq", &["1", "2", "3", "4"], "", "", "seq: extra operand '4'\nTry 'seq --help' for more information.\n", 1),
    ("seq", &["1", "5", "-w"], "", "", "seq: invalid floating point argument: '-w'\nTry 'seq --help' for more information.\n", 1),
    ("seq", &["-s"], "", "", "seq: option requires an argument -- 's'\nTry 'seq --help' for more information.\n", 1),
    ("seq", &["10", "-3", "1"], "", "10\n7\n4\n1\n", "", 0),
    ("seq", &["-w", "5", "-1", "-5"], "", "05\n04\n03\n02\n01\n00\n-1\n-2\n-3\n-4\n-5\n", "", 0),
    ("seq", &["-w", "0.01", "0.05", "0.2"], "", "0.01\n0.06\n0.11\n0.16\n", "", 0),
    ("seq", &["0", "0.1", "0.35"], "", "0.0\n0.1\n0.2\n0.3\n", "", 0),
    ("seq", &["99999999999999999999", "100000000000000000001"], "", "99999999999999999999\n100000000000000000000\n100000000000000000001\n", "", 0),
    ("seq", &["1", "0.0", "2"], "", "", "seq: invalid Zero increment value: '0.0'\nTry 'seq --help' for more information.\n", 1),
    ("seq", &["nan"], "", "", "seq: invalid 'not-a-number' argument: 'nan'\nTry 'seq --help' for more information.\n", 1),
    ("printf", &["%s\\n", "a", "b", "c"], "", "a\nb\nc\n", "", 0),
    ("printf", &["%d|%s\\n", "1", "a", "2"], "", "1|a\n2|\n", "", 0),
    ("printf", &["%5s|%-5s|\\n", "a", "b"], "", "    a|b    |\n", "", 0),
    ("printf", &["%05d|%-5d|%+d|% d\\n", "42", "42", "42", "42"], "", "00042|42   |+42| 42\n", "", 0),
    ("printf", &["%x %X %o %u %#x %#o\\n", "255", "255", "8", "-1", "255", "8"], "", "ff FF 10 18446744073709551615 0xff 010\n", "", 0),
    ("printf", &["%.2f %f %e %g %g %g %G\\n", "3.14159", "2", "12345.678", "0.0001", "1e20", "100000", "1e-10"], "", "3.14 2.000000 1.234568e+04 0.0001 1e+20 100000 1E-10\n", "", 0),
    ("printf", &["%.3d|%*d|%-*d|\\n", "5", "5", "3", "4", "7"], "", "005|    3|7   |\n", "", 0),
    ("printf", &["%5.2s|%.0f|%.1f|%08.3f\\n", "abcdef", "2.5", "0.25", "-3.14159"], "", "   ab|2|0.2|-003.142\n", "", 0),
    ("printf", &["%c%c|\\n", "hello"], "", "h\0|\n", "", 0),
    ("printf", &["%b|\\n", "a\\tb\\101\\0101\\x41"], "", "a\tbAAA|\n", "", 0),
    ("printf", &["%b", "a\\cb", "c"], "", "a", "", 0),
    ("printf", &["%q %q %q %q\\n", "it's a b", "", "a$b", "#x"], "", "it\\'s\\ a\\ b '' a\\$b \\#x\n", "", 0),
    ("printf", &["%q\\n", "x\ny"], "", "$'x\\ny'\n", "", 0),
    ("printf", &["%d %d %d %d\\n", "'a", "010", "0x1F", "-5"], "", "97 8 31 -5\n", "", 0),
    ("printf", &["%d\\n", "abc"], "", "0\n", "bash: printf: abc: invalid number\n", 1),
    ("printf", &["%d\\n", "12abc"], "", "12\n", "bash: printf: 12abc: invalid number\n", 1),
    ("printf", &["%d %d\\n", "08", "0x"], "", "0 0\n", "bash: printf: 08: invalid octal number\nbash: printf: 0x: invalid hex number\n", 1),
    ("printf", &["%f\\n", "abc"], "", "0.000000\n", "bash: printf: abc: invalid number\n", 1),
    ("printf", &["%d\\n", "99999999999999999999"], "", "9223372036854775807\n", "bash: printf: warning: 99999999999999999999: Numerical result out of range\n", 0),
    ("printf", &["%z\\n", "a"], "", "", "bash: printf: `\\': invalid format character\n", 1),
    ("printf", &["%5%|\\n"], "", "", "bash: printf: `%': invalid format character\n", 1),
    ("printf", &["abc%5"], "", "abc", "bash: printf: `%5': missing format character\n", 1),
    ("printf", &["\\x41\\u00e9\\101\\n\\c"], "", "AéA\n\\c", "", 0), // Kubarium: \u as in a UTF-8 locale
    ("printf", &["%s %s\\n", "a"], "", "a \n", "", 0),
    ("printf", &["plain\\n", "extra"], "", "plain\n", "", 0),
    ("printf", &["%i|%s|%d\\n"], "", "0||0\n", "", 0),
    ("printf", &["-x"], "", "", "bash: printf: -x: invalid option\nprintf: usage: printf [-v var] format [arguments]\n", 2),
    ("printf", &[], "", "", "printf: usage: printf [-v var] format [arguments]\n", 2),
    ("printf", &["--", "%s\\n", "y"], "", "y\n", "", 0),
    ("printf", &["%10.3e|%-8g|\\n", "1234.5", "0.5"], "", " 1.234e+03|0.5     |\n", "", 0),
    ("printf", &["%s=%d\\n", "a", "1", "b"], "", "a=1\nb=0\n", "", 0),
    ("printf", &["%-10s|%10s|\\n", "left", "right"], "", "left      |     right|\n", "", 0),
    ("printf", &["%g %g %g %g %g\\n", "0.00001234", "123456", "1234567", "1e100", "-0.5"], "", "1.234e-05 123456 1.23457e+06 1e+100 -0.5\n", "", 0),
    ("printf", &["%#g %#.3g %.0e\\n", "1", "2", "15000"], "", "1.00000 2.00 2e+04\n", "", 0),
    ("printf", &["%f %f %f\\n", "inf", "-inf", "nan"], "", "inf -inf nan\n", "", 0),
    ("printf", &["%d %d\\n", " 42", "42 "], "", "42 42\n", "bash: printf: 42 : invalid number\n", 1),
    ("printf", &["%.0d|%.0x|%5.0d|\\n", "0", "0", "0"], "", "||     |\n", "", 0),
    ("printf", &["%u\\n", "18446744073709551616"], "", "18446744073709551615\n", "bash: printf: warning: 18446744073709551616: Numerical result out of range\n", 0),
    ("printf", &["%d\\n", "-9223372036854775809"], "", "-9223372036854775808\n", "bash: printf: warning: -9223372036854775809: Numerical result out of range\n", 0),
    ("printf", &["%f\\n", "."], "", "0.000000\n", "bash: printf: .: invalid number\n", 1),
    ("printf", &["%b\\n", "\\0101\\01010\\1010\\0"], "", "AA0A0\0\n", "", 0),
    ("printf", &["\\0101|\\7|\\400\\n"], "", "\u{8}1|\u{7}|\0\n", "", 0),
    ("printf", &["%q\\n", "~x", "a~", "a,b", "a=b", "tab\there", "$(x)", "{a}"], "", "\\~x\na~\na\\,b\na=b\n$'tab\\there'\n\\$\\(x\\)\n\\{a\\}\n", "", 0),
    ("printf", &["%*s|%-*s|\\n", "-5", "a", "3", "b"], "", "a    |b  |\n", "", 0),
    ("printf", &["%d %z\\n", "1", "2"], "", "1 ", "bash: printf: `\\': invalid format character\n", 1),
    ("tee", &["out.txt"], "hi\n", "hi\n", "", 0),
    ("tee", &["-a", "n2"], "more\n", "more\n", "", 0),
    ("tee", &["nodir/x", "d"], "hi\n", "hi\n", "tee: nodir/x: No such file or directory\ntee: d: Is a directory\n", 1),
    ("tee", &["-Q"], "", "", "tee: invalid option -- 'Q'\nTry 'tee --help' for more information.\n", 1),
    ("tee", &["p.txt", "p.txt"], "x\n", "x\n", "", 0),
    ("tee", &["/dev/null"], "x\n", "x\n", "", 0),
    ("diff", &["f1", "f2"], "", "2c2\n< b\n---\n> B\n10c10,11\n< j\n---\n> J\n> k\n", "", 1),
    ("diff", &["-u", "f1", "f2"], "", "--- f1\t2026-01-05 08:00:00.000000000 +0000\n+++ f2\t2026-01-05 08:00:00.000000000 +0000\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -7,4 +7,5 @@\n g\n h\n i\n-j\n+J\n+k\n", "", 1),
    ("diff", &["-U1", "f1", "f2"], "", "--- f1\t2026-01-05 08:00:00.000000000 +0000\n+++ f2\t2026-01-05 08:00:00.000000000 +0000\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n@@ -9,2 +9,3 @@\n i\n-j\n+J\n+k\n", "", 1),
    ("diff", &["-U0", "f1", "f2"], "", "--- f1\t2026-01-05 08:00:00.000000000 +0000\n+++ f2\t2026-01-05 08:00:00.000000000 +0000\n@@ -2 +2 @@\n-b\n+B\n@@ -10 +10,2 @@\n-j\n+J\n+k\n", "", 1),
    ("diff", &["f2", "f1"], "", "2c2\n< B\n---\n> b\n10,11c10\n< J\n< k\n---\n> j\n", "", 1),
    ("diff", &["n1", "n2"], "", "1c1\n< x\n\\ No newline at end of file\n---\n> x\n", "", 1),
    ("diff", &["-u", "n1", "n2"], "", "--- n1\t2026-01-05 08:00:00.000000000 +0000\n+++ n2\t2026-01-05 08:00:00.000000000 +0000\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+x\n", "", 1),
    ("diff", &["f1", "f1"], "", "", "", 0),
    ("diff", &["-s", "f1", "f1"], "", "Files f1 and f1 are identical\n", "", 0),
    ("diff", &["-q", "f1", "f2"], "", "Files f1 and f2 differ\n", "", 1),
    ("diff", &["-i", "f1", "f2"], "", "10a11\n> k\n", "", 1),
    ("diff", &["s.txt", "f1"], "", "1,5c1,10\n< b 2 x\n< a 10 y\n< c 1 z\n< B 2 w\n< a 10 a\n---\n> a\n> b\n> c\n> d\n> e\n> f\n> g\n> h\n> i\n> j\n", "", 1),
    ("diff", &["-u", "s.txt", "u.txt"], "", "--- s.txt\t2026-01-05 08:00:00.000000000 +0000\n+++ u.txt\t2026-01-05 08:00:00.000000000 +0000\n@@ -1,5 +1,7 @@\n-b 2 x\n-a 10 y\n-c 1 z\n-B 2 w\n-a 10 a\n+a\n+a\n+b\n+A\n+c\n+c\n+c\n\\ No newline at end of file\n", "", 1),
    ("diff", &["f1", "nofile"], "", "", "diff: nofile: No such file or directory\n", 2),
    ("diff", &["f1"], "", "", "diff: missing operand after 'f1'\ndiff: Try 'diff --help' for more information.\n", 2),
    ("diff", &[], "", "", "diff: missing operand after 'diff'\ndiff: Try 'diff --help' for more information.\n", 2),
    ("diff", &["a", "b", "c"], "", "", "diff: extra operand 'c'\ndiff: Try 'diff --help' for more information.\n", 2),
    ("diff", &["-Q"], "", "", "diff: invalid option -- 'Q'\ndiff: Try 'diff --help' for more information.\n", 2),
    ("diff", &["-U", "x", "f1", "f2"], "", "", "diff: invalid context length 'x'\ndiff: Try 'diff --help' for more information.\n", 2),
    ("diff", &["--u", "f1", "f2"], "", "", "diff: option '--u' is ambiguous; possibilities: '--unchanged-group-format' '--unchanged-line-format' '--unidirectional-new-file' '--unified'\ndiff: Try 'diff --help' for more information.\n", 2),
    ("diff", &["-", "f1"], "a\nc\nd\nX\ne\n", "1a2\n> b\n4d4\n< X\n5a6,10\n> f\n> g\n> h\n> i\n> j\n", "", 1),
    ("diff", &["-", "f1"], "a\nb\nx\ny\nc\nd\ne\n", "3,4d2\n< x\n< y\n7a6,10\n> f\n> g\n> h\n> i\n> j\n", "", 1),
    ("diff", &["-", "f1"], "j\ni\nh\ng\nf\ne\nd\nc\nb\na\n", "1,9d0\n< j\n< i\n< h\n< g\n< f\n< e\n< d\n< c\n< b\n10a2,10\n> b\n> c\n> d\n> e\n> f\n> g\n> h\n> i\n> j\n", "", 1),
    ("diff", &["-", "f2"], "x\na\nB\nc\nd\ne\nf\ng\nh\ni\nJ\nk\nz\n", "1d0\n< x\n13d11\n< z\n", "", 1),
    ("diff", &["-", "s.txt"], "b 2 x\na 10 y\nq\nc 1 z\nB 2 w\na 10 a\nr\n", "3d2\n< q\n7d5\n< r\n", "", 1),
    ("diff", &["-b", "-"], "x", "", "diff: missing operand after '-'\ndiff: Try 'diff --help' for more information.\n", 2),
    ("diff", &["-w", "-", "n2"], " x \n", "", "", 0),
    ("diff", &["-b", "-", "n2"], " x \n", "1c1\n<  x \n---\n> x\n", "", 1),
    ("diff", &["-", "u.txt"], "a\na\nb\nA\nc\nc\nc\n", "7c7\n< c\n---\n> c\n\\ No newline at end of file\n", "", 1),
    ("basename", &["/a/b.txt", ".txt"], "", "b\n", "", 0),
    ("basename", &["/a/b/"], "", "b\n", "", 0),
    ("basename", &["/"], "", "/\n", "", 0),
    ("basename", &["-a", "x/y", "z/w"], "", "y\nw\n", "", 0),
    ("basename", &["-s", ".txt", "a.txt", "b.txt"], "", "a\nb\n", "", 0),
    ("basename", &[".txt", ".txt"], "", ".txt\n", "", 0),
    ("basename", &[], "", "", "basename: missing operand\nTry 'basename --help' for more information.\n", 1),
    ("basename", &["a", "b", "c"], "", "", "basename: extra operand 'c'\nTry 'basename --help' for more information.\n", 1),
    ("basename", &["a/b.gz/", ".gz"], "", "b\n", "", 0),
    ("dirname", &["/a/b/c", "a", "/", "a/", "b//c/", "//x", "//a//b//", ""], "", "/a/b\n.\n/\n.\nb\n/\n//a\n.\n", "", 0),
    ("dirname", &[], "", "", "dirname: missing operand\nTry 'dirname --help' for more information.\n", 1),
    ("dirname", &["/a//", "./b", "..", "a/../b"], "", "/\n.\n.\na/..\n", "", 0),
    ("rev", &[], "abc\ndef", "cba\nfed", "", 0),
    ("rev", &["nofile", "p.txt"], "", "hsab/nib/:toor/:toor:0:0:x:toor\nnigolon/nibs/rsu/:nibs/rsu/::1:1:x:nomead\nereh retimiled on\n", "rev: cannot open nofile: No such file or directory\n", 1),
    ("rev", &["-z"], "", "", "rev: invalid option -- 'z'\nTry 'rev --help' for more information.\n", 1),
    ("nl", &[], "a\n\nb\n", "     1\ta\n       \n     2\tb\n", "", 0),
    ("nl", &["-ba"], "a\n\nb\n", "     1\ta\n     2\t\n     3\tb\n", "", 0),
    ("nl", &["-w3", "-s:", "-v5", "-i", "2"], "a\nb", "  5:a\n  7:b\n", "", 0),
    ("nl", &["-n", "ln"], "a\n", "1     \ta\n", "", 0),
    ("nl", &["-n", "rz", "-bn"], "a\n", "       a\n", "", 0),
    ("nl", &["-b", "x"], "", "", "nl: invalid body numbering style: 'x'\nTry 'nl --help' for more information.\n", 1),
    ("nl", &["-n", "xx"], "", "", "nl: invalid line numbering format: 'xx'\nTry 'nl --help' for more information.\n", 1),
    ("nl", &["-w", "0"], "", "", "nl: invalid line number field width: '0': Numerical result out of range\n", 1),
    ("nl", &["-v", "x"], "", "", "nl: invalid starting line number: 'x'\n", 1),
    ("nl", &["-b", "t"], "  \n\n a\n", "     1\t  \n       \n     2\t a\n", "", 0),
    ("nl", &["-v", "-2", "-n", "rz", "-w", "4"], "a\nb\nc\nd\n", "-002\ta\n-001\tb\n0000\tc\n0001\td\n", "", 0),
    ("cp", &[], "", "", "cp: missing file operand\nTry 'cp --help' for more information.\n", 1),
    ("cp", &["f1"], "", "", "cp: missing destination file operand after 'f1'\nTry 'cp --help' for more information.\n", 1),
    ("cp", &["nofile", "x"], "", "", "cp: cannot stat 'nofile': No such file or directory\n", 1),
    ("cp", &["f1", "f1"], "", "", "cp: 'f1' and 'f1' are the same file\n", 1),
    ("cp", &["f1", "n1", "nodir"], "", "", "cp: target 'nodir': No such file or directory\n", 1),
    ("cp", &["f1", "n1", "f2"], "", "", "cp: target 'f2': Not a directory\n", 1),
    ("cp", &["d", "x"], "", "", "cp: -r not specified; omitting directory 'd'\n", 1),
    ("cp", &["f1", "nodir/x"], "", "", "cp: cannot create regular file 'nodir/x': No such file or directory\n", 1),
    ("cp", &["-v", "f1", "f3"], "", "'f1' -> 'f3'\n", "", 0),
    ("cp", &["-v", "f1", "n1", "d/"], "", "'f1' -> 'd/f1'\n'n1' -> 'd/n1'\n", "", 0),
    ("cp", &["-rv", "d", "e"], "", "'d' -> 'e'\n'd/in.txt' -> 'e/in.txt'\n", "", 0),
    ("cp", &["-r", "d", "d"], "", "", "cp: cannot copy a directory, 'd', into itself, 'd/d'\n", 1),
    ("cp", &["-Q"], "", "", "cp: invalid option -- 'Q'\nTry 'cp --help' for more information.\n", 1),
    ("cp", &["-r", "d", "f1"], "", "", "cp: cannot overwrite non-directory 'f1' with directory 'd'\n", 1),
    ("cp", &["-v", "f1", "/tmp"], "", "'f1' -> '/tmp/f1'\n", "", 0),
    ("cp", &["-rv", "d", "d2"], "", "'d' -> 'd2'\n'd/in.txt' -> 'd2/in.txt'\n", "", 0),
    ("mv", &[], "", "", "mv: missing file operand\nTry 'mv --help' for more information.\n", 1),
    ("mv", &["f1"], "", "", "mv: missing destination file operand after 'f1'\nTry 'mv --help' for more information.\n", 1),
    ("mv", &["nofile", "x"], "", "", "mv: cannot stat 'nofile': No such file or directory\n", 1),
    ("mv", &["-v", "f1", "f4"], "", "renamed 'f1' -> 'f4'\n", "", 0),
    ("mv", &["n1", "n1"], "", "", "mv: 'n1' and 'n1' are the same file\n", 1),
    ("mv", &["-v", "f1", "n1", "d"], "", "renamed 'f1' -> 'd/f1'\nrenamed 'n1' -> 'd/n1'\n", "", 0),
    ("mv", &["f1", "nodir/x"], "", "", "mv: cannot move 'f1' to 'nodir/x': No such file or directory\n", 1),
    ("mv", &["d", "d3"], "", "", "mv: moving directories is not supported in Kubarium yet\n", 1), // Kubarium: the file system cannot remove directories
    ];

    fn fixture() -> Fs {
        let mut fs = Fs::default();
        fs.mkdir("/root/d", false).unwrap();
        for (name, text) in FIXTURES {
            fs.write(&format!("/root/{name}"), text, false).unwrap();
        }
        fs
    }

    fn exec(fs: &mut Fs, cmd: &str, args: &[&str], stdin: &str) -> (String, String, i32) {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let mut io = Io {
            stdin: Some(stdin.to_string()),
            fs,
            cwd: "/root",
        };
        let res = run(cmd, &args, &mut io).expect("a coreutils command");
        let (mut out, mut err) = (String::new(), String::new());
        for (stream, text) in res.output.chunks {
            match stream {
                Stream::Out => out += &text,
                Stream::Err => err += &text,
            }
        }
        (out, err, res.code)
    }

    /// Whatever a learner types, nothing panics.
    #[test]
    fn never_panics() {
        const WORDS: &[&str] = &[
            "",
            "-",
            "--",
            "é",
            "-é",
            "--é=",
            "-k1.é",
            "-té",
            "1-é",
            "-2",
            "%é",
            "%*.*d",
            "%.9999e",
            "%-9999.9999g",
            "\\",
            "\\é",
            "\\U1F600",
            "\\777",
            "[:é:]",
            "[a*é]",
            "[é*2]",
            "a-",
            "99999999999999999999",
            "0.1",
            "-0",
            "/",
            "d",
            "f1",
            "n1",
            "-w",
            "-s",
            "-U",
            "-rn",
            "%b",
            "\\c",
            "-c",
            "-f",
            "-k2.9,1.9",
            "-t\\0",
            "é-a",
            "-d",
            "--complement",
        ];
        for name in NAMES {
            for a in WORDS {
                for b in WORDS {
                    for stdin in ["é\n\tx\\\n\r", "a b\n\na b"] {
                        exec(&mut fixture(), name, &[a, b], stdin);
                    }
                    exec(&mut fixture(), name, &[a, b, "f1"], "");
                }
            }
        }
    }

    #[test]
    fn changes_files_like_gnu() {
        let mut fs = fixture();
        let read = |fs: &Fs, p: &str| fs.read(p).map(String::from);
        exec(&mut fs, "cp", &["f1", "d/copy"], "");
        exec(&mut fs, "mv", &["n2", "d"], "");
        exec(&mut fs, "tee", &["t1", "-a", "n1"], "y\n");
        exec(&mut fs, "sort", &["-o", "s.txt", "-r", "s.txt"], "");
        exec(&mut fs, "uniq", &["-c", "u.txt", "d/u"], "");
        exec(&mut fs, "cp", &["-r", "d", "e"], "");
        assert_eq!(read(&fs, "/root/d/copy"), read(&fs, "/root/f1"));
        assert_eq!(
            (read(&fs, "/root/n2"), read(&fs, "/root/d/n2")),
            (None, Some("x\n".into()))
        );
        assert_eq!(
            (read(&fs, "/root/t1"), read(&fs, "/root/n1")),
            (Some("y\n".into()), Some("xy\n".into()))
        );
        assert_eq!(
            read(&fs, "/root/s.txt").as_deref(),
            Some("c 1 z\nb 2 x\na 10 y\na 10 a\nB 2 w\n")
        );
        assert_eq!(
            read(&fs, "/root/e/u").as_deref(),
            Some("      2 a\n      1 b\n      1 A\n      3 c\n")
        );
        assert_eq!(read(&fs, "/root/e/in.txt").as_deref(), Some("inside\n"));
    }

    #[test]
    fn seq_stops_at_a_million() {
        let (out, err, code) = exec(&mut fixture(), "seq", &["5000000"], "");
        assert_eq!(
            (out.lines().count(), out.ends_with("1000000\n"), code),
            (1_000_000, true, 1)
        );
        assert_eq!(err, "seq: Kubarium stopped seq after 1000000 numbers\n");
    }

    #[test]
    fn diff_pairs_are_an_increasing_common_subsequence() {
        let a: Vec<u32> = (0..3000).collect();
        let b: Vec<u32> = (0..3000).map(|i| i * 7 % 3001).collect();
        for (x, y) in [(&a[..], &b[..]), (&a[..200], &b[..200]), (&b[..], &b[..])] {
            let pairs = matches(x, y);
            assert!(pairs.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1));
            assert!(pairs.iter().all(|&(i, j)| x[i] == y[j]));
        }
        assert_eq!(matches(&b, &b).len(), 3000);
    }

    #[test]
    fn answers_like_gnu() {
        let mut failures = vec![];
        for (cmd, args, stdin, out, err, code) in CASES {
            let got = exec(&mut fixture(), cmd, args, stdin);
            let want = (out.to_string(), err.to_string(), *code);
            if got != want {
                failures.push(format!("{cmd} {args:?}\n  got  {got:?}\n  want {want:?}"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} differ:\n{}",
            failures.len(),
            CASES.len(),
            failures.join("\n")
        );
    }
}
