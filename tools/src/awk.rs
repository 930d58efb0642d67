//! `awk` as mawk 1.3.4 behaves: a lexer, a Pratt parser and a tree-walking interpreter.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use regex_lite::Regex;

use crate::command::{CmdResult, Output};
use crate::io::Io;

/// Deepest nesting of expressions and statements the parser accepts (a bracket counts
/// twice): parsing is recursive, and a browser gives WebAssembly a 1 MB stack.
const MAX_DEPTH: usize = 100;
/// Times one loop may go round before Kubarium stops the program.
const MAX_LOOP: u64 = 1_000_000;
/// Times all loops together may go round.
const MAX_TOTAL_LOOPS: u64 = 5_000_000;
/// Highest field number a program may assign.
const MAX_FIELD: usize = 100_000;
/// Longest string, and most output, a program may make.
const MAX_LEN: usize = 16 << 20;
/// Widest printf width or precision.
const MAX_WIDTH: usize = 1 << 20;

const USAGE: &str = "Usage: mawk [Options] [Program] [file ...]

Program:
    The -f option value is the name of a file containing program text.
    If no -f option is given, a \"--\" ends option processing; the following
    parameters are the program text.

Options:
    -f program-file  Program  text is read from file instead of from the
                     command-line.  Multiple -f options are accepted.
    -F value         sets the field separator, FS, to value.
    -v var=value     assigns value to program variable var.
    --               unambiguous end of options.
";

const VERSION: &str = "mawk 1.3.4 20200120
Copyright 2008-2019,2020, Thomas E. Dickey
Copyright 1991-1996,2014, Michael D. Brennan

";

pub fn run(args: &[String], io: &mut Io) -> CmdResult {
    let opts = match options(args) {
        Ok(o) => o,
        Err(done) => return done,
    };
    let (text, operands) = if opts.progfiles.is_empty() {
        match opts.rest.split_first() {
            Some((p, rest)) => (p.clone(), rest.to_vec()),
            None => return CmdResult::fail(USAGE, 0),
        }
    } else {
        let mut text = String::new();
        for f in &opts.progfiles {
            match open(io, f) {
                Ok(t) => text.push_str(&t),
                Err(msg) => return CmdResult::fail(msg, 2),
            }
            text.push('\n');
        }
        (text, opts.rest.clone())
    };
    let prog = match parse(&text) {
        Ok(p) => p,
        Err(msg) => return CmdResult::fail(msg, 2),
    };
    let fs = opts.fs.as_deref().map(unescape);
    if let Some(fs) = fs.as_deref().filter(|fs| fs.chars().count() > 1) {
        if let Err(why) = compile(fs) {
            let msg = format!("awk: line 0: regular expression compile failed ({why})\n{fs}\n");
            return CmdResult::fail(msg, 2);
        }
    }
    let mut it = Interp::new(io, &prog, &operands);
    if let Some(fs) = fs {
        it.set_global(FS, Val::Str(fs));
    }
    for a in &opts.assigns {
        if let Some((name, value)) = cmd_assign(a) {
            it.assign_name(name, value);
        }
    }
    let result = it.execute(&prog, &operands);
    it.finish(result)
}

#[derive(Default)]
struct Opts {
    fs: Option<String>,
    assigns: Vec<String>,
    progfiles: Vec<String>,
    rest: Vec<String>,
}

/// The options, or what to answer straight away (`-W version`, a bad option).
fn options(args: &[String]) -> Result<Opts, CmdResult> {
    let bad = |msg: String| Err(CmdResult::fail(msg, 2));
    let mut o = Opts::default();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a == "--" {
            i += 1;
            break;
        }
        let mut chars = a.chars();
        if chars.next() != Some('-') || a.len() < 2 {
            break;
        }
        let flag = chars.next().unwrap_or('-');
        let attached = chars.as_str();
        if !matches!(flag, 'F' | 'v' | 'f' | 'W') {
            return bad(format!("awk: not an option: {a}\n"));
        }
        let value = if attached.is_empty() {
            i += 1;
            args.get(i).cloned()
        } else {
            Some(attached.to_string())
        };
        let Some(value) = value else {
            return bad(format!("awk: option -{flag} lacks argument\n"));
        };
        match flag {
            'F' => o.fs = Some(value),
            'f' => o.progfiles.push(value),
            'W' if value.starts_with('v') => return Err(CmdResult::ok(VERSION)),
            'W' => return bad(unsupported(&format!("-W {value}"))),
            _ if cmd_assign(&value).is_none() => {
                return bad(format!("awk: improper assignment: -v {value}\n"))
            }
            _ => o.assigns.push(value),
        }
        i += 1;
    }
    o.rest = args.get(i..).unwrap_or_default().to_vec();
    Ok(o)
}

/// `name=value` as a command-line assignment, if it is one.
fn cmd_assign(s: &str) -> Option<(&str, &str)> {
    let (name, value) = s.split_once('=')?;
    let mut chars = name.chars();
    let first = chars.next()?;
    let ok = (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then_some((name, value))
}

/// A file's text, or mawk's message for it.
fn open(io: &Io, name: &str) -> Result<String, String> {
    let path = io.path(name);
    if io.fs.is_dir(&path) {
        return Err("awk: read error (Is a directory)\n".into());
    }
    io.fs
        .read(&path)
        .map(str::to_string)
        .ok_or_else(|| format!("awk: cannot open {name} (No such file or directory)\n"))
}

fn unsupported(what: &str) -> String {
    format!("awk: {what} is not supported in Kubarium yet\n")
}

// ---------------------------------------------------------------- values

#[derive(Clone, Debug, Default)]
enum Val {
    #[default]
    Uninit,
    Num(f64),
    Str(String),
    /// Input text that looks like a number: a field, a split piece, a `-v` value.
    Strnum(String),
}

impl Val {
    fn input(s: String) -> Val {
        if looks_numeric(&s) {
            Val::Strnum(s)
        } else {
            Val::Str(s)
        }
    }

    fn num(&self) -> f64 {
        match self {
            Val::Uninit => 0.0,
            Val::Num(d) => *d,
            Val::Str(s) | Val::Strnum(s) => strtod(s).0,
        }
    }

    fn text(&self, convfmt: &str) -> String {
        match self {
            Val::Uninit => String::new(),
            Val::Num(d) => num_str(*d, convfmt),
            Val::Str(s) | Val::Strnum(s) => s.clone(),
        }
    }

    fn truthy(&self) -> bool {
        match self {
            Val::Uninit => false,
            Val::Num(d) => *d != 0.0,
            Val::Strnum(s) => strtod(s).0 != 0.0,
            Val::Str(s) => !s.is_empty(),
        }
    }
}

fn bool_val(b: bool) -> Val {
    Val::Num(if b { 1.0 } else { 0.0 })
}

/// C's `strtod`: the number at the start of `s` and how many bytes it took.
fn strtod(s: &str) -> (f64, usize) {
    let b = s.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let mut i = 0;
    while b.get(i).is_some_and(|c| b" \t\n\r\x0b\x0c".contains(c)) {
        i += 1;
    }
    let start = i;
    if matches!(b.get(i), Some(b'+' | b'-')) {
        i += 1;
    }
    let negative = b.get(start) == Some(&b'-');
    let signed = |v: f64| if negative { -v } else { v };
    let word = |w: &str| {
        b.get(i..i + w.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(w.as_bytes()))
    };
    for (w, v) in [
        ("infinity", f64::INFINITY),
        ("inf", f64::INFINITY),
        ("nan", f64::NAN),
    ] {
        if word(w) {
            return (signed(v), i + w.len());
        }
    }
    if b.get(i) == Some(&b'0')
        && matches!(b.get(i + 1), Some(b'x' | b'X'))
        && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
    {
        let mut j = i + 2;
        let mut v = 0.0;
        while let Some(d) = b.get(j).and_then(|c| char::from(*c).to_digit(16)) {
            v = v * 16.0 + f64::from(d);
            j += 1;
        }
        return (signed(v), j);
    }
    let mantissa = i;
    while digit(i) {
        i += 1;
    }
    let mut count = i - mantissa;
    if b.get(i) == Some(&b'.') {
        let mut j = i + 1;
        while digit(j) {
            j += 1;
        }
        count += j - i - 1;
        if count > 0 {
            i = j;
        }
    }
    if count == 0 {
        return (0.0, 0);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let j = if matches!(b.get(i + 1), Some(b'+' | b'-')) {
            i + 2
        } else {
            i + 1
        };
        if digit(j) {
            i = j;
            while digit(i) {
                i += 1;
            }
        }
    }
    let v = s.get(start..i).and_then(|t| t.parse().ok()).unwrap_or(0.0);
    (v, i)
}

/// mawk's test for input that counts as a number in comparisons.
fn looks_numeric(s: &str) -> bool {
    let t = s.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\x0b' | '\x0c'));
    let (Some(first), Some(last)) = (t.chars().next(), t.chars().last()) else {
        return false;
    };
    (last.is_ascii_digit() || last == '.')
        && (first.is_ascii_digit() || matches!(first, '+' | '-' | '.'))
        && strtod(t).1 == t.len()
}

/// mawk's double-to-int: truncates, and clamps to ±`i32::MAX`.
fn d_to_i(d: f64) -> i32 {
    if d >= f64::from(i32::MAX) {
        i32::MAX
    } else if d > -f64::from(i32::MAX) {
        d as i32
    } else {
        -i32::MAX
    }
}

fn d_to_u(d: f64) -> u32 {
    if d >= f64::from(u32::MAX) {
        u32::MAX
    } else if d > 0.0 {
        d as u32
    } else {
        0
    }
}

/// A number as awk writes it: integers plainly, anything else through CONVFMT/OFMT.
fn num_str(d: f64, fmt: &str) -> String {
    let i = d_to_i(d);
    if f64::from(i) == d {
        return i.to_string();
    }
    let g = |d| {
        fmt_float(
            d,
            'g',
            &Spec {
                prec: Some(6),
                ..Spec::default()
            },
        )
    };
    if fmt == "%.6g" {
        return g(d);
    }
    sprintf(fmt, &[Val::Num(d)], "%.6g", "sprintf").unwrap_or_else(|_| g(d))
}

// ---------------------------------------------------------------- printf

#[derive(Default)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    alt: bool,
    zero: bool,
    width: usize,
    prec: Option<usize>,
}

fn sprintf(fmt: &str, args: &[Val], convfmt: &str, who: &str) -> Result<String, String> {
    let mut out = String::new();
    format_into(&mut out, fmt, args, convfmt, who)?;
    Ok(out)
}

/// printf's formatting, into `out` as far as it gets before any error.
fn format_into(
    out: &mut String,
    fmt: &str,
    args: &[Val],
    convfmt: &str,
    who: &str,
) -> Result<(), String> {
    let chars: Vec<char> = fmt.chars().collect();
    let mut args = args.iter();
    let missing = || format!("not enough arguments passed to {who}(\"{fmt}\")");
    let (mut i, mut count) = (0, 0);
    while let Some(&c) = chars.get(i) {
        i += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.get(i) == Some(&'%') {
            out.push('%');
            i += 1;
            continue;
        }
        count += 1;
        let mut spec = Spec::default();
        while let Some(&f) = chars.get(i) {
            match f {
                '-' => spec.left = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '#' => spec.alt = true,
                '0' => spec.zero = true,
                _ => break,
            }
            i += 1;
        }
        if chars.get(i) == Some(&'*') {
            i += 1;
            let w = d_to_i(args.next().ok_or_else(missing)?.num());
            spec.left |= w < 0;
            spec.width = w.unsigned_abs() as usize;
        } else {
            spec.width = digits(&chars, &mut i);
        }
        if chars.get(i) == Some(&'.') {
            i += 1;
            spec.prec = Some(if chars.get(i) == Some(&'*') {
                i += 1;
                d_to_i(args.next().ok_or_else(missing)?.num()).max(0) as usize
            } else {
                digits(&chars, &mut i)
            });
        }
        while matches!(chars.get(i), Some('l' | 'h')) {
            i += 1;
        }
        spec.width = spec.width.min(MAX_WIDTH);
        spec.prec = spec.prec.map(|p| p.min(MAX_WIDTH));
        let conv = chars.get(i).copied();
        i += 1;
        let v = args.next().ok_or_else(missing)?;
        out.push_str(&match conv {
            Some('d' | 'i') => fmt_int(i64::from(d_to_i(v.num())), &spec),
            Some(c @ ('o' | 'x' | 'X' | 'u')) => fmt_uint(d_to_u(v.num()), c, &spec),
            Some('c') => pad("", &char_of(v), &spec, false),
            Some('s') => {
                let s = v.text(convfmt);
                let s = match spec.prec {
                    Some(p) => {
                        String::from_utf8_lossy(s.as_bytes().get(..p).unwrap_or(s.as_bytes()))
                            .into_owned()
                    }
                    None => s,
                };
                pad("", &s, &spec, false)
            }
            Some(c @ ('e' | 'E' | 'f' | 'F' | 'g' | 'G')) => fmt_float(v.num(), c, &spec),
            _ => {
                return Err(format!(
                    "improper conversion(number {count}) in {who}(\"{fmt}\")"
                ))
            }
        });
    }
    Ok(())
}

fn digits(chars: &[char], i: &mut usize) -> usize {
    let mut n: usize = 0;
    while let Some(d) = chars.get(*i).and_then(|c| c.to_digit(10)) {
        n = n.saturating_mul(10).saturating_add(d as usize);
        *i += 1;
    }
    n
}

fn char_of(v: &Val) -> String {
    match v {
        Val::Num(_) | Val::Strnum(_) => char::from(d_to_i(v.num()) as u8).to_string(),
        Val::Str(s) => s.chars().take(1).collect(),
        Val::Uninit => String::new(),
    }
}

/// `prefix` (a sign or `0x`) and `body` padded to the spec's width.
fn pad(prefix: &str, body: &str, spec: &Spec, zero_ok: bool) -> String {
    let len = prefix.len() + body.len();
    let fill = spec.width.saturating_sub(len);
    if spec.left {
        format!("{prefix}{body}{}", " ".repeat(fill))
    } else if spec.zero && zero_ok {
        format!("{prefix}{}{body}", "0".repeat(fill))
    } else {
        format!("{}{prefix}{body}", " ".repeat(fill))
    }
}

fn sign(negative: bool, spec: &Spec) -> &'static str {
    match (negative, spec.plus, spec.space) {
        (true, _, _) => "-",
        (false, true, _) => "+",
        (false, false, true) => " ",
        _ => "",
    }
}

fn fmt_int(v: i64, spec: &Spec) -> String {
    let mut body = v.unsigned_abs().to_string();
    if let Some(p) = spec.prec {
        if p == 0 && v == 0 {
            body.clear();
        }
        body = format!("{body:0>p$}");
    }
    pad(sign(v < 0, spec), &body, spec, spec.prec.is_none())
}

