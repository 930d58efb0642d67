//! Go text/template's lexer and parser: actions, pipelines, trim markers, comments,
//! control structures and definitions, with the parse errors Go reports (`template:
//! output:1: unexpected EOF`).

use std::collections::BTreeMap;

/// The name kubectl gives its template; errors say `template: output:...`.
pub const NAME: &str = "output";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Error,
    Bool,
    Char,
    CharConstant,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl Tok {
    fn is_keyword(self) -> bool {
        matches!(
            self,
            Tok::Block
                | Tok::Break
                | Tok::Continue
                | Tok::Dot
                | Tok::Define
                | Tok::Else
                | Tok::End
                | Tok::If
                | Tok::Nil
                | Tok::Range
                | Tok::Template
                | Tok::With
        )
    }
}

#[derive(Debug, Clone)]
struct Item {
    typ: Tok,
    pos: usize,
    val: String,
    line: usize,
}

impl Item {
    /// How Go names a token in "unexpected ..." errors.
    fn describe(&self) -> String {
        match self.typ {
            Tok::Eof => "EOF".into(),
            Tok::Error => self.val.clone(),
            t if t.is_keyword() => format!("<{}>", self.val),
            _ if self.val.chars().count() > 10 => {
                let head: String = self.val.chars().take(10).collect();
                format!("{}...", super::fmt::quote(&head))
            }
            _ => super::fmt::quote(&self.val),
        }
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

/// `%#U` of a rune: `U+007D '}'`.
fn unicode_name(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("U+{:04X} '{c}'", c as u32)
    }
}

struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    paren_depth: i32,
    items: Vec<Item>,
}

const LEFT: &str = "{{";
const RIGHT: &str = "}}";

impl<'a> Lexer<'a> {
    fn line_at(&self, pos: usize) -> usize {
        1 + self.input[..pos.min(self.input.len())]
            .matches('\n')
            .count()
    }

    fn emit(&mut self, typ: Tok) {
        let val = self.input[self.start..self.pos].to_string();
        self.items.push(Item {
            typ,
            pos: self.start,
            val,
            line: self.line_at(self.start),
        });
        self.start = self.pos;
    }

    fn error(&mut self, msg: String) {
        self.items.push(Item {
            typ: Tok::Error,
            pos: self.start,
            val: msg,
            line: self.line_at(self.start),
        });
    }

    fn peek(&self) -> Option<char> {
        self.input[self.pos..].chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    /// At a right delimiter, and whether it has a trim marker (` -}}`).
    fn at_right_delim(&self) -> (bool, bool) {
        let r = self.rest();
        let mut cs = r.chars();
        if let (Some(a), Some('-')) = (cs.next(), cs.next()) {
            if is_space(a) && r[a.len_utf8() + 1..].starts_with(RIGHT) {
                return (true, true);
            }
        }
        (r.starts_with(RIGHT), false)
    }

    fn at_terminator(&self) -> bool {
        match self.peek() {
            None => true,
            Some(c) if is_space(c) => true,
            Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            _ => self.rest().starts_with(RIGHT),
        }
    }

    /// Runs the whole input; the items end with EOF or an error.
    fn run(mut self) -> Vec<Item> {
        loop {
            // Text up to the next action.
            match self.rest().find(LEFT) {
                Some(x) => {
                    let delim_at = self.pos + x;
                    let after = &self.input[delim_at + LEFT.len()..];
                    let trim = has_left_trim(after);
                    let mut end = delim_at;
                    if trim {
                        end = self.input[self.start..delim_at]
                            .trim_end_matches(is_space)
                            .len()
                            + self.start;
                    }
                    if end > self.start {
                        self.pos = end;
                        self.emit(Tok::Text);
                    }
                    self.pos = delim_at;
                    self.start = delim_at;
                    if !self.left_delim() {
                        return self.items;
                    }
                }
                None => {
                    self.pos = self.input.len();
                    if self.pos > self.start {
                        self.emit(Tok::Text);
                    }
                    self.emit(Tok::Eof);
                    return self.items;
                }
            }
        }
    }

    /// Lexes one action (or comment) from its left delimiter; false after an error.
    fn left_delim(&mut self) -> bool {
        self.pos += LEFT.len();
        let trim = has_left_trim(self.rest());
        let after = if trim { 2 } else { 0 };
        if self.input[self.pos + after..].starts_with("/*") {
            self.pos += after;
            self.start = self.pos;
            return self.comment();
        }
        self.emit(Tok::LeftDelim);
        self.pos += after;
        self.start = self.pos;
        self.paren_depth = 0;
        self.inside_action()
    }

    fn comment(&mut self) -> bool {
        self.pos += 2;
        let Some(x) = self.rest().find("*/") else {
            self.error("unclosed comment".into());
            return false;
        };
        self.pos += x + 2;
        let (delim, trim) = self.at_right_delim();
        if !delim {
            self.error("comment ends before closing delimiter".into());
            return false;
        }
        if trim {
            self.pos += 2;
        }
        self.pos += RIGHT.len();
        if trim {
            self.skip_leading_space();
        }
        self.start = self.pos;
        true
    }

    fn skip_leading_space(&mut self) {
        let r = self.rest();
        self.pos += r.len() - r.trim_start_matches(is_space).len();
    }

    fn right_delim(&mut self) {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.pos += 2;
            self.start = self.pos;
        }
        self.pos += RIGHT.len();
        self.emit(Tok::RightDelim);
        if trim {
            self.skip_leading_space();
            self.start = self.pos;
        }
    }

