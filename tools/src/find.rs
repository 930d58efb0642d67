//! `find` as GNU findutils 4.9 does it over the node's files: starting points, then an
//! expression of tests (`-name`, `-iname`, `-path`, `-type f|d`, `-empty`), `-maxdepth` and
//! `-mindepth`, `!`/`-not`, `-a`/`-and`, `-o`/`-or` and parentheses, printing each path
//! that matches (`-print`, the default). Its messages quote as it does in a UTF-8 locale.

use crate::command::CmdResult;
use crate::fs;
use crate::glob::matches;
use crate::io::Io;

/// A parsed expression.
enum Expr {
    Name(String, bool),
    Path(String),
    Type(bool),
    Empty,
    True,
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

struct Parser<'a> {
    words: &'a [String],
    at: usize,
    max_depth: Option<usize>,
    min_depth: usize,
}

fn fail(msg: String) -> CmdResult {
    CmdResult::fail(format!("find: {msg}\n"), 1)
}

impl Parser<'_> {
    fn peek(&self) -> Option<&str> {
        self.words.get(self.at).map(String::as_str)
    }

    fn value(&mut self, option: &str) -> Result<String, String> {
        self.at += 1;
        let v = self
            .words
            .get(self.at)
            .cloned()
            .ok_or_else(|| format!("missing argument to `{option}'"))?;
        self.at += 1;
        Ok(v)
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while matches!(self.peek(), Some("-o" | "-or")) {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.not()?;
        loop {
            match self.peek() {
                None | Some("-o" | "-or" | ")") => return Ok(left),
                Some("-a" | "-and") => self.at += 1,
                _ => {}
            }
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
    }

    fn not(&mut self) -> Result<Expr, String> {
        if matches!(self.peek(), Some("!" | "-not")) {
            self.at += 1;
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let Some(word) = self.peek().map(str::to_string) else {
            return Err("expected an expression at the end".into());
        };
        let expr = match word.as_str() {
            "(" => {
                self.at += 1;
                let inner = self.or()?;
                if self.peek() != Some(")") {
                    return Err("invalid expression; I was expecting to find a ')' somewhere but did not see one.".into());
                }
                self.at += 1;
                return Ok(inner);
            }
            "-name" | "-iname" => {
                Expr::Name(self.value(&word)?, word == "-iname")
            }
            "-path" | "-wholename" => Expr::Path(self.value(&word)?),
            "-type" => match self.value(&word)?.as_str() {
                "f" => Expr::Type(true),
                "d" => Expr::Type(false),
                t => return Err(format!("-type {t} is not supported in Kubarium yet")),
            },
            "-maxdepth" | "-mindepth" => {
                let v = self.value(&word)?;
                let n: usize = v.parse().map_err(|_| {
                    format!("Expected a positive decimal integer argument to {word}, but got ‘{v}’")
                })?;
                if word == "-maxdepth" {
                    self.max_depth = Some(n);
                } else {
                    self.min_depth = n;
                }
                return Ok(Expr::True);
            }
            "-empty" => {
                self.at += 1;
                Expr::Empty
            }
            "-print" => {
                self.at += 1;
                Expr::True
            }
            w if w.starts_with('-') && w.len() > 1 => {
                let known = [
                    "-exec", "-execdir", "-delete", "-print0", "-printf", "-ls", "-size",
                    "-mtime", "-mmin", "-newer", "-perm", "-user", "-group", "-regex", "-prune",
                    "-quit", "-ok", "-links", "-inum", "-samefile",
                ];
                return Err(if known.contains(&w) {
                    format!("{w} is not supported in Kubarium yet")
                } else {
                    format!("unknown predicate `{w}'")
                });
            }
            w => {
                return Err(format!(
                    "paths must precede expression: `{w}'\nfind: possible unquoted pattern after predicate `-name'?"
                ))
            }
        };
        Ok(expr)
    }
}

fn eval(e: &Expr, io: &Io, path: &str, shown: &str) -> bool {
    match e {
        Expr::Name(p, fold) => {
            let base = shown.rsplit('/').next().unwrap_or(shown);
            let base = if base.is_empty() { shown } else { base };
            if *fold {
                matches(&p.to_lowercase(), &base.to_lowercase())
            } else {
                matches(p, base)
            }
        }
        Expr::Path(p) => matches(p, shown),
        Expr::Type(file) => io.fs.is_dir(path) != *file,
        Expr::Empty => match io.fs.read(path) {
            Some(text) => text.is_empty(),
            None => io.fs.list(path).is_empty(),
        },
        Expr::True => true,
        Expr::Not(inner) => !eval(inner, io, path, shown),
        Expr::And(a, b) => eval(a, io, path, shown) && eval(b, io, path, shown),
        Expr::Or(a, b) => eval(a, io, path, shown) || eval(b, io, path, shown),
    }
}

/// Whether a word begins the expression (the starting points come before it).
fn starts_expression(word: &str) -> bool {
    word == "!" || word == "(" || (word.starts_with('-') && word.len() > 1)
}

/// `find [PATH...] [EXPRESSION]`.
pub fn run(args: &[String], io: &mut Io) -> CmdResult {
    let starts: Vec<String> = args
        .iter()
        .take_while(|a| !starts_expression(a))
        .cloned()
        .collect();
    let mut parser = Parser {
        words: &args[starts.len()..],
        at: 0,
        max_depth: None,
        min_depth: 0,
    };
    let expr = if parser.words.is_empty() {
        Expr::True
    } else {
        match parser.or() {
            Ok(e) if parser.at == parser.words.len() => e,
            Ok(_) => return fail("unexpected extra predicate ')'".into()),
            Err(msg) => return fail(msg),
        }
    };
    let starts = if starts.is_empty() {
        vec![".".to_string()]
    } else {
        starts
    };
    let mut res = CmdResult::default();
    for start in &starts {
        let path = io.path(start);
        if !io.fs.exists(&path) {
            res.output
                .err(format!("find: ‘{start}’: No such file or directory\n"));
            res.code = 1;
            continue;
        }
        walk(io, &parser, &expr, &path, start, 0, &mut res);
    }
    res
}

fn walk(
    io: &Io,
    p: &Parser<'_>,
    expr: &Expr,
    path: &str,
    shown: &str,
    depth: usize,
    res: &mut CmdResult,
) {
    if depth >= p.min_depth && eval(expr, io, path, shown) {
        res.output.out(format!("{shown}\n"));
    }
    if !io.fs.is_dir(path) || p.max_depth.is_some_and(|m| depth >= m) {
        return;
    }
    for name in io.fs.list(path) {
        let child = fs::resolve(path, &name);
        let child_shown = format!("{}/{name}", shown.trim_end_matches('/'));
        walk(io, p, expr, &child, &child_shown, depth + 1, res);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::Fs;

    #[test]
    fn finds_as_gnu_find_does() {
        let mut fs = Fs::default();
        fs.mkdir("/etc/kubernetes/manifests", true).unwrap();
        for f in ["etcd.yaml", "kube-apiserver.yaml"] {
            fs.write(&format!("/etc/kubernetes/manifests/{f}"), "x", false)
                .unwrap();
        }
        fs.write("/etc/kubernetes/admin.conf", "", false).unwrap();
        let find = |fs: &mut Fs, args: &str| {
            let args: Vec<String> = args.split_whitespace().map(String::from).collect();
            let mut io = Io {
                stdin: None,
                fs,
                cwd: "/etc",
            };
            let r = run(&args, &mut io);
            (r.output.text(), r.code)
        };
        for (args, want, code) in [
            (
                "/etc/kubernetes -name *.yaml",
                "/etc/kubernetes/manifests/etcd.yaml\n/etc/kubernetes/manifests/kube-apiserver.yaml\n",
                0,
            ),
            ("kubernetes -maxdepth 1 -type f", "kubernetes/admin.conf\n", 0),
            ("kubernetes -type d ! -name kubernetes", "kubernetes/manifests\n", 0),
            (
                "/etc/kubernetes -empty -o -name etcd*",
                "/etc/kubernetes/admin.conf\n/etc/kubernetes/manifests/etcd.yaml\n",
                0,
            ),
            ("/nope -name x", "find: ‘/nope’: No such file or directory\n", 1),
            (". -bogus", "find: unknown predicate `-bogus'\n", 1),
        ] {
            assert_eq!(find(&mut fs, args), (want.to_string(), code), "find {args}");
        }
    }
}