fn fmt_uint(u: u32, conv: char, spec: &Spec) -> String {
    let mut body = match conv {
        'o' => format!("{u:o}"),
        'x' => format!("{u:x}"),
        'X' => format!("{u:X}"),
        _ => u.to_string(),
    };
    if let Some(p) = spec.prec {
        if p == 0 && u == 0 {
            body.clear();
        }
        body = format!("{body:0>p$}");
    }
    let prefix = match conv {
        'o' if spec.alt && !body.starts_with('0') => "0",
        'x' if spec.alt && u != 0 => "0x",
        'X' if spec.alt && u != 0 => "0X",
        _ => "",
    };
    pad(prefix, &body, spec, spec.prec.is_none())
}

fn fmt_float(d: f64, conv: char, spec: &Spec) -> String {
    let upper = conv.is_ascii_uppercase();
    if !d.is_finite() {
        let body = if d.is_nan() { "nan" } else { "inf" };
        let body = if upper {
            body.to_uppercase()
        } else {
            body.to_string()
        };
        return pad(sign(d.is_sign_negative(), spec), &body, spec, false);
    }
    let p = spec.prec.unwrap_or(6);
    let x = d.abs();
    let body = match conv.to_ascii_lowercase() {
        'f' if spec.alt && p == 0 => format!("{x:.0}."),
        'f' => format!("{x:.p$}"),
        'e' => fmt_exp(x, p, spec.alt),
        _ => fmt_g(x, p, spec.alt),
    };
    let body = if upper { body.to_uppercase() } else { body };
    pad(sign(d.is_sign_negative(), spec), &body, spec, true)
}

/// `%e`: Rust's `1.5e3` as C's `1.500000e+03`.
fn fmt_exp(x: f64, p: usize, alt: bool) -> String {
    let s = format!("{x:.p$e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let dot = if alt && p == 0 { "." } else { "" };
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}{dot}e{sign}{:02}", exp.unsigned_abs())
}

fn fmt_g(x: f64, p: usize, alt: bool) -> String {
    let p = p.max(1);
    let exp = if x == 0.0 {
        0
    } else {
        let s = format!("{x:.prec$e}", prec = p - 1);
        s.split_once('e')
            .and_then(|(_, e)| e.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let s = if exp < -4 || exp >= p as i64 {
        fmt_exp(x, p - 1, alt)
    } else {
        format!("{x:.prec$}", prec = (p as i64 - 1 - exp).max(0) as usize)
    };
    if alt {
        return s;
    }
    let strip = |m: &str| {
        if m.contains('.') {
            m.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            m.to_string()
        }
    };
    match s.split_once('e') {
        Some((m, e)) => format!("{}e{e}", strip(m)),
        None => strip(&s),
    }
}

// ---------------------------------------------------------------- regular expressions

/// Compiles a POSIX extended regular expression as mawk reads it.
fn compile(src: &str) -> Result<Regex, String> {
    let pattern = translate(src)?;
    Regex::new(&pattern).map_err(|_| "bad regular expression".to_string())
}

/// Rewrites an ERE in regex-lite's syntax: braces and unknown escapes are literal, `.`
/// matches newlines, and a leading `*` is an ordinary character.
fn translate(re: &str) -> Result<String, String> {
    let chars: Vec<char> = re.chars().collect();
    let mut out = String::from("(?s)");
    let (mut i, mut depth, mut operand_next) = (0, 0usize, true);
    while let Some(&c) = chars.get(i) {
        i += 1;
        let at_start = std::mem::replace(&mut operand_next, false);
        match c {
            '\\' => out.push_str(&regex_lite::escape(
                &escape_char(&chars, &mut i).to_string(),
            )),
            '[' => i = bracket(&chars, i, &mut out)?,
            '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '*' | '+' | '?' if at_start => return Err("missing operand".into()),
            '(' | '|' | '^' => {
                depth += usize::from(c == '(');
                operand_next = true;
                out.push(c);
            }
            ')' => {
                depth = depth.checked_sub(1).ok_or("missing '('")?;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    if depth > 0 {
        return Err("missing ')'".into());
    }
    Ok(out)
}

/// The character a backslash escape at `chars[*i]` stands for.
fn escape_char(chars: &[char], i: &mut usize) -> char {
    let Some(&c) = chars.get(*i) else {
        return '\\';
    };
    *i += 1;
    match c {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'f' => '\x0c',
        'v' => '\x0b',
        'a' => '\x07',
        _ => c,
    }
}

/// Copies a bracket expression that starts at `chars[i]` (just past the `[`).
fn bracket(chars: &[char], mut i: usize, out: &mut String) -> Result<usize, String> {
    out.push('[');
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    let start = i;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err("bad class -- [], [^] or [".into());
        };
        i += 1;
        match c {
            ']' if i - 1 > start => {
                out.push(']');
                return Ok(i);
            }
            '[' if chars.get(i) == Some(&':') => {
                let rest: String = chars.get(i..).unwrap_or_default().iter().collect();
                match rest.find(":]") {
                    Some(end) => {
                        out.push('[');
                        out.push_str(rest.get(..end + 2).unwrap_or_default());
                        i += rest.get(..end + 2).unwrap_or_default().chars().count();
                    }
                    None => out.push_str("\\["),
                }
            }
            '\\' => class_char(out, escape_char(chars, &mut i)),
            '-' if i - 1 > start && chars.get(i) != Some(&']') => out.push('-'),
            _ => class_char(out, c),
        }
    }
}

fn class_char(out: &mut String, c: char) {
    if matches!(c, '[' | ']' | '\\' | '&' | '~' | '-' | '^') {
        out.push('\\');
    }
    out.push(c);
}

/// How text is cut into fields.
enum Sep {
    Space,
    Chars,
    Char(char),
    Re(Regex),
}

fn split_by(sep: &Sep, s: &str) -> Vec<String> {
    if s.is_empty() {
        return vec![];
    }
    match sep {
        Sep::Space => s
            .split([' ', '\t', '\n'])
            .filter(|f| !f.is_empty())
            .map(String::from)
            .collect(),
        Sep::Chars => s.chars().map(String::from).collect(),
        Sep::Char(c) => s.split(*c).map(String::from).collect(),
        Sep::Re(re) => re.split(s).map(String::from).collect(),
    }
}

/// `sub`/`gsub`: the text with matches replaced, and how many were.
fn replace(re: &Regex, s: &str, repl: &str, global: bool) -> (String, usize) {
    let next_char = |at: usize| s.get(at..).and_then(|t| t.chars().next());
    let (mut out, mut pos, mut n, mut last_end) = (String::new(), 0, 0, None);
    while pos <= s.len() {
        let Some(m) = re.find_at(s, pos) else { break };
        if m.is_empty() && last_end == Some(m.start()) {
            // An empty match right after a match: step over one character.
            let Some(c) = next_char(m.start()) else { break };
            out.push_str(s.get(pos..m.start() + c.len_utf8()).unwrap_or_default());
            pos = m.start() + c.len_utf8();
            continue;
        }
        out.push_str(s.get(pos..m.start()).unwrap_or_default());
        expand(&mut out, repl, m.as_str());
        n += 1;
        last_end = Some(m.end());
        pos = m.end();
        if !global {
            break;
        }
        if m.is_empty() {
            let Some(c) = next_char(pos) else { break };
            out.push(c);
            pos += c.len_utf8();
        }
    }
    out.push_str(s.get(pos..).unwrap_or_default());
    (out, n)
}

/// A replacement: `&` is the match, `\&` a literal `&`, `\\` a backslash.
fn expand(out: &mut String, repl: &str, matched: &str) {
    let mut chars = repl.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&n @ ('&' | '\\'))) => {
                out.push(n);
                chars.next();
            }
            ('&', _) => out.push_str(matched),
            _ => out.push(c),
        }
    }
}

/// Backslash escapes in string constants and `-v` values.
fn unescape(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some(o @ '0'..='7') => {
                let mut v = o.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => v = v * 8 + d,
                        None => break,
                    }
                    chars.next();
                }
                out.push(char::from(v as u8));
            }
            Some(e @ ('n' | 't' | 'r' | 'f' | 'v' | 'a' | 'b')) => out.push(match e {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                'f' => '\x0c',
                'v' => '\x0b',
                'a' => '\x07',
                _ => '\x08',
            }),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

// ---------------------------------------------------------------- lexer

#[derive(Clone, Debug, PartialEq)]
enum T {
    Num(f64),
    Str(String),
    Re(String),
    Name(String),
    /// A name written right against `(`: a function call.
    Func(String),
    Op(&'static str),
    Nl,
    Eof,
}

#[derive(Clone, Debug)]
struct Tok {
    t: T,
    line: usize,
    text: String,
    /// Brackets left open once this token is read, for mawk's "missing )" messages.
    parens: usize,
    braces: usize,
}

const OPS: &[&str] = &[
    "&&", "||", "==", "<=", ">=", "!=", "++", "--", "+=", "-=", "*=", "/=", "%=", "^=", ">>", "!~",
    "{", "}", "(", ")", "[", "]", ";", ",", "+", "-", "*", "/", "%", "^", "!", ">", "<", "|", "?",
    ":", "~", "$", "=",
];

const KEYWORDS: &[&str] = &[
    "BEGIN", "END", "function", "func", "if", "else", "while", "for", "do", "break", "continue",
    "next", "nextfile", "exit", "return", "delete", "in", "getline", "print", "printf",
];

struct Lexer {
    src: Vec<char>,
    i: usize,
    line: usize,
    toks: Vec<Tok>,
    parens: usize,
    braces: usize,
    /// mawk's complaints about a `)` or `}` with nothing open.
    extras: String,
}

fn lex(src: &str) -> Result<(Vec<Tok>, String), String> {
    let mut lx = Lexer {
        src: src.chars().collect(),
        i: 0,
        line: 1,
        toks: vec![],
        parens: 0,
        braces: 0,
        extras: String::new(),
    };
    while let Some(c) = lx.peek(0) {
        lx.token(c)?;
    }
    lx.push(T::Eof, "end of line".into());
    Ok((lx.toks, lx.extras))
}

impl Lexer {
    fn peek(&self, k: usize) -> Option<char> {
        self.src.get(self.i + k).copied()
    }

    fn push(&mut self, t: T, text: String) {
        self.toks.push(Tok {
            t,
            line: self.line,
            text,
            parens: self.parens,
            braces: self.braces,
        });
    }

    fn since(&self, start: usize) -> String {
        self.src
            .get(start..self.i)
            .unwrap_or_default()
            .iter()
            .collect()
    }

    fn token(&mut self, c: char) -> Result<(), String> {
        match c {
            ' ' | '\t' | '\r' => self.i += 1,
            '\\' if self.peek(1) == Some('\n') => {
                self.i += 2;
                self.line += 1;
            }
            '\n' => {
                self.push(T::Nl, "end of line".into());
                self.i += 1;
                self.line += 1;
            }
            '#' => {
                while self.peek(0).is_some_and(|c| c != '\n') {
                    self.i += 1;
                }
            }
            '"' => self.string()?,
            '/' if self.regex_allowed() => self.regex()?,
            '0'..='9' => self.number(),
            '.' if self.peek(1).is_some_and(|d| d.is_ascii_digit()) => self.number(),
            c if c.is_ascii_alphabetic() || c == '_' => self.name(),
            _ => self.op(c)?,
        }
        Ok(())
    }

    /// Whether a `/` here starts a regular expression rather than dividing.
    fn regex_allowed(&self) -> bool {
        match self.toks.last().map(|t| &t.t) {
            Some(T::Num(_) | T::Str(_) | T::Re(_)) => false,
            Some(T::Name(n)) => KEYWORDS.contains(&n.as_str()),
            Some(T::Op(o)) => !matches!(*o, ")" | "]" | "$" | "++" | "--"),
            _ => true,
        }
    }

    fn digits(&mut self) {
        while self.peek(0).is_some_and(|d| d.is_ascii_digit()) {
            self.i += 1;
        }
    }

    fn number(&mut self) {
        let start = self.i;
        self.digits();
        if self.peek(0) == Some('.') {
            self.i += 1;
            self.digits();
        }
        if matches!(self.peek(0), Some('e' | 'E')) {
            let k = if matches!(self.peek(1), Some('+' | '-')) {
                2
            } else {
                1
            };
            if self.peek(k).is_some_and(|d| d.is_ascii_digit()) {
                self.i += k;
                self.digits();
            }
        }
        let text = self.since(start);
        self.push(T::Num(strtod(&text).0), text);
    }

    fn name(&mut self) {
        let start = self.i;
        while self
            .peek(0)
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.i += 1;
        }
        let name = self.since(start);
        let t = if self.peek(0) == Some('(') && !KEYWORDS.contains(&name.as_str()) {
            T::Func(name.clone())
        } else {
            T::Name(name.clone())
        };
        self.push(t, name);
    }

    fn string(&mut self) -> Result<(), String> {
        let start = self.i;
        self.i += 1;
        let mut raw = String::new();
        loop {
            match self.peek(0) {
                Some('"') => break,
                Some('\\') if self.peek(1) == Some('\n') => {
                    self.i += 2;
                    self.line += 1;
                    continue;
                }
                Some('\\') => {
                    raw.push('\\');
                    self.i += 1;
                    if let Some(n) = self.peek(0) {
                        raw.push(n);
                    }
                }
                Some('\n') | None => {
                    return Err(format!(
                        "awk: line {}: runaway string constant \"{raw} ...\n",
                        self.line
                    ))
                }
                Some(c) => raw.push(c),
            }
            self.i += 1;
        }
        self.i += 1;
        let text = self.since(start);
        self.push(T::Str(unescape(&raw)), text);
        Ok(())
    }

    fn regex(&mut self) -> Result<(), String> {
        self.i += 1;
        let mut raw = String::new();
        let mut class = false;
        loop {
            let c = self.peek(0);
            self.i += 1;
            match c {
                Some('\n') | None => {
                    return Err(format!(
                        "awk: line {}: runaway regular expression /{raw} ...\n",
                        self.line
                    ))
                }
                Some('\\') => {
                    match self.peek(0) {
                        Some('/') => raw.push('/'),
                        Some(n) => {
                            raw.push('\\');
                            raw.push(n);
                        }
                        None => raw.push('\\'),
                    }
                    self.i += 1;
                }
                Some('[') if !class => {
                    class = true;
                    raw.push('[');
                    for lead in ['^', ']'] {
                        if self.peek(0) == Some(lead) {
                            raw.push(lead);
                            self.i += 1;
                        }
                    }
                }
                Some(']') if class => {
                    class = false;
                    raw.push(']');
                }
                Some('/') if !class => break,
                Some(c) => raw.push(c),
            }
        }
        let text = format!("/{raw}/");
        self.push(T::Re(raw), text);
        Ok(())
    }