    /// The tokens inside an action, up to its right delimiter; false after an error.
    fn inside_action(&mut self) -> bool {
        loop {
            let (delim, _) = self.at_right_delim();
            if delim {
                if self.paren_depth == 0 {
                    self.right_delim();
                    return true;
                }
                self.error("unclosed left paren".into());
                return false;
            }
            let Some(c) = self.next() else {
                self.error("unclosed action".into());
                return false;
            };
            let ok = match c {
                c if is_space(c) => {
                    self.pos -= c.len_utf8();
                    self.space()
                }
                '=' => {
                    self.emit(Tok::Assign);
                    true
                }
                ':' => {
                    if self.next() != Some('=') {
                        self.error("expected :=".into());
                        return false;
                    }
                    self.emit(Tok::Declare);
                    true
                }
                '|' => {
                    self.emit(Tok::Pipe);
                    true
                }
                '"' => self.quoted('"', Tok::String, "quoted string"),
                '`' => self.raw_quote(),
                '$' => {
                    if self.at_terminator() {
                        self.emit(Tok::Variable);
                        true
                    } else {
                        self.field_or_variable(Tok::Variable)
                    }
                }
                '\'' => self.quoted('\'', Tok::CharConstant, "character constant"),
                '.' if !self.peek().is_some_and(|d| d.is_ascii_digit()) => {
                    if self.at_terminator() {
                        self.emit(Tok::Dot);
                        true
                    } else {
                        self.field_or_variable(Tok::Field)
                    }
                }
                '.' | '+' | '-' | '0'..='9' => {
                    self.pos -= 1;
                    self.number()
                }
                c if is_alnum(c) => {
                    self.pos -= c.len_utf8();
                    self.identifier()
                }
                '(' => {
                    self.paren_depth += 1;
                    self.emit(Tok::LeftParen);
                    true
                }
                ')' => {
                    self.paren_depth -= 1;
                    if self.paren_depth < 0 {
                        self.error("unexpected right paren".into());
                        return false;
                    }
                    self.emit(Tok::RightParen);
                    true
                }
                c if c.is_ascii() && !c.is_ascii_control() => {
                    self.emit(Tok::Char);
                    true
                }
                c => {
                    self.error(format!(
                        "unrecognized character in action: {}",
                        unicode_name(c)
                    ));
                    false
                }
            };
            if !ok {
                return false;
            }
            if self.items.last().is_some_and(|i| i.typ == Tok::RightDelim) {
                return true;
            }
        }
    }

