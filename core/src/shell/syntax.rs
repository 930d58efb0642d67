//! Shell syntax: bash's grammar for what learners type (lists, pipelines, `if`/`for`/
//! `while`/`until`/`case`, groups, subshells, functions, `[[ ]]`, `(( ))`, redirections,
//! here-documents) read into a tree whose words are expanded only when their command runs.
//!
//! Written by hand: the one bash parser crate (brush-parser) adds ~110 KiB brotli to the
//! browser's first load, more than the whole budget has left.

/// One piece of a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Unquoted text: tilde, brace and pathname expansion apply.
    Lit(String),
    /// Quoted or escaped text, taken as it is.
    Quoted(String),
    /// `"..."`: what expands inside is never split into fields.
    Double(Vec<Part>),
    Param(Box<Param>),
    /// `$(...)` or `` `...` ``.
    Command(Box<List>),
    /// `$((...))`: the expression's text, expanded and then evaluated.
    Arith(Vec<Part>),
    /// `<(...)`: the command's output, read from a file whose name the word becomes.
    ProcSub(Box<List>),
}

pub type Word = Vec<Part>;

impl Command {
    /// A simple command's words as written, without what would expand (a process
    /// listing shows a running command so).
    pub fn literal(&self) -> Option<String> {
        fn text(parts: &[Part], out: &mut String) {
            for p in parts {
                match p {
                    Part::Lit(t) | Part::Quoted(t) => out.push_str(t),
                    Part::Double(inner) => text(inner, out),
                    _ => {}
                }
            }
        }
        let Command::Simple { words, .. } = self else {
            return None;
        };
        let words: Vec<String> = words
            .iter()
            .map(|w| {
                let mut t = String::new();
                text(w, &mut t);
                t
            })
            .collect();
        Some(words.join(" "))
    }
}

/// `$name` or `${name...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub op: ParamOp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamOp {
    Plain,
    /// `${#name}`
    Length,
    /// `${name:-word}` (colon: also when empty), `${name-word}`
    Default(bool, Word),
    /// `${name:=word}`
    Assign(bool, Word),
    /// `${name:+word}`
    Alternative(bool, Word),
    /// `${name:?word}`
    Error(bool, Word),
    /// `${name#pat}` / `${name##pat}` (longest)
    TrimPrefix(bool, Word),
    /// `${name%pat}` / `${name%%pat}` (longest)
    TrimSuffix(bool, Word),
    /// `${name/pat/with}`, `${name//pat/with}` (all)
    Replace {
        all: bool,
        pattern: Word,
        with: Word,
    },
    /// `${name:offset}` / `${name:offset:length}` (arithmetic)
    Substring(Word, Option<Word>),
    /// `${name^^}` / `${name,,}` (upper, all)
    Case(bool, bool),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub fd: u8,
    pub kind: RedirKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirKind {
    /// `>`, `>>`, `2>`
    Out { target: Word, append: bool },
    /// `<`
    In(Word),
    /// `2>&1`, `>&2`: fd becomes a copy of this one.
    Dup(u8),
    /// `&>`, `&>>`, `>& file`
    Both { target: Word, append: bool },
    /// `<<DELIM`: its body, read from the lines that follow.
    Here(Word),
    /// `<<<word`
    HereString(Word),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    Always,
    And,
    Or,
}

/// Pipelines joined by `;`, newlines, `&&` and `||`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct List {
    pub items: Vec<(Connector, Pipeline)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    /// `! cmd`
    pub negate: bool,
    pub commands: Vec<Command>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Simple {
        assigns: Vec<(String, Word)>,
        words: Vec<Word>,
        redirects: Vec<Redirect>,
    },
    Compound {
        body: Compound,
        redirects: Vec<Redirect>,
    },
    Function {
        name: String,
        body: Box<Command>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compound {
    /// `{ ...; }`
    Group(List),
    /// `( ... )`
    Subshell(List),
    If {
        branches: Vec<(List, List)>,
        otherwise: Option<List>,
    },
    /// `for var [in words]; do ...; done` (no words: the positional parameters)
    For {
        var: String,
        words: Option<Vec<Word>>,
        body: List,
    },
    /// `for ((init; cond; step))`
    ArithFor {
        init: Word,
        cond: Word,
        step: Word,
        body: List,
    },
    While {
        until: bool,
        cond: List,
        body: List,
    },
    Case {
        word: Word,
        arms: Vec<(Vec<Word>, List)>,
    },
    /// `(( expr ))`
    Arith(Word),
    /// `[[ ... ]]`: operators arrive as unquoted words.
    Test(Vec<Word>),
}

/// Why a text is not a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// More lines are needed (an open quote, `if` without `fi`, a here-document body).
    Incomplete,
    /// bash's message, e.g. "syntax error near unexpected token `done'".
    Syntax(String),
}

type Res<T> = Result<T, ParseError>;

const MAX_DEPTH: usize = 100;

const RESERVED: &[&str] = &[
    "if", "then", "elif", "else", "fi", "for", "in", "do", "done", "while", "until", "case",
    "esac", "{", "}", "!", "[[", "]]", "function",
];

/// Parses `src` (one or more lines); `alias_of` expands aliases on each command's first
/// word, as bash does when it reads the line.
pub fn parse(src: &str, alias_of: &dyn Fn(&str) -> Option<String>) -> Res<List> {
    let mut p = Parser {
        chars: src.chars().collect(),
        pos: 0,
        depth: 0,
        pending: vec![],
        bodies: vec![],
        alias_of,
        alias_guard: None,
    };
    let list = p.list(&[], false)?;
    p.skip_blank();
    if let Some(tok) = p.peek_token() {
        return Err(unexpected(&tok));
    }
    if !p.pending.is_empty() {
        return Err(ParseError::Incomplete);
    }
    let mut list = list;
    let mut bodies = std::mem::take(&mut p.bodies).into_iter();
    fill_heredocs(&mut list, &mut bodies);
    Ok(list)
}