    fn op(&mut self, c: char) -> Result<(), String> {
        let two: String = [Some(c), self.peek(1)].into_iter().flatten().collect();
        let one = c.to_string();
        let Some(&op) = OPS
            .iter()
            .find(|o| **o == two)
            .or_else(|| OPS.iter().find(|o| **o == one))
        else {
            return Err(format!("awk: {}: unexpected character '{c}'\n", self.line));
        };
        self.i += op.len();
        let (open, close) = match op {
            "(" | ")" => (&mut self.parens, ")"),
            "{" | "}" => (&mut self.braces, "}"),
            _ => {
                self.push(T::Op(op), op.to_string());
                return Ok(());
            }
        };
        if op != close {
            *open += 1;
        } else if *open == 0 {
            self.extras += &format!("awk: line {}: extra '{op}'\n", self.line);
            return Ok(());
        } else {
            *open -= 1;
        }
        self.push(T::Op(op), op.to_string());
        Ok(())
    }
}

// ---------------------------------------------------------------- syntax tree

#[derive(Clone, Copy, Debug, PartialEq)]
enum Var {
    Nr,
    Fnr,
    Nf,
    Global(usize),
}

/// Special variables, at fixed places among the globals.
const SPECIALS: [&str; 11] = [
    "FS", "OFS", "ORS", "RS", "SUBSEP", "CONVFMT", "OFMT", "RSTART", "RLENGTH", "FILENAME", "ARGC",
];
const FS: usize = 0;
const OFS: usize = 1;
const ORS: usize = 2;
const RS: usize = 3;
const SUBSEP: usize = 4;
const CONVFMT: usize = 5;
const OFMT: usize = 6;
const RSTART: usize = 7;
const RLENGTH: usize = 8;
const FILENAME: usize = 9;
const ARGC: usize = 10;
const ARGV: usize = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bf {
    Length,
    Substr,
    Index,
    Split,
    Sub,
    Gsub,
    Match,
    Sprintf,
    Sin,
    Cos,
    Atan2,
    Exp,
    Log,
    Sqrt,
    Int,
    Rand,
    Srand,
    Tolower,
    Toupper,
    Close,
    Fflush,
    System,
}

/// A builtin function by name, with the fewest and most arguments it takes.
fn builtin(name: &str) -> Option<(Bf, usize, usize)> {
    Some(match name {
        "length" => (Bf::Length, 0, 1),
        "substr" => (Bf::Substr, 2, 3),
        "index" => (Bf::Index, 2, 2),
        "split" => (Bf::Split, 2, 3),
        "sub" => (Bf::Sub, 2, 3),
        "gsub" => (Bf::Gsub, 2, 3),
        "match" => (Bf::Match, 2, 2),
        "sprintf" => (Bf::Sprintf, 1, usize::MAX),
        "sin" => (Bf::Sin, 1, 1),
        "cos" => (Bf::Cos, 1, 1),
        "atan2" => (Bf::Atan2, 2, 2),
        "exp" => (Bf::Exp, 1, 1),
        "log" => (Bf::Log, 1, 1),
        "sqrt" => (Bf::Sqrt, 1, 1),
        "int" => (Bf::Int, 1, 1),
        "rand" => (Bf::Rand, 0, 0),
        "srand" => (Bf::Srand, 0, 1),
        "tolower" => (Bf::Tolower, 1, 1),
        "toupper" => (Bf::Toupper, 1, 1),
        "close" => (Bf::Close, 1, 1),
        "fflush" => (Bf::Fflush, 0, 1),
        "system" => (Bf::System, 1, 1),
        _ => return None,
    })
}

#[derive(Debug)]
enum Lv {
    Var(Var),
    Field(Box<Expr>),
    Elem(usize, Vec<Expr>),
}

#[derive(Debug)]
enum Expr {
    Num(f64),
    Str(String),
    Re(Regex),
    Lv(Lv),
    Assign(Option<&'static str>, Lv, Box<Expr>),
    /// The lvalue, the step and whether it is a prefix `++`/`--`.
    IncDec(Lv, f64, bool),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    Cmp(&'static str, Box<Expr>, Box<Expr>),
    Concat(Box<Expr>, Box<Expr>),
    /// `~` (or `!~` when negated).
    Match(bool, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Plus(Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    In(Vec<Expr>, usize),
    /// `(a, b)` after `print`.
    Group(Vec<Expr>),
    Call(Bf, Vec<Expr>),
    Split(Box<Expr>, usize, Option<Box<Expr>>),
    /// `gsub` when global: the regex, the replacement and the target.
    Sub(bool, Box<[Expr; 2]>, Lv),
    ArrLen(usize),
}

#[derive(Debug)]
struct Redir {
    append: bool,
    target: Expr,
}

#[derive(Debug)]
enum Stmt {
    Expr(Expr),
    Print(Vec<Expr>, Option<Redir>),
    Printf(Vec<Expr>, Option<Redir>),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    While(Expr, Box<Stmt>),
    Do(Box<Stmt>, Expr),
    For(Option<Expr>, Option<Expr>, Option<Expr>, Box<Stmt>),
    ForIn(Var, usize, Box<Stmt>),
    Block(Vec<Stmt>),
    Next,
    NextFile,
    Exit(Option<Expr>),
    Break,
    Continue,
    Delete(usize, Option<Vec<Expr>>),
    Nop,
}

enum Pat {
    Begin,
    End,
    All,
    Expr(Expr),
    Range(Expr, Expr),
}

struct Item {
    pat: Pat,
    action: Option<Vec<Stmt>>,
}

struct Program {
    items: Vec<Item>,
    names: Names,
}

#[derive(Clone, Copy)]
enum Slot {
    Var(Var),
    Arr(usize),
}

/// A string constant where a regex goes, compiled now as mawk does.
fn const_regex(e: Expr, line: usize) -> PResult<Expr> {
    match e {
        Expr::Str(src) => compile(&src).map(Expr::Re).map_err(|why| {
            format!("awk: line {line}: regular expression compile failed ({why})\n{src}\n")
        }),
        e => Ok(e),
    }
}

/// Which names are scalars and which arrays, numbered as the parser meets them.
struct Names {
    map: HashMap<String, Slot>,
    vars: usize,
    arrays: usize,
}

impl Names {
    fn new() -> Names {
        let mut map: HashMap<String, Slot> = SPECIALS
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), Slot::Var(Var::Global(i))))
            .collect();
        for (n, v) in [("NR", Var::Nr), ("FNR", Var::Fnr), ("NF", Var::Nf)] {
            map.insert(n.into(), Slot::Var(v));
        }
        map.insert("ENVIRON".into(), Slot::Arr(0));
        map.insert("ARGV".into(), Slot::Arr(ARGV));
        Names {
            map,
            vars: SPECIALS.len(),
            arrays: 2,
        }
    }

    fn scalar(&mut self, name: &str, line: usize) -> PResult<Var> {
        match self.map.get(name) {
            Some(Slot::Var(v)) => Ok(*v),
            Some(Slot::Arr(_)) => Err(format!(
                "awk: line {line}: illegal reference to array {name}\n"
            )),
            None => {
                let v = Var::Global(self.vars);
                self.vars += 1;
                self.map.insert(name.into(), Slot::Var(v));
                Ok(v)
            }
        }
    }

    fn array(&mut self, name: &str, line: usize) -> PResult<usize> {
        match self.map.get(name) {
            Some(Slot::Arr(a)) => Ok(*a),
            Some(Slot::Var(_)) => Err(format!(
                "awk: line {line}: illegal reference to variable {name}\n"
            )),
            None => {
                let a = self.arrays;
                self.arrays += 1;
                self.map.insert(name.into(), Slot::Arr(a));
                Ok(a)
            }
        }
    }
}

// ---------------------------------------------------------------- parser

type PResult<X> = Result<X, String>;

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    eof: Tok,
    depth: usize,
    /// Inside `print`'s arguments, where `>` redirects.
    no_gt: bool,
    /// The next primary may be `(a, b)`, `print`'s parenthesised list.
    group_ok: bool,
    loops: usize,
    /// In BEGIN or END, where `next` makes no sense.
    special: bool,
    names: Names,
}

fn too_deep(line: usize) -> String {
    format!("awk: line {line}: Kubarium stopped parsing: the program nests too deeply\n")
}

fn parse(src: &str) -> PResult<Program> {
    let (toks, extras) = lex(src)?;
    let eof = toks.last().cloned().unwrap_or(Tok {
        t: T::Eof,
        line: 1,
        text: String::new(),
        parens: 0,
        braces: 0,
    });
    let line = eof.line;
    let mut p = Parser {
        toks,
        pos: 0,
        eof,
        depth: 0,
        no_gt: false,
        group_ok: false,
        loops: 0,
        special: false,
        names: Names::new(),
    };
    match p.program() {
        Ok(items) if extras.is_empty() => Ok(Program {
            items,
            names: p.names,
        }),
        Ok(_) => Err(format!(
            "{extras}awk: line {line}: syntax error at or near end of line\n"
        )),
        Err(e) => Err(format!("{extras}{e}")),
    }
}

impl Parser {
    fn tok(&self) -> &Tok {
        self.toks.get(self.pos).unwrap_or(&self.eof)
    }

    fn peek(&self) -> &T {
        &self.tok().t
    }

    fn peek_at(&self, k: usize) -> Option<&T> {
        self.toks.get(self.pos + k).map(|t| &t.t)
    }

    fn at(&self, op: &str) -> bool {
        matches!(self.peek(), T::Op(o) if *o == op)
    }

