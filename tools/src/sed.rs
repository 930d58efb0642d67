//! `sed`: GNU sed 4.9's stream editor for the scripts learners run on YAML and command output.

use std::collections::BTreeMap;

use regex_lite::{Captures, Regex};

use crate::command::{CmdResult, Output, Stream};
use crate::fs::{self, Fs};
use crate::io::Io;

/// Work (a command, plus one per 16 bytes of pattern space it may scan) a script may do
/// without reading input before Kubarium decides it loops forever, where GNU sed hangs.
const WORK_LIMIT: usize = 1_000_000;
/// The most text the pattern and hold spaces may hold together.
const SPACE_LIMIT: usize = 16 << 20;

const VERSION: &str = "sed (GNU sed) 4.9\n\
Kubarium's sed: GNU sed's commands, addresses and messages for everyday scripts.\n";

const USAGE: &str = "\
Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the `l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
";

pub fn run(args: &[String], io: &mut Io) -> CmdResult {
    let opts = match parse_args(args) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let prog = match compile(&opts, io) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if opts.in_place.is_some() && opts.files.is_empty() {
        return CmdResult::fail("sed: no input files\n", 4);
    }
    execute(&opts, &prog, io)
}

fn unsupported(what: &str) -> String {
    format!("sed: {what} is not supported in Kubarium yet\n")
}

// ---------------------------------------------------------------------------------------
// Options

enum Script {
    Expr(String),
    File(String),
}

#[derive(Default)]
struct Opts {
    quiet: bool,
    extended: bool,
    separate: bool,
    in_place: Option<String>,
    scripts: Vec<Script>,
    files: Vec<String>,
}

/// Long options: name, the short option it stands for, and whether it takes a value
/// (`Some(true)` required, `Some(false)` optional).
const LONG: &[(&str, char, Option<bool>)] = &[
    ("quiet", 'n', None),
    ("silent", 'n', None),
    ("debug", 'D', None),
    ("expression", 'e', Some(true)),
    ("file", 'f', Some(true)),
    ("follow-symlinks", 'F', None),
    ("in-place", 'i', Some(false)),
    ("line-length", 'l', Some(true)),
    ("null-data", 'z', None),
    ("zero-terminated", 'z', None),
    ("posix", 'P', None),
    ("regexp-extended", 'E', None),
    ("sandbox", 'S', None),
    ("separate", 's', None),
    ("unbuffered", 'u', None),
    ("binary", 'b', None),
    ("help", 'h', None),
    ("version", 'V', None),
];

fn usage_error(msg: String) -> CmdResult {
    CmdResult::fail(format!("{msg}{USAGE}"), 1)
}

fn parse_args(args: &[String]) -> Result<Opts, CmdResult> {
    let mut o = Opts::default();
    let mut rest = vec![];
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        if arg == "--" {
            rest.extend(args[i..].iter().cloned());
            break;
        } else if let Some(long) = arg.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let (full, c, takes) = find_long(name)?;
            let value = match (takes, value) {
                (None, Some(_)) => {
                    return Err(usage_error(format!(
                        "sed: option '--{full}' doesn't allow an argument\n"
                    )))
                }
                (Some(true), None) => match args.get(i) {
                    Some(v) => {
                        i += 1;
                        Some(v.clone())
                    }
                    None => {
                        return Err(usage_error(format!(
                            "sed: option '--{full}' requires an argument\n"
                        )))
                    }
                },
                (_, v) => v,
            };
            apply_opt(&mut o, c, value)?;
        } else if arg.len() > 1 && arg.starts_with('-') {
            i += short_opts(&mut o, arg, args.get(i))?;
        } else {
            rest.push(arg.clone());
        }
    }
    if o.scripts.is_empty() {
        if rest.is_empty() {
            return Err(CmdResult::fail(USAGE, 1));
        }
        o.scripts.push(Script::Expr(rest.remove(0)));
    }
    o.files = rest;
    Ok(o)
}

fn find_long(name: &str) -> Result<(&'static str, char, Option<bool>), CmdResult> {
    if let Some(&exact) = LONG.iter().find(|l| l.0 == name) {
        return Ok(exact);
    }
    let found: Vec<_> = LONG.iter().filter(|l| l.0.starts_with(name)).collect();
    match found.as_slice() {
        [one] => Ok(**one),
        [] => Err(usage_error(format!(
            "sed: unrecognized option '--{name}'\n"
        ))),
        many => {
            let names: Vec<String> = many.iter().map(|l| format!("'--{}'", l.0)).collect();
            Err(usage_error(format!(
                "sed: option '--{name}' is ambiguous; possibilities: {}\n",
                names.join(" ")
            )))
        }
    }
}

/// One `-xyz` word; returns how many following words it used as a value.
fn short_opts(o: &mut Opts, arg: &str, next: Option<&String>) -> Result<usize, CmdResult> {
    for (at, c) in arg.char_indices().skip(1) {
        let tail = &arg[at + c.len_utf8()..];
        match c {
            'e' | 'f' | 'l' if tail.is_empty() => {
                let Some(v) = next else {
                    return Err(usage_error(format!(
                        "sed: option requires an argument -- '{c}'\n"
                    )));
                };
                apply_opt(o, c, Some(v.clone()))?;
                return Ok(1);
            }
            'e' | 'f' | 'l' | 'i' => {
                apply_opt(o, c, Some(tail.to_string()))?;
                return Ok(0);
            }
            'n' | 'r' | 'E' | 's' | 'u' | 'z' | 'b' => apply_opt(o, c, None)?,
            _ => return Err(usage_error(format!("sed: invalid option -- '{c}'\n"))),
        }
    }
    Ok(0)
}