    fn space(&mut self) -> bool {
        let mut n = 0;
        while self.peek().is_some_and(is_space) {
            self.next();
            n += 1;
        }
        // A space before ` -}}` belongs to the trim marker.
        let before = self.pos - 1;
        let tail = &self.input[before..];
        if tail.as_bytes().get(1) == Some(&b'-') && tail[2..].starts_with(RIGHT) {
            self.pos = before;
            if n == 1 {
                self.right_delim();
                return true;
            }
        }
        self.emit(Tok::Space);
        true
    }

    fn identifier(&mut self) -> bool {
        while self.peek().is_some_and(is_alnum) {
            self.next();
        }
        if !self.at_terminator() {
            let c = self.peek().unwrap_or(' ');
            self.error(format!("bad character {}", unicode_name(c)));
            return false;
        }
        let typ = match &self.input[self.start..self.pos] {
            "block" => Tok::Block,
            "break" => Tok::Break,
            "continue" => Tok::Continue,
            "define" => Tok::Define,
            "else" => Tok::Else,
            "end" => Tok::End,
            "if" => Tok::If,
            "range" => Tok::Range,
            "nil" => Tok::Nil,
            "template" => Tok::Template,
            "with" => Tok::With,
            "true" | "false" => Tok::Bool,
            _ => Tok::Identifier,
        };
        self.emit(typ);
        true
    }

    fn field_or_variable(&mut self, typ: Tok) -> bool {
        while self.peek().is_some_and(is_alnum) {
            self.next();
        }
        if !self.at_terminator() {
            let c = self.peek().unwrap_or(' ');
            self.error(format!("bad character {}", unicode_name(c)));
            return false;
        }
        self.emit(typ);
        true
    }

    /// A quoted string or character constant, up to its closing `close` (escapes
    /// skipped; a line break or the end leaves it unterminated).
    fn quoted(&mut self, close: char, tok: Tok, what: &str) -> bool {
        loop {
            let ended = match self.next() {
                Some('\\') => matches!(self.next(), None | Some('\n')),
                Some(c) if c == close => break,
                None | Some('\n') => true,
                _ => false,
            };
            if ended {
                self.error(format!("unterminated {what}"));
                return false;
            }
        }
        self.emit(tok);
        true
    }

    fn number(&mut self) -> bool {
        if !self.scan_number() {
            let text = self.input[self.start..self.pos].to_string();
            self.error(format!("bad number syntax: {}", super::fmt::quote(&text)));
            return false;
        }
        self.emit(Tok::Number);
        true
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.peek() {
            Some(c) if valid.contains(c) => {
                self.next();
                true
            }
            _ => false,
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while self.accept(valid) {}
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if self.peek().is_some_and(is_alnum) {
            self.next();
            return false;
        }
        true
    }

    fn raw_quote(&mut self) -> bool {
        loop {
            match self.next() {
                None => {
                    self.error("unterminated raw quoted string".into());
                    return false;
                }
                Some('`') => break,
                _ => {}
            }
        }
        self.emit(Tok::RawString);
        true
    }
}

fn has_left_trim(s: &str) -> bool {
    let mut cs = s.chars();
    matches!((cs.next(), cs.next()), (Some('-'), Some(c)) if is_space(c))
}

/// A number literal as a template uses it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    Int(i64),
    Float(f64),
}

/// An operand of a command.
#[derive(Debug, Clone)]
pub enum Arg {
    /// `.a.b`
    Field(usize, Vec<String>),
    /// `$x.a` (the first name is the variable's, with its `$`).
    Variable(usize, Vec<String>),
    Dot(usize),
    Nil(usize),
    Bool(usize, bool),
    Number(usize, String, Number),
    /// The literal as written, and its value.
    Str(usize, String, String),
    Ident(usize, String),
    Pipe(Box<Pipe>),
    /// `(pipeline).a.b`
    Chain(usize, Box<Arg>, Vec<String>),
}

impl Arg {
    pub fn pos(&self) -> usize {
        match self {
            Arg::Field(p, _)
            | Arg::Variable(p, _)
            | Arg::Dot(p)
            | Arg::Nil(p)
            | Arg::Bool(p, _)
            | Arg::Number(p, _, _)
            | Arg::Str(p, _, _)
            | Arg::Ident(p, _)
            | Arg::Chain(p, _, _) => *p,
            Arg::Pipe(pipe) => pipe.pos,
        }
    }