    fn at_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), T::Name(n) if n == kw)
    }

    fn keyword(&self) -> String {
        match self.peek() {
            T::Name(n) => n.clone(),
            _ => String::new(),
        }
    }

    fn eat(&mut self, op: &str) -> bool {
        let yes = self.at(op);
        if yes {
            self.pos += 1;
        }
        yes
    }

    fn skip_nl(&mut self) {
        while matches!(self.peek(), T::Nl) {
            self.pos += 1;
        }
    }

    fn skip_terms(&mut self) {
        while matches!(self.peek(), T::Nl) || self.at(";") {
            self.pos += 1;
        }
    }

    /// At the end of a simple statement.
    fn at_end(&self) -> bool {
        matches!(self.peek(), T::Nl | T::Eof) || self.at(";") || self.at("}")
    }

    /// mawk's message for the token it stopped at: a bracket left open, or a syntax error.
    fn syntax(&self) -> String {
        let t = self.tok();
        let at_end = matches!(t.t, T::Nl | T::Eof);
        let missing_brace = || {
            format!(
                "awk: line {}: missing }} near end of file\n",
                self.eof.line + 1
            )
        };
        if t.parens > 0 && (at_end || self.at(";") || self.at("}")) {
            let tail = if at_end && t.braces > 0 {
                missing_brace()
            } else {
                String::new()
            };
            return format!("awk: line {}: missing ) near {}\n{tail}", t.line, t.text);
        }
        if t.braces > 0 && matches!(t.t, T::Eof) {
            return missing_brace();
        }
        format!("awk: line {}: syntax error at or near {}\n", t.line, t.text)
    }

    fn expect(&mut self, op: &str) -> PResult<()> {
        if self.eat(op) {
            Ok(())
        } else {
            Err(self.syntax())
        }
    }

    fn close(&mut self) -> PResult<()> {
        self.expect(")")
    }

    fn name_token(&mut self) -> PResult<String> {
        match self.peek() {
            T::Name(n) if !KEYWORDS.contains(&n.as_str()) => {
                let n = n.clone();
                self.pos += 1;
                Ok(n)
            }
            _ => Err(self.syntax()),
        }
    }

    /// One level deeper, for a left-associative chain that grows its tree.
    fn deeper(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(too_deep(self.tok().line));
        }
        Ok(())
    }

    fn nested<X>(&mut self, f: impl FnOnce(&mut Self) -> PResult<X>) -> PResult<X> {
        self.deeper()?;
        let r = f(self);
        self.depth -= 1;
        r
    }

    /// Parses inside brackets, where `>` means greater-than again. A bracket costs an
    /// extra level: parsing one takes the most stack.
    fn grouped<X>(&mut self, f: impl FnOnce(&mut Self) -> PResult<X>) -> PResult<X> {
        let saved = std::mem::replace(&mut self.no_gt, false);
        let r = self.nested(f);
        self.no_gt = saved;
        r
    }

    fn pipe_error(&self) -> String {
        match self.peek_at(1) {
            Some(T::Name(n)) if n == "getline" => unsupported("getline"),
            _ => unsupported("print | command"),
        }
    }

    fn program(&mut self) -> PResult<Vec<Item>> {
        let mut items = vec![];
        loop {
            self.skip_terms();
            if matches!(self.peek(), T::Eof) {
                return Ok(items);
            }
            items.push(self.item()?);
        }
    }

    fn item(&mut self) -> PResult<Item> {
        let kw = self.keyword();
        if kw == "BEGIN" || kw == "END" {
            self.pos += 1;
            self.expect("{")?;
            self.special = true;
            let body = self.block_rest()?;
            self.special = false;
            let pat = if kw == "BEGIN" { Pat::Begin } else { Pat::End };
            return Ok(Item {
                pat,
                action: Some(body),
            });
        }
        if kw == "function" || kw == "func" {
            return Err(unsupported("defining functions"));
        }
        let pat = if self.at("{") {
            Pat::All
        } else {
            let first = self.expr()?;
            if self.eat(",") {
                self.skip_nl();
                Pat::Range(first, self.expr()?)
            } else {
                Pat::Expr(first)
            }
        };
        let action = if self.eat("{") {
            Some(self.block_rest()?)
        } else if matches!(self.peek(), T::Nl | T::Eof) || self.at(";") {
            None
        } else {
            return Err(self.syntax());
        };
        Ok(Item { pat, action })
    }

    /// Statements up to the `}` that closes a block already opened.
    fn block_rest(&mut self) -> PResult<Vec<Stmt>> {
        let mut body = vec![];
        loop {
            self.skip_terms();
            if self.eat("}") {
                return Ok(body);
            }
            if matches!(self.peek(), T::Eof) {
                return Err(self.syntax());
            }
            body.push(self.stmt()?);
        }
    }

    fn stmt(&mut self) -> PResult<Stmt> {
        self.nested(Self::stmt_inner)
    }

    fn stmt_inner(&mut self) -> PResult<Stmt> {
        if self.eat("{") {
            return Ok(Stmt::Block(self.block_rest()?));
        }
        if self.eat(";") {
            return Ok(Stmt::Nop);
        }
        match self.keyword().as_str() {
            "if" => self.if_stmt(),
            "while" => {
                self.pos += 1;
                let cond = self.paren_cond()?;
                self.skip_nl();
                Ok(Stmt::While(cond, Box::new(self.loop_body()?)))
            }
            "do" => {
                self.pos += 1;
                self.skip_nl();
                let body = self.loop_body()?;
                self.skip_terms();
                if !self.at_kw("while") {
                    return Err(self.syntax());
                }
                self.pos += 1;
                let cond = self.paren_cond()?;
                self.end_simple()?;
                Ok(Stmt::Do(Box::new(body), cond))
            }
            "for" => self.for_stmt(),
            _ => {
                let s = self.simple()?;
                self.end_simple()?;
                Ok(s)
            }
        }
    }

    fn paren_cond(&mut self) -> PResult<Expr> {
        self.expect("(")?;
        let cond = self.grouped(Self::expr)?;
        self.close()?;
        Ok(cond)
    }

    fn loop_body(&mut self) -> PResult<Stmt> {
        self.loops += 1;
        let body = self.stmt();
        self.loops -= 1;
        body
    }

    fn if_stmt(&mut self) -> PResult<Stmt> {
        self.pos += 1;
        let cond = self.paren_cond()?;
        self.skip_nl();
        let then = Box::new(self.stmt()?);
        let save = self.pos;
        self.skip_nl();
        if !self.at_kw("else") {
            self.pos = save;
            return Ok(Stmt::If(cond, then, None));
        }
        self.pos += 1;
        self.skip_nl();
        Ok(Stmt::If(cond, then, Some(Box::new(self.stmt()?))))
    }

    fn for_stmt(&mut self) -> PResult<Stmt> {
        self.pos += 1;
        self.expect("(")?;
        let line = self.tok().line;
        if let (Some(T::Name(v)), Some(T::Name(kw)), Some(T::Name(a)), Some(T::Op(")"))) = (
            self.peek_at(0),
            self.peek_at(1),
            self.peek_at(2),
            self.peek_at(3),
        ) {
            if kw == "in" {
                let (v, a) = (v.clone(), a.clone());
                self.pos += 4;
                let var = self.names.scalar(&v, line)?;
                let arr = self.names.array(&a, line)?;
                self.skip_nl();
                return Ok(Stmt::ForIn(var, arr, Box::new(self.loop_body()?)));
            }
        }
        let part = |p: &mut Self, end: &str| -> PResult<Option<Expr>> {
            let e = if p.at(end) {
                None
            } else {
                Some(p.grouped(Self::expr)?)
            };
            if end == ")" {
                p.close()?;
            } else {
                p.expect(end)?;
            }
            p.skip_nl();
            Ok(e)
        };
        let init = part(self, ";")?;
        let cond = part(self, ";")?;
        let step = part(self, ")")?;
        Ok(Stmt::For(init, cond, step, Box::new(self.loop_body()?)))
    }

    fn simple(&mut self) -> PResult<Stmt> {
        let kw = self.keyword();
        let line = self.tok().line;
        match kw.as_str() {
            "print" | "printf" => self.print_stmt(kw == "printf"),
            "next" | "nextfile" if self.special => {
                Err(format!("awk: line {line}: improper use of {kw}\n"))
            }
            "next" | "nextfile" => {
                self.pos += 1;
                Ok(if kw == "next" {
                    Stmt::Next
                } else {
                    Stmt::NextFile
                })
            }
            "exit" => {
                self.pos += 1;
                let code = if self.at_end() {
                    None
                } else {
                    Some(self.expr()?)
                };
                Ok(Stmt::Exit(code))
            }
            "break" | "continue" if self.loops == 0 => Err(format!(
                "awk: line {line}: {kw} statement outside of loop\n"
            )),
            "break" | "continue" => {
                self.pos += 1;
                Ok(if kw == "break" {
                    Stmt::Break
                } else {
                    Stmt::Continue
                })
            }
            "return" => Err(format!("awk: line {line}: return outside function body\n")),
            "delete" => {
                self.pos += 1;
                let name = self.name_token()?;
                let arr = self.names.array(&name, line)?;
                let subs = if self.eat("[") {
                    Some(self.subscripts()?)
                } else {
                    None
                };
                Ok(Stmt::Delete(arr, subs))
            }
            _ => Ok(Stmt::Expr(self.expr()?)),
        }
    }

    fn end_simple(&mut self) -> PResult<()> {
        if matches!(self.peek(), T::Nl) || self.at(";") {
            self.pos += 1;
            Ok(())
        } else if self.at("}") || matches!(self.peek(), T::Eof) {
            Ok(())
        } else if self.at("|") {
            Err(self.pipe_error())
        } else {
            Err(self.syntax())
        }
    }

    fn print_stmt(&mut self, printf: bool) -> PResult<Stmt> {
        let line = self.tok().line;
        self.pos += 1;
        let redirect_next = |p: &Self| p.at(">") || p.at(">>") || p.at("|");
        let mut args = vec![];
        if !(self.at_end() || redirect_next(self)) {
            self.no_gt = true;
            self.group_ok = true;
            let list = self.expr_list();
            self.no_gt = false;
            self.group_ok = false;
            args = list?;
            if let [Expr::Group(_)] = args.as_slice() {
                if let Some(Expr::Group(list)) = args.pop() {
                    args = list;
                }
            }
        }
        if printf && args.is_empty() {
            return Err(format!(
                "awk: line {line}: no arguments in call to printf\n"
            ));
        }
        let mut redir = None;
        if self.at(">") || self.at(">>") {
            let append = self.at(">>");
            self.pos += 1;
            self.no_gt = true;
            let target = self.expr();
            self.no_gt = false;
            redir = Some(Redir {
                append,
                target: target?,
            });
        }
        if self.at("|") {
            return Err(self.pipe_error());
        }
        Ok(if printf {
            Stmt::Printf(args, redir)
        } else {
            Stmt::Print(args, redir)
        })
    }

    fn expr_list(&mut self) -> PResult<Vec<Expr>> {
        let mut list = vec![self.expr()?];
        while self.eat(",") {
            self.skip_nl();
            list.push(self.expr()?);
        }
        Ok(list)
    }

    /// Subscripts after an opened `[`.
    fn subscripts(&mut self) -> PResult<Vec<Expr>> {
        let subs = self.grouped(Self::expr_list)?;
        self.expect("]")?;
        Ok(subs)
    }

    fn expr(&mut self) -> PResult<Expr> {
        let lhs = self.expr_bp(0)?;
        self.assign_tail(lhs)
    }

    /// `lhs = expr` when `lhs` is an lvalue and an assignment operator follows, as
    /// mawk's grammar allows wherever an operand of a comparison or `&&` goes.
    fn assign_tail(&mut self, lhs: Expr) -> PResult<Expr> {
        let op = match self.peek() {
            T::Op(o @ ("=" | "+=" | "-=" | "*=" | "/=" | "%=" | "^=")) => *o,
            _ => return Ok(lhs),
        };
        match lhs {
            Expr::Lv(lv) => {
                self.pos += 1;
                self.skip_nl();
                let rhs = self.expr()?;
                let arith = op.strip_suffix('=').filter(|a| !a.is_empty());
                Ok(Expr::Assign(arith, lv, Box::new(rhs)))
            }
            other => Ok(other),
        }
    }

    /// The binary operator here and how tightly it binds (mawk's precedence, loosest
    /// first); juxtaposed operands are concatenation, written "".
    fn infix(&self) -> Option<(&'static str, u8)> {
        let bp = match self.peek() {
            T::Op(o @ "?") => (*o, 1),
            T::Op(o @ "||") => (*o, 2),
            T::Op(o @ "&&") => (*o, 3),
            T::Name(n) if n == "in" => ("in", 4),
            T::Op(o @ ("~" | "!~")) => (*o, 5),
            T::Op(o @ ("<" | "<=" | "==" | "!=" | ">=")) => (*o, 6),
            T::Op(o @ ">") if !self.no_gt => (*o, 6),
            _ if self.starts_operand() => ("", 7),
            T::Op(o @ ("+" | "-")) => (*o, 8),
            T::Op(o @ ("*" | "/" | "%")) => (*o, 9),
            T::Op(o @ "^") => (*o, 11),
            _ => return None,
        };
        Some(bp)
    }

    fn starts_operand(&self) -> bool {
        match self.peek() {
            T::Num(_) | T::Str(_) | T::Re(_) | T::Func(_) => true,
            T::Name(n) => !KEYWORDS.contains(&n.as_str()),
            T::Op(o) => matches!(*o, "$" | "(" | "!" | "++" | "--"),
            _ => false,
        }
    }

    /// Operators binding at least as tightly as `min`, by precedence climbing.
    fn expr_bp(&mut self, min: u8) -> PResult<Expr> {
        self.nested(|p| {
            let mut lhs = p.prefix()?;
            let base = p.depth;
            while let Some((op, bp)) = p.infix().filter(|(_, bp)| *bp >= min) {
                p.deeper()?;
                lhs = p.infix_rest(op, bp, lhs)?;
            }
            p.depth = base;
            Ok(lhs)
        })
    }

    fn infix_rest(&mut self, op: &'static str, bp: u8, lhs: Expr) -> PResult<Expr> {
        let line = self.tok().line;
        if !op.is_empty() {
            self.pos += 1;
        }
        let lhs = Box::new(lhs);
        Ok(match op {
            "?" => {
                self.skip_nl();
                let yes = Box::new(self.expr()?);
                self.skip_nl();
                self.expect(":")?;
                self.skip_nl();
                Expr::Cond(lhs, yes, Box::new(self.expr()?))
            }
            "in" => {
                let name = self.name_token()?;
                Expr::In(vec![*lhs], self.names.array(&name, line)?)
            }
            "" => Expr::Concat(lhs, Box::new(self.expr_bp(bp + 1)?)),
            "^" => Expr::Bin(op, lhs, Box::new(self.expr_bp(bp)?)),
            "+" | "-" | "*" | "/" | "%" => Expr::Bin(op, lhs, Box::new(self.expr_bp(bp + 1)?)),
            _ => {
                self.skip_nl_after(op);
                let rhs = self.expr_bp(bp + 1)?;
                let rhs = Box::new(self.assign_tail(rhs)?);
                match op {
                    "||" => Expr::Or(lhs, rhs),
                    "&&" => Expr::And(lhs, rhs),
                    "~" | "!~" => Expr::Match(op == "!~", lhs, Box::new(const_regex(*rhs, line)?)),
                    _ => Expr::Cmp(op, lhs, rhs),
                }
            }
        })
    }

    fn skip_nl_after(&mut self, op: &str) {
        if op == "&&" || op == "||" {
            self.skip_nl();
        }
    }

    /// A unary `!`, `-` or `+` (binding looser than `^`), or a primary.
    fn prefix(&mut self) -> PResult<Expr> {
        let op = match self.peek() {
            T::Op(o @ ("!" | "-" | "+")) => *o,
            _ => return self.postfix(),
        };
        self.pos += 1;
        let e = Box::new(self.expr_bp(10)?);
        Ok(match op {
            "!" => Expr::Not(e),
            "-" => Expr::Neg(e),
            _ => Expr::Plus(e),
        })
    }

    fn postfix(&mut self) -> PResult<Expr> {
        match self.primary()? {
            Expr::Lv(lv) if self.at("++") || self.at("--") => {
                let step = if self.at("++") { 1.0 } else { -1.0 };
                self.pos += 1;
                Ok(Expr::IncDec(lv, step, false))
            }
            e => Ok(e),
        }
    }

    fn primary(&mut self) -> PResult<Expr> {
        let group_ok = std::mem::take(&mut self.group_ok);
        let tok = self.tok().clone();
        let line = tok.line;
        match tok.t {
            T::Num(n) => {
                self.pos += 1;
                Ok(Expr::Num(n))
            }
            T::Str(s) => {
                self.pos += 1;
                Ok(Expr::Str(s))
            }
            T::Re(r) => {
                self.pos += 1;
                const_regex(Expr::Str(r), line)
            }
            T::Op("$") => {
                self.pos += 1;
                let e = self.nested(|p| match p.peek() {
                    T::Op("-" | "+" | "!") => p.prefix(),
                    _ => p.primary(),
                })?;
                Ok(Expr::Lv(Lv::Field(Box::new(e))))
            }
            T::Op("(") => {
                self.pos += 1;
                self.paren(group_ok)
            }
            T::Op(op @ ("++" | "--")) => {
                self.pos += 1;
                let operand = self.pos;
                let step = if op == "++" { 1.0 } else { -1.0 };
                match self.nested(Self::primary)? {
                    Expr::Lv(lv) => Ok(Expr::IncDec(lv, step, true)),
                    _ => {
                        self.pos = operand;
                        Err(self.syntax())
                    }
                }
            }
            T::Op("-" | "+" | "!") => self.prefix(),
            T::Name(n) => self.name(n, false, line),
            T::Func(n) => self.name(n, true, line),
            _ => Err(self.syntax()),
        }
    }

    fn paren(&mut self, group_ok: bool) -> PResult<Expr> {
        let mut list = self.grouped(|p| {
            p.skip_nl();
            p.expr_list()
        })?;
        self.close()?;
        if list.len() == 1 {
            if let Some(e) = list.pop() {
                return Ok(e);
            }
        }
        if self.at_kw("in") {
            let line = self.tok().line;
            self.pos += 1;
            let name = self.name_token()?;
            return Ok(Expr::In(list, self.names.array(&name, line)?));
        }
        if group_ok && (self.at_end() || self.at(">") || self.at(">>") || self.at("|")) {
            return Ok(Expr::Group(list));
        }
        Err(self.syntax())
    }

    fn name(&mut self, n: String, call: bool, line: usize) -> PResult<Expr> {
        if let Some((bf, lo, hi)) = builtin(&n) {
            self.pos += 1;
            return self.builtin_call(bf, &n, (lo, hi), line);
        }
        match n.as_str() {
            "getline" => return Err(unsupported("getline")),
            "function" | "func" => return Err(self.syntax()),
            k if KEYWORDS.contains(&k) => return Err(self.syntax()),
            _ if call => {
                let line = self.eof.line + 1;
                return Err(format!("awk: line {line}: function {n} never defined\n"));
            }
            _ => {}
        }
        self.pos += 1;
        if self.eat("[") {
            let arr = self.names.array(&n, line)?;
            return Ok(Expr::Lv(Lv::Elem(arr, self.subscripts()?)));
        }
        Ok(Expr::Lv(Lv::Var(self.names.scalar(&n, line)?)))
    }

    fn builtin_call(
        &mut self,
        bf: Bf,
        name: &str,
        arity: (usize, usize),
        line: usize,
    ) -> PResult<Expr> {
        if bf == Bf::System {
            return Err(unsupported("system()"));
        }
        if !self.at("(") {
            return match bf {
                Bf::Length => Ok(Expr::Call(Bf::Length, vec![])),
                _ => Err(self.syntax()),
            };
        }
        self.pos += 1;
        self.grouped(|p| p.call_args(bf, name, arity, line))
    }

    fn call_args(
        &mut self,
        bf: Bf,
        name: &str,
        (lo, hi): (usize, usize),
        line: usize,
    ) -> PResult<Expr> {
        if let (Bf::Length, T::Name(a), Some(T::Op(")"))) = (bf, self.peek(), self.peek_at(1)) {
            if let Some(Slot::Arr(arr)) = self.names.map.get(a) {
                let arr = *arr;
                self.pos += 2;
                return Ok(Expr::ArrLen(arr));
            }
        }
        if bf == Bf::Split {
            let s = self.expr()?;
            self.expect(",")?;
            self.skip_nl();
            let a = self.name_token()?;
            let arr = self.names.array(&a, line)?;
            let sep = if self.eat(",") {
                self.skip_nl();
                Some(Box::new(self.expr()?))
            } else {
                None
            };
            self.close()?;
            return Ok(Expr::Split(Box::new(s), arr, sep));
        }
        let mut args = if self.at(")") {
            vec![]
        } else {
            self.expr_list()?
        };
        self.close()?;
        if args.len() < lo || args.len() > hi {
            return Err(format!(
                "awk: line {line}: wrong number of arguments in call to {name}\n"
            ));
        }
        if bf == Bf::Match {
            if let Some(re) = args.pop() {
                args.push(const_regex(re, line)?);
            }
        }
        if !matches!(bf, Bf::Sub | Bf::Gsub) {
            return Ok(Expr::Call(bf, args));
        }
        let mut args = args.into_iter();
        let (Some(re), Some(repl)) = (args.next(), args.next()) else {
            return Err(self.syntax());
        };
        let re = const_regex(re, line)?;
        let target = match args.next() {
            None => Lv::Field(Box::new(Expr::Num(0.0))),
            Some(Expr::Lv(lv)) => lv,
            Some(_) => {
                return Err(format!(
                    "awk: line {line}: {name}: third argument is not a variable\n"
                ))
            }
        };
        Ok(Expr::Sub(bf == Bf::Gsub, Box::new([re, repl]), target))
    }
}