fn apply_opt(o: &mut Opts, c: char, value: Option<String>) -> Result<(), CmdResult> {
    let value = value.unwrap_or_default();
    match c {
        'n' => o.quiet = true,
        'e' => o.scripts.push(Script::Expr(value)),
        'f' => o.scripts.push(Script::File(value)),
        'i' => {
            o.in_place = Some(value);
            o.separate = true;
        }
        'E' | 'r' => o.extended = true,
        's' => o.separate = true,
        'l' | 'u' | 'b' | 'F' => {}
        'h' => {
            return Err(CmdResult::ok(format!(
                "{USAGE}E-mail bug reports to: <bug-sed@gnu.org>.\n"
            )))
        }
        'V' => return Err(CmdResult::ok(VERSION)),
        'z' => return Err(CmdResult::fail(unsupported("-z (NUL-separated lines)"), 1)),
        'P' => return Err(CmdResult::fail(unsupported("--posix"), 1)),
        'D' => return Err(CmdResult::fail(unsupported("--debug"), 1)),
        'S' => return Err(CmdResult::fail(unsupported("--sandbox"), 1)),
        _ => {}
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The compiled program

/// A regular expression; `None` stands for the last one used (`//`).
#[derive(Clone)]
struct Rx(Option<Regex>);

enum Addr {
    Line(usize),
    Last,
    Re(Rx),
    Step(usize, usize),
    /// `0,/re/`: the range is open before the first line.
    Zero,
    /// `addr,+N`.
    Plus(usize),
}

#[derive(Clone, Copy, PartialEq)]
enum TextKind {
    Append,
    Insert,
    Change,
}

#[derive(Clone, Copy)]
enum Jump {
    Always,
    IfSub,
    IfNoSub,
}

enum Op {
    /// `{`, with the index of its `}`.
    Block(usize),
    Nop,
    Subst(Box<Subst>),
    Trans(BTreeMap<char, char>),
    Text(TextKind, String),
    Read(String),
    Print,
    PrintFirst,
    Delete,
    DeleteFirst,
    Next,
    NextAppend,
    Quit(i32, bool),
    LineNo,
    FileName,
    Hold,
    HoldAppend,
    Get,
    GetAppend,
    Exchange,
    Zap,
    Branch(Jump, Option<usize>),
}

struct Cmd {
    a1: Option<Addr>,
    a2: Option<Addr>,
    negate: bool,
    op: Op,
}

#[derive(Clone, Copy)]
enum Case {
    Upper,
    Lower,
    UpperNext,
    LowerNext,
    End,
}

enum Piece {
    Lit(String),
    Group(usize),
    Case(Case),
}

struct Subst {
    rx: Rx,
    repl: Vec<Piece>,
    global: bool,
    nth: usize,
    print: bool,
}

struct Prog {
    cmds: Vec<Cmd>,
    quiet: bool,
}

// ---------------------------------------------------------------------------------------
// Compiling scripts

/// A script error: GNU's message (placed at the current position) or a missing feature.
enum Fault {
    Syntax(String),
    /// A message GNU places at a fixed character (`//` with no regex before: char 0).
    At(usize, String),
    Unsupported(String),
}

type Parsed<T> = Result<T, Fault>;

fn syntax<T>(msg: impl Into<String>) -> Parsed<T> {
    Err(Fault::Syntax(msg.into()))
}

fn missing<T>(what: impl Into<String>) -> Parsed<T> {
    Err(Fault::Unsupported(what.into()))
}

enum Origin {
    Expr(usize),
    File(String),
}

/// One script text being read.
struct Src {
    chars: Vec<char>,
    pos: usize,
    origin: Origin,
}

impl Src {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn back(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }

    fn number(&mut self) -> Option<usize> {
        let mut n: Option<usize> = None;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            self.pos += 1;
            n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d as usize));
        }
        n
    }

    fn location(&self, pos: usize) -> String {
        match &self.origin {
            Origin::Expr(n) => format!("-e expression #{n}, char {pos}"),
            Origin::File(f) => {
                let seen = self.chars.get(..pos).unwrap_or(&self.chars);
                let line = 1 + seen.iter().filter(|&&c| c == '\n').count();
                format!("file {f} line {line}")
            }
        }
    }

    fn error(&self, fault: Fault) -> String {
        match fault {
            Fault::Syntax(msg) => format!("sed: {}: {msg}\n", self.location(self.pos)),
            Fault::At(pos, msg) => format!("sed: {}: {msg}\n", self.location(pos)),
            Fault::Unsupported(what) => unsupported(&what),
        }
    }

    /// After a command: blanks, then the end of the line, `;`, `}` or `#`.
    fn end_of_cmd(&mut self) -> Parsed<()> {
        self.skip_blanks();
        match self.next() {
            None | Some(';' | '\n') => Ok(()),
            Some('}' | '#') => {
                self.back();
                Ok(())
            }
            Some(_) => syntax("extra characters after command"),
        }
    }

    /// A label: up to a blank, `;` or (for branches) `}`.
    fn label(&mut self) -> String {
        self.skip_blanks();
        let mut s = String::new();
        while let Some(c) = self
            .peek()
            .filter(|c| !matches!(c, ' ' | '\t' | '\n' | ';' | '}'))
        {
            s.push(c);
            self.pos += 1;
        }
        self.skip_blanks();
        self.eat(';');
        s
    }

    /// The file name of `r`/`w`: the rest of the line.
    fn filename(&mut self) -> Parsed<String> {
        self.skip_blanks();
        let mut s = String::new();
        while let Some(c) = self.next().filter(|&c| c != '\n') {
            s.push(c);
        }
        if s.is_empty() {
            return syntax("missing filename in r/R/w/W commands");
        }
        Ok(s)
    }

    /// Text up to an unescaped `delim`, with `\delim` unescaped (and `\n` made a newline
    /// in regexes); bracket expressions in regexes may contain `delim`.
    fn delimited(&mut self, delim: char, regex: bool) -> Option<Vec<char>> {
        let mut out = vec![];
        loop {
            let c = self.peek().filter(|&c| c != '\n')?;
            self.pos += 1;
            if c == delim {
                return Some(out);
            }
            match c {
                '\\' => match self.next()? {
                    d if d == delim => out.push(d),
                    'n' if regex => out.push('\n'),
                    d => out.extend(['\\', d]),
                },
                '[' if regex => {
                    out.push('[');
                    self.bracket(&mut out)?;
                }
                c => out.push(c),
            }
        }
    }

    /// Copies a bracket expression (after its `[`) up to and including its `]`.
    fn bracket(&mut self, out: &mut Vec<char>) -> Option<()> {
        if self.eat('^') {
            out.push('^');
        }
        if self.eat(']') {
            out.push(']');
        }
        loop {
            let c = self.peek().filter(|&c| c != '\n')?;
            self.pos += 1;
            out.push(c);
            match c {
                ']' => return Some(()),
                '[' if matches!(self.peek(), Some(':' | '.' | '=')) => {
                    let kind = self.next()?;
                    out.push(kind);
                    loop {
                        let d = self.next().filter(|&d| d != '\n')?;
                        out.push(d);
                        if d == kind && self.eat(']') {
                            out.push(']');
                            break;
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

#[derive(Default)]
struct Compiler {
    cmds: Vec<Cmd>,
    /// Open `{`s and where they were, for "unmatched `{'".
    blocks: Vec<(usize, String)>,
    labels: BTreeMap<String, usize>,
    jumps: Vec<(usize, String)>,
    /// An `a\` that ended its `-e`: the next script's first line is its text.
    pending_text: Option<usize>,
    extended: bool,
    have_regex: bool,
    quiet: bool,
}

fn compile(opts: &Opts, io: &Io) -> Result<Prog, CmdResult> {
    let mut c = Compiler {
        extended: opts.extended,
        ..Compiler::default()
    };
    let mut exprs = 0;
    for (i, script) in opts.scripts.iter().enumerate() {
        let (text, origin) = match script {
            Script::Expr(e) => {
                exprs += 1;
                (e.clone(), Origin::Expr(exprs))
            }
            Script::File(f) => (read_script(f, io)?, Origin::File(f.clone())),
        };
        let mut src = Src {
            chars: text.chars().collect(),
            pos: 0,
            origin,
        };
        c.script(&mut src, i == 0)
            .map_err(|f| CmdResult::fail(src.error(f), 1))?;
    }
    if let Some((_, at)) = c.blocks.first() {
        return Err(CmdResult::fail(format!("sed: {at}: unmatched `{{'\n"), 1));
    }
    for (at, label) in std::mem::take(&mut c.jumps) {
        let Some(&target) = c.labels.get(&label) else {
            let msg = format!("sed: can't find label for jump to `{label}'\n");
            return Err(CmdResult::fail(msg, 4));
        };
        if let Some(Op::Branch(_, to)) = c.cmds.get_mut(at).map(|cmd| &mut cmd.op) {
            *to = Some(target);
        }
    }
    Ok(Prog {
        cmds: c.cmds,
        quiet: c.quiet,
    })
}

fn read_script(file: &str, io: &Io) -> Result<String, CmdResult> {
    if file == "-" {
        return Ok(io.stdin.clone().unwrap_or_default());
    }
    let path = io.path(file);
    match io.fs.read(&path) {
        Some(text) => Ok(text.to_string()),
        None if io.fs.is_dir(&path) => Err(CmdResult::fail(
            format!("sed: read error on {file}: Is a directory\n"),
            4,
        )),
        None => Err(CmdResult::fail(
            format!("sed: couldn't open file {file}: No such file or directory\n"),
            4,
        )),
    }
}

impl Compiler {
    fn script(&mut self, p: &mut Src, first: bool) -> Parsed<()> {
        if let Some(at) = self.pending_text.take() {
            let (more, open) = read_text(p, None);
            if let Some(Op::Text(_, text)) = self.cmds.get_mut(at).map(|c| &mut c.op) {
                text.push_str(&more);
                if open {
                    self.pending_text = Some(at);
                }
            }
        }
        if first && p.chars.starts_with(&['#', 'n']) && matches!(p.chars.get(2), None | Some('\n'))
        {
            self.quiet = true;
        }
        loop {
            while matches!(p.peek(), Some(c) if c.is_whitespace() || c == ';') {
                p.pos += 1;
            }
            match p.peek() {
                None => return Ok(()),
                Some('#') => while p.next().is_some_and(|c| c != '\n') {},
                Some(_) => self.command(p)?,
            }
        }
    }

    fn command(&mut self, p: &mut Src) -> Parsed<()> {
        let a1 = self.address(p)?;
        let mut a2 = None;
        if a1.is_some() {
            p.skip_blanks();
            if p.eat(',') {
                p.skip_blanks();
                a2 = self.address2(p)?;
                if a2.is_none() {
                    p.next();
                    return syntax("unexpected `,'");
                }
            }
        }
        p.skip_blanks();
        let mut negate = false;
        while p.eat('!') {
            if negate {
                return syntax("multiple `!'s");
            }
            negate = true;
            p.skip_blanks();
        }
        let Some(c) = p.next() else {
            return syntax("missing command");
        };
        if matches!(a1, Some(Addr::Zero)) && !matches!(a2, Some(Addr::Re(_))) {
            return syntax("invalid usage of line address 0");
        }
        let addrs = usize::from(a1.is_some()) + usize::from(a2.is_some());
        let op = self.operation(p, c, addrs)?;
        self.cmds.push(Cmd { a1, a2, negate, op });
        Ok(())
    }

    fn operation(&mut self, p: &mut Src, c: char, addrs: usize) -> Parsed<Op> {
        let simple = match c {
            '=' => Some(Op::LineNo),
            'd' => Some(Op::Delete),
            'D' => Some(Op::DeleteFirst),
            'g' => Some(Op::Get),
            'G' => Some(Op::GetAppend),
            'h' => Some(Op::Hold),
            'H' => Some(Op::HoldAppend),
            'n' => Some(Op::Next),
            'N' => Some(Op::NextAppend),
            'p' => Some(Op::Print),
            'P' => Some(Op::PrintFirst),
            'x' => Some(Op::Exchange),
            'z' => Some(Op::Zap),
            'F' => Some(Op::FileName),
            _ => None,
        };
        if let Some(op) = simple {
            p.end_of_cmd()?;
            return Ok(op);
        }
        Ok(match c {
            '{' => {
                let at = match &p.origin {
                    Origin::Expr(_) => p.location(0),
                    Origin::File(_) => p.location(p.pos),
                };
                self.blocks.push((self.cmds.len(), at));
                Op::Block(0)
            }
            '}' => {
                let Some((open, _)) = self.blocks.pop() else {
                    return syntax("unexpected `}'");
                };
                if addrs > 0 {
                    return syntax("`}' doesn't want any addresses");
                }
                let here = self.cmds.len();
                if let Some(cmd) = self.cmds.get_mut(open) {
                    cmd.op = Op::Block(here);
                }
                p.end_of_cmd()?;
                Op::Nop
            }
            'q' | 'Q' => {
                if addrs > 1 {
                    return syntax("command only uses one address");
                }
                p.skip_blanks();
                let code = p.number().unwrap_or(0);
                p.end_of_cmd()?;
                Op::Quit(i32::try_from(code).unwrap_or(i32::MAX), c == 'q')
            }
            'a' | 'i' | 'c' => self.text(p, c)?,
            ':' => {
                if addrs > 0 {
                    return syntax(": doesn't want any addresses");
                }
                let label = p.label();
                if label.is_empty() {
                    return syntax("\":\" lacks a label");
                }
                self.labels.entry(label).or_insert(self.cmds.len());
                Op::Nop
            }
            'b' | 't' | 'T' => {
                let label = p.label();
                if !label.is_empty() {
                    self.jumps.push((self.cmds.len(), label));
                }
                let kind = match c {
                    'b' => Jump::Always,
                    't' => Jump::IfSub,
                    _ => Jump::IfNoSub,
                };
                Op::Branch(kind, None)
            }
            'r' => Op::Read(p.filename()?),
            'w' | 'R' | 'W' => {
                p.filename()?;
                return missing(format!("the `{c}' command"));
            }
            'e' | 'l' => return missing(format!("the `{c}' command")),
            'v' => {
                p.label();
                Op::Nop
            }
            's' => self.subst(p)?,
            'y' => trans(p)?,
            '#' => return syntax("comments don't accept any addresses"),
            c => return syntax(format!("unknown command: `{c}'")),
        })
    }

    fn text(&mut self, p: &mut Src, c: char) -> Parsed<Op> {
        let kind = match c {
            'a' => TextKind::Append,
            'i' => TextKind::Insert,
            _ => TextKind::Change,
        };
        p.skip_blanks();
        let lead = match p.next() {
            None => return syntax("expected \\ after `a', `c' or `i'"),
            Some('\\') => match p.next() {
                None => {
                    self.pending_text = Some(self.cmds.len());
                    return Ok(Op::Text(kind, String::new()));
                }
                Some('\n') => None,
                Some(c) => Some(c),
            },
            Some(_) => {
                p.back();
                None
            }
        };
        let (text, open) = read_text(p, lead);
        if open {
            self.pending_text = Some(self.cmds.len());
        }
        Ok(Op::Text(kind, text))
    }

    fn address(&mut self, p: &mut Src) -> Parsed<Option<Addr>> {
        match p.peek() {
            Some(c) if c.is_ascii_digit() => {
                let n = p.number().unwrap_or(0);
                let step = if p.eat('~') {
                    p.number().unwrap_or(0)
                } else {
                    0
                };
                Ok(Some(match (n, step) {
                    (0, 0) => Addr::Zero,
                    (n, 0) => Addr::Line(n),
                    (n, step) => Addr::Step(n, step),
                }))
            }
            Some('+' | '~') => {
                p.pos += 1;
                p.number();
                syntax("invalid usage of +N or ~N as first address")
            }
            Some('$') => {
                p.pos += 1;
                Ok(Some(Addr::Last))
            }
            Some(c @ ('/' | '\\')) => {
                p.pos += 1;
                let delim = match c {
                    '/' => '/',
                    _ => match p.next() {
                        Some(d) if d != '\n' && d != '\\' => d,
                        _ => return syntax("unterminated address regex"),
                    },
                };
                let Some(text) = p.delimited(delim, true) else {
                    return syntax("unterminated address regex");
                };
                let (mut icase, mut multi) = (false, false);
                loop {
                    if p.eat('I') {
                        icase = true;
                    } else if p.eat('M') {
                        multi = true;
                    } else {
                        break;
                    }
                }
                Ok(Some(Addr::Re(self.regex(&text, icase, multi)?)))
            }
            _ => Ok(None),
        }
    }

    fn address2(&mut self, p: &mut Src) -> Parsed<Option<Addr>> {
        match p.peek() {
            Some('+') => {
                p.pos += 1;
                Ok(Some(Addr::Plus(p.number().unwrap_or(0))))
            }
            Some('~') => missing("the `addr1,~N' address form"),
            _ => match self.address(p)? {
                Some(Addr::Zero) => Ok(Some(Addr::Line(0))),
                Some(Addr::Step(..)) => missing("a `first~step' second address"),
                a => Ok(a),
            },
        }
    }

    fn regex(&mut self, text: &[char], icase: bool, multi: bool) -> Parsed<Rx> {
        if text.is_empty() {
            if !self.have_regex {
                return Err(Fault::At(0, "no previous regular expression".into()));
            }
            return Ok(Rx(None));
        }
        let pattern = translate(&expand_escapes(text), self.extended)?;
        let flags = match (multi, icase) {
            (false, false) => "(?s)",
            (false, true) => "(?si)",
            (true, false) => "(?m)",
            (true, true) => "(?mi)",
        };
        match Regex::new(&format!("{flags}{pattern}")) {
            Ok(re) => {
                self.have_regex = true;
                Ok(Rx(Some(re)))
            }
            Err(e) if e.to_string().contains("limit") => syntax("Regular expression too big"),
            Err(_) => syntax("Invalid regular expression"),
        }
    }

    fn subst(&mut self, p: &mut Src) -> Parsed<Op> {
        const UNTERMINATED: &str = "unterminated `s' command";
        let delim = match p.next() {
            Some(c) if c != '\n' && c != '\\' => c,
            _ => return syntax(UNTERMINATED),
        };
        let Some(pattern) = p.delimited(delim, true) else {
            return syntax(UNTERMINATED);
        };
        let Some(replacement) = p.delimited(delim, false) else {
            return syntax(UNTERMINATED);
        };
        let mut s = Subst {
            rx: Rx(None),
            repl: parse_replacement(&replacement),
            global: false,
            nth: 1,
            print: false,
        };
        let (mut icase, mut multi, mut nth) = (false, false, None);
        loop {
            match p.next() {
                None | Some(';' | '\n') => break,
                Some('}' | '#') => {
                    p.back();
                    break;
                }
                Some('g') if s.global => return syntax("multiple `g' options to `s' command"),
                Some('g') => s.global = true,
                Some('p') if s.print => return syntax("multiple `p' options to `s' command"),
                Some('p') => s.print = true,
                Some('i' | 'I') => icase = true,
                Some('m' | 'M') => multi = true,
                Some(' ' | '\t') => {}
                Some(c) if c.is_ascii_digit() => {
                    p.back();
                    if nth.is_some() {
                        p.number();
                        return syntax("multiple number options to `s' command");
                    }
                    nth = p.number();
                    if nth == Some(0) {
                        return syntax("number option to `s' command may not be zero");
                    }
                }
                Some('w') => {
                    p.filename()?;
                    return missing("the `w' flag of `s'");
                }
                Some('e') => return missing("the `e' flag of `s'"),
                Some(_) => return syntax("unknown option to `s'"),
            }
        }
        s.nth = nth.unwrap_or(1);
        s.rx = self.regex(&pattern, icase, multi)?;
        if let Some(re) = &s.rx.0 {
            let groups = re.captures_len().saturating_sub(1);
            let refs = s.repl.iter().filter_map(|piece| match piece {
                Piece::Group(n) => Some(*n),
                _ => None,
            });
            if let Some(n) = refs.max().filter(|&n| n > groups) {
                return syntax(format!("invalid reference \\{n} on `s' command's RHS"));
            }
        }
        Ok(Op::Subst(Box::new(s)))
    }
}

/// The text of `a`, `i` or `c`, up to an unescaped newline; `lead` is the character
/// right after `a\` in GNU's one-line form. Also says whether the script ended in a
/// backslash, so that the next `-e` continues the text.
fn read_text(p: &mut Src, lead: Option<char>) -> (String, bool) {
    let mut raw: Vec<char> = lead.into_iter().collect();
    let mut open = false;
    while let Some(c) = p.next().filter(|&c| c != '\n') {
        if c == '\\' {
            match p.next() {
                Some(d) => raw.extend(['\\', d]),
                None => open = true,
            }
        } else {
            raw.push(c);
        }
    }
    let mut text: String = unescape(&raw).into_iter().collect();
    text.push('\n');
    (text, open)
}

/// Text with its backslash escapes replaced.
fn unescape(src: &[char]) -> Vec<char> {
    let mut out = vec![];
    let mut i = 0;
    while let Some(&c) = src.get(i) {
        let (c, next) = match c {
            '\\' => escaped_char(src, i + 1),
            c => (c, i + 1),
        };
        out.push(c);
        i = next;
    }
    out
}

/// The character a backslash escape stands for in text, `y` strings and replacements
/// (`src[i]` is just after the backslash), and where to go on.
fn escaped_char(src: &[char], i: usize) -> (char, usize) {
    let Some(&c) = src.get(i) else {
        return ('\\', i);
    };
    if c == 'n' {
        return ('\n', i + 1);
    }
    control(c)
        .map(|ctl| (ctl, i + 1))
        .or_else(|| numeric(src, i))
        .unwrap_or((c, i + 1))
}

/// `\t`, `\a`, `\f`, `\v` and `\r` as the characters they stand for.
fn control(c: char) -> Option<char> {
    Some(match c {
        't' => '\t',
        'a' => '\x07',
        'f' => '\x0c',
        'v' => '\x0b',
        'r' => '\r',
        _ => return None,
    })
}

/// GNU's `\dNNN`, `\oNNN`, `\xHH` and `\cX` (with `src[i]` the letter): the character
/// and where its digits end, or `None` when no digits follow.
fn numeric(src: &[char], i: usize) -> Option<(char, usize)> {
    let (radix, most) = match *src.get(i)? {
        'c' => {
            let x = src.get(i + 1)?.to_ascii_uppercase();
            return Some((char::from_u32(u32::from(x) ^ 0x40)?, i + 2));
        }
        'd' => (10, 3),
        'o' => (8, 3),
        'x' => (16, 2),
        _ => return None,
    };
    let rest = src.get(i + 1..).unwrap_or_default();
    let digits: String = (rest.iter().take(most))
        .take_while(|c| c.is_digit(radix))
        .collect();
    let code = u32::from_str_radix(&digits, radix).ok()?;
    Some((char::from_u32(code)?, i + 1 + digits.len()))
}

fn trans(p: &mut Src) -> Parsed<Op> {
    const UNTERMINATED: &str = "unterminated `y' command";
    let delim = match p.next() {
        Some(c) if c != '\n' && c != '\\' => c,
        _ => return syntax(UNTERMINATED),
    };
    let (Some(from), Some(to)) = (p.delimited(delim, false), p.delimited(delim, false)) else {
        return syntax(UNTERMINATED);
    };
    let (from, to) = (unescape(&from), unescape(&to));
    if from.len() != to.len() {
        return syntax("strings for `y' command are different lengths");
    }
    p.end_of_cmd()?;
    Ok(Op::Trans(from.into_iter().zip(to).collect()))
}

fn parse_replacement(src: &[char]) -> Vec<Piece> {
    let mut pieces = vec![];
    let mut lit = String::new();
    let mut i = 0;
    while let Some(&c) = src.get(i) {
        i += 1;
        let after = src.get(i).copied();
        let piece = match (c, after) {
            ('&', _) => Piece::Group(0),
            ('\\', Some(d @ '0'..='9')) => Piece::Group(d.to_digit(10).unwrap_or(0) as usize),
            ('\\', Some('L')) => Piece::Case(Case::Lower),
            ('\\', Some('U')) => Piece::Case(Case::Upper),
            ('\\', Some('l')) => Piece::Case(Case::LowerNext),
            ('\\', Some('u')) => Piece::Case(Case::UpperNext),
            ('\\', Some('E')) => Piece::Case(Case::End),
            ('\\', _) => {
                let (ch, next) = escaped_char(src, i);
                lit.push(ch);
                i = next;
                continue;
            }
            (c, _) => {
                lit.push(c);
                continue;
            }
        };
        if c == '\\' {
            i += 1;
        }
        if !lit.is_empty() {
            pieces.push(Piece::Lit(std::mem::take(&mut lit)));
        }
        pieces.push(piece);
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    pieces
}

// ---------------------------------------------------------------------------------------
// POSIX regular expressions in regex-lite's syntax

const BAD_PRECEDING: &str = "Invalid preceding regular expression";

fn push_literal(out: &mut String, c: char) {
    if "\\.+*?()|[]{}^$#&-~".contains(c) {
        out.push('\\');
    }
    out.push(c);
}

/// The translation under way: where the last atom starts (for repetition), whether it is
/// already repeated, the open groups, and whether a BRE `^` here is an anchor.
#[derive(Default)]
struct Tr {
    out: String,
    atom: Option<usize>,
    repeated: bool,
    groups: Vec<usize>,
    at_start: bool,
}

impl Tr {
    fn atom(&mut self, s: &str) {
        self.atom = Some(self.out.len());
        self.repeated = false;
        self.at_start = false;
        self.out.push_str(s);
    }

    fn literal(&mut self, c: char) {
        let mut s = String::new();
        push_literal(&mut s, c);
        self.atom(&s);
    }

    fn assertion(&mut self, s: &str) {
        self.out.push_str(s);
        self.atom = None;
        self.at_start = false;
    }

    fn open(&mut self) {
        self.groups.push(self.out.len());
        self.out.push('(');
        self.atom = None;
        self.at_start = true;
    }

    fn close(&mut self) -> Parsed<()> {
        let Some(at) = self.groups.pop() else {
            return syntax("Unmatched ) or \\)");
        };
        self.out.push(')');
        self.atom = Some(at);
        self.repeated = false;
        self.at_start = false;
        Ok(())
    }

    fn alternate(&mut self) {
        self.out.push('|');
        self.atom = None;
        self.at_start = true;
    }

    fn repeat(&mut self, q: &str, ere: bool) -> Parsed<()> {
        let Some(at) = self.atom else {
            return syntax(BAD_PRECEDING);
        };
        if self.repeated {
            if !ere {
                return syntax(BAD_PRECEDING);
            }
            self.out.insert_str(at, "(?:");
            self.out.push(')');
        }
        self.out.push_str(q);
        self.repeated = true;
        Ok(())
    }
}

/// A regex with `\t`, `\xHH` and the like replaced by their characters, which (as in GNU
/// sed) then keep any special meaning: `\x2e` matches any character.
fn expand_escapes(src: &[char]) -> Vec<char> {
    let mut out = vec![];
    let mut i = 0;
    while let Some(&c) = src.get(i) {
        let Some(&d) = src.get(i + 1).filter(|_| c == '\\') else {
            out.push(c);
            i += 1;
            continue;
        };
        match control(d)
            .map(|ctl| (ctl, i + 2))
            .or_else(|| numeric(src, i + 1))
        {
            Some((ch, next)) => {
                out.push(ch);
                i = next;
            }
            None => {
                out.extend([c, d]);
                i += 2;
            }
        }
    }
    out
}

/// A POSIX basic (or, with `ere`, extended) regular expression in regex-lite's syntax.
fn translate(src: &[char], ere: bool) -> Parsed<String> {
    let mut t = Tr {
        at_start: true,
        ..Tr::default()
    };
    let mut i = 0;
    while let Some(&c) = src.get(i) {
        i += 1;
        match c {
            '\\' => {
                let Some(&d) = src.get(i) else {
                    return syntax("Trailing backslash");
                };
                i += 1;
                i = escape(&mut t, src, i, d, ere)?;
            }
            '[' => i = bracket(&mut t, src, i)?,
            '.' => t.atom("."),
            '*' if !ere && t.atom.is_none() => t.literal('*'),
            '*' => t.repeat("*", ere)?,
            '^' if ere || t.at_start => t.assertion("^"),
            '$' if ere || bre_end(src, i) => t.assertion("$"),
            '(' if ere => t.open(),
            ')' if ere => t.close()?,
            '|' if ere => t.alternate(),
            '+' | '?' if ere => t.repeat(&c.to_string(), ere)?,
            '{' if ere => {
                let (q, next) = interval(&t, src, i, ere)?;
                t.repeat(&q, ere)?;
                i = next;
            }
            c => t.literal(c),
        }
    }
    if !t.groups.is_empty() {
        return syntax("Unmatched ( or \\(");
    }
    Ok(t.out)
}

/// Whether a BRE `$` before `src[i]` is an anchor: at the end, or before `\)` or `\|`.
fn bre_end(src: &[char], i: usize) -> bool {
    matches!(
        (src.get(i), src.get(i + 1)),
        (None, _) | (Some('\\'), Some(')' | '|'))
    )
}

/// A backslash escape `\d` (with `src[i]` the character after it); returns where to go on.
fn escape(t: &mut Tr, src: &[char], i: usize, d: char, ere: bool) -> Parsed<usize> {
    match d {
        '(' if !ere => t.open(),
        ')' if !ere => t.close()?,
        '|' if !ere => t.alternate(),
        '{' if !ere => {
            let (q, next) = interval(t, src, i, ere)?;
            t.repeat(&q, ere)?;
            return Ok(next);
        }
        '+' | '?' if !ere && t.atom.is_none() => t.literal(d),
        '+' | '?' if !ere => t.repeat(&d.to_string(), ere)?,
        '1'..='9' => return missing("back-references in regular expressions"),
        'n' => t.literal('\n'),
        'w' | 'W' | 's' | 'S' => t.atom(&format!("\\{d}")),
        'b' | 'B' | '<' | '>' => t.assertion(&format!("\\{d}")),
        '`' => t.assertion("\\A"),
        '\'' => t.assertion("\\z"),
        d => t.literal(d),
    }
    Ok(i)
}

/// An interval `{m,n}` (with `src[i]` just after the `{`), as regex-lite writes it.
fn interval(t: &Tr, src: &[char], mut i: usize, ere: bool) -> Parsed<(String, usize)> {
    if t.atom.is_none() {
        return syntax(BAD_PRECEDING);
    }
    let num = |i: &mut usize| {
        let start = *i;
        while src.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
        let digits: String = src.get(start..*i).unwrap_or_default().iter().collect();
        (!digits.is_empty()).then(|| digits.parse::<usize>().unwrap_or(usize::MAX))
    };
    let min = num(&mut i);
    let comma = src.get(i) == Some(&',');
    if comma {
        i += 1;
    }
    let max = if comma { num(&mut i) } else { min };
    let close: &[char] = if ere { &['}'] } else { &['\\', '}'] };
    if !src.get(i..).unwrap_or_default().starts_with(close) {
        let closed = src.windows(close.len()).skip(i).any(|w| w == close);
        return syntax(if closed {
            "Invalid content of \\{\\}"
        } else {
            "Unmatched \\{"
        });
    }
    i += close.len();
    if !comma && min.is_none() {
        return syntax("Invalid content of \\{\\}");
    }
    let min = min.unwrap_or(0);
    if min.max(max.unwrap_or(0)) > 32767 {
        return syntax("Regular expression too big");
    }
    let q = match max {
        Some(max) if max < min => return syntax("Invalid content of \\{\\}"),
        Some(max) if !comma => format!("{{{max}}}"),
        Some(max) => format!("{{{min},{max}}}"),
        None => format!("{{{min},}}"),
    };
    Ok((q, i))
}

const CLASSES: &[&str] = &[
    "alpha", "digit", "alnum", "upper", "lower", "space", "blank", "punct", "print", "graph",
    "cntrl", "xdigit",
];

/// A bracket expression (with `src[i]` just after the `[`); returns where to go on.
fn bracket(t: &mut Tr, src: &[char], mut i: usize) -> Parsed<usize> {
    let mut class = String::from("[");
    if src.get(i) == Some(&'^') {
        class.push('^');
        i += 1;
    }
    let mut first = true;
    loop {
        let Some(&c) = src.get(i) else {
            return syntax("Unmatched [, [^, [:, [., or [=");
        };
        if c == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        if c == '[' && matches!(src.get(i + 1), Some(':' | '.' | '=')) {
            let kind = src.get(i + 1).copied().unwrap_or(':');
            let rest = src.get(i + 2..).unwrap_or_default();
            let Some(len) = rest.windows(2).position(|w| w == [kind, ']']) else {
                return syntax("Unmatched [, [^, [:, [., or [=");
            };
            let name: String = rest.get(..len).unwrap_or_default().iter().collect();
            i += len + 4;
            match (kind, name.chars().next()) {
                (':', _) if CLASSES.contains(&name.as_str()) => {
                    class.push_str(&format!("[:{name}:]"));
                }
                (':', _) => return syntax("Invalid character class name"),
                (_, Some(c)) if name.chars().count() == 1 => push_literal(&mut class, c),
                _ => return missing(format!("the `[{kind}{name}{kind}]' bracket element")),
            }
            continue;
        }
        let (lo, next) = bracket_char(src, i);
        i = next;
        let ranged = src.get(i) == Some(&'-') && !matches!(src.get(i + 1), None | Some(']'));
        push_literal(&mut class, lo);
        if ranged {
            let (hi, next) = bracket_char(src, i + 1);
            if hi < lo {
                return syntax("Invalid range end");
            }
            class.push('-');
            push_literal(&mut class, hi);
            i = next;
            if src.get(i) == Some(&'-') && !matches!(src.get(i + 1), None | Some(']')) {
                return syntax("Invalid range end");
            }
        }
    }
    class.push(']');
    t.atom(&class);
    Ok(i)
}

/// One character in a bracket expression: backslash is literal except in `\n`.
fn bracket_char(src: &[char], i: usize) -> (char, usize) {
    match (src.get(i), src.get(i + 1)) {
        (Some('\\'), Some('n')) => ('\n', i + 2),
        (Some(&c), _) => (c, i + 1),
        (None, _) => ('\0', i + 1),
    }
}

// ---------------------------------------------------------------------------------------
// Running

/// One line of input, or a file that could not be read.
enum Item {
    Line { text: String, nl: bool, file: usize },
    Fail { msg: String, fatal: bool },
}

fn split_lines(text: &str, file: usize, items: &mut Vec<Item>) {
    for piece in text.split_inclusive('\n') {
        let (line, nl) = match piece.strip_suffix('\n') {
            Some(l) => (l, true),
            None => (piece, false),
        };
        items.push(Item::Line {
            text: line.to_string(),
            nl,
            file,
        });
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Range {
    Idle,
    /// Until the second address matches.
    Open,
    /// Until a line number; `exact` (`a,N`, not `a,+N`) ends it early if that line
    /// was skipped by `n`, `N` or `d`.
    Until {
        end: usize,
        exact: bool,
    },
    /// A range starting at a line number is over for this input.
    Closed,
}

enum End {
    Cycle,
    Delete,
    Restart,
    Quit(i32, bool),
    Abort,
}

enum Append {
    Text(String),
    File(String),
}

struct Exec<'a> {
    prog: &'a Prog,
    fs: &'a Fs,
    cwd: &'a str,
    names: Vec<String>,
    quiet: bool,
    items: Vec<Item>,
    next: usize,
    last_line: Option<usize>,
    ranges: Vec<Range>,
    ps: String,
    chomped: bool,
    hold: String,
    hold_chomped: bool,
    line: usize,
    file: usize,
    tflag: bool,
    last_re: Option<Regex>,
    appends: Vec<Append>,
    out: Output,
    file_out: Option<String>,
    missing_nl: bool,
    quit: Option<i32>,
    status: i32,
    /// Work done since the last input line (see `WORK_LIMIT`).
    work: usize,
    aborted: bool,
}

fn execute(opts: &Opts, prog: &Prog, io: &mut Io) -> CmdResult {
    let mut stdin = io.stdin.take();
    let cwd = io.cwd.to_string();
    let files = if opts.files.is_empty() {
        vec!["-".to_string()]
    } else {
        opts.files.clone()
    };
    let mut edits = vec![];
    let mut ex = Exec::new(prog, io.fs, &cwd, opts.quiet || prog.quiet, files.clone());
    for (n, f) in files.iter().enumerate() {
        if ex.quit.is_some() {
            break;
        }
        if let Some(suffix) = &opts.in_place {
            ex.edit(n, f, suffix, &mut edits);
            continue;
        }
        let text = if f == "-" {
            Ok(stdin.take().unwrap_or_default())
        } else {
            ex.load(f)
        };
        match text {
            Ok(text) => split_lines(&text, n, &mut ex.items),
            Err(fail) => ex.items.push(fail),
        }
        if opts.separate || n + 1 == files.len() {
            let items = std::mem::take(&mut ex.items);
            ex.run_stream(items);
        }
    }
    let code = ex.exit_code();
    let mut out = std::mem::take(&mut ex.out);
    for (path, content) in edits {
        if let Err(e) = io.fs.write(&fs::resolve(&cwd, &path), &content, false) {
            out.err(format!("sed: couldn't open file {path}: {e}\n"));
            return CmdResult {
                output: out,
                code: 4,
            };
        }
    }
    CmdResult { output: out, code }
}

fn push_out(out: &mut Output, s: &str) {
    match out.chunks.last_mut() {
        Some((Stream::Out, last)) => last.push_str(s),
        _ => out.out(s),
    }
}

impl<'a> Exec<'a> {
    fn new(prog: &'a Prog, fs: &'a Fs, cwd: &'a str, quiet: bool, names: Vec<String>) -> Self {
        Exec {
            prog,
            fs,
            cwd,
            names,
            quiet,
            items: vec![],
            next: 0,
            last_line: None,
            ranges: vec![],
            ps: String::new(),
            chomped: true,
            hold: String::new(),
            hold_chomped: true,
            line: 0,
            file: 0,
            tflag: false,
            last_re: None,
            appends: vec![],
            out: Output::default(),
            file_out: None,
            missing_nl: false,
            quit: None,
            status: 0,
            work: 0,
            aborted: false,
        }
    }

    fn load(&self, f: &str) -> Result<String, Item> {
        let path = fs::resolve(self.cwd, f);
        match self.fs.read(&path) {
            Some(text) => Ok(text.to_string()),
            None if self.fs.is_dir(&path) => Err(Item::Fail {
                msg: format!("sed: read error on {f}: Is a directory\n"),
                fatal: true,
            }),
            None => Err(Item::Fail {
                msg: format!("sed: can't read {f}: No such file or directory\n"),
                fatal: false,
            }),
        }
    }

    /// `-i`: runs the script over one file, queueing its new text (and backup).
    fn edit(&mut self, n: usize, f: &str, suffix: &str, edits: &mut Vec<(String, String)>) {
        let path = fs::resolve(self.cwd, f);
        let fs = self.fs;
        let text = match fs.read(&path) {
            Some(text) => text,
            None if fs.is_dir(&path) => {
                self.out
                    .err(format!("sed: couldn't edit {f}: not a regular file\n"));
                self.status = 4;
                self.quit = Some(4);
                return;
            }
            None => {
                self.out
                    .err(format!("sed: can't read {f}: No such file or directory\n"));
                self.status = self.status.max(2);
                return;
            }
        };
        let mut items = vec![];
        split_lines(text, n, &mut items);
        self.file_out = Some(String::new());
        self.missing_nl = false;
        self.run_stream(items);
        let content = self.file_out.take().unwrap_or_default();
        if self.aborted {
            return;
        }
        if !suffix.is_empty() {
            edits.push((backup_name(&path, suffix), text.to_string()));
        }
        edits.push((path, content));
    }

    fn exit_code(&self) -> i32 {
        if self.aborted {
            return 1;
        }
        match self.quit {
            Some(code) if code != 0 => code,
            _ => self.status,
        }
    }

    fn run_stream(&mut self, items: Vec<Item>) {
        self.ranges = (self.prog.cmds.iter())
            .map(|c| match c.a1 {
                Some(Addr::Zero) => Range::Open,
                _ => Range::Idle,
            })
            .collect();
        self.last_line = items.iter().rposition(|it| matches!(it, Item::Line { .. }));
        self.items = items;
        self.next = 0;
        self.line = 0;
        let mut restart = false;
        while self.quit.is_none() {
            if !restart {
                let Some((text, nl)) = self.read_line() else {
                    break;
                };
                self.ps = text;
                self.chomped = nl;
            }
            restart = false;
            match self.cycle() {
                End::Cycle => self.end_cycle(true),
                End::Delete => self.end_cycle(false),
                End::Restart => {
                    self.end_cycle(false);
                    restart = true;
                }
                End::Quit(code, print) => {
                    if print {
                        self.end_cycle(true);
                        if std::mem::take(&mut self.missing_nl) {
                            self.push("\n");
                        }
                    }
                    self.quit = Some(code);
                }
                End::Abort => {
                    self.out.err(
                        "sed: stopped: the script keeps running without reading input \
                         (Kubarium's limit); it seems to loop forever\n",
                    );
                    self.aborted = true;
                    self.quit = Some(1);
                }
            }
        }
        if self.quit.is_none() {
            while self.read_line().is_some() {}
        }
        self.items.clear();
    }

    /// The next input line, reporting unreadable files on the way.
    fn read_line(&mut self) -> Option<(String, bool)> {
        while let Some(item) = self.items.get_mut(self.next) {
            self.next += 1;
            match item {
                Item::Line { text, nl, file } => {
                    self.line += 1;
                    self.work = 0;
                    self.file = *file;
                    self.tflag = false;
                    return Some((std::mem::take(text), *nl));
                }
                Item::Fail { msg, fatal } => {
                    let (msg, fatal) = (std::mem::take(msg), *fatal);
                    self.out.err(msg);
                    self.status = self.status.max(if fatal { 4 } else { 2 });
                    if fatal {
                        self.quit = Some(4);
                        return None;
                    }
                }
            }
        }
        None
    }

    fn at_last_line(&self) -> bool {
        self.last_line.is_none_or(|l| self.next > l)
    }

    fn end_cycle(&mut self, autoprint: bool) {
        if autoprint && !self.quiet {
            self.print_ps(false);
        }
        self.flush_appends();
    }

    fn cycle(&mut self) -> End {
        let prog = self.prog;
        let mut pc = 0;
        while let Some(cmd) = prog.cmds.get(pc) {
            self.work += 1 + self.ps.len() / 16;
            if self.work > WORK_LIMIT || self.ps.len() + self.hold.len() > SPACE_LIMIT {
                return End::Abort;
            }
            if !self.selected(pc, cmd) {
                pc = match cmd.op {
                    Op::Block(end) => end + 1,
                    _ => pc + 1,
                };
                continue;
            }
            pc += 1;
            match &cmd.op {
                Op::Block(_) | Op::Nop => {}
                Op::Subst(s) => self.subst(s),
                Op::Trans(map) => {
                    self.ps = self
                        .ps
                        .chars()
                        .map(|c| map.get(&c).copied().unwrap_or(c))
                        .collect();
                }
                Op::Text(TextKind::Append, text) => self.appends.push(Append::Text(text.clone())),
                Op::Text(TextKind::Insert, text) => self.emit(text),
                Op::Text(TextKind::Change, text) => {
                    let open = matches!(
                        self.ranges.get(pc - 1),
                        Some(Range::Open | Range::Until { .. })
                    );
                    if cmd.a2.is_none() || !open {
                        self.emit(text);
                    }
                    return End::Delete;
                }
                Op::Read(f) => self.appends.push(Append::File(f.clone())),
                Op::Print => self.print_ps(false),
                Op::PrintFirst => self.print_ps(true),
                Op::Delete => return End::Delete,
                Op::DeleteFirst => match self.ps.find('\n') {
                    Some(at) => {
                        self.ps.drain(..=at);
                        return End::Restart;
                    }
                    None => return End::Delete,
                },
                Op::Next | Op::NextAppend if self.at_last_line() => return End::Cycle,
                Op::Next => {
                    if !self.quiet {
                        self.print_ps(false);
                    }
                    self.flush_appends();
                    let Some((text, nl)) = self.read_line() else {
                        return End::Delete;
                    };
                    (self.ps, self.chomped) = (text, nl);
                }
                Op::NextAppend => {
                    self.flush_appends();
                    let Some((text, nl)) = self.read_line() else {
                        return End::Cycle;
                    };
                    self.ps.push('\n');
                    self.ps.push_str(&text);
                    self.chomped = nl;
                }
                Op::Quit(code, print) => return End::Quit(*code, *print),
                Op::LineNo => self.emit(&format!("{}\n", self.line)),
                Op::FileName => {
                    let name = self.names.get(self.file).cloned().unwrap_or_default();
                    self.emit(&format!("{name}\n"));
                }
                // GNU keeps a missing final newline with the text as it moves.
                Op::Hold => {
                    self.hold.clone_from(&self.ps);
                    self.hold_chomped = self.chomped;
                }
                Op::HoldAppend => {
                    self.hold.push('\n');
                    self.hold.push_str(&self.ps);
                    self.hold_chomped = self.chomped;
                }
                Op::Get => {
                    self.ps.clone_from(&self.hold);
                    self.chomped = self.hold_chomped;
                }
                Op::GetAppend => {
                    self.ps.push('\n');
                    self.ps.push_str(&self.hold);
                    self.chomped = self.hold_chomped;
                }
                Op::Exchange => {
                    std::mem::swap(&mut self.ps, &mut self.hold);
                    std::mem::swap(&mut self.chomped, &mut self.hold_chomped);
                }
                Op::Zap => self.ps.clear(),
                Op::Branch(kind, target) => {
                    let jump = match kind {
                        Jump::Always => true,
                        Jump::IfSub => std::mem::take(&mut self.tflag),
                        Jump::IfNoSub => !std::mem::take(&mut self.tflag),
                    };
                    if jump {
                        pc = target.unwrap_or(prog.cmds.len());
                    }
                }
            }
        }
        End::Cycle
    }

    fn selected(&mut self, pc: usize, cmd: &Cmd) -> bool {
        let hit = match (&cmd.a1, &cmd.a2) {
            (None, _) => true,
            (Some(a), None) => self.hit(a),
            (Some(a1), Some(a2)) => self.in_range(pc, a1, a2),
        };
        hit != cmd.negate
    }

    fn in_range(&mut self, pc: usize, a1: &Addr, a2: &Addr) -> bool {
        let line = self.line;
        let state = self.ranges.get(pc).copied().unwrap_or(Range::Idle);
        let after = match a1 {
            Addr::Line(_) => Range::Closed,
            _ => Range::Idle,
        };
        let (next, hit) = match state {
            Range::Closed => (Range::Closed, false),
            Range::Until { end, exact } => (
                if line >= end { after } else { state },
                !exact || line <= end,
            ),
            Range::Open => (if self.hit(a2) { after } else { state }, true),
            Range::Idle => {
                // Like GNU, a range from line N also starts on a later line if N was skipped.
                let (start, skipped) = match *a1 {
                    Addr::Line(n) => (line >= n, line > n),
                    _ => (self.hit(a1), false),
                };
                if !start {
                    return false;
                }
                match *a2 {
                    Addr::Line(n) if n > line => (
                        Range::Until {
                            end: n,
                            exact: true,
                        },
                        true,
                    ),
                    Addr::Line(n) => (after, !skipped || n == line),
                    Addr::Plus(n) if n > 0 => {
                        let end = line.saturating_add(n);
                        (Range::Until { end, exact: false }, true)
                    }
                    Addr::Re(_) => (Range::Open, true),
                    Addr::Last if !self.at_last_line() => (Range::Open, true),
                    _ => (after, true),
                }
            }
        };
        if let Some(r) = self.ranges.get_mut(pc) {
            *r = next;
        }
        hit
    }

    fn hit(&mut self, a: &Addr) -> bool {
        match a {
            Addr::Line(n) => self.line == *n,
            Addr::Last => self.at_last_line(),
            Addr::Re(rx) => self.regex(rx).is_some_and(|re| re.is_match(&self.ps)),
            Addr::Step(first, step) => {
                self.line >= *first && (self.line - first).checked_rem(*step) == Some(0)
            }
            Addr::Zero | Addr::Plus(_) => false,
        }
    }

    fn regex(&mut self, rx: &Rx) -> Option<Regex> {
        if let Some(re) = &rx.0 {
            self.last_re = Some(re.clone());
        }
        self.last_re.clone()
    }

    fn subst(&mut self, s: &Subst) {
        let Some(re) = self.regex(&s.rx) else {
            return;
        };
        let Some(new) = replace(&re, &self.ps, s) else {
            return;
        };
        self.ps = new;
        self.tflag = true;
        if s.print {
            self.print_ps(false);
        }
    }

    fn flush_appends(&mut self) {
        for a in std::mem::take(&mut self.appends) {
            match a {
                Append::Text(t) => self.emit(&t),
                Append::File(f) => {
                    let fs = self.fs;
                    if let Some(text) = fs.read(&fs::resolve(self.cwd, &f)) {
                        self.emit(text);
                    }
                }
            }
        }
    }

    /// Prints the pattern space (`P`: its first line).
    fn print_ps(&mut self, first_line: bool) {
        let ps = std::mem::take(&mut self.ps);
        match ps.split_once('\n') {
            Some((first, _)) if first_line => self.emit_line(first, true),
            _ => self.emit_line(&ps, self.chomped),
        }
        self.ps = ps;
    }

    /// Writes text, first ending a previous line that had no newline.
    fn emit(&mut self, s: &str) {
        if std::mem::take(&mut self.missing_nl) {
            self.push("\n");
        }
        self.push(s);
    }

    fn emit_line(&mut self, s: &str, nl: bool) {
        self.emit(s);
        if nl {
            self.push("\n");
        } else {
            self.missing_nl = true;
        }
    }

    fn push(&mut self, s: &str) {
        match &mut self.file_out {
            Some(buf) => buf.push_str(s),
            None => push_out(&mut self.out, s),
        }
    }
}

fn backup_name(path: &str, suffix: &str) -> String {
    if !suffix.contains('*') {
        return format!("{path}{suffix}");
    }
    let (dir, base) = path.rsplit_once('/').unwrap_or(("", path));
    format!("{dir}/{}", suffix.replace('*', base))
}

/// `s///` on `text`: the new text, or `None` when nothing was replaced. Like GNU, an
/// empty match right after the previous match does not count.
fn replace(re: &Regex, text: &str, s: &Subst) -> Option<String> {
    let mut out = String::new();
    let (mut pos, mut copied, mut count) = (0, 0, 0);
    let mut prev_end = None;
    let mut done = false;
    while pos <= text.len() {
        let Some(caps) = re.captures_at(text, pos) else {
            break;
        };
        let Some(m) = caps.get(0) else {
            break;
        };
        let empty = m.start() == m.end();
        if !(empty && prev_end == Some(m.start())) {
            count += 1;
            if count >= s.nth {
                out.push_str(text.get(copied..m.start()).unwrap_or_default());
                expand(&caps, &s.repl, &mut out);
                copied = m.end();
                done = true;
                if !s.global {
                    break;
                }
            }
            prev_end = Some(m.end());
        }
        pos = if empty {
            m.end()
                + text
                    .get(m.end()..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8)
        } else {
            m.end()
        };
    }
    done.then(|| {
        out.push_str(text.get(copied..).unwrap_or_default());
        out
    })
}

fn expand(caps: &Captures, repl: &[Piece], out: &mut String) {
    let mut mode: Option<bool> = None;
    let mut once: Option<bool> = None;
    for piece in repl {
        let text = match piece {
            Piece::Lit(s) => s.as_str(),
            Piece::Group(n) => caps.get(*n).map_or("", |m| m.as_str()),
            Piece::Case(c) => {
                match c {
                    Case::Upper => (mode, once) = (Some(true), None),
                    Case::Lower => (mode, once) = (Some(false), None),
                    Case::UpperNext => once = Some(true),
                    Case::LowerNext => once = Some(false),
                    Case::End => (mode, once) = (None, None),
                }
                continue;
            }
        };
        for ch in text.chars() {
            match once.take().or(mode) {
                Some(true) => out.extend(ch.to_uppercase()),
                Some(false) => out.extend(ch.to_lowercase()),
                None => out.push(ch),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run of `sed`: its arguments, standard input and files in the home directory, and
    /// what GNU sed 4.9 printed (`<usage>` standing for its usage text), exited with and
    /// left in the files it changed.
    struct Case {
        args: &'static [&'static str],
        stdin: &'static str,
        files: &'static [(&'static str, &'static str)],
        out: &'static str,
        err: &'static str,
        code: i32,
        after: &'static [(&'static str, &'static str)],
    }

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.19\n";

    #[rustfmt::skip]
    const CASES: &[Case] = &[
        Case { args: &["s/nginx:1.19/nginx:1.20/"], stdin: DEPLOY, files: &[], out: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.20\n", err: "", code: 0, after: &[] },
        Case { args: &["-n", "5,10p"], stdin: "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", files: &[], out: "5\n6\n7\n8\n9\n10\n", err: "", code: 0, after: &[] },
        Case { args: &["/^#/d"], stdin: "# comment\nkey: 1\n#x\nother: 2\n", files: &[], out: "key: 1\nother: 2\n", err: "", code: 0, after: &[] },
        Case { args: &["-e", "s/ *$//"], stdin: "a  \nb \nc\n", files: &[], out: "a\nb\nc\n", err: "", code: 0, after: &[] },
        Case { args: &["s/\\(.*\\):\\(.*\\)/\\2/"], stdin: "key:value\nk2:v2\nnone\n", files: &[], out: "value\nv2\nnone\n", err: "", code: 0, after: &[] },
        Case { args: &["-E", "s/([0-9]+)m/\\1/"], stdin: "cpu: 250m\nmemory: 128Mi\n", files: &[], out: "cpu: 250\nmemory: 128Mi\n", err: "", code: 0, after: &[] },
        Case { args: &["1d"], stdin: "a\nb\nc\n", files: &[], out: "b\nc\n", err: "", code: 0, after: &[] },
        Case { args: &["-n", "/kind: Pod/,/---/p"], stdin: "apiVersion: v1\nkind: Service\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n---\nkind: ConfigMap\n", files: &[], out: "kind: Pod\nmetadata:\n  name: p\n---\n", err: "", code: 0, after: &[] },
        Case { args: &["s/^/  /"], stdin: "a\nb\nc\n", files: &[], out: "  a\n  b\n  c\n", err: "", code: 0, after: &[] },
        Case { args: &["s/replicas: [0-9]*/replicas: 5/"], stdin: DEPLOY, files: &[], out: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 5\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.19\n", err: "", code: 0, after: &[] },
        Case { args: &["s|/usr/bin|/opt|g"], stdin: "/usr/bin/a:/usr/bin/b\n", files: &[], out: "/opt/a:/opt/b\n", err: "", code: 0, after: &[] },
        Case { args: &["s/o/0/2"], stdin: "foo boo\n", files: &[], out: "fo0 boo\n", err: "", code: 0, after: &[] },
        Case { args: &["s/O/0/Ig"], stdin: "foo boo\n", files: &[], out: "f00 b00\n", err: "", code: 0, after: &[] },
        Case { args: &["-n", "s/a/b/p"], stdin: "a\nb\nc\n", files: &[], out: "b\n", err: "", code: 0, after: &[] },
        Case { args: &["s/a/b/2g"], stdin: "aaaa\n", files: &[], out: "abbb\n", err: "", code: 0, after: &[] },
        Case { args: &["-e", "s/a/b/", "-e", "s/c/d/"], stdin: "a\nb\nc\n", files: &[], out: "b\nb\nd\n", err: "", code: 0, after: &[] },
        Case { args: &["s/a/b/;s/c/d/ ; 2d"], stdin: "a\nb\nc\n", files: &[], out: "b\nd\n", err: "", code: 0, after: &[] },
        Case { args: &["$!N;s/\\n/ /"], stdin: "1\n2\n3\n4\n5\n", files: &[], out: "1 2\n3 4\n5\n", err: "", code: 0, after: &[] },
        Case { args: &["N;P;D"], stdin: "1\n2\n3\n4\n5\n", files: &[], out: "1\n2\n3\n4\n5\n", err: "", code: 0, after: &[] },
        Case { args: &["-n", "$p"], stdin: "1\n2\n3\n4\n5\n", files: &[], out: "5\n", err: "", code: 0, after: &[] },
        Case { args: &["2,$d"], stdin: "1\n2\n3\n4\n5\n", files: &[], out: "1\n", err: "", code: 0, after: &[] },
        Case { args: &["/start/,/end/d"], stdin: "a\nstart\nb\nend\nc\n", files: &[], out: "a\nc\n", err: "", code: 0, after: &[] },
        Case { args: &["/2/,+1d"], stdin: "1\n2\n3\n4\n5\n", files: &[], out: "1\n4\n5\n", err: "", code: 0, after: &[] },
        Case { args: &["2!d"], stdin: "1\n2\n3\n4\n5\n", files: &[], out: "2\n", err: "", code: 0, after: &[] },
        Case { args: &["0~2d"], stdin: "1\n2\n3\n4\n5\n", files: &[], out: "1\n3\n5\n", err: "", code: 0, after: &[] },
        Case { args: &["-n", "2,4!p"], stdin: "1\n2\n3\n4\n5\n", files: &[], out: "1\n5\n", err: "", code: 0, after: &[] },
        Case { args: &["3q"], stdin: "1\n2\n3\n4\n5\n", files: &[], out: "1\n2\n3\n", err: "", code: 0, after: &[] },
        Case { args: &["3q5"], stdin: "1\n2\n3\n4\n5\n", files: &[], out: "1\n2\n3\n", err: "", code: 5, after: &[] },
        Case { args: &["3Q"], stdin: "1\n2\n3\n4\n5\n", files: &[], out: "1\n2\n", err: "", code: 0, after: &[] },
        Case { args: &["-n", "$="], stdin: "1\n2\n3\n4\n5\n", files: &[], out: "5\n", err: "", code: 0, after: &[] },
        Case { args: &["="], stdin: "a\nb\nc\n", files: &[], out: "1\na\n2\nb\n3\nc\n", err: "", code: 0, after: &[] },
        Case { args: &["2a\\  foo"], stdin: "a\nb\nc\n", files: &[], out: "a\nb\n  foo\nc\n", err: "", code: 0, after: &[] },
        Case { args: &["/b/a foo"], stdin: "a\nb\nc\n", files: &[], out: "a\nb\nfoo\nc\n", err: "", code: 0, after: &[] },
        Case { args: &["1i header"], stdin: "a\nb\nc\n", files: &[], out: "header\na\nb\nc\n", err: "", code: 0, after: &[] },
        Case { args: &["2c\\changed"], stdin: "a\nb\nc\n", files: &[], out: "a\nchanged\nc\n", err: "", code: 0, after: &[] },
        Case { args: &["2,3c X"], stdin: "1\n2\n3\n4\n5\n", files: &[], out: "1\nX\n4\n5\n", err: "", code: 0, after: &[] },
        Case { args: &["$!a ---"], stdin: "a\nb\nc\n", files: &[], out: "a\n---\nb\n---\nc\n", err: "", code: 0, after: &[] },
        Case { args: &["y/abc/xyz/"], stdin: "aabbcc\n", files: &[], out: "xxyyzz\n", err: "", code: 0, after: &[] },
        Case { args: &["/b/{s/b/B/;p}"], stdin: "a\nb\nc\n", files: &[], out: "a\nB\nB\nc\n", err: "", code: 0, after: &[] },
        Case { args: &["-n", "/a/{n;p}"], stdin: "a\nb\nc\n", files: &[], out: "b\n", err: "", code: 0, after: &[] },
        Case { args: &["1!G;h;$!d"], stdin: "a\nb\nc\n", files: &[], out: "c\nb\na\n", err: "", code: 0, after: &[] },
        Case { args: &[":a;N;$!ba;s/\\n/,/g"], stdin: "1\n2\n3\n4\n5\n", files: &[], out: "1,2,3,4,5\n", err: "", code: 0, after: &[] },
        Case { args: &["s/x*/-/g"], stdin: "abc\n", files: &[], out: "-a-b-c-\n", err: "", code: 0, after: &[] },
        Case { args: &["s/a*/x/g"], stdin: "baaac\n", files: &[], out: "xbxcx\n", err: "", code: 0, after: &[] },
        Case { args: &["s/\\w\\+/\\u&/g"], stdin: "hello big world\n", files: &[], out: "Hello Big World\n", err: "", code: 0, after: &[] },
        Case { args: &["s/\\(hello\\) \\(world\\)/\\u\\1 \\U\\2\\E!/"], stdin: "hello world\n", files: &[], out: "Hello WORLD!\n", err: "", code: 0, after: &[] },
        Case { args: &["s/[^/]*$//"], stdin: "a/b/c\n", files: &[], out: "a/b/\n", err: "", code: 0, after: &[] },
        Case { args: &["s/[[:space:]]*#.*//"], stdin: "key: 1   # note\n", files: &[], out: "key: 1\n", err: "", code: 0, after: &[] },
        Case { args: &["s/a\\|b/X/g"], stdin: "abc\n", files: &[], out: "XXc\n", err: "", code: 0, after: &[] },
        Case { args: &["-E", "s/(a|b)+/X/"], stdin: "abc\n", files: &[], out: "Xc\n", err: "", code: 0, after: &[] },
        Case { args: &["s/a+b?(c)/X/"], stdin: "a+b?(c)\n", files: &[], out: "X\n", err: "", code: 0, after: &[] },
        Case { args: &["s/a\\{2\\}/X/"], stdin: "aaa\n", files: &[], out: "Xa\n", err: "", code: 0, after: &[] },
        Case { args: &["-E", "s/a{2}/X/"], stdin: "aaa\n", files: &[], out: "Xa\n", err: "", code: 0, after: &[] },
        Case { args: &["s/\\t/T/;s/\\<w/W/"], stdin: "a\tb world\n", files: &[], out: "aTb World\n", err: "", code: 0, after: &[] },
        Case { args: &["p"], stdin: "a\nb", files: &[], out: "a\na\nb\nb", err: "", code: 0, after: &[] },
        Case { args: &["$a end"], stdin: "a\nb", files: &[], out: "a\nb\nend\n", err: "", code: 0, after: &[] },
        Case { args: &["-n", "/A/I,/B/Ip"], stdin: "x\na\ny\nb\nz\n", files: &[], out: "a\ny\nb\n", err: "", code: 0, after: &[] },
        Case { args: &["1~2s/^/> /"], stdin: "1\n2\n3\n4\n5\n", files: &[], out: "> 1\n2\n> 3\n4\n> 5\n", err: "", code: 0, after: &[] },
        Case { args: &["\\%/usr%d"], stdin: "/usr/x\n/opt/y\n", files: &[], out: "/opt/y\n", err: "", code: 0, after: &[] },
        Case { args: &["0,/b/s//X/"], stdin: "b\nb\nb\n", files: &[], out: "X\nb\nb\n", err: "", code: 0, after: &[] },
        Case { args: &["-n", "/a/,/c/{/c/!p}"], stdin: "a\nb\nc\n", files: &[], out: "a\nb\n", err: "", code: 0, after: &[] },
        Case { args: &["s/a/\\n/"], stdin: "xay\n", files: &[], out: "x\ny\n", err: "", code: 0, after: &[] },
        Case { args: &["N;N;s/\\n/+/g"], stdin: "1\n2\n3\n4\n5\n", files: &[], out: "1+2+3\n4\n5\n", err: "", code: 0, after: &[] },
        Case { args: &["-n", "/b/{=;p}"], stdin: "a\nb\nc\n", files: &[], out: "2\nb\n", err: "", code: 0, after: &[] },
        Case { args: &["s/b/&&/;T;s/^/+/"], stdin: "a\nb\nc\n", files: &[], out: "a\n+bb\nc\n", err: "", code: 0, after: &[] },
        Case { args: &["-s", "-n", "$p;1F", "f1", "f2"], stdin: "", files: &[("f1", "a\nb\n"), ("f2", "c\nd\n")], out: "f1\nb\nf2\nd\n", err: "", code: 0, after: &[] },
        Case { args: &["-n", "$p", "f1", "f2"], stdin: "", files: &[("f1", "a\nb\n"), ("f2", "c\nd\n")], out: "d\n", err: "", code: 0, after: &[] },
        Case { args: &["p", "f1", "nofile", "f2"], stdin: "", files: &[("f1", "a\n"), ("f2", "c\n")], out: "a\na\nc\nc\n", err: "sed: can't read nofile: No such file or directory\n", code: 2, after: &[] },
        Case { args: &["-f", "script.sed", "f1"], stdin: "", files: &[("f1", "a\nb\n"), ("script.sed", "# comment\ns/a/A/\n/b/ {\n  i\\\n  before b\n}\n")], out: "A\n  before b\nb\n", err: "", code: 0, after: &[] },
        Case { args: &["-n", "-e", "/a/{", "-e", "p", "-e", "}"], stdin: "a\nb\nc\n", files: &[], out: "a\n", err: "", code: 0, after: &[] },
        Case { args: &["-e", "1a\\", "-e", "added"], stdin: "a\nb\nc\n", files: &[], out: "a\nadded\nb\nc\n", err: "", code: 0, after: &[] },
        Case { args: &["1r f1"], stdin: "a\nb\nc\n", files: &[("f1", "R\n")], out: "a\nR\nb\nc\n", err: "", code: 0, after: &[] },
        Case { args: &["--expression=s/a/b/", "--quiet", "-e", "p"], stdin: "a\nb\nc\n", files: &[], out: "b\nb\nc\n", err: "", code: 0, after: &[] },
        Case { args: &["s/a/b/", "--", "-"], stdin: "a\nb\nc\n", files: &[], out: "b\nb\nc\n", err: "", code: 0, after: &[] },
        Case { args: &["-i", "s/image: nginx:1.19/image: nginx:1.20/", "deploy.yaml"], stdin: "", files: &[("deploy.yaml", DEPLOY)], out: "", err: "", code: 0, after: &[("deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.20\n")] },
        Case { args: &["-i.bak", "s/3/X/", "f1"], stdin: "", files: &[("f1", "1\n2\n3")], out: "", err: "", code: 0, after: &[("f1", "1\n2\nX"), ("f1.bak", "1\n2\n3")] },
        Case { args: &["-i", "2q", "f1"], stdin: "", files: &[("f1", "1\n2\n3\n4\n5\n")], out: "", err: "", code: 0, after: &[("f1", "1\n2\n")] },
        Case { args: &["-n", "-i", "2p;3=", "f1", "f2"], stdin: "", files: &[("f1", "1\n2\n3\n4\n5\n"), ("f2", "x\ny\n")], out: "", err: "", code: 0, after: &[("f1", "2\n3\n"), ("f2", "y\n")] },
        Case { args: &["-i", "$a end", "f1"], stdin: "", files: &[("f1", "a\nb")], out: "", err: "", code: 0, after: &[("f1", "a\nb\nend\n")] },
        Case { args: &["-i", "-e", "1d", "f1", "missing", "f2"], stdin: "", files: &[("f1", "a\nb\n"), ("f2", "c\nd\n")], out: "", err: "sed: can't read missing: No such file or directory\n", code: 2, after: &[("f1", "b\n"), ("f2", "d\n")] },
        Case { args: &["-i", "p"], stdin: "", files: &[], out: "", err: "sed: no input files\n", code: 4, after: &[] },
        Case { args: &["G"], stdin: "a\nb", files: &[], out: "a\n\nb\n\n", err: "", code: 0, after: &[] },
        Case { args: &["$!d;q"], stdin: "a\nb", files: &[], out: "b\n", err: "", code: 0, after: &[] },
        Case { args: &["-n", "H;${x;p}"], stdin: "a\nb", files: &[], out: "\na\nb", err: "", code: 0, after: &[] },
        Case { args: &["-e", "a\\", "-e", "x\\", "-e", "y"], stdin: "a\n", files: &[], out: "a\nx\ny\n", err: "", code: 0, after: &[] },
        Case { args: &["q", "nofile", "f1"], stdin: "", files: &[("f1", "a\n")], out: "a\n", err: "sed: can't read nofile: No such file or directory\n", code: 2, after: &[] },
        Case { args: &["-n", "/a/,/b/p;/b/q"], stdin: "x\na\nb\nc\n", files: &[], out: "a\nb\n", err: "", code: 0, after: &[] },
        Case { args: &["s/\\(x\\)*y/[\\1]/g"], stdin: "xxy y\n", files: &[], out: "[x] []\n", err: "", code: 0, after: &[] },
        Case { args: &["s/[[:digit:]]\\+/<&>/2"], stdin: "a1 b22 c333\n", files: &[], out: "a1 b<22> c333\n", err: "", code: 0, after: &[] },
        Case { args: &["-n", "/start/,/end/{//!p}"], stdin: "a\nstart\nb\nc\nend\nd\n", files: &[], out: "b\nc\n", err: "", code: 0, after: &[] },
        Case { args: &["/containers:/a\\      - name: sidecar"], stdin: DEPLOY, files: &[], out: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: sidecar\n      - name: web\n        image: nginx:1.19\n", err: "", code: 0, after: &[] },
        Case { args: &["s/\\x2e/X/;s/\\t/<tab>/"], stdin: "a.b\tc\n", files: &[], out: "X.b<tab>c\n", err: "", code: 0, after: &[] },
        Case { args: &["-E", "s/{/x/"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 6: Invalid preceding regular expression\n", code: 1, after: &[] },
        Case { args: &["s/[a-c-e]/x/"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 12: Invalid range end\n", code: 1, after: &[] },
        Case { args: &["~2p"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 2: invalid usage of +N or ~N as first address\n", code: 1, after: &[] },
        Case { args: &["0~0p"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 4: invalid usage of line address 0\n", code: 1, after: &[] },
        Case { args: &["s/a/b"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 5: unterminated `s' command\n", code: 1, after: &[] },
        Case { args: &["s/\\(/x/"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 7: Unmatched ( or \\(\n", code: 1, after: &[] },
        Case { args: &["s/a/\\2/"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 7: invalid reference \\2 on `s' command's RHS\n", code: 1, after: &[] },
        Case { args: &["k"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 1: unknown command: `k'\n", code: 1, after: &[] },
        Case { args: &["1"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 1: missing command\n", code: 1, after: &[] },
        Case { args: &["pq"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 2: extra characters after command\n", code: 1, after: &[] },
        Case { args: &["{p"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 0: unmatched `{'\n", code: 1, after: &[] },
        Case { args: &["p}"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 2: unexpected `}'\n", code: 1, after: &[] },
        Case { args: &["b foo"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: can't find label for jump to `foo'\n", code: 4, after: &[] },
        Case { args: &["a"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 1: expected \\ after `a', `c' or `i'\n", code: 1, after: &[] },
        Case { args: &["1,2q"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 4: command only uses one address\n", code: 1, after: &[] },
        Case { args: &["0p"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 2: invalid usage of line address 0\n", code: 1, after: &[] },
        Case { args: &["y/ab/x/"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 7: strings for `y' command are different lengths\n", code: 1, after: &[] },
        Case { args: &["/a"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 2: unterminated address regex\n", code: 1, after: &[] },
        Case { args: &["s/a/b/gg"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 8: multiple `g' options to `s' command\n", code: 1, after: &[] },
        Case { args: &["s/a/b/0"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 7: number option to `s' command may not be zero\n", code: 1, after: &[] },
        Case { args: &["s/a/b/k"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 7: unknown option to `s'\n", code: 1, after: &[] },
        Case { args: &["-e", "p", "-e", "s/x"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #2, char 3: unterminated `s' command\n", code: 1, after: &[] },
        Case { args: &["//p"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 0: no previous regular expression\n", code: 1, after: &[] },
        Case { args: &["s/[/x/"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 6: unterminated `s' command\n", code: 1, after: &[] },
        Case { args: &["s/a**/x/"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 8: Invalid preceding regular expression\n", code: 1, after: &[] },
        Case { args: &["-E", "s/a{3,2}/x/"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 11: Invalid content of \\{\\}\n", code: 1, after: &[] },
        Case { args: &["s/[[:foo:]]/x/"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 14: Invalid character class name\n", code: 1, after: &[] },
        Case { args: &["s/[z-a]/x/"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 10: Invalid range end\n", code: 1, after: &[] },
        Case { args: &["1,p"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 3: unexpected `,'\n", code: 1, after: &[] },
        Case { args: &["1!!p"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 3: multiple `!'s\n", code: 1, after: &[] },
        Case { args: &[":"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: -e expression #1, char 1: \":\" lacks a label\n", code: 1, after: &[] },
        Case { args: &["x", "nofile"], stdin: "", files: &[], out: "", err: "sed: can't read nofile: No such file or directory\n", code: 2, after: &[] },
        Case { args: &["-f", "nofile"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: couldn't open file nofile: No such file or directory\n", code: 4, after: &[] },
        Case { args: &["-f", "bad.sed"], stdin: "a\nb\nc\n", files: &[("bad.sed", "p\n\nk\n")], out: "", err: "sed: file bad.sed line 3: unknown command: `k'\n", code: 1, after: &[] },
        Case { args: &["-k"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: invalid option -- 'k'\n<usage>", code: 1, after: &[] },
        Case { args: &["--foo"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: unrecognized option '--foo'\n<usage>", code: 1, after: &[] },
        Case { args: &["-e"], stdin: "a\nb\nc\n", files: &[], out: "", err: "sed: option requires an argument -- 'e'\n<usage>", code: 1, after: &[] },
        Case { args: &[], stdin: "a\nb\nc\n", files: &[], out: "", err: "<usage>", code: 1, after: &[] },
    ];

    fn sed(args: &[&str], stdin: &str, fs: &mut Fs) -> (String, String, i32) {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let mut io = Io {
            stdin: Some(stdin.to_string()),
            fs,
            cwd: "/root",
        };
        let result = run(&args, &mut io);
        let (mut out, mut err) = (String::new(), String::new());
        for (stream, text) in &result.output.chunks {
            match stream {
                Stream::Out => out.push_str(text),
                Stream::Err => err.push_str(text),
            }
        }
        (out, err, result.code)
    }

    #[test]
    fn behaves_like_gnu_sed() {
        let mut failures = vec![];
        for c in CASES {
            let mut fs = Fs::default();
            for (name, text) in c.files {
                fs.write(&format!("/root/{name}"), text, false).unwrap();
            }
            let (out, err, code) = sed(c.args, c.stdin, &mut fs);
            let want_err = c.err.replace("<usage>", USAGE);
            if (out.as_str(), err.as_str(), code) != (c.out, want_err.as_str(), c.code) {
                failures.push(format!("sed {:?}: got {:?}", c.args, (out, err, code)));
            }
            for (name, text) in c.after {
                let now = fs.read(&format!("/root/{name}"));
                if now != Some(*text) {
                    failures.push(format!("sed {:?}: {name} holds {now:?}", c.args));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn says_what_kubarium_lacks() {
        let cases: &[(&[&str], &str)] = &[
            (&["l"], "the `l' command"),
            (
                &["s/\\(a\\)\\1/x/"],
                "back-references in regular expressions",
            ),
            (&["-z", "p"], "-z (NUL-separated lines)"),
            (&["1,~2p"], "the `addr1,~N' address form"),
            (&["s/[[.space.]]/x/"], "the `[.space.]' bracket element"),
            (&["s/a/b/w out.txt"], "the `w' flag of `s'"),
        ];
        for (args, what) in cases {
            let (out, err, code) = sed(args, "a\n", &mut Fs::default());
            let want = format!("sed: {what} is not supported in Kubarium yet\n");
            assert_eq!((out.as_str(), err.as_str(), code), ("", want.as_str(), 1));
        }
    }

    #[test]
    fn endless_loops_stop() {
        for script in [
            ":a;ba",
            ":a;s/x*/x/;ta",
            ":a;G;h;ba",
            ":a;s/$/x/;ta",
            "s/a/&\\n&/;P;D",
        ] {
            let (_, err, code) = sed(&[script], "a\n", &mut Fs::default());
            assert!(err.contains("loop forever"), "{script}: {err}");
            assert_eq!(code, 1);
        }
    }

    #[test]
    fn never_panics_on_partial_scripts() {
        let scripts = [
            "1,/a[^]/x]\\{2,3\\}/{s/\\(a\\|b\\)*/\\U&\\E\\n\\2/2gpw /tmp/w\n}",
            "$!N;/\\n/!{y/ab\\/c/xy\\/z/;P;D};a\\\n  text\\\nmore\ni\\x",
            "0,/é/s//ü/I;2~3c\\ü;1!G;h;$!d;:é;tb;Té;b é;=;q5",
            "\\%[[:alpha:]]%,+2!{r f\nF;z;x;H;g;l;n;Q 3}",
            "s/[a-/x/;s/\\(/x/;y/a/bc/;s/.*/\\l\\u&/e",
        ];
        let mut fs = Fs::default();
        for script in scripts {
            for (at, _) in script.char_indices() {
                for mode in ["-n", "-E", "-s"] {
                    sed(&[mode, &script[..at]], "a\nb\nab\né\n", &mut fs);
                }
            }
        }
    }
}