    fn literal(&self) -> bool {
        matches!(
            self,
            Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(..) | Arg::Str(..)
        )
    }
}

impl std::fmt::Display for Arg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Arg::Field(_, idents) => {
                for i in idents {
                    write!(f, ".{i}")?;
                }
                Ok(())
            }
            Arg::Variable(_, idents) => write!(f, "{}", idents.join(".")),
            Arg::Dot(_) => write!(f, "."),
            Arg::Nil(_) => write!(f, "nil"),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Number(_, text, _) | Arg::Str(_, text, _) | Arg::Ident(_, text) => {
                write!(f, "{text}")
            }
            Arg::Pipe(p) => write!(f, "{p}"),
            Arg::Chain(_, node, fields) => {
                if matches!(**node, Arg::Pipe(_)) {
                    write!(f, "({node})")?;
                } else {
                    write!(f, "{node}")?;
                }
                for x in fields {
                    write!(f, ".{x}")?;
                }
                Ok(())
            }
        }
    }
}

/// One command of a pipeline: a function and its arguments, or one operand.
#[derive(Debug, Clone)]
pub struct Cmd {
    pub pos: usize,
    pub args: Vec<Arg>,
}

impl std::fmt::Display for Cmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                write!(f, " ")?;
            }
            if matches!(a, Arg::Pipe(_)) {
                write!(f, "({a})")?;
            } else {
                write!(f, "{a}")?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct Pipe {
    pub pos: usize,
    pub decl: Vec<String>,
    pub is_assign: bool,
    pub cmds: Vec<Cmd>,
}

impl std::fmt::Display for Pipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.decl.is_empty() {
            write!(f, "{}", self.decl.join(", "))?;
            write!(f, "{}", if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                write!(f, " | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

/// Which control structure a branch node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Branch {
    If,
    With,
    Range,
}

#[derive(Debug, Clone)]
pub enum Node {
    Text(String),
    Action(usize, Pipe),
    Control {
        kind: Branch,
        pos: usize,
        pipe: Pipe,
        list: Vec<Node>,
        else_list: Option<Vec<Node>>,
    },
    Template(usize, String, Option<Pipe>),
    Break(usize),
    Continue(usize),
}

impl Node {
    pub fn pos(&self) -> usize {
        match self {
            Node::Text(_) => 0,
            Node::Action(p, _)
            | Node::Control { pos: p, .. }
            | Node::Template(p, _, _)
            | Node::Break(p)
            | Node::Continue(p) => *p,
        }
    }
}

fn write_list(f: &mut std::fmt::Formatter<'_>, list: &[Node]) -> std::fmt::Result {
    for n in list {
        write!(f, "{n}")?;
    }
    Ok(())
}

impl std::fmt::Display for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Node::Text(t) => write!(f, "{}", super::fmt::quote(t)),
            Node::Action(_, p) => write!(f, "{{{{{p}}}}}"),
            Node::Control {
                kind,
                pipe,
                list,
                else_list,
                ..
            } => {
                let name = match kind {
                    Branch::If => "if",
                    Branch::With => "with",
                    Branch::Range => "range",
                };
                write!(f, "{{{{{name} {pipe}}}}}")?;
                write_list(f, list)?;
                if let Some(e) = else_list {
                    write!(f, "{{{{else}}}}")?;
                    write_list(f, e)?;
                }
                write!(f, "{{{{end}}}}")
            }
            Node::Template(_, name, pipe) => match pipe {
                Some(p) => write!(f, "{{{{template {} {p}}}}}", super::fmt::quote(name)),
                None => write!(f, "{{{{template {}}}}}", super::fmt::quote(name)),
            },
            Node::Break(_) => write!(f, "{{{{break}}}}"),
            Node::Continue(_) => write!(f, "{{{{continue}}}}"),
        }
    }
}

/// A parsed template: the main list and the ones `{{define}}` names.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub root: Vec<Node>,
    pub defined: BTreeMap<String, Vec<Node>>,
    pub text: String,
}