// ---------------------------------------------------------------- arrays

#[derive(Clone, Debug)]
enum Key {
    Int(i32),
    Str(String),
}

#[derive(Debug, Default)]
struct Node {
    sval: Option<String>,
    hval: u32,
    ival: Option<i32>,
    val: Val,
}

const START_HMASK: usize = 63;

fn hash_limit(hmask: usize) -> usize {
    (hmask + 1) * 12
}

/// mawk's string hash (FNV-1).
fn fnv(s: &str) -> u32 {
    s.bytes().fold(2_166_136_261, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16_777_619)
    })
}

/// An associative array laid out as mawk's is (a split vector, or a hash table with
/// integer and string lists, move-to-front on access), so `for (k in a)` visits keys
/// in mawk's order.
#[derive(Debug, Default)]
struct Arr {
    split: Option<Vec<Val>>,
    has_int: bool,
    has_str: bool,
    nodes: Vec<Node>,
    slists: Vec<Vec<usize>>,
    ilists: Vec<Vec<usize>>,
    hmask: usize,
    limit: usize,
    size: usize,
}

/// Doubles a table's lists: the entries whose bucket is now in the new half move
/// there, keeping their order.
fn redistribute(lists: &mut Vec<Vec<usize>>, bucket: impl Fn(&usize) -> usize) {
    let mut moved = Vec::with_capacity(lists.len());
    for (i, list) in lists.iter_mut().enumerate() {
        let (stay, go) = std::mem::take(list)
            .into_iter()
            .partition(|n| bucket(n) == i);
        *list = stay;
        moved.push(go);
    }
    lists.extend(moved);
}

fn move_to_front(list: &mut Vec<usize>, pos: usize) -> Option<usize> {
    let n = list.remove(pos);
    list.insert(0, n);
    Some(n)
}

impl Arr {
    fn is_null(&self) -> bool {
        self.split.is_none() && !self.has_int && !self.has_str
    }

    fn load(&mut self, vals: Vec<Val>) {
        *self = Arr {
            size: vals.len(),
            split: Some(vals),
            ..Arr::default()
        };
    }

    fn empty_table(&mut self, hmask: usize) {
        self.hmask = hmask;
        self.limit = hash_limit(hmask);
        self.slists = vec![vec![]; hmask + 1];
        self.ilists = vec![vec![]; hmask + 1];
    }

    fn ibucket(&self, ival: i32) -> usize {
        ival as u32 as usize & self.hmask
    }

    fn new_node(&mut self, sval: Option<String>, hval: u32) -> usize {
        self.nodes.push(Node {
            sval,
            hval,
            ..Node::default()
        });
        self.size += 1;
        if self.size > self.limit {
            self.double();
        }
        self.nodes.len() - 1
    }

    fn double(&mut self) {
        let new = self.hmask * 2 + 1;
        let nodes = &self.nodes;
        let node = |n: &usize| nodes.get(*n);
        redistribute(&mut self.slists, |n| {
            node(n).map_or(0, |x| x.hval as usize) & new
        });
        redistribute(&mut self.ilists, |n| {
            node(n).map_or(0, |x| x.ival.unwrap_or(0) as u32 as usize) & new
        });
        self.hmask = new;
        self.limit = hash_limit(new);
    }

    fn convert_split(&mut self) {
        let cells = self.split.take().unwrap_or_default();
        let mut hmask = START_HMASK;
        while cells.len() > hash_limit(hmask) {
            hmask = hmask * 2 + 1;
        }
        self.empty_table(hmask);
        self.has_int = true;
        self.has_str = false;
        self.nodes.clear();
        self.size = cells.len();
        let mut j = 1;
        for (i, val) in cells.into_iter().enumerate() {
            let ival = i32::try_from(i + 1).unwrap_or(i32::MAX);
            self.nodes.push(Node {
                ival: Some(ival),
                val,
                ..Node::default()
            });
            let n = self.nodes.len() - 1;
            if let Some(list) = self.ilists.get_mut(j) {
                list.insert(0, n);
            }
            j = (j + 1) & self.hmask;
        }
    }

    fn add_strings(&mut self) {
        if self.is_null() {
            self.empty_table(START_HMASK);
            self.has_str = true;
            return;
        }
        if self.split.is_some() {
            self.convert_split();
        }
        for i in 0..=self.hmask {
            for n in self.ilists.get(i).cloned().unwrap_or_default() {
                let Some(node) = self.nodes.get_mut(n) else {
                    continue;
                };
                let s = node.ival.unwrap_or(0).to_string();
                node.hval = fnv(&s);
                let b = node.hval as usize & self.hmask;
                node.sval = Some(s);
                if let Some(list) = self.slists.get_mut(b) {
                    list.insert(0, n);
                }
            }
        }
        self.has_str = true;
    }

    fn find_str(&mut self, s: &str, create: bool) -> Option<usize> {
        if !self.has_str {
            self.add_strings();
        }
        let h = fnv(s);
        let b = h as usize & self.hmask;
        let nodes = &self.nodes;
        let list = self.slists.get_mut(b)?;
        let hit = |n: &usize| {
            nodes
                .get(*n)
                .is_some_and(|x| x.hval == h && x.sval.as_deref() == Some(s))
        };
        if let Some(pos) = list.iter().position(hit) {
            return move_to_front(list, pos);
        }
        if !create {
            return None;
        }
        let n = self.new_node(Some(s.to_string()), h);
        let b = h as usize & self.hmask;
        self.slists.get_mut(b)?.insert(0, n);
        Some(n)
    }

    fn find_int(&mut self, ival: i32, create: bool) -> Option<usize> {
        let b = self.ibucket(ival);
        let nodes = &self.nodes;
        let list = self.ilists.get_mut(b)?;
        if let Some(pos) = list
            .iter()
            .position(|n| nodes.get(*n).is_some_and(|x| x.ival == Some(ival)))
        {
            return move_to_front(list, pos);
        }
        let n = if self.has_str {
            self.find_str(&ival.to_string(), create)?
        } else if create {
            self.new_node(None, 0)
        } else {
            return None;
        };
        let node = self.nodes.get_mut(n)?;
        if node.ival.is_some() {
            return Some(n);
        }
        node.ival = Some(ival);
        self.has_int = true;
        let b = self.ibucket(ival);
        self.ilists.get_mut(b)?.insert(0, n);
        Some(n)
    }

    fn find(&mut self, key: &Key, create: bool) -> Option<&mut Val> {
        if self.size == 0 && !create {
            return None;
        }
        let n = match key {
            Key::Int(ival) => {
                if let Some(len) = self.split.as_ref().map(Vec::len) {
                    let idx = usize::try_from(*ival)
                        .ok()
                        .filter(|i| (1..=len).contains(i));
                    if let Some(idx) = idx {
                        return self.split.as_mut()?.get_mut(idx - 1);
                    }
                    if !create {
                        return None;
                    }
                    self.convert_split();
                } else if self.is_null() {
                    self.empty_table(START_HMASK);
                    self.has_int = true;
                }
                self.find_int(*ival, create)?
            }
            Key::Str(s) => self.find_str(s, create)?,
        };
        self.nodes.get_mut(n).map(|x| &mut x.val)
    }

    fn delete(&mut self, key: &Key) {
        if self.size == 0 {
            return;
        }
        let n = match key {
            Key::Int(ival) => {
                if let Some(len) = self.split.as_ref().map(Vec::len) {
                    if !usize::try_from(*ival).is_ok_and(|i| (1..=len).contains(&i)) {
                        return;
                    }
                    self.convert_split();
                }
                self.find_int(*ival, false)
            }
            Key::Str(s) => self.find_str(s, false),
        };
        let Some(node) = n.and_then(|n| {
            self.nodes
                .get(n)
                .map(|x| (n, x.sval.is_some(), x.hval, x.ival))
        }) else {
            return;
        };
        let (n, has_sval, hval, ival) = node;
        if has_sval {
            let b = hval as usize & self.hmask;
            if let Some(list) = self.slists.get_mut(b) {
                list.retain(|x| *x != n);
            }
        }
        if let Some(iv) = ival {
            let b = self.ibucket(iv);
            if let Some(list) = self.ilists.get_mut(b) {
                list.retain(|x| *x != n);
            }
        }
        self.size -= 1;
        if self.size == 0 {
            *self = Arr::default();
        }
    }

    /// The keys in mawk's `for (k in a)` order.
    fn keys(&mut self) -> Vec<String> {
        if self.size == 0 {
            return vec![];
        }
        if !self.has_str {
            self.add_strings();
        }
        let nodes = &self.nodes;
        self.slists
            .iter()
            .flatten()
            .filter_map(|n| nodes.get(*n).and_then(|x| x.sval.clone()))
            .collect()
    }
}

// ---------------------------------------------------------------- interpreter

enum Ctl {
    Next,
    NextFile,
    Exit,
    Break,
    Continue,
    /// Stop, with this on standard error and status 2.
    Fail(String),
}

type R<X> = Result<X, Ctl>;

fn limit(what: &str) -> Ctl {
    Ctl::Fail(format!("awk: Kubarium stopped this program: {what}\n"))
}

/// Where an lvalue lives, worked out once.
enum Place {
    Var(Var),
    Field(usize),
    Elem(usize, Key),
}

struct Interp<'a, 'b> {
    io: &'a mut Io<'b>,
    vars: Vec<Val>,
    arrays: Vec<Arr>,
    names: HashMap<String, Slot>,
    /// `$0`'s text, and `$0` itself (which keeps the type of what was assigned to it).
    record: String,
    record_val: Val,
    fields: Vec<Val>,
    nr: f64,
    fnr: f64,
    out: Output,
    buf: String,
    written: usize,
    files: HashSet<String>,
    cache: HashMap<String, Regex>,
    loops: u64,
    code: i32,
    ranges: Vec<bool>,
    seed: f64,
    rng: u64,
}

impl<'a, 'b> Interp<'a, 'b> {
    fn new(io: &'a mut Io<'b>, prog: &Program, operands: &[String]) -> Self {
        let mut vars = vec![Val::Uninit; prog.names.vars];
        let defaults = [" ", " ", "\n", "\n", "\x1c", "%.6g", "%.6g"];
        for (slot, d) in vars.iter_mut().zip(defaults) {
            *slot = Val::Str(d.into());
        }
        let mut it = Interp {
            io,
            vars,
            arrays: (0..prog.names.arrays).map(|_| Arr::default()).collect(),
            names: prog.names.map.clone(),
            record: String::new(),
            record_val: Val::Str(String::new()),
            fields: vec![],
            nr: 0.0,
            fnr: 0.0,
            out: Output::default(),
            buf: String::new(),
            written: 0,
            files: HashSet::new(),
            cache: HashMap::new(),
            loops: 0,
            code: 0,
            ranges: vec![false; prog.items.len()],
            seed: 0.0,
            rng: 0x2545_f491_4f6c_dd1d,
        };
        it.set_global(FILENAME, Val::Str(String::new()));
        it.set_global(ARGC, Val::Num(operands.len() as f64 + 1.0));
        let argv = std::iter::once("awk".to_string()).chain(operands.iter().cloned());
        for (i, a) in argv.enumerate() {
            let key = Key::Int(i32::try_from(i).unwrap_or(i32::MAX));
            if let Some(slot) = it.arrays.get_mut(ARGV).and_then(|arr| arr.find(&key, true)) {
                *slot = Val::input(a);
            }
        }
        it
    }

    fn set_global(&mut self, i: usize, v: Val) {
        if let Some(slot) = self.vars.get_mut(i) {
            *slot = v;
        }
    }

    /// A `-v` or command-line `name=value`.
    fn assign_name(&mut self, name: &str, value: &str) {
        if let Some(Slot::Var(v)) = self.names.get(name).copied() {
            let _ = self.store(&Place::Var(v), Val::input(unescape(value)));
        }
    }

    fn fmt_var(&self, i: usize) -> &str {
        match self.vars.get(i) {
            Some(Val::Str(s) | Val::Strnum(s)) => s,
            _ => "%.6g",
        }
    }

    fn to_str(&self, v: &Val) -> String {
        v.text(self.fmt_var(CONVFMT))
    }

    fn svar(&self, i: usize) -> String {
        self.vars.get(i).map(|v| self.to_str(v)).unwrap_or_default()
    }

    fn rt(&self, msg: &str) -> Ctl {
        self.fatal(&format!("run time error: {msg}"))
    }

    /// mawk's message for an error while running, with where in the input it was.
    fn fatal(&self, msg: &str) -> Ctl {
        Ctl::Fail(format!(
            "awk: {msg}\n\tFILENAME=\"{}\" FNR={} NR={}\n",
            self.svar(FILENAME),
            num_str(self.fnr, "%.6g"),
            num_str(self.nr, "%.6g")
        ))
    }