fn unexpected(tok: &str) -> ParseError {
    ParseError::Syntax(format!("syntax error near unexpected token `{tok}'"))
}

#[derive(Clone)]
struct PendingHeredoc {
    delim: String,
    strip_tabs: bool,
    quoted: bool,
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
    pending: Vec<PendingHeredoc>,
    bodies: Vec<Word>,
    alias_of: &'a dyn Fn(&str) -> Option<String>,
    /// Where the last alias was spliced in, and the aliases expanded there (no recursion).
    alias_guard: Option<(usize, Vec<String>)>,
}

fn is_meta(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')'
    )
}

fn is_name(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The text of a word made only of unquoted literal text.
pub fn plain(word: &Word) -> Option<&str> {
    match word.as_slice() {
        [Part::Lit(s)] => Some(s),
        _ => None,
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn at(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.pos + i) == Some(&c))
    }

    fn enter(&mut self) -> Res<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::Syntax(
                "commands nested too deeply for Kubarium".into(),
            ));
        }
        Ok(())
    }

    /// Skips blanks, `\`-newline continuations and comments (not newlines).
    fn skip_blank(&mut self) {
        loop {
            match self.peek() {
                Some(' ' | '\t') => self.pos += 1,
                Some('\\') if self.chars.get(self.pos + 1) == Some(&'\n') => self.pos += 2,
                Some('#') => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.pos += 1;
                    }
                }
                _ => return,
            }
        }
    }

    /// Consumes a newline and then the bodies of the here-documents it ends.
    fn newline(&mut self) -> Res<()> {
        self.pos += 1;
        for h in std::mem::take(&mut self.pending) {
            let mut body = String::new();
            loop {
                if self.pos >= self.chars.len() {
                    return Err(ParseError::Incomplete);
                }
                let start = self.pos;
                while self.peek().is_some_and(|c| c != '\n') {
                    self.pos += 1;
                }
                let ended = self.peek().is_some();
                let line: String = self.chars[start..self.pos].iter().collect();
                if ended {
                    self.pos += 1;
                }
                let line = if h.strip_tabs {
                    line.trim_start_matches('\t').to_string()
                } else {
                    line
                };
                if line == h.delim {
                    break;
                }
                if !ended {
                    return Err(ParseError::Incomplete);
                }
                body.push_str(&line);
                body.push('\n');
            }
            let word = if h.quoted {
                vec![Part::Quoted(body)]
            } else {
                heredoc_word(&body)?
            };
            self.bodies.push(word);
        }
        Ok(())
    }

    fn skip_newlines(&mut self) -> Res<()> {
        loop {
            self.skip_blank();
            if self.peek() == Some('\n') {
                self.newline()?;
            } else {
                return Ok(());
            }
        }
    }

    fn snapshot(&self) -> (usize, usize, Vec<PendingHeredoc>, usize) {
        (
            self.pos,
            self.depth,
            self.pending.clone(),
            self.bodies.len(),
        )
    }

    fn restore(
        &mut self,
        (pos, depth, pending, bodies): (usize, usize, Vec<PendingHeredoc>, usize),
    ) {
        self.pos = pos;
        self.depth = depth;
        self.pending = pending;
        self.bodies.truncate(bodies);
    }

    /// The next token's text, for messages and for spotting reserved words.
    fn peek_token(&mut self) -> Option<String> {
        let save = self.snapshot();
        self.skip_blank();
        let c = self.peek()?;
        let tok = if c == '\n' {
            "newline".to_string()
        } else if is_meta(c) {
            let two: String = self.chars[self.pos..].iter().take(2).collect();
            match two.as_str() {
                "&&" | "||" | ";;" | ">>" | "<<" | ">&" | "<&" | "&>" => two,
                _ => c.to_string(),
            }
        } else {
            self.word_raw().unwrap_or_default()
        };
        self.restore(save);
        Some(tok)
    }

    /// The next word as plain text when it is one (for reserved words), without consuming.
    fn peek_reserved(&mut self) -> Option<String> {
        let save = self.snapshot();
        self.skip_blank();
        let w = self.word().ok().flatten();
        self.restore(save);
        let w = w?;
        plain(&w)
            .filter(|s| RESERVED.contains(s))
            .map(str::to_string)
    }

    fn word_raw(&mut self) -> Option<String> {
        let w = self.word().ok().flatten()?;
        Some(
            w.iter()
                .map(|p| match p {
                    Part::Lit(s) | Part::Quoted(s) => s.clone(),
                    _ => String::new(),
                })
                .collect(),
        )
    }

    fn list(&mut self, stops: &[&str], paren: bool) -> Res<List> {
        self.enter()?;
        let mut list = List::default();
        loop {
            self.skip_newlines()?;
            match self.peek() {
                None => break,
                Some(')') if paren => break,
                Some(';') if self.at(";;") => break,
                _ => {}
            }
            if let Some(r) = self.peek_reserved() {
                if stops.contains(&r.as_str()) {
                    break;
                }
            }
            self.and_or(&mut list)?;
            self.skip_blank();
            match self.peek() {
                Some(';') if !self.at(";;") => self.pos += 1,
                Some('\n') => self.newline()?,
                Some('&') => {
                    return Err(ParseError::Syntax(
                        "background jobs (&) are not supported in Kubarium yet".into(),
                    ))
                }
                _ => {}
            }
        }
        self.depth -= 1;
        Ok(list)
    }

    fn and_or(&mut self, list: &mut List) -> Res<()> {
        let mut connector = Connector::Always;
        loop {
            let p = self.pipeline()?;
            list.items.push((connector, p));
            self.skip_blank();
            connector = if self.at("&&") {
                Connector::And
            } else if self.at("||") {
                Connector::Or
            } else {
                return Ok(());
            };
            self.pos += 2;
            self.skip_newlines()?;
            if self.peek().is_none() {
                return Err(ParseError::Incomplete);
            }
        }
    }

    fn pipeline(&mut self) -> Res<Pipeline> {
        self.skip_blank();
        let negate = self.peek_reserved().as_deref() == Some("!");
        if negate {
            self.skip_blank();
            self.pos += 1;
        }
        let mut commands = vec![self.command()?];
        loop {
            self.skip_blank();
            if self.peek() != Some('|') || self.at("||") {
                break;
            }
            self.pos += 1;
            let both = self.peek() == Some('&');
            if both {
                self.pos += 1;
                if let Some(
                    Command::Simple { redirects, .. } | Command::Compound { redirects, .. },
                ) = commands.last_mut()
                {
                    redirects.push(Redirect {
                        fd: 2,
                        kind: RedirKind::Dup(1),
                    });
                }
            }
            self.skip_newlines()?;
            if self.peek().is_none() {
                return Err(ParseError::Incomplete);
            }
            commands.push(self.command()?);
        }
        Ok(Pipeline { negate, commands })
    }

    fn command(&mut self) -> Res<Command> {
        self.skip_blank();
        let Some(c) = self.peek() else {
            return Err(ParseError::Incomplete);
        };
        if c == '(' {
            let body = if self.at("((") {
                self.pos += 2;
                Compound::Arith(self.arith_until_close()?)
            } else {
                self.pos += 1;
                let l = self.list(&[], true)?;
                self.expect_char(')')?;
                if l.items.is_empty() {
                    return Err(unexpected(")"));
                }
                Compound::Subshell(l)
            };
            return self.with_redirects(body);
        }
        if is_meta(c) && !matches!(c, '<' | '>') && !(c == '&' && self.at("&>")) {
            let tok = self.peek_token().unwrap_or_default();
            return Err(unexpected(&tok));
        }
        if let Some(r) = self.peek_reserved() {
            self.skip_blank();
            let body = match r.as_str() {
                "if" => {
                    self.pos += 2;
                    self.if_clause()?
                }
                "for" => {
                    self.pos += 3;
                    self.for_clause()?
                }
                "while" | "until" => {
                    self.pos += r.len();
                    let cond = self.nonempty_list(&["do"])?;
                    self.expect_word("do")?;
                    let body = self.nonempty_list(&["done"])?;
                    self.expect_word("done")?;
                    Compound::While {
                        until: r == "until",
                        cond,
                        body,
                    }
                }
                "case" => {
                    self.pos += 4;
                    self.case_clause()?
                }
                "{" => {
                    self.pos += 1;
                    let l = self.nonempty_list(&["}"])?;
                    self.expect_word("}")?;
                    Compound::Group(l)
                }
                "[[" => {
                    self.pos += 2;
                    self.test_clause()?
                }
                "function" => {
                    self.pos += 8;
                    self.skip_blank();
                    let name = self.word_raw().unwrap_or_default();
                    if !is_name(&name) {
                        return Err(unexpected(&name));
                    }
                    self.skip_blank();
                    if self.at("()") {
                        self.pos += 2;
                    }
                    return self.function_body(name);
                }
                other => return Err(unexpected(other)),
            };
            return self.with_redirects(body);
        }
        self.simple()
    }

    fn function_body(&mut self, name: String) -> Res<Command> {
        self.skip_newlines()?;
        let body = self.command()?;
        if !matches!(body, Command::Compound { .. }) {
            return Err(ParseError::Syntax(format!(
                "syntax error near unexpected token `{}'",
                self.peek_token().unwrap_or_else(|| "newline".into())
            )));
        }
        Ok(Command::Function {
            name,
            body: Box::new(body),
        })
    }

    fn with_redirects(&mut self, body: Compound) -> Res<Command> {
        let mut redirects = vec![];
        loop {
            self.skip_blank();
            match self.redirect()? {
                Some(r) => redirects.push(r),
                None => break,
            }
        }
        Ok(Command::Compound { body, redirects })
    }

    fn expect_char(&mut self, c: char) -> Res<()> {
        self.skip_newlines()?;
        match self.peek() {
            None => Err(ParseError::Incomplete),
            Some(x) if x == c => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(unexpected(&self.peek_token().unwrap_or_default())),
        }
    }

    fn expect_word(&mut self, kw: &str) -> Res<()> {
        self.skip_newlines()?;
        if self.peek().is_none() {
            return Err(ParseError::Incomplete);
        }
        if self.peek_reserved().as_deref() == Some(kw) {
            self.skip_blank();
            self.pos += kw.chars().count();
            return Ok(());
        }
        Err(unexpected(&self.peek_token().unwrap_or_default()))
    }

    /// A list that must hold a command before its closing word.
    fn nonempty_list(&mut self, stops: &[&str]) -> Res<List> {
        let l = self.list(stops, false)?;
        if self.peek().is_none() {
            return Err(ParseError::Incomplete);
        }
        if l.items.is_empty() {
            return Err(unexpected(&self.peek_token().unwrap_or_default()));
        }
        Ok(l)
    }

    fn if_clause(&mut self) -> Res<Compound> {
        let mut branches = vec![];
        let mut otherwise = None;
        loop {
            let cond = self.nonempty_list(&["then"])?;
            self.expect_word("then")?;
            let body = self.nonempty_list(&["elif", "else", "fi"])?;
            branches.push((cond, body));
            match self.peek_reserved().as_deref() {
                Some("elif") => {
                    self.skip_blank();
                    self.pos += 4;
                }
                Some("else") => {
                    self.skip_blank();
                    self.pos += 4;
                    otherwise = Some(self.nonempty_list(&["fi"])?);
                    self.expect_word("fi")?;
                    break;
                }
                _ => {
                    self.expect_word("fi")?;
                    break;
                }
            }
        }
        Ok(Compound::If {
            branches,
            otherwise,
        })
    }

    fn for_clause(&mut self) -> Res<Compound> {
        self.skip_blank();
        if self.at("((") {
            self.pos += 2;
            let text = self.arith_until_close()?;
            let mut parts = split_arith_for(text).into_iter();
            let (Some(init), Some(cond), Some(step), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(ParseError::Syntax(
                    "syntax error: arithmetic expression required".into(),
                ));
            };
            self.skip_blank();
            if self.peek() == Some(';') {
                self.pos += 1;
            }
            self.expect_word("do")?;
            let body = self.nonempty_list(&["done"])?;
            self.expect_word("done")?;
            return Ok(Compound::ArithFor {
                init,
                cond,
                step,
                body,
            });
        }
        let var = self.word_raw().unwrap_or_default();
        if var.is_empty() {
            return Err(match self.peek() {
                None => ParseError::Incomplete,
                Some(_) => unexpected(&self.peek_token().unwrap_or_default()),
            });
        }
        if !is_name(&var) {
            return Err(ParseError::Syntax(format!(
                "`{var}': not a valid identifier"
            )));
        }
        self.skip_newlines()?;
        let mut words = None;
        if self.peek_reserved().as_deref() == Some("in") {
            self.skip_blank();
            self.pos += 2;
            let mut ws = vec![];
            loop {
                self.skip_blank();
                match self.peek() {
                    None => return Err(ParseError::Incomplete),
                    Some(';') => {
                        self.pos += 1;
                        break;
                    }
                    Some('\n') => {
                        self.newline()?;
                        break;
                    }
                    Some(c) if is_meta(c) => {
                        return Err(unexpected(&self.peek_token().unwrap_or_default()))
                    }
                    Some(_) => {
                        if let Some(w) = self.word()? {
                            ws.push(w);
                        }
                    }
                }
            }
            words = Some(ws);
        } else {
            self.skip_blank();
            if self.peek() == Some(';') {
                self.pos += 1;
            }
        }
        self.expect_word("do")?;
        let body = self.nonempty_list(&["done"])?;
        self.expect_word("done")?;
        Ok(Compound::For { var, words, body })
    }

    fn case_clause(&mut self) -> Res<Compound> {
        self.skip_blank();
        let word = self.word()?.ok_or(ParseError::Incomplete)?;
        self.expect_word("in")?;
        let mut arms = vec![];
        loop {
            self.skip_newlines()?;
            if self.peek().is_none() {
                return Err(ParseError::Incomplete);
            }
            if self.peek_reserved().as_deref() == Some("esac") {
                self.skip_blank();
                self.pos += 4;
                break;
            }
            if self.peek() == Some('(') {
                self.pos += 1;
            }
            let mut patterns = vec![];
            loop {
                self.skip_blank();
                let w = self.word()?.ok_or_else(|| match self.peek() {
                    None => ParseError::Incomplete,
                    Some(_) => unexpected(&self.peek_token().unwrap_or_default()),
                })?;
                patterns.push(w);
                self.skip_blank();
                match self.peek() {
                    Some('|') => self.pos += 1,
                    Some(')') => {
                        self.pos += 1;
                        break;
                    }
                    None => return Err(ParseError::Incomplete),
                    Some(_) => return Err(unexpected(&self.peek_token().unwrap_or_default())),
                }
            }
            let body = self.list(&["esac"], false)?;
            arms.push((patterns, body));
            self.skip_newlines()?;
            if self.at(";;") {
                self.pos += 2;
            } else if self.peek().is_none() {
                return Err(ParseError::Incomplete);
            } else if self.peek_reserved().as_deref() != Some("esac") {
                return Err(unexpected(&self.peek_token().unwrap_or_default()));
            }
        }
        Ok(Compound::Case { word, arms })
    }

    /// `[[ ... ]]`: words up to `]]`; `&&`, `||`, `(`, `)`, `<`, `>` and `!` as operators.
    fn test_clause(&mut self) -> Res<Compound> {
        let mut words = vec![];
        loop {
            self.skip_blank();
            let Some(c) = self.peek() else {
                return Err(ParseError::Incomplete);
            };
            if c == '\n' {
                self.newline()?;
                continue;
            }
            if words.last().and_then(plain) == Some("=~") {
                words.push(self.regex_word()?);
                continue;
            }
            let op = ["&&", "||", "(", ")", "<", ">"]
                .into_iter()
                .find(|op| self.at(op));
            if let Some(op) = op {
                self.pos += op.len();
                words.push(vec![Part::Lit(op.to_string())]);
                continue;
            }
            if is_meta(c) {
                return Err(unexpected(&self.peek_token().unwrap_or_default()));
            }
            let Some(w) = self.word()? else {
                return Err(ParseError::Incomplete);
            };
            if plain(&w) == Some("]]") {
                break;
            }
            words.push(w);
        }
        if words.is_empty() {
            return Err(unexpected("]]"));
        }
        Ok(Compound::Test(words))
    }

    /// The right of `=~`: one word in which `(`, `)`, `|`, `<` and `>` are ordinary.
    fn regex_word(&mut self) -> Res<Word> {
        let mut parts = vec![];
        while let Some(c) = self.peek() {
            if matches!(c, '(' | ')' | '|' | '<' | '>') {
                self.pos += 1;
                match parts.last_mut() {
                    Some(Part::Lit(s)) => s.push(c),
                    _ => parts.push(Part::Lit(c.to_string())),
                }
                continue;
            }
            match self.word()? {
                Some(w) => parts.extend(w),
                None => break,
            }
        }
        Ok(parts)
    }

    fn simple(&mut self) -> Res<Command> {
        let mut assigns = vec![];
        let mut words: Vec<Word> = vec![];
        let mut redirects = vec![];
        loop {
            self.skip_blank();
            let Some(c) = self.peek() else { break };
            if self.at("<(") {
                self.pos += 2;
                let list = self.list(&[], true)?;
                self.expect_char(')')?;
                words.push(vec![Part::ProcSub(Box::new(list))]);
                continue;
            }
            if let Some(r) = self.redirect()? {
                redirects.push(r);
                continue;
            }
            if c == '(' && words.len() == 1 && self.at("()") {
                if let Some(name) = plain(&words[0]).filter(|n| is_name(n) || n.contains('-')) {
                    let name = name.to_string();
                    self.pos += 2;
                    return self.function_body(name);
                }
            }
            if is_meta(c) {
                break;
            }
            let start = self.pos;
            let Some(w) = self.word()? else { break };
            if words.is_empty() {
                if let Some(a) = assignment(&w) {
                    assigns.push(a);
                    continue;
                }
                if let Some(name) = plain(&w) {
                    if self.expand_alias(start, name) {
                        continue;
                    }
                }
            }
            words.push(w);
        }
        if words.is_empty() && assigns.is_empty() && redirects.is_empty() {
            return Err(match self.peek() {
                None => ParseError::Incomplete,
                Some(_) => unexpected(&self.peek_token().unwrap_or_default()),
            });
        }
        Ok(Command::Simple {
            assigns,
            words,
            redirects,
        })
    }

    /// Splices an alias's text in place of the word at `start..pos`.
    fn expand_alias(&mut self, start: usize, name: &str) -> bool {
        let mut seen = match &self.alias_guard {
            Some((at, seen)) if *at == start => seen.clone(),
            _ => vec![],
        };
        if seen.iter().any(|s| s == name) {
            return false;
        }
        let Some(text) = (self.alias_of)(name) else {
            return false;
        };
        seen.push(name.to_string());
        self.chars.splice(start..self.pos, text.chars());
        self.pos = start;
        self.alias_guard = Some((start, seen));
        true
    }

    fn redirect(&mut self) -> Res<Option<Redirect>> {
        let digits = self.chars[self.pos..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let after = self.pos + digits;
        let op_char = self.chars.get(after).copied();
        let both = digits == 0 && self.at("&>");
        if !both && !matches!(op_char, Some('<' | '>')) {
            return Ok(None);
        }
        if self.at("<(") {
            // A process substitution: a word, not a redirection.
            return Ok(None);
        }
        if self.at(">(") {
            return Err(ParseError::Syntax(
                "process substitution >(...) is not supported in Kubarium yet".into(),
            ));
        }
        let fd_text: String = self.chars[self.pos..after].iter().collect();
        self.pos = after;
        if both {
            self.pos += 2;
            let append = self.peek() == Some('>');
            if append {
                self.pos += 1;
            }
            let target = self.target()?;
            return Ok(Some(Redirect {
                fd: 1,
                kind: RedirKind::Both { target, append },
            }));
        }
        let fd_given = fd_text.parse::<u8>().ok().filter(|_| digits > 0);
        if self.at("<<<") {
            self.pos += 3;
            let w = self.target()?;
            return Ok(Some(Redirect {
                fd: fd_given.unwrap_or(0),
                kind: RedirKind::HereString(w),
            }));
        }
        if self.at("<<") {
            self.pos += 2;
            let strip_tabs = self.peek() == Some('-');
            if strip_tabs {
                self.pos += 1;
            }
            self.skip_blank();
            let w = self.word()?.ok_or_else(|| self.missing_target())?;
            let quoted = w.iter().any(|p| !matches!(p, Part::Lit(_)));
            let delim = w
                .iter()
                .map(|p| match p {
                    Part::Lit(s) | Part::Quoted(s) => s.clone(),
                    Part::Double(inner) => inner
                        .iter()
                        .map(|q| match q {
                            Part::Lit(s) | Part::Quoted(s) => s.as_str(),
                            _ => "",
                        })
                        .collect(),
                    _ => String::new(),
                })
                .collect();
            self.pending.push(PendingHeredoc {
                delim,
                strip_tabs,
                quoted,
            });
            return Ok(Some(Redirect {
                fd: fd_given.unwrap_or(0),
                kind: RedirKind::Here(vec![]),
            }));
        }
        let input = self.peek() == Some('<');
        self.pos += 1;
        let fd = fd_given.unwrap_or(if input { 0 } else { 1 });
        if self.peek() == Some('&') {
            self.pos += 1;
            self.skip_blank();
            let n: String = self.chars[self.pos..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if let (Ok(to), false) = (n.parse::<u8>(), n.is_empty()) {
                self.pos += n.len();
                return Ok(Some(Redirect {
                    fd,
                    kind: RedirKind::Dup(to),
                }));
            }
            if self.peek() == Some('-') {
                return Err(ParseError::Syntax(
                    "closing a file descriptor (>&-) is not supported in Kubarium yet".into(),
                ));
            }
            let target = self.target()?;
            return Ok(Some(Redirect {
                fd: 1,
                kind: RedirKind::Both {
                    target,
                    append: false,
                },
            }));
        }
        if input {
            let target = self.target()?;
            return Ok(Some(Redirect {
                fd,
                kind: RedirKind::In(target),
            }));
        }
        let append = self.peek() == Some('>');
        if append || self.peek() == Some('|') {
            self.pos += 1;
        }
        let target = self.target()?;
        Ok(Some(Redirect {
            fd,
            kind: RedirKind::Out { target, append },
        }))
    }

    fn missing_target(&mut self) -> ParseError {
        match self.peek_token() {
            None => unexpected("newline"),
            Some(t) => unexpected(&t),
        }
    }

    fn target(&mut self) -> Res<Word> {
        self.skip_blank();
        self.word()?.ok_or_else(|| self.missing_target())
    }

    /// One word, or None at a metacharacter or the end.
    fn word(&mut self) -> Res<Option<Word>> {
        let mut parts: Word = vec![];
        let mut lit = String::new();
        let flush = |parts: &mut Word, lit: &mut String| {
            if !lit.is_empty() {
                parts.push(Part::Lit(std::mem::take(lit)));
            }
        };
        while let Some(c) = self.peek() {
            match c {
                c if is_meta(c) => break,
                '\'' => {
                    flush(&mut parts, &mut lit);
                    let q = self.single_quoted()?;
                    parts.push(q);
                }
                '"' => {
                    flush(&mut parts, &mut lit);
                    self.pos += 1;
                    let inner = self.double_quoted()?;
                    parts.push(Part::Double(inner));
                }
                '\\' => {
                    flush(&mut parts, &mut lit);
                    match self.chars.get(self.pos + 1) {
                        None => return Err(ParseError::Incomplete),
                        Some('\n') => self.pos += 2,
                        Some(&n) => {
                            parts.push(Part::Quoted(n.to_string()));
                            self.pos += 2;
                        }
                    }
                }
                '$' if self.chars.get(self.pos + 1) == Some(&'\'') => {
                    flush(&mut parts, &mut lit);
                    let p = self.ansi_c()?;
                    parts.push(p);
                }
                '$' | '`' => self.expansion(&mut parts, &mut lit, false)?,
                c => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        flush(&mut parts, &mut lit);
        Ok((!parts.is_empty()).then_some(parts))
    }

    /// `'...'` at pos: its text, taken as it is.
    fn single_quoted(&mut self) -> Res<Part> {
        self.pos += 1;
        let start = self.pos;
        while self.peek().is_some_and(|c| c != '\'') {
            self.pos += 1;
        }
        if self.peek().is_none() {
            return Err(ParseError::Incomplete);
        }
        let text = self.chars[start..self.pos].iter().collect();
        self.pos += 1;
        Ok(Part::Quoted(text))
    }

    /// The inside of `"..."`, after the opening quote, through the closing one.
    fn double_quoted(&mut self) -> Res<Word> {
        let mut parts = vec![];
        let mut lit = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(ParseError::Incomplete);
            };
            match c {
                '"' => {
                    self.pos += 1;
                    break;
                }
                '\\' => match self.chars.get(self.pos + 1) {
                    Some('\n') => self.pos += 2,
                    Some(&n @ ('"' | '\\' | '$' | '`')) => {
                        lit.push(n);
                        self.pos += 2;
                    }
                    _ => {
                        lit.push('\\');
                        self.pos += 1;
                    }
                },
                '$' | '`' => self.expansion(&mut parts, &mut lit, true)?,
                c => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        if !lit.is_empty() || parts.is_empty() {
            parts.push(Part::Quoted(lit));
        }
        Ok(parts)
    }

    /// An expansion at `$` or `` ` ``: the literal text before it is ended (as quoted or
    /// unquoted text) and the expansion added; a `$` that starts nothing is literal.
    fn expansion(&mut self, parts: &mut Word, lit: &mut String, quoted: bool) -> Res<()> {
        match self.dollar_or_backtick()? {
            Some(p) => {
                if !lit.is_empty() {
                    let text = std::mem::take(lit);
                    parts.push(if quoted {
                        Part::Quoted(text)
                    } else {
                        Part::Lit(text)
                    });
                }
                parts.push(p);
            }
            None => {
                lit.push('$');
                self.pos += 1;
            }
        }
        Ok(())
    }

    /// `$'...'` (ANSI-C quoting) at pos.
    fn ansi_c(&mut self) -> Res<Part> {
        self.pos += 2;
        let mut s = String::new();
        loop {
            match self.peek() {
                None => return Err(ParseError::Incomplete),
                Some('\'') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') => {
                    let e = self.chars.get(self.pos + 1).copied().unwrap_or('\\');
                    s.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        'e' => '\x1b',
                        '0' => '\0',
                        c => c,
                    });
                    self.pos += 2;
                }
                Some(c) => {
                    s.push(c);
                    self.pos += 1;
                }
            }
        }
        Ok(Part::Quoted(s))
    }

    /// `$...` or `` `...` `` at pos; None for a `$` that starts nothing.
    fn dollar_or_backtick(&mut self) -> Res<Option<Part>> {
        if self.peek() == Some('`') {
            self.pos += 1;
            let mut text = String::new();
            loop {
                match self.peek() {
                    None => return Err(ParseError::Incomplete),
                    Some('`') => {
                        self.pos += 1;
                        break;
                    }
                    Some('\\')
                        if matches!(self.chars.get(self.pos + 1), Some('`' | '\\' | '$')) =>
                    {
                        text.push(self.chars[self.pos + 1]);
                        self.pos += 2;
                    }
                    Some(c) => {
                        text.push(c);
                        self.pos += 1;
                    }
                }
            }
            self.enter()?;
            let list = parse(&text, self.alias_of)?;
            self.depth -= 1;
            return Ok(Some(Part::Command(Box::new(list))));
        }
        let next = self.chars.get(self.pos + 1).copied();
        match next {
            Some('(') if self.chars.get(self.pos + 2) == Some(&'(') => {
                self.pos += 3;
                Ok(Some(Part::Arith(self.arith_until_close()?)))
            }
            Some('(') => {
                self.pos += 2;
                let list = self.list(&[], true)?;
                self.expect_char(')')?;
                Ok(Some(Part::Command(Box::new(list))))
            }
            Some('{') => {
                self.pos += 2;
                self.enter()?;
                let p = self.braced_param()?;
                self.depth -= 1;
                Ok(Some(Part::Param(Box::new(p))))
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                self.pos += 1;
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.pos += 1;
                }
                let name = self.chars[start..self.pos].iter().collect();
                Ok(Some(Part::Param(Box::new(Param {
                    name,
                    op: ParamOp::Plain,
                }))))
            }
            Some(c)
                if c.is_ascii_digit() || matches!(c, '?' | '#' | '@' | '*' | '$' | '!' | '-') =>
            {
                self.pos += 2;
                Ok(Some(Part::Param(Box::new(Param {
                    name: c.to_string(),
                    op: ParamOp::Plain,
                }))))
            }
            _ => Ok(None),
        }
    }

    /// `${...}` after the `${`.
    fn braced_param(&mut self) -> Res<Param> {
        let length = self.peek() == Some('#') && self.chars.get(self.pos + 1) != Some(&'}');
        if length {
            self.pos += 1;
        }
        let start = self.pos;
        if self.peek().is_some_and(|c| {
            c.is_ascii_digit() || matches!(c, '?' | '#' | '@' | '*' | '$' | '!' | '-')
        }) {
            self.pos += 1;
        } else {
            while self
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                self.pos += 1;
            }
        }
        let name: String = self.chars[start..self.pos].iter().collect();
        let bad = || ParseError::Syntax("${...}: bad substitution".into());
        if name.is_empty() {
            return match self.peek() {
                None => Err(ParseError::Incomplete),
                _ => Err(bad()),
            };
        }
        if length {
            return match self.peek() {
                Some('}') => {
                    self.pos += 1;
                    Ok(Param {
                        name,
                        op: ParamOp::Length,
                    })
                }
                None => Err(ParseError::Incomplete),
                _ => Err(bad()),
            };
        }
        let Some(c) = self.peek() else {
            return Err(ParseError::Incomplete);
        };
        self.pos += 1;
        let op = match c {
            '}' => {
                return Ok(Param {
                    name,
                    op: ParamOp::Plain,
                })
            }
            ':' => match self.peek() {
                Some('-') => {
                    self.pos += 1;
                    ParamOp::Default(true, self.param_word(&['}'])?.0)
                }
                Some('=') => {
                    self.pos += 1;
                    ParamOp::Assign(true, self.param_word(&['}'])?.0)
                }
                Some('+') => {
                    self.pos += 1;
                    ParamOp::Alternative(true, self.param_word(&['}'])?.0)
                }
                Some('?') => {
                    self.pos += 1;
                    ParamOp::Error(true, self.param_word(&['}'])?.0)
                }
                _ => {
                    let (offset, end) = self.param_word(&[':', '}'])?;
                    let length = if end == ':' {
                        Some(self.param_word(&['}'])?.0)
                    } else {
                        None
                    };
                    ParamOp::Substring(offset, length)
                }
            },
            '-' => ParamOp::Default(false, self.param_word(&['}'])?.0),
            '=' => ParamOp::Assign(false, self.param_word(&['}'])?.0),
            '+' => ParamOp::Alternative(false, self.param_word(&['}'])?.0),
            '?' => ParamOp::Error(false, self.param_word(&['}'])?.0),
            '#' | '%' => {
                let longest = self.peek() == Some(c);
                if longest {
                    self.pos += 1;
                }
                let w = self.param_word(&['}'])?.0;
                if c == '#' {
                    ParamOp::TrimPrefix(longest, w)
                } else {
                    ParamOp::TrimSuffix(longest, w)
                }
            }
            '/' => {
                let all = self.peek() == Some('/');
                if all {
                    self.pos += 1;
                }
                let (pattern, end) = self.param_word(&['/', '}'])?;
                let with = if end == '/' {
                    self.param_word(&['}'])?.0
                } else {
                    vec![]
                };
                ParamOp::Replace { all, pattern, with }
            }
            '^' | ',' => {
                let all = self.peek() == Some(c);
                if all {
                    self.pos += 1;
                }
                if self.peek() != Some('}') {
                    return Err(bad());
                }
                self.pos += 1;
                ParamOp::Case(c == '^', all)
            }
            _ => return Err(bad()),
        };
        Ok(Param { name, op })
    }

    /// A word inside `${...}` up to one of `ends` (consumed and returned).
    fn param_word(&mut self, ends: &[char]) -> Res<(Word, char)> {
        let mut parts = vec![];
        let mut lit = String::new();
        let mut depth = 0usize;
        loop {
            let Some(c) = self.peek() else {
                return Err(ParseError::Incomplete);
            };
            if depth == 0 && ends.contains(&c) {
                self.pos += 1;
                if !lit.is_empty() {
                    parts.push(Part::Lit(lit));
                }
                return Ok((parts, c));
            }
            match c {
                '\'' | '"' | '\\' | '$' | '`' => {
                    if !lit.is_empty() {
                        parts.push(Part::Lit(std::mem::take(&mut lit)));
                    }
                    if c == '$' || c == '`' {
                        self.expansion(&mut parts, &mut lit, false)?;
                        continue;
                    }
                    if c == '\\' {
                        match self.chars.get(self.pos + 1) {
                            None => return Err(ParseError::Incomplete),
                            Some(&n) => parts.push(Part::Quoted(n.to_string())),
                        }
                        self.pos += 2;
                        continue;
                    }
                    if c == '"' {
                        self.pos += 1;
                        parts.push(Part::Double(self.double_quoted()?));
                    } else {
                        parts.push(self.single_quoted()?);
                    }
                }
                '{' => {
                    depth += 1;
                    lit.push(c);
                    self.pos += 1;
                }
                '}' => {
                    depth = depth.saturating_sub(1);
                    lit.push(c);
                    self.pos += 1;
                }
                c => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// An arithmetic expression up to the matching `))` (consumed).
    fn arith_until_close(&mut self) -> Res<Word> {
        self.enter()?;
        let mut parts = vec![];
        let mut lit = String::new();
        let mut depth = 0usize;
        loop {
            let Some(c) = self.peek() else {
                return Err(ParseError::Incomplete);
            };
            match c {
                ')' if depth == 0 => {
                    if self.chars.get(self.pos + 1) != Some(&')') {
                        return Err(ParseError::Syntax(
                            "syntax error near unexpected token `)'".into(),
                        ));
                    }
                    self.pos += 2;
                    break;
                }
                '(' => {
                    depth += 1;
                    lit.push(c);
                    self.pos += 1;
                }
                ')' => {
                    depth -= 1;
                    lit.push(c);
                    self.pos += 1;
                }
                '$' | '`' => self.expansion(&mut parts, &mut lit, false)?,
                '\n' => {
                    lit.push(' ');
                    self.pos += 1;
                }
                c => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Lit(lit));
        }
        self.depth -= 1;
        Ok(parts)
    }
}

/// `name=value` at the start of a simple command.
fn assignment(w: &Word) -> Option<(String, Word)> {
    let Some(Part::Lit(first)) = w.first() else {
        return None;
    };
    let (name, rest) = first.split_once('=')?;
    if !is_name(name) {
        return None;
    }
    let mut value = vec![];
    if !rest.is_empty() {
        value.push(Part::Lit(rest.to_string()));
    }
    value.extend(w[1..].iter().cloned());
    Some((name.to_string(), value))
}

/// Splits `init; cond; step` of an arithmetic `for` at its top-level semicolons.
fn split_arith_for(text: Word) -> Vec<Word> {
    let mut out: Vec<Word> = vec![vec![]];
    for part in text {
        match part {
            Part::Lit(s) => {
                let mut pieces = s.split(';').peekable();
                while let Some(piece) = pieces.next() {
                    if let Some(last) = out.last_mut() {
                        if !piece.is_empty() {
                            last.push(Part::Lit(piece.to_string()));
                        }
                    }
                    if pieces.peek().is_some() {
                        out.push(vec![]);
                    }
                }
            }
            other => {
                if let Some(last) = out.last_mut() {
                    last.push(other);
                }
            }
        }
    }
    out
}

/// An unquoted here-document's body: `$`, `` ` `` and `\` are special, quotes are not.
fn heredoc_word(body: &str) -> Res<Word> {
    let mut p = Parser {
        chars: body.chars().collect(),
        pos: 0,
        depth: 0,
        pending: vec![],
        bodies: vec![],
        alias_of: &|_| None,
        alias_guard: None,
    };
    let mut parts = vec![];
    let mut lit = String::new();
    while let Some(c) = p.peek() {
        match c {
            '\\' => match p.chars.get(p.pos + 1) {
                Some(&n @ ('$' | '`' | '\\')) => {
                    lit.push(n);
                    p.pos += 2;
                }
                Some('\n') => p.pos += 2,
                _ => {
                    lit.push('\\');
                    p.pos += 1;
                }
            },
            '$' | '`' => match p.expansion(&mut parts, &mut lit, true) {
                Ok(()) => {}
                Err(ParseError::Incomplete) => {
                    return Err(ParseError::Syntax(
                        "unexpected EOF while looking for matching `)'".into(),
                    ))
                }
                Err(e) => return Err(e),
            },
            c => {
                lit.push(c);
                p.pos += 1;
            }
        }
    }
    if !lit.is_empty() {
        parts.push(Part::Quoted(lit));
    }
    Ok(parts)
}

/// Gives each `<<` redirection its body, in the order they were read.
fn fill_heredocs(list: &mut List, bodies: &mut impl Iterator<Item = Word>) {
    for (_, p) in &mut list.items {
        for c in &mut p.commands {
            fill_command(c, bodies);
        }
    }
}

fn fill_command(c: &mut Command, bodies: &mut impl Iterator<Item = Word>) {
    let redirects = match c {
        Command::Simple { redirects, .. } => redirects,
        Command::Function { body, .. } => return fill_command(body, bodies),
        Command::Compound { body, redirects } => {
            match body {
                Compound::Group(l) | Compound::Subshell(l) => fill_heredocs(l, bodies),
                Compound::If {
                    branches,
                    otherwise,
                } => {
                    for (c, b) in branches {
                        fill_heredocs(c, bodies);
                        fill_heredocs(b, bodies);
                    }
                    if let Some(o) = otherwise {
                        fill_heredocs(o, bodies);
                    }
                }
                Compound::For { body, .. } | Compound::ArithFor { body, .. } => {
                    fill_heredocs(body, bodies)
                }
                Compound::While { cond, body, .. } => {
                    fill_heredocs(cond, bodies);
                    fill_heredocs(body, bodies);
                }
                Compound::Case { arms, .. } => {
                    for (_, l) in arms {
                        fill_heredocs(l, bodies);
                    }
                }
                Compound::Arith(_) | Compound::Test(_) => {}
            }
            redirects
        }
    };
    for r in redirects {
        if let RedirKind::Here(w) = &mut r.kind {
            if w.is_empty() {
                if let Some(b) = bodies.next() {
                    *w = b;
                }
            }
        }
    }
}