impl Tree {
    /// `output:LINE:COL` for a position, as Go's ErrorContext gives it.
    pub fn location(&self, pos: usize) -> String {
        let pos = pos.min(self.text.len());
        let before = &self.text[..pos];
        let line = 1 + before.matches('\n').count();
        let col = match before.rfind('\n') {
            Some(i) => pos - (i + 1),
            None => pos,
        };
        format!("{NAME}:{line}:{col}")
    }
}

/// What ends a list: `{{end}}` or `{{else}}`.
enum Stop {
    End,
    Else,
}

struct Parser {
    items: Vec<Item>,
    at: usize,
    /// The line of the last token read, for errors.
    line: usize,
    vars: Vec<String>,
    range_depth: usize,
    /// How deep parentheses and control structures nest (bounded, as Go bounds it).
    nesting: usize,
    defined: BTreeMap<String, Vec<Node>>,
    funcs: &'static [&'static str],
}

/// How deep expressions may nest.
const MAX_NESTING: usize = 100;

type PResult<T> = Result<T, String>;

impl Parser {
    fn next(&mut self) -> Item {
        let item = self.items.get(self.at).cloned().unwrap_or(Item {
            typ: Tok::Eof,
            pos: 0,
            val: String::new(),
            line: self.line,
        });
        self.at = (self.at + 1).min(self.items.len());
        self.line = item.line;
        item
    }

    fn backup(&mut self) {
        self.at = self.at.saturating_sub(1);
    }