    fn check_len(&self, s: &str) -> R<()> {
        if s.len() > MAX_LEN {
            return Err(limit("a string grew past 16 MB"));
        }
        Ok(())
    }

    fn flush(&mut self) {
        if !self.buf.is_empty() {
            self.out.out(std::mem::take(&mut self.buf));
        }
    }

    fn finish(mut self, result: R<()>) -> CmdResult {
        self.flush();
        let code = match result {
            Err(Ctl::Fail(msg)) => {
                self.out.err(msg);
                2
            }
            _ => self.code,
        };
        CmdResult {
            output: self.out,
            code,
        }
    }

    // ------------------------------------------------ running the program

    fn execute(&mut self, prog: &Program, operands: &[String]) -> R<()> {
        match self.run_special(prog, true) {
            Err(Ctl::Exit) => return self.run_end(prog),
            r => r?,
        }
        if prog.items.iter().any(|i| !matches!(i.pat, Pat::Begin)) {
            match self.read_input(prog, operands) {
                Ok(()) | Err(Ctl::Exit) => {}
                Err(e) => return Err(e),
            }
        }
        self.run_end(prog)
    }

    fn run_end(&mut self, prog: &Program) -> R<()> {
        match self.run_special(prog, false) {
            Err(Ctl::Exit) => Ok(()),
            r => r,
        }
    }

    fn run_special(&mut self, prog: &Program, begin: bool) -> R<()> {
        for item in &prog.items {
            if let (Pat::Begin, true) | (Pat::End, false) = (&item.pat, begin) {
                self.block(item.action.as_deref().unwrap_or_default())?;
            }
        }
        Ok(())
    }