    fn peek(&mut self) -> Item {
        let item = self.next();
        self.backup();
        item
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let t = self.next();
            if t.typ != Tok::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn error<T>(&self, msg: impl std::fmt::Display) -> PResult<T> {
        Err(format!("template: {NAME}:{}: {msg}", self.line))
    }

    fn unexpected<T>(&self, item: &Item, context: &str) -> PResult<T> {
        if item.typ == Tok::Error {
            return self.error(&item.val);
        }
        self.error(format!("unexpected {} in {context}", item.describe()))
    }

    fn expect(&mut self, typ: Tok, context: &str) -> PResult<Item> {
        let t = self.next_non_space();
        if t.typ != typ {
            return self.unexpected(&t, context);
        }
        Ok(t)
    }

    fn parse(&mut self) -> PResult<Vec<Node>> {
        let mut root = vec![];
        while self.peek().typ != Tok::Eof {
            if self.peek().typ == Tok::LeftDelim {
                let mark = self.at;
                self.next();
                if self.next_non_space().typ == Tok::Define {
                    self.definition()?;
                    continue;
                }
                self.at = mark;
            }
            match self.text_or_action()? {
                Parsed::Node(n) => root.push(n),
                Parsed::Stop(Stop::End) => return self.error("unexpected {{end}}"),
                Parsed::Stop(Stop::Else) => return self.error("unexpected {{else}}"),
            }
        }
        Ok(root)
    }

    fn definition(&mut self) -> PResult<()> {
        let context = "define clause";
        let name = self.next_non_space();
        let name = match name.typ {
            Tok::String | Tok::RawString => unquote(&name.val).or_else(|e| self.error(e))?,
            _ => return self.unexpected(&name, context),
        };
        self.expect(Tok::RightDelim, context)?;
        let (list, stop) = self.item_list()?;
        if !matches!(stop, Stop::End) {
            return self.error(format!("unexpected {{{{else}}}} in {context}"));
        }
        self.defined.insert(name, list);
        Ok(())
    }

    fn item_list(&mut self) -> PResult<(Vec<Node>, Stop)> {
        let mut list = vec![];
        while self.peek_non_space().typ != Tok::Eof {
            match self.text_or_action()? {
                Parsed::Node(n) => list.push(n),
                Parsed::Stop(s) => return Ok((list, s)),
            }
        }
        self.error("unexpected EOF")
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let t = self.next_non_space();
        match t.typ {
            Tok::Text => Ok(Parsed::Node(Node::Text(t.val))),
            Tok::LeftDelim => self.action(),
            _ => self.unexpected(&t, "input"),
        }
    }

    fn action(&mut self) -> PResult<Parsed> {
        let t = self.next_non_space();
        let node = match t.typ {
            Tok::Block => self.block()?,
            Tok::Break | Tok::Continue => {
                let word = if t.typ == Tok::Break {
                    "break"
                } else {
                    "continue"
                };
                let end = self.next_non_space();
                if end.typ != Tok::RightDelim {
                    return self.unexpected(&end, &format!("{{{{{word}}}}}"));
                }
                if self.range_depth == 0 {
                    return self.error(format!("{{{{{word}}}}} outside {{{{range}}}}"));
                }
                if t.typ == Tok::Break {
                    Node::Break(t.pos)
                } else {
                    Node::Continue(t.pos)
                }
            }
            Tok::Else => {
                let peek = self.peek_non_space();
                if matches!(peek.typ, Tok::If | Tok::With) {
                    return Ok(Parsed::Stop(Stop::Else));
                }
                self.expect(Tok::RightDelim, "else")?;
                return Ok(Parsed::Stop(Stop::Else));
            }
            Tok::End => {
                self.expect(Tok::RightDelim, "end")?;
                return Ok(Parsed::Stop(Stop::End));
            }
            Tok::If => self.control(Branch::If)?,
            Tok::Range => self.control(Branch::Range)?,
            Tok::With => self.control(Branch::With)?,
            Tok::Template => {
                let context = "template clause";
                let name_tok = self.next_non_space();
                let name = self.template_name(&name_tok, context)?;
                let pipe = if self.next_non_space().typ != Tok::RightDelim {
                    self.backup();
                    Some(self.pipeline(context, Tok::RightDelim)?)
                } else {
                    None
                };
                Node::Template(name_tok.pos, name, pipe)
            }
            _ => {
                self.backup();
                let pos = self.peek().pos;
                Node::Action(pos, self.pipeline("command", Tok::RightDelim)?)
            }
        };
        Ok(Parsed::Node(node))
    }

    fn template_name(&self, t: &Item, context: &str) -> PResult<String> {
        match t.typ {
            Tok::String | Tok::RawString => unquote(&t.val).or_else(|e| self.error(e)),
            _ => self.unexpected(t, context),
        }
    }

    fn block(&mut self) -> PResult<Node> {
        let context = "block clause";
        let name_tok = self.next_non_space();
        let name = self.template_name(&name_tok, context)?;
        let pipe = self.pipeline(context, Tok::RightDelim)?;
        let (list, stop) = self.item_list()?;
        if !matches!(stop, Stop::End) {
            return self.error(format!("unexpected {{{{else}}}} in {context}"));
        }
        self.defined.insert(name.clone(), list);
        Ok(Node::Template(name_tok.pos, name, Some(pipe)))
    }

    fn control(&mut self, kind: Branch) -> PResult<Node> {
        let context = match kind {
            Branch::If => "if",
            Branch::With => "with",
            Branch::Range => "range",
        };
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return self.error("max expression depth exceeded");
        }
        let node = self.control_body(kind, context);
        self.nesting -= 1;
        node
    }

    fn control_body(&mut self, kind: Branch, context: &str) -> PResult<Node> {
        let vars = self.vars.len();
        let pipe = self.pipeline(context, Tok::RightDelim)?;
        if kind == Branch::Range {
            self.range_depth += 1;
        }
        let listed = self.item_list();
        if kind == Branch::Range {
            self.range_depth -= 1;
        }
        let (list, stop) = listed?;
        let mut else_list = None;
        if let Stop::Else = stop {
            // `{{else if ...}}` and `{{else with ...}}` nest the next control in the else
            // branch; one `{{end}}` closes both.
            let peek = self.peek_non_space();
            let chained = match (kind, peek.typ) {
                (Branch::If, Tok::If) => Some(Branch::If),
                (Branch::With, Tok::With) => Some(Branch::With),
                _ => None,
            };
            if let Some(inner) = chained {
                self.next_non_space();
                else_list = Some(vec![self.control(inner)?]);
            } else {
                let (l, stop) = self.item_list()?;
                if let Stop::Else = stop {
                    return self.error("expected end; found {{else}}");
                }
                else_list = Some(l);
            }
        }
        self.vars.truncate(vars);
        Ok(Node::Control {
            kind,
            pos: pipe.pos,
            pipe,
            list,
            else_list,
        })
    }

    fn pipeline(&mut self, context: &str, end: Tok) -> PResult<Pipe> {
        let first = self.peek_non_space();
        let mut pipe = Pipe {
            pos: first.pos,
            decl: vec![],
            is_assign: false,
            cmds: vec![],
        };
        loop {
            let v = self.peek_non_space();
            if v.typ != Tok::Variable {
                break;
            }
            let mark = self.at;
            self.next_non_space();
            let next = self.peek_non_space();
            match next.typ {
                Tok::Assign | Tok::Declare => {
                    pipe.is_assign = next.typ == Tok::Assign;
                    self.next_non_space();
                    pipe.decl.push(v.val.clone());
                    self.vars.push(v.val);
                    break;
                }
                Tok::Char if next.val == "," => {
                    self.next_non_space();
                    pipe.decl.push(v.val.clone());
                    self.vars.push(v.val);
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().typ {
                            Tok::Variable | Tok::RightDelim | Tok::RightParen => continue,
                            _ => return self.error("range can only initialize variables"),
                        }
                    }
                    return self.error(format!("too many declarations in {context}"));
                }
                _ => {
                    self.at = mark;
                    break;
                }
            }
        }
        loop {
            let t = self.next_non_space();
            match t.typ {
                x if x == end => {
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                Tok::Bool
                | Tok::CharConstant
                | Tok::Dot
                | Tok::Field
                | Tok::Identifier
                | Tok::Number
                | Tok::Nil
                | Tok::RawString
                | Tok::String
                | Tok::Variable
                | Tok::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return self.unexpected(&t, context),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return self.error(format!("missing value for {context}"));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if c.args.first().is_some_and(Arg::literal) {
                return self.error(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                ));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Cmd> {
        let pos = self.peek_non_space().pos;
        let mut cmd = Cmd { pos, args: vec![] };
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                cmd.args.push(operand);
            }
            let t = self.next();
            match t.typ {
                Tok::Space => continue,
                Tok::RightDelim | Tok::RightParen => self.backup(),
                Tok::Pipe => {}
                _ => return self.unexpected(&t, "operand"),
            }
            break;
        }
        if cmd.args.is_empty() {
            return self.error("empty command");
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().typ != Tok::Field {
            return Ok(Some(node));
        }
        let pos = self.peek().pos;
        let mut fields = vec![];
        while self.peek().typ == Tok::Field {
            fields.push(self.next().val[1..].to_string());
        }
        Ok(Some(match node {
            Arg::Field(_, mut idents) => {
                idents.extend(fields);
                Arg::Field(pos, idents)
            }
            Arg::Variable(_, mut idents) => {
                idents.extend(fields);
                Arg::Variable(pos, idents)
            }
            n if n.literal() => {
                return self.error(format!(
                    "unexpected . after term {}",
                    super::fmt::quote(&n.to_string())
                ))
            }
            n => Arg::Chain(pos, Box::new(n), fields),
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let t = self.next_non_space();
        Ok(Some(match t.typ {
            Tok::Error => return self.error(&t.val),
            Tok::Identifier => {
                if !self.funcs.contains(&t.val.as_str()) {
                    return self.error(format!(
                        "function {} not defined",
                        super::fmt::quote(&t.val)
                    ));
                }
                Arg::Ident(t.pos, t.val)
            }
            Tok::Dot => Arg::Dot(t.pos),
            Tok::Nil => Arg::Nil(t.pos),
            Tok::Variable => {
                let idents: Vec<String> = t.val.split('.').map(str::to_string).collect();
                let name = idents.first().cloned().unwrap_or_default();
                if !self.vars.contains(&name) {
                    return self.error(format!("undefined variable {}", super::fmt::quote(&name)));
                }
                Arg::Variable(t.pos, idents)
            }
            Tok::Field => Arg::Field(t.pos, vec![t.val[1..].to_string()]),
            Tok::Bool => Arg::Bool(t.pos, t.val == "true"),
            Tok::CharConstant => {
                let c = unquote_char(&t.val).or_else(|e| self.error(e))?;
                Arg::Number(t.pos, t.val, Number::Int(i64::from(c as u32)))
            }
            Tok::Number => match number(&t.val) {
                Some(n) => Arg::Number(t.pos, t.val, n),
                None => {
                    return self.error(format!(
                        "illegal number syntax: {}",
                        super::fmt::quote(&t.val)
                    ))
                }
            },
            Tok::LeftParen => {
                self.nesting += 1;
                if self.nesting > MAX_NESTING {
                    return self.error("max expression depth exceeded");
                }
                let pipe = self.pipeline("parenthesized pipeline", Tok::RightParen);
                self.nesting -= 1;
                Arg::Pipe(Box::new(pipe?))
            }
            Tok::String | Tok::RawString => {
                let s = unquote(&t.val).or_else(|e| self.error(e))?;
                Arg::Str(t.pos, t.val, s)
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

enum Parsed {
    Node(Node),
    Stop(Stop),
}

/// A number literal: integers (decimal, 0x, 0o, 0b, leading 0 octal, `_`), else floats.
fn number(text: &str) -> Option<Number> {
    let clean = text.replace('_', "");
    let (neg, body) = match clean.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, clean.strip_prefix('+').unwrap_or(&clean)),
    };
    let lower = body.to_ascii_lowercase();
    let int = if let Some(h) = lower.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()
    } else if let Some(o) = lower.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()
    } else if let Some(b) = lower.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()
    } else if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|b| b.is_ascii_digit())
    {
        i64::from_str_radix(&lower[1..], 8).ok()
    } else {
        lower.parse::<i64>().ok()
    };
    if let Some(i) = int {
        return Some(Number::Int(if neg { -i } else { i }));
    }
    let f: f64 = body.parse().ok()?;
    let f = if neg { -f } else { f };
    if !text.contains(['.', 'e', 'E']) && f.fract() == 0.0 {
        // Too large for an int64: Go reports the overflow when it is used.
        return Some(Number::Float(f));
    }
    Some(Number::Float(f))
}

/// Go's strconv.Unquote for "..." and `...` literals.
pub fn unquote(s: &str) -> Result<String, String> {
    if let Some(raw) = s.strip_prefix('`').and_then(|r| r.strip_suffix('`')) {
        return Ok(raw.replace('\r', ""));
    }
    let inner = s
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .ok_or_else(|| "invalid syntax".to_string())?;
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = chars.next().ok_or("invalid syntax")?;
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = (0..n).filter_map(|_| chars.next()).collect();
                let v = u32::from_str_radix(&hex, 16).map_err(|_| "invalid syntax")?;
                out.push(char::from_u32(v).ok_or("invalid syntax")?);
            }
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    let d = chars
                        .next()
                        .and_then(|c| c.to_digit(8))
                        .ok_or("invalid syntax")?;
                    v = v * 8 + d;
                }
                out.push(char::from_u32(v).ok_or("invalid syntax")?);
            }
            _ => return Err("invalid syntax".into()),
        }
    }
    Ok(out)
}

fn unquote_char(s: &str) -> Result<char, String> {
    let inner = s
        .strip_prefix('\'')
        .and_then(|r| r.strip_suffix('\''))
        .ok_or("malformed character constant")?;
    let text = unquote(&format!("\"{}\"", inner.replace('"', "\\\"")))
        .map_err(|_| format!("malformed character constant: {s}"))?;
    let mut cs = text.chars();
    match (cs.next(), cs.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(format!("malformed character constant: {s}")),
    }
}

/// Parses a template with the functions `funcs` known.
pub fn parse(text: &str, funcs: &'static [&'static str]) -> Result<Tree, String> {
    let items = Lexer {
        input: text,
        pos: 0,
        start: 0,
        paren_depth: 0,
        items: vec![],
    }
    .run();
    let mut p = Parser {
        items,
        at: 0,
        line: 1,
        vars: vec!["$".into()],
        range_depth: 0,
        nesting: 0,
        defined: BTreeMap::new(),
        funcs,
    };
    let root = p.parse()?;
    Ok(Tree {
        root,
        defined: p.defined,
        text: text.to_string(),
    })
}