    fn read_input(&mut self, prog: &Program, operands: &[String]) -> R<()> {
        let rs = self.svar(RS);
        if rs.chars().count() > 1 {
            self.regex(&rs)?;
        }
        let mut any_file = false;
        for op in operands {
            if let Some((name, value)) = cmd_assign(op) {
                self.assign_name(name, value);
                continue;
            }
            any_file = true;
            let text = if op == "-" {
                self.io.stdin.take().unwrap_or_default()
            } else {
                open(self.io, op).map_err(Ctl::Fail)?
            };
            self.set_global(FILENAME, Val::Str(op.clone()));
            self.fnr = 0.0;
            match self.records(prog, &text) {
                Ok(()) | Err(Ctl::NextFile) => {}
                Err(e) => return Err(e),
            }
        }
        if !any_file {
            let text = self.io.stdin.take().unwrap_or_default();
            self.set_global(FILENAME, Val::Str("-".into()));
            match self.records(prog, &text) {
                Ok(()) | Err(Ctl::NextFile) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn records(&mut self, prog: &Program, text: &str) -> R<()> {
        let mut pos = 0;
        while let Some(rec) = self.next_record(text, &mut pos)? {
            self.nr += 1.0;
            self.fnr += 1.0;
            self.set_record(Val::input(rec))?;
            match self.main_items(prog) {
                Ok(()) | Err(Ctl::Next) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The record at `*pos` by the current RS: a character, a regex, or blank lines.
    fn next_record(&mut self, text: &str, pos: &mut usize) -> R<Option<String>> {
        let rs = self.svar(RS);
        let rest = text.get(*pos..).unwrap_or_default();
        if rs.is_empty() {
            let body = rest.trim_start_matches('\n');
            let (rec, after) = match body.find("\n\n") {
                Some(i) => body.split_at(i),
                None => (body.trim_end_matches('\n'), ""),
            };
            *pos = text.len() - after.trim_start_matches('\n').len();
            return Ok((!body.is_empty()).then(|| rec.to_string()));
        }
        if rest.is_empty() {
            return Ok(None);
        }
        let (end, next) = if rs.chars().count() == 1 {
            rest.find(&rs)
                .map_or((rest.len(), rest.len()), |i| (i, i + rs.len()))
        } else {
            let re = self.regex(&rs)?;
            match re.find(rest) {
                Some(m) if !m.is_empty() => (m.start(), m.end()),
                _ => (rest.len(), rest.len()),
            }
        };
        *pos += next;
        Ok(Some(rest.get(..end).unwrap_or_default().to_string()))
    }

    fn main_items(&mut self, prog: &Program) -> R<()> {
        for (i, item) in prog.items.iter().enumerate() {
            if !self.selects(i, &item.pat)? {
                continue;
            }
            match &item.action {
                Some(body) => self.block(body)?,
                None => {
                    let line = format!("{}{}", self.record, self.svar(ORS));
                    self.stdout(&line)?;
                }
            }
        }
        Ok(())
    }

    fn selects(&mut self, i: usize, pat: &Pat) -> R<bool> {
        match pat {
            Pat::Begin | Pat::End => Ok(false),
            Pat::All => Ok(true),
            Pat::Expr(e) => self.cond(e),
            Pat::Range(from, to) => {
                let active = self.ranges.get(i).copied().unwrap_or(false);
                if !active && !self.cond(from)? {
                    return Ok(false);
                }
                let ended = self.cond(to)?;
                if let Some(r) = self.ranges.get_mut(i) {
                    *r = !ended;
                }
                Ok(true)
            }
        }
    }

    // ------------------------------------------------ statements

    fn block(&mut self, body: &[Stmt]) -> R<()> {
        body.iter().try_for_each(|s| self.exec(s))
    }

    /// One more time round a loop: false once the body breaks out.
    fn loop_body(&mut self, body: &Stmt, count: &mut u64) -> R<bool> {
        *count += 1;
        self.loops += 1;
        if *count > MAX_LOOP {
            return Err(limit(&format!(
                "a loop went round {MAX_LOOP} times (an endless loop?)"
            )));
        }
        if self.loops > MAX_TOTAL_LOOPS {
            return Err(limit(&format!(
                "its loops went round {MAX_TOTAL_LOOPS} times in all"
            )));
        }
        match self.exec(body) {
            Ok(()) | Err(Ctl::Continue) => Ok(true),
            Err(Ctl::Break) => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn exec(&mut self, s: &Stmt) -> R<()> {
        let mut count = 0;
        match s {
            Stmt::Expr(e) => {
                self.eval(e)?;
            }
            Stmt::Print(args, redir) => self.print(args, redir.as_ref())?,
            Stmt::Printf(args, redir) => self.printf(args, redir.as_ref())?,
            Stmt::If(cond, then, otherwise) => {
                if self.cond(cond)? {
                    self.exec(then)?;
                } else if let Some(o) = otherwise {
                    self.exec(o)?;
                }
            }
            Stmt::While(cond, body) => {
                while self.cond(cond)? {
                    if !self.loop_body(body, &mut count)? {
                        break;
                    }
                }
            }
            Stmt::Do(body, cond) => {
                while self.loop_body(body, &mut count)? {
                    if !self.cond(cond)? {
                        break;
                    }
                }
            }
            Stmt::For(init, cond, step, body) => {
                if let Some(i) = init {
                    self.eval(i)?;
                }
                loop {
                    if let Some(c) = cond {
                        if !self.cond(c)? {
                            break;
                        }
                    }
                    if !self.loop_body(body, &mut count)? {
                        break;
                    }
                    if let Some(s) = step {
                        self.eval(s)?;
                    }
                }
            }
            Stmt::ForIn(var, arr, body) => {
                let keys = self.arrays.get_mut(*arr).map(Arr::keys).unwrap_or_default();
                for k in keys {
                    self.store(&Place::Var(*var), Val::Str(k))?;
                    if !self.loop_body(body, &mut count)? {
                        break;
                    }
                }
            }
            Stmt::Block(body) => self.block(body)?,
            Stmt::Next => return Err(Ctl::Next),
            Stmt::NextFile => return Err(Ctl::NextFile),
            Stmt::Break => return Err(Ctl::Break),
            Stmt::Continue => return Err(Ctl::Continue),
            Stmt::Exit(code) => {
                if let Some(e) = code {
                    self.code = d_to_i(self.eval(e)?.num()) & 0xff;
                }
                return Err(Ctl::Exit);
            }
            Stmt::Delete(arr, subs) => {
                let key = match subs {
                    Some(subs) => Some(self.key(subs)?),
                    None => None,
                };
                if let Some(a) = self.arrays.get_mut(*arr) {
                    match key {
                        Some(k) => a.delete(&k),
                        None => *a = Arr::default(),
                    }
                }
            }
            Stmt::Nop => {}
        }
        Ok(())
    }

    fn print(&mut self, args: &[Expr], redir: Option<&Redir>) -> R<()> {
        let mut line = if args.is_empty() {
            self.record.clone()
        } else {
            let mut parts = Vec::with_capacity(args.len());
            for a in args {
                let v = self.eval(a)?;
                parts.push(v.text(self.fmt_var(OFMT)));
            }
            parts.join(&self.svar(OFS))
        };
        line.push_str(&self.svar(ORS));
        self.emit(&line, redir)
    }

    fn printf(&mut self, args: &[Expr], redir: Option<&Redir>) -> R<()> {
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.eval(a)?);
        }
        let fmt = vals.first().map(|v| self.to_str(v)).unwrap_or_default();
        let rest = vals.get(1..).unwrap_or_default();
        let mut s = String::new();
        let done = format_into(&mut s, &fmt, rest, self.fmt_var(CONVFMT), "printf");
        self.emit(&s, redir)?;
        done.map_err(|m| self.rt(&m))
    }

    fn emit(&mut self, s: &str, redir: Option<&Redir>) -> R<()> {
        let Some(redir) = redir else {
            return self.stdout(s);
        };
        let v = self.eval(&redir.target)?;
        let name = self.to_str(&v);
        match name.as_str() {
            "/dev/stdout" => self.stdout(s),
            "/dev/null" => Ok(()),
            "/dev/stderr" => {
                self.flush();
                self.out.err(s);
                Ok(())
            }
            _ => {
                self.count_output(s)?;
                let path = self.io.path(&name);
                let append = redir.append || self.files.contains(&path);
                self.io.fs.write(&path, s, append).map_err(|e| {
                    Ctl::Fail(format!("awk: cannot open \"{name}\" for output ({e})\n"))
                })?;
                self.files.insert(path);
                Ok(())
            }
        }
    }

    fn count_output(&mut self, s: &str) -> R<()> {
        self.written += s.len();
        if self.written > MAX_LEN {
            return Err(limit("it wrote more than 16 MB"));
        }
        Ok(())
    }

    fn stdout(&mut self, s: &str) -> R<()> {
        self.count_output(s)?;
        self.buf.push_str(s);
        Ok(())
    }

    // ------------------------------------------------ records and fields

    fn set_record(&mut self, v: Val) -> R<()> {
        let s = self.to_str(&v);
        let fs = self.svar(FS);
        let sep = self.sep(&fs)?;
        let fields = if self.svar(RS).is_empty() && !matches!(sep, Sep::Space) {
            s.split('\n')
                .flat_map(|line| split_by(&sep, line))
                .collect()
        } else {
            split_by(&sep, &s)
        };
        self.fields = fields.into_iter().map(Val::input).collect();
        self.record = s;
        self.record_val = v;
        Ok(())
    }

    /// `$0` again from the fields; mawk keeps a lone field's type.
    fn rebuild(&mut self) -> R<()> {
        self.record_val = match self.fields.as_slice() {
            [one] => one.clone(),
            fields => {
                let texts: Vec<String> = fields.iter().map(|f| self.to_str(f)).collect();
                Val::Str(texts.join(&self.svar(OFS)))
            }
        };
        self.record = self.to_str(&self.record_val);
        self.check_len(&self.record)
    }

    fn set_field(&mut self, i: usize, v: &Val) -> R<()> {
        if i > MAX_FIELD {
            return Err(limit(&format!("field ${i} is past ${MAX_FIELD}")));
        }
        if self.fields.len() < i {
            self.fields.resize(i, Val::Str(String::new()));
        }
        if let Some(f) = self.fields.get_mut(i.saturating_sub(1)) {
            *f = v.clone();
        }
        self.rebuild()
    }

    fn set_nf(&mut self, d: f64) -> R<()> {
        let Ok(n) = usize::try_from(d_to_i(d)) else {
            return Err(self.rt("negative value assigned to NF"));
        };
        if n > MAX_FIELD {
            return Err(limit(&format!("NF was set past {MAX_FIELD}")));
        }
        self.fields.resize(n, Val::Str(String::new()));
        self.rebuild()
    }

    /// The separator a string stands for, as FS or split()'s third argument.
    fn sep(&mut self, fs: &str) -> R<Sep> {
        let mut chars = fs.chars();
        Ok(match (chars.next(), chars.next()) {
            (None, _) => Sep::Chars,
            (Some(' '), None) => Sep::Space,
            (Some(c), None) => Sep::Char(c),
            _ => Sep::Re(self.regex(fs)?),
        })
    }

    fn regex(&mut self, src: &str) -> R<Regex> {
        if let Some(re) = self.cache.get(src) {
            return Ok(re.clone());
        }
        let re = compile(src)
            .map_err(|why| self.rt(&format!("regular expression compile failed ({why})\n{src}")))?;
        if self.cache.len() > 200 {
            self.cache.clear();
        }
        self.cache.insert(src.to_string(), re.clone());
        Ok(re)
    }

    fn regex_of(&mut self, e: &Expr) -> R<Regex> {
        if let Expr::Re(re) = e {
            return Ok(re.clone());
        }
        let v = self.eval(e)?;
        let src = self.to_str(&v);
        self.regex(&src)
    }

    // ------------------------------------------------ lvalues

    fn place(&mut self, lv: &Lv) -> R<Place> {
        Ok(match lv {
            Lv::Var(v) => Place::Var(*v),
            Lv::Field(e) => {
                let d = self.eval(e)?.num();
                if d < 0.0 {
                    return Err(self.rt(&format!("negative field index ${}", num_str(d, "%.6g"))));
                }
                Place::Field(d as usize)
            }
            Lv::Elem(arr, subs) => {
                // mawk creates the element before it works out what goes in it.
                let key = self.key(subs)?;
                if let Some(a) = self.arrays.get_mut(*arr) {
                    a.find(&key, true);
                }
                Place::Elem(*arr, key)
            }
        })
    }

    fn load(&mut self, p: &Place) -> Val {
        match p {
            Place::Var(Var::Nr) => Val::Num(self.nr),
            Place::Var(Var::Fnr) => Val::Num(self.fnr),
            Place::Var(Var::Nf) => Val::Num(self.fields.len() as f64),
            Place::Var(Var::Global(i)) => self.vars.get(*i).cloned().unwrap_or_default(),
            Place::Field(0) => self.record_val.clone(),
            Place::Field(i) => self
                .fields
                .get(i.saturating_sub(1))
                .cloned()
                .unwrap_or(Val::Str(String::new())),
            Place::Elem(arr, key) => self
                .arrays
                .get_mut(*arr)
                .and_then(|a| a.find(key, true))
                .cloned()
                .unwrap_or_default(),
        }
    }

    fn store(&mut self, p: &Place, v: Val) -> R<()> {
        match p {
            Place::Var(Var::Nr) => self.nr = v.num(),
            Place::Var(Var::Fnr) => self.fnr = v.num(),
            Place::Var(Var::Nf) => self.set_nf(v.num())?,
            Place::Var(Var::Global(i)) => self.set_global(*i, v),
            Place::Field(0) => self.set_record(v)?,
            Place::Field(i) => self.set_field(*i, &v)?,
            Place::Elem(arr, key) => {
                if let Some(slot) = self.arrays.get_mut(*arr).and_then(|a| a.find(key, true)) {
                    *slot = v;
                }
            }
        }
        Ok(())
    }

    fn key(&mut self, subs: &[Expr]) -> R<Key> {
        if let [one] = subs {
            let v = self.eval(one)?;
            return Ok(match v {
                Val::Num(d) if f64::from(d_to_i(d)) == d => Key::Int(d_to_i(d)),
                other => Key::Str(self.to_str(&other)),
            });
        }
        let mut parts = Vec::with_capacity(subs.len());
        for e in subs {
            let v = self.eval(e)?;
            parts.push(self.to_str(&v));
        }
        Ok(Key::Str(parts.join(&self.svar(SUBSEP))))
    }

    // ------------------------------------------------ expressions

    fn cond(&mut self, e: &Expr) -> R<bool> {
        Ok(self.eval(e)?.truthy())
    }

    fn eval(&mut self, e: &Expr) -> R<Val> {
        Ok(match e {
            Expr::Num(n) => Val::Num(*n),
            Expr::Str(s) => Val::Str(s.clone()),
            Expr::Re(re) => bool_val(re.is_match(&self.record)),
            Expr::Lv(lv) => {
                let p = self.place(lv)?;
                self.load(&p)
            }
            Expr::Assign(op, lv, rhs) => self.assign(*op, lv, rhs)?,
            Expr::IncDec(lv, step, prefix) => {
                let p = self.place(lv)?;
                let old = self.load(&p).num();
                self.store(&p, Val::Num(old + step))?;
                Val::Num(if *prefix { old + step } else { old })
            }
            Expr::Bin(op, a, b) => {
                let x = self.eval(a)?.num();
                Val::Num(arith(op, x, self.eval(b)?.num()))
            }
            Expr::Cmp(op, a, b) => {
                let x = self.eval(a)?;
                let y = self.eval(b)?;
                bool_val(holds(op, self.compare(&x, &y)))
            }
            Expr::Concat(a, b) => {
                let x = self.eval(a)?;
                let y = self.eval(b)?;
                let s = self.to_str(&x) + &self.to_str(&y);
                self.check_len(&s)?;
                Val::Str(s)
            }
            Expr::Match(negated, s, re) => {
                let v = self.eval(s)?;
                let text = self.to_str(&v);
                bool_val(self.regex_of(re)?.is_match(&text) != *negated)
            }
            Expr::And(a, b) => bool_val(self.cond(a)? && self.cond(b)?),
            Expr::Or(a, b) => bool_val(self.cond(a)? || self.cond(b)?),
            Expr::Not(a) => bool_val(!self.cond(a)?),
            Expr::Neg(a) => Val::Num(-self.eval(a)?.num()),
            Expr::Plus(a) => Val::Num(self.eval(a)?.num()),
            Expr::Cond(c, yes, no) => match self.cond(c)? {
                true => self.eval(yes)?,
                false => self.eval(no)?,
            },
            Expr::In(subs, arr) => {
                let k = self.key(subs)?;
                bool_val(
                    self.arrays
                        .get_mut(*arr)
                        .is_some_and(|a| a.find(&k, false).is_some()),
                )
            }
            Expr::Group(_) => {
                return Err(Ctl::Fail(
                    "awk: a list (a, b) goes only after print or before in\n".into(),
                ))
            }
            Expr::Call(bf, args) => self.call(*bf, args)?,
            Expr::Split(s, arr, sep) => self.split(s, *arr, sep.as_deref())?,
            Expr::Sub(global, parts, lv) => self.substitute(*global, parts, lv)?,
            Expr::ArrLen(arr) => Val::Num(self.arrays.get(*arr).map_or(0, |a| a.size) as f64),
        })
    }

    fn assign(&mut self, op: Option<&str>, lv: &Lv, rhs: &Expr) -> R<Val> {
        let p = self.place(lv)?;
        let mut v = self.eval(rhs)?;
        if let Some(op) = op {
            v = Val::Num(arith(op, self.load(&p).num(), v.num()));
        }
        self.store(&p, v.clone())?;
        Ok(v)
    }

    /// Numbers compare as numbers; anything else (a string constant, say) as strings.
    fn compare(&self, a: &Val, b: &Val) -> Ordering {
        if !matches!(a, Val::Str(_)) && !matches!(b, Val::Str(_)) {
            a.num().partial_cmp(&b.num()).unwrap_or(Ordering::Equal)
        } else {
            self.to_str(a).cmp(&self.to_str(b))
        }
    }

    fn call(&mut self, bf: Bf, args: &[Expr]) -> R<Val> {
        let mut vals = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            if bf == Bf::Match && i == 1 {
                break;
            }
            vals.push(self.eval(a)?);
        }
        let num = |i: usize| vals.get(i).map_or(0.0, Val::num);
        let text = |i: usize| vals.get(i).map(|v| self.to_str(v)).unwrap_or_default();
        Ok(match bf {
            Bf::Length if vals.is_empty() => Val::Num(self.record.len() as f64),
            Bf::Length => Val::Num(text(0).len() as f64),
            Bf::Substr => Val::Str(substr(&text(0), num(1), vals.get(2).map(Val::num))),
            Bf::Index => Val::Num(index(&text(0), &text(1))),
            Bf::Sprintf => {
                let rest = vals.get(1..).unwrap_or_default();
                let s = sprintf(&text(0), rest, self.fmt_var(CONVFMT), "sprintf")
                    .map_err(|m| self.rt(&m))?;
                if s.len() > 8192 {
                    return Err(self.fatal("program limit exceeded: sprintf buffer size=8192"));
                }
                Val::Str(s)
            }
            Bf::Sin => Val::Num(x86_nan(num(0).sin(), &[num(0)])),
            Bf::Cos => Val::Num(x86_nan(num(0).cos(), &[num(0)])),
            Bf::Atan2 => Val::Num(x86_nan(num(0).atan2(num(1)), &[num(0), num(1)])),
            Bf::Exp => Val::Num(x86_nan(num(0).exp(), &[num(0)])),
            Bf::Log => Val::Num(x86_nan(num(0).ln(), &[num(0)])),
            Bf::Sqrt => Val::Num(x86_nan(num(0).sqrt(), &[num(0)])),
            Bf::Int => Val::Num(num(0).trunc()),
            Bf::Tolower => Val::Str(text(0).to_ascii_lowercase()),
            Bf::Toupper => Val::Str(text(0).to_ascii_uppercase()),
            Bf::Match => {
                let s = text(0);
                let re = self.regex_of(args.get(1).unwrap_or(&Expr::Str(String::new())))?;
                let (start, len) = match re.find(&s) {
                    Some(m) => (m.start() as f64 + 1.0, m.len() as f64),
                    None => (0.0, -1.0),
                };
                self.set_global(RSTART, Val::Num(start));
                self.set_global(RLENGTH, Val::Num(len));
                Val::Num(start)
            }
            Bf::Rand => {
                self.rng ^= self.rng << 13;
                self.rng ^= self.rng >> 7;
                self.rng ^= self.rng << 17;
                Val::Num((self.rng >> 11) as f64 / (1u64 << 53) as f64)
            }
            Bf::Srand => {
                let seed = num(0);
                self.rng = seed.to_bits() | 1;
                Val::Num(std::mem::replace(&mut self.seed, seed))
            }
            Bf::Close => {
                let path = self.io.path(&text(0));
                Val::Num(if self.files.remove(&path) { 0.0 } else { -1.0 })
            }
            Bf::Fflush | Bf::System | Bf::Split | Bf::Sub | Bf::Gsub => Val::Num(0.0),
        })
    }

    fn split(&mut self, s: &Expr, arr: usize, sep: Option<&Expr>) -> R<Val> {
        let v = self.eval(s)?;
        let text = self.to_str(&v);
        let sep = match sep {
            None => {
                let fs = self.svar(FS);
                self.sep(&fs)?
            }
            Some(Expr::Re(re)) => Sep::Re(re.clone()),
            Some(e) => {
                let v = self.eval(e)?;
                let s = self.to_str(&v);
                self.sep(&s)?
            }
        };
        let parts: Vec<Val> = split_by(&sep, &text).into_iter().map(Val::input).collect();
        let n = parts.len();
        if let Some(a) = self.arrays.get_mut(arr) {
            a.load(parts);
        }
        Ok(Val::Num(n as f64))
    }

    fn substitute(&mut self, global: bool, parts: &[Expr; 2], lv: &Lv) -> R<Val> {
        let [re, repl] = parts;
        let re = self.regex_of(re)?;
        let v = self.eval(repl)?;
        let repl = self.to_str(&v);
        let p = self.place(lv)?;
        let cur = self.load(&p);
        let (out, n) = replace(&re, &self.to_str(&cur), &repl, global);
        if n > 0 {
            self.check_len(&out)?;
            self.store(&p, Val::Str(out))?;
        }
        Ok(Val::Num(n as f64))
    }
}

fn arith(op: &str, a: f64, b: f64) -> f64 {
    let r = match op {
        "+" => a + b,
        "-" => a - b,
        "*" => a * b,
        "/" => a / b,
        "%" => a % b,
        _ => a.powf(b),
    };
    x86_nan(r, &[a, b])
}

/// A NaN as x86 makes it: an operand's NaN passes through, a new one is negative
/// (glibc prints it `-nan`), whatever machine Kubarium runs on.
fn x86_nan(r: f64, operands: &[f64]) -> f64 {
    if !r.is_nan() {
        return r;
    }
    operands
        .iter()
        .copied()
        .find(|x| x.is_nan())
        .unwrap_or(-f64::NAN)
}

fn holds(op: &str, ord: Ordering) -> bool {
    match op {
        "<" => ord == Ordering::Less,
        "<=" => ord != Ordering::Greater,
        "==" => ord == Ordering::Equal,
        "!=" => ord != Ordering::Equal,
        ">" => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    }
}

/// mawk's substr(): truncated positions, and a start before 1 eats into the length.
fn substr(s: &str, start: f64, len: Option<f64>) -> String {
    let bytes = s.as_bytes();
    let total = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
    // mawk's int arithmetic, overflow and all.
    let mut n = len.map_or(total, d_to_i);
    let mut i = d_to_i(start).wrapping_sub(1);
    if i > total {
        n = 0;
    }
    if i < 0 {
        n = n.wrapping_sub(i.wrapping_add(1));
        i = 0;
    }
    n = n.min(total - i);
    let (Ok(i), Ok(n)) = (usize::try_from(i), usize::try_from(n)) else {
        return String::new();
    };
    let piece = bytes.get(i..i + n).unwrap_or_default();
    String::from_utf8_lossy(piece).into_owned()
}

fn index(s: &str, t: &str) -> f64 {
    s.find(t).map_or(0.0, |i| i as f64 + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Stream;
    use crate::fs::Fs;

    const PODS: &str = "NAME READY STATUS RESTARTS AGE\nnginx-1 1/1 Running 0 5m\nredis-2 0/1 Pending 2 10m\nweb-3 1/1 Running 10 1h\napache-x 1/1 CrashLoopBackOff 7 3d\n";
    const NODES: &str = "node1 Ready 250m 12%\nnode2 NotReady 1200m 85%\n";

    /// Arguments and standard input, then standard output, standard error and status.
    type Case = (
        &'static [&'static str],
        &'static str,
        &'static str,
        &'static str,
        i32,
    );

    /// Runs awk in /root, which holds `in1`, `in2` and `prog.awk`; gives back the files too.
    fn awk_fs(args: &[&str], stdin: &str) -> ((String, String, i32), Fs) {
        let mut fs = Fs::default();
        let files = [
            ("/root/in1", "atb\n"),
            ("/root/in2", "x 1\ny 2\n"),
            ("/root/prog.awk", "{print \"prog:\", $1}\n"),
        ];
        for (path, text) in files {
            fs.write(path, text, false).unwrap();
        }
        let mut io = Io {
            stdin: Some(stdin.to_string()),
            fs: &mut fs,
            cwd: "/root",
        };
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let r = run(&args, &mut io);
        let stream = |want: Stream| -> String {
            let chunks = r.output.chunks.iter().filter(|(s, _)| *s == want);
            chunks.map(|(_, t)| t.as_str()).collect()
        };
        ((stream(Stream::Out), stream(Stream::Err), r.code), fs)
    }

    fn awk(args: &[&str], stdin: &str) -> (String, String, i32) {
        awk_fs(args, stdin).0
    }

    fn check(cases: &[Case]) {
        for (args, stdin, out, err, code) in cases {
            let want = (out.to_string(), err.to_string(), *code);
            assert_eq!(awk(args, stdin), want, "awk {args:?}");
        }
    }

    /// What /usr/bin/awk (mawk 1.3.4 20200120, as on Ubuntu) printed for each case.
    #[rustfmt::skip]
    const MAWK: &[Case] = &[
        (&["{print $1}"], PODS, "NAME\nnginx-1\nredis-2\nweb-3\napache-x\n", "", 0),
        (&["{print $1, $3}"], PODS, "NAME STATUS\nnginx-1 Running\nredis-2 Pending\nweb-3 Running\napache-x CrashLoopBackOff\n", "", 0),
        (&["NR>1 {print $1}"], PODS, "nginx-1\nredis-2\nweb-3\napache-x\n", "", 0),
        (&["$3 == \"Running\" {print $1}"], PODS, "nginx-1\nweb-3\n", "", 0),
        (&["/nginx/ {print $1}"], PODS, "nginx-1\n", "", 0),
        (&["!/Running/"], PODS, "NAME READY STATUS RESTARTS AGE\nredis-2 0/1 Pending 2 10m\napache-x 1/1 CrashLoopBackOff 7 3d\n", "", 0),
        (&["{print $NF}"], PODS, "AGE\n5m\n10m\n1h\n3d\n", "", 0),
        (&["{print NR\": \"$0}"], "a\nb\n", "1: a\n2: b\n", "", 0),
        (&["NR==2"], PODS, "nginx-1 1/1 Running 0 5m\n", "", 0),
        (&["NR>1 {s+=$4} END {print s}"], PODS, "19\n", "", 0),
        (&["{print $(NF-1)}"], PODS, "RESTARTS\n0\n2\n10\n7\n", "", 0),
        (&["-F:", "{print $2}"], "a:b:c\nd:e:f\n", "b\ne\n", "", 0),
        (&["-F\\t", "{print $2}"], "a\tb c\td\n", "b c\n", "", 0),
        (&["-F,", "{print NF, $3}"], "a,b,,c\n", "4 \n", "", 0),
        (&["-F/", "{print $2}"], "/usr/local/bin\n", "usr\n", "", 0),
        (&["-F[.:]", "{print $1, $5}"], "10.0.0.1:8080\n", "10 8080\n", "", 0),
        (&["-v", "x=1", "{print $1 + x}"], "41\n", "42\n", "", 0),
        (&["BEGIN{FS=\":\"} {print $1}"], "a:b\n", "a\n", "", 0),
        (&["-v", "OFS=-", "{$1=$1; print}"], "a b c\n", "a-b-c\n", "", 0),
        (&["{$2=\"\"; print}"], "a b c\n", "a  c\n", "", 0),
        (&["{$5=\"e\"; print; print NF}"], "a b c\n", "a b c  e\n5\n", "", 0),
        (&["{NF=2; print}"], "a b c\n", "a b\n", "", 0),
        (&["BEGIN{ORS=\";\"} {print $1}"], "a\nb\n", "a;b;", "", 0),
        (&["{print x, $0}", "x=5"], "in\n", "5 in\n", "", 0),
        (&["BEGIN{RS=\"\"} {print NR\": \"$1\" NF=\"NF}"], "a b\n\nc d\ne\n", "1: a NF=2\n2: c NF=3\n", "", 0),
        (&["{print FILENAME, FNR, NR}", "in1", "in2"], "", "in1 1 1\nin2 1 2\nin2 2 3\n", "", 0),
        (&["END {print NR, $0}"], "a\nb\n", "2 b\n", "", 0),
        (&["{printf \"%s %s\\n\", $1, $2}"], "a b\n", "a b\n", "", 0),
        (&["BEGIN{printf \"%d %i %5d|%-5d|%x %X %o %c %c %%\\n\", 3.9, -2.5, 42, 42, 255, 255, 8, 65, \"hello\"}"], "", "3 -2    42|42   |ff FF 10 A h %\n", "", 0),
        (&["BEGIN{printf \"%.2f|%10s|%-10s|%e|%g|%05d|%+d\\n\", 3.14159, \"r\", \"l\", 12345.678, 0.0001, -42, 5}"], "", "3.14|         r|l         |1.234568e+04|0.0001|-0042|+5\n", "", 0),
        (&["BEGIN{printf \"%*d|%.*f|%.3s\\n\", 5, 42, 2, 3.14159, \"abcdef\"}"], "", "   42|3.14|abc\n", "", 0),
        (&["BEGIN{print 0.1+0.2, 10/3, 1e6, 2^31, 100000*100000, 1/3, -0.0}"], "", "0.3 3.33333 1000000 2.14748e+09 1e+10 0.333333 0\n", "", 0),
        (&["BEGIN{print 1/0, -1/0, 7%3, -7%3, 2^3^2, -2^2; OFMT=\"%.2f\"; print 3.14159}"], "", "inf -inf 1 -1 512 -4\n3.14\n", "", 0),
        (&["BEGIN{x = sprintf(\"%05.1f\", 3.14159); print x, length(x)}"], "", "003.1 5\n", "", 0),
        (&["length($1) > 6"], PODS, "nginx-1 1/1 Running 0 5m\nredis-2 0/1 Pending 2 10m\napache-x 1/1 CrashLoopBackOff 7 3d\n", "", 0),
        (&["{ if ($4 > 1) print $1; else print \"x\" }"], PODS, "NAME\nx\nredis-2\nweb-3\napache-x\n", "", 0),
        (&["{print ($1 < $2), ($1 < \"9\"), (\"10\" < \"9\"), ($3 == 0)}"], "10 9\n", "0 1 1 0\n", "", 0),
        (&["$4 ~ /^[0-9]$/ {print $1} $1 !~ /-/ {print \"no dash:\", $1}"], PODS, "no dash: NAME\nnginx-1\nredis-2\napache-x\n", "", 0),
        (&["{print ($4 > 2 && $3 != \"Running\") ? \"bad\" : \"ok\"}"], PODS, "bad\nok\nok\nok\nbad\n", "", 0),
        (&["{x = $1; x++; x += 2; x *= 3; x /= 2; x -= 1; print x, x % 4, -x, !x}"], "5\n", "11 3 -11 0\n", "", 0),
        (&["BEGIN { while (i < 5) { i++; if (i == 2) continue; if (i == 4) break; print i } }"], "", "1\n3\n", "", 0),
        (&["BEGIN { do { j++ } while (j < 3); for (k = 0; k < 2; k++) print j, k }"], "", "3 0\n3 1\n", "", 0),
        (&["NR==1 {next} {print $1} NR==3 {exit}"], PODS, "nginx-1\nredis-2\n", "", 0),
        (&["BEGIN{exit 3} END{print \"end\"}"], "", "end\n", "", 3),
        (&["NR==2, NR==3"], "1\n2\n3\n4\n", "2\n3\n", "", 0),
        (&["!seen[$0]++"], "a\nb\na\nc\nb\n", "a\nb\nc\n", "", 0),
        (&["{print toupper($1), tolower(\"ABC\")}"], "nginx\n", "NGINX abc\n", "", 0),
        (&["{gsub(/n/,\"N\"); print}"], "nginx-nano\n", "NgiNx-NaNo\n", "", 0),
        (&["{n = sub(/[0-9]+/,\"<&>\"); print n, $0}"], "pod-12-x-34\n", "1 pod-<12>-x-34\n", "", 0),
        (&["{gsub(/l/,\"\\\\&\"); print}"], "hello\n", "he&&o\n", "", 0),
        (&["{n = gsub(/x*/,\"-\"); print n, $0}"], "abc\n", "4 -a-b-c-\n", "", 0),
        (&["{n=split($2, a, \"/\"); print n, a[1], a[2]}"], "nginx 1/2\n", "2 1 2\n", "", 0),
        (&["BEGIN{n=split(\"a1b22c\", p, /[0-9]+/); print n, p[3]; n=split(\"  a b \", q); print n, q[1]}"], "", "3 c\n2 a\n", "", 0),
        (&["{print substr($1, 2, 3), substr($1, 4), substr($1, 0, 2), index($1, \"-\")}"], "nginx-1\n", "gin nx-1 ng 6\n", "", 0),
        (&["{print match($0, /[0-9]+m/), RSTART, RLENGTH}"], "pod 250m\n", "5 5 4\n", "", 0),
        (&["{print length, length($1)}"], "abc de\n", "6 3\n", "", 0),
        (&["{sub(/%/, \"\", $4); if ($4 > 50) print $1, $4}"], NODES, "node2 85\n", "", 0),
        (&["{a[$3]++} END {for (k in a) print k, a[k]}"], PODS, "CrashLoopBackOff 1\nPending 1\nRunning 2\nSTATUS 1\n", "", 0),
        (&["{a[$1]++} END{for (k in a) print k, a[k]}"], "nginx\nredis\napache\nzeta\nb\n10\n9\n1\n100\n", "10 1\nnginx 1\napache 1\nredis 1\n100 1\n1 1\nb 1\n9 1\nzeta 1\n", "", 0),
        (&["BEGIN{n=split(\"c b a d\",arr); for(k in arr) print k, arr[k]}"], "", "3 a\n2 b\n1 c\n4 d\n", "", 0),
        (&["BEGIN{x[\"a\"]=1; x[\"b\"]=2; delete x[\"a\"]; print length(x), (\"b\" in x), (\"a\" in x); a[1,2]=3; for (k in a) {split(k, p, SUBSEP); print p[1], p[2]}}"], "", "1 1 0\n1 2\n", "", 0),
        (&["{ v[NR] = $1 } END { for (i = NR; i > 0; i--) print v[i] }"], "1\n2\n3\n", "3\n2\n1\n", "", 0),
        (&["{print $1 }}"], "a\n", "", "awk: line 1: extra '}'\nawk: line 1: syntax error at or near end of line\n", 2),
        (&["BEGIN{x=1"], "", "", "awk: line 2: missing } near end of file\n", 2),
        (&["BEGIN{x = 1 +* 2}"], "", "", "awk: line 1: syntax error at or near *\n", 2),
        (&["BEGIN { print 3.5 4.5 ( }"], "", "", "awk: line 1: missing ) near }\n", 2),
        (&["{print \"abc}"], "", "", "awk: line 1: runaway string constant \"abc} ...\n", 2),
        (&["@"], "", "", "awk: 1: unexpected character '@'\n", 2),
        (&["BEGIN { next }"], "", "", "awk: line 1: improper use of next\n", 2),
        (&["BEGIN { x[1] = 1; print x }"], "", "", "awk: line 1: illegal reference to array x\n", 2),
        (&["BEGIN { print substr(\"a\") }"], "", "", "awk: line 1: wrong number of arguments in call to substr\n", 2),
        (&["{$(-1)=\"x\"}"], "a b\n", "", "awk: run time error: negative field index $-1\n\tFILENAME=\"-\" FNR=1 NR=1\n", 2),
        (&["BEGIN { if (\"ab\" ~ /a(/) print 1 }"], "", "", "awk: line 1: regular expression compile failed (missing ')')\na(\n", 2),
        (&["BEGIN{printf \"%s %s\\n\", \"a\"}"], "", "a ", "awk: run time error: not enough arguments passed to printf(\"%s %s\n\")\n\tFILENAME=\"\" FNR=0 NR=0\n", 2),
        (&["BEGIN { foo(1) }"], "", "", "awk: line 2: function foo never defined\n", 2),
        (&["-x", "BEGIN{}"], "", "", "awk: not an option: -x\n", 2),
        (&["-v", "x", "BEGIN{}"], "", "", "awk: improper assignment: -v x\n", 2),
        (&["{print}", "nofile"], "x\n", "", "awk: cannot open nofile (No such file or directory)\n", 2),
        (&["-f", "prog.awk", "in2"], "", "prog: x\nprog: y\n", "", 0),
    ];

    #[test]
    fn matches_mawk() {
        check(MAWK);
    }

    #[test]
    fn unsupported_features_say_so() {
        let no = |what: &str| format!("awk: {what} is not supported in Kubarium yet\n");
        for (program, what) in [
            ("BEGIN { getline; print }", "getline"),
            ("{ \"date\" | getline d }", "getline"),
            ("{ print | \"sort\" }", "print | command"),
            (
                "function f(a) { return a } BEGIN { print f(1) }",
                "defining functions",
            ),
            ("BEGIN { system(\"ls\") }", "system()"),
        ] {
            assert_eq!(
                awk(&[program], "x\n"),
                (String::new(), no(what), 2),
                "{program}"
            );
        }
        assert_eq!(
            awk(&["-W", "dump", "1"], ""),
            (String::new(), no("-W dump"), 2)
        );
    }

    #[test]
    fn endless_programs_are_stopped() {
        let stopped = |what: &str| format!("awk: Kubarium stopped this program: {what}\n");
        let (out, err, code) = awk(&["BEGIN { while (1) n++ }"], "");
        let endless = "a loop went round 1000000 times (an endless loop?)";
        assert_eq!((out, err, code), (String::new(), stopped(endless), 2));
        let (_, err, code) = awk(&["BEGIN { s = \"x\"; while (1) s = s s }"], "");
        assert_eq!((err, code), (stopped("a string grew past 16 MB"), 2));
        let (_, err, code) = awk(&["{ $(1e9) = 1 }"], "a\n");
        assert_eq!(
            (err, code),
            (stopped("field $1000000000 is past $100000"), 2)
        );
        let (out, _, code) = awk(&["BEGIN { for (;;) print \"y\" }"], "");
        assert_eq!((out.len(), code), (2_000_000, 2));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = |n: usize| format!("BEGIN {{ print {}1{} }}", "(".repeat(n), ")".repeat(n));
        assert_eq!(awk(&[&deep(40)], ""), ("1\n".into(), String::new(), 0));
        let (_, err, code) = awk(&[&deep(5000)], "");
        assert_eq!(
            err,
            "awk: line 1: Kubarium stopped parsing: the program nests too deeply\n"
        );
        assert_eq!(code, 2);
        let long_sum = format!("BEGIN {{ print 0{} }}", "+1".repeat(90));
        assert_eq!(awk(&[&long_sum], ""), ("90\n".into(), String::new(), 0));
        for piece in ["-", "!", "$", "x in a ", "1 ", "++"] {
            let program = format!("BEGIN {{ y = 1 {} }}", piece.repeat(20_000));
            assert_eq!(awk(&[&program], "").2, 2, "{piece}");
        }
    }

    #[test]
    fn print_redirection_writes_files() {
        let program = "{ print $1 > \"out.txt\"; print $2 >> \"/root/log\" } END { printf \"%d\\n\", NR > \"/dev/stderr\" }";
        let (result, fs) = awk_fs(&[program], "a 1\nb 2\n");
        assert_eq!(result, (String::new(), "2\n".into(), 0));
        assert_eq!(fs.read("/root/out.txt"), Some("a\nb\n"));
        assert_eq!(fs.read("/root/log"), Some("1\n2\n"));
        let (_, err, code) = awk(&["{ print > \"/nonexist/x\" }"], "a\n");
        let msg = "awk: cannot open \"/nonexist/x\" for output (No such file or directory)\n";
        assert_eq!((err.as_str(), code), (msg, 2));
    }

    #[test]
    fn garbage_never_panics() {
        let bits = [
            "$",
            "(",
            ")",
            "{",
            "}",
            "[",
            "]",
            "a[",
            "x",
            "1e309",
            "-",
            "!",
            "~",
            "/",
            "/(/",
            "\"%*.*c\"",
            "printf",
            "print",
            ">",
            "|",
            "in",
            "for",
            "if",
            "else",
            "NF=",
            "substr(",
            "split(",
            ",",
            ";",
            "\n",
            "?",
            ":",
            "++",
            "getline",
            "\\",
            "\"",
            "é",
            "sprintf(\"%c\",256)",
        ];
        let mut seed = 7u32;
        for _ in 0..2000 {
            let mut program = String::new();
            for _ in 0..12 {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                program.push_str(bits[(seed >> 16) as usize % bits.len()]);
                program.push(' ');
            }
            let _ = awk(&[&program], "a b\n\n1 2 3\n");
            let _ = awk(&[&format!("{{ {program} }}")], "a b\n");
        }
    }
}
