//! Running the syntax tree: lists, pipelines, compound commands, functions and
//! redirections, with each command's words expanded just before it runs (so `b=2; echo
//! $b` sees the assignment) and bash's exit statuses.

use super::syntax::{
    Command, Compound, Connector, List, Part, Pipeline, RedirKind, Redirect, Word,
};
use super::{arith, builtins, fs, pattern, Shell};
use crate::cluster::Cluster;
use crate::command::{Output, Stream};

/// Loop iterations one command line may run: a loop runs to its end before the prompt
/// returns, and the page cannot interrupt it.
const MAX_ITERATIONS: usize = 10_000;
/// Nested function calls and command substitutions.
const MAX_DEPTH: usize = 100;

/// What stops a list early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Break(usize),
    Continue(usize),
    Return,
    Exit,
}

/// Standard input as commands in a compound command share it: `read` takes a line,
/// most commands take the rest.
#[derive(Debug, Default)]
pub struct Input {
    data: Option<String>,
    pos: usize,
}

impl Input {
    pub fn from(text: String) -> Self {
        Input {
            data: Some(text),
            pos: 0,
        }
    }

    /// Everything not read yet (None when there is no input at all).
    pub fn rest(&mut self) -> Option<String> {
        let data = self.data.as_ref()?;
        let rest = data.get(self.pos..).unwrap_or("").to_string();
        self.pos = data.len();
        Some(rest)
    }

    /// One line without its newline; None at the end.
    pub fn line(&mut self) -> Option<String> {
        let data = self.data.as_ref()?;
        let rest = data.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        match rest.find('\n') {
            Some(i) => {
                self.pos += i + 1;
                Some(rest[..i].to_string())
            }
            None => {
                self.pos = data.len();
                Some(rest.to_string())
            }
        }
    }
}

/// Editors that take over the screen: `kubectl edit` opens the page's or the terminal's
/// editor for them.
const SCREEN_EDITORS: [&str; 11] = [
    "vi", "vim", "nvim", "vim.tiny", "view", "nano", "pico", "emacs", "micro", "joe", "code",
];

/// Whether a word's own text names /var/log (before expansion).
fn names_var_log(word: &Word) -> bool {
    fn part(p: &Part) -> bool {
        match p {
            Part::Lit(s) | Part::Quoted(s) => s.contains("/var/log"),
            Part::Double(parts) => parts.iter().any(part),
            _ => false,
        }
    }
    word.iter().any(part)
}

/// One run of a command line against the shell and the cluster.
pub struct Exec<'a> {
    pub sh: &'a mut Shell,
    pub cluster: &'a mut Cluster,
    pub flow: Option<Flow>,
    /// The status of the last command substitution (what `x=$(false)` leaves in `$?`).
    pub substitution_status: Option<i32>,
    /// What command substitutions wrote to standard error, shown before their command.
    pub stderr: Output,
    /// The files of the process substitutions (`<(...)`) of the commands running.
    pub proc_files: Vec<String>,
    iterations: usize,
    depth: usize,
    loops: usize,
    /// Whether a `kubectl edit`'s editor command is running.
    editing: bool,
}

/// A failed expansion: bash's message, and the status it leaves.
pub struct ExpandError(pub String, pub i32);

impl<'a> Exec<'a> {
    pub fn new(sh: &'a mut Shell, cluster: &'a mut Cluster) -> Self {
        Exec {
            sh,
            cluster,
            flow: None,
            substitution_status: None,
            stderr: Output::default(),
            proc_files: vec![],
            iterations: 0,
            editing: false,
            depth: 0,
            loops: 0,
        }
    }

    /// Runs `f` one level deeper (command substitution); None past the nesting limit.
    pub fn nested(&mut self, f: impl FnOnce(&mut Self) -> i32) -> Option<i32> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        let loops = std::mem::take(&mut self.loops);
        self.depth += 1;
        let code = f(self);
        self.depth -= 1;
        self.loops = loops;
        Some(code)
    }

    fn status(&self) -> i32 {
        self.sh
            .vars
            .get("?")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    fn set_status(&mut self, code: i32) {
        self.sh.vars.insert("?".into(), code.to_string());
    }

    pub fn run_list(&mut self, list: &List, input: &mut Input, out: &mut Output) -> i32 {
        let mut last = self.status();
        for (connector, pipeline) in &list.items {
            if self.flow.is_some() {
                break;
            }
            let run = match connector {
                Connector::Always => true,
                Connector::And => last == 0,
                Connector::Or => last != 0,
            };
            if !run {
                continue;
            }
            last = self.run_pipeline(pipeline, input, out);
            self.set_status(last);
        }
        last
    }

    fn run_pipeline(&mut self, p: &Pipeline, input: &mut Input, out: &mut Output) -> i32 {
        let n = p.commands.len();
        let mut code = 0;
        let mut piped: Option<Input> = None;
        let terminal = self.sh.stdout_terminal;
        let outer = std::mem::replace(
            &mut self.sh.pipeline,
            if n > 1 {
                p.commands.iter().filter_map(Command::literal).collect()
            } else {
                vec![]
            },
        );
        for (i, cmd) in p.commands.iter().enumerate() {
            let mut stage = Output::default();
            self.sh.stdout_terminal = terminal && i + 1 == n;
            code = match piped.as_mut() {
                Some(inp) => self.run_command(cmd, inp, &mut stage),
                None if n == 1 => self.run_command(cmd, input, &mut stage),
                None => self.run_command(cmd, &mut Input::default(), &mut stage),
            };
            self.sh.stdout_terminal = terminal;
            out.clear |= stage.clear;
            if i + 1 < n {
                let mut text = String::new();
                for (s, t) in stage.chunks {
                    match s {
                        Stream::Out => text.push_str(&t),
                        Stream::Err => out.err(t),
                    }
                }
                piped = Some(Input::from(text));
                // A pipeline's stages run in subshells: `break` or `exit` ends only theirs.
                self.flow = None;
            } else {
                out.extend(stage);
            }
        }
        self.sh.pipeline = outer;
        if p.negate {
            i32::from(code == 0)
        } else {
            code
        }
    }

    fn run_command(&mut self, cmd: &Command, input: &mut Input, out: &mut Output) -> i32 {
        match cmd {
            Command::Function { name, body } => {
                self.sh.functions.insert(name.clone(), (**body).clone());
                0
            }
            Command::Compound { body, redirects } => {
                self.redirected(redirects, input, out, |ex, inp, o| {
                    ex.run_compound(body, inp, o)
                })
            }
            Command::Simple {
                assigns,
                words,
                redirects,
            } => self.run_simple(assigns, words, redirects, input, out),
        }
    }

    /// Runs `f` with `redirects` applied to its input and output.
    fn redirected(
        &mut self,
        redirects: &[Redirect],
        input: &mut Input,
        out: &mut Output,
        f: impl FnOnce(&mut Self, &mut Input, &mut Output) -> i32,
    ) -> i32 {
        if redirects.is_empty() {
            return f(self, input, out);
        }
        let mut own_input: Option<Input> = None;
        // Where fd 1 and fd 2 go: None is the caller's stream, Some(path) a file.
        let mut targets: [Option<(String, bool)>; 3] = [None, None, None];
        let mut dup: [u8; 3] = [0, 1, 2];
        for r in redirects {
            let fd = usize::from(r.fd.min(2));
            match &r.kind {
                RedirKind::In(w) => match self.redirect_target(w) {
                    Ok(path) => {
                        let full = fs::resolve(&self.sh.cwd, &path);
                        match self.cluster.fs(&self.sh.host).read(&full) {
                            Some(text) => own_input = Some(Input::from(text.to_string())),
                            // The null device reads as nothing.
                            None if full == "/dev/null" => {
                                own_input = Some(Input::from(String::new()))
                            }
                            None => {
                                out.err(format!("bash: {path}: No such file or directory\n"));
                                return 1;
                            }
                        }
                    }
                    Err(e) => return self.expand_failed(e, out),
                },
                RedirKind::Here(w) => match self.expand_string(w) {
                    Ok(text) => own_input = Some(Input::from(text)),
                    Err(e) => return self.expand_failed(e, out),
                },
                RedirKind::HereString(w) => match self.expand_string(w) {
                    Ok(text) => own_input = Some(Input::from(text + "\n")),
                    Err(e) => return self.expand_failed(e, out),
                },
                RedirKind::Out { target, append } => match self.redirect_target(target) {
                    Ok(path) => {
                        if let Err(code) = self.open(&path, *append, out) {
                            return code;
                        }
                        targets[fd] = Some((path, *append));
                        dup[fd] = fd as u8;
                    }
                    Err(e) => return self.expand_failed(e, out),
                },
                RedirKind::Both { target, append } => match self.redirect_target(target) {
                    Ok(path) => {
                        if let Err(code) = self.open(&path, *append, out) {
                            return code;
                        }
                        targets[1] = Some((path.clone(), *append));
                        targets[2] = Some((path, true));
                        dup[1] = 1;
                        dup[2] = 1;
                    }
                    Err(e) => return self.expand_failed(e, out),
                },
                RedirKind::Dup(to) => {
                    let to = usize::from((*to).min(2));
                    if fd > 0 {
                        targets[fd] = targets[to].clone();
                        dup[fd] = dup[to];
                    }
                }
            }
        }
        self.flush_stderr(out);
        let mut inner = Output::default();
        // Standard output into a file is no terminal.
        let terminal = self.sh.stdout_terminal;
        self.sh.stdout_terminal &= targets[1].is_none();
        let code = match own_input.as_mut() {
            Some(inp) => f(self, inp, &mut inner),
            None => f(self, input, &mut inner),
        };
        self.sh.stdout_terminal = terminal;
        out.clear |= inner.clear;
        let mut code = code;
        for (stream, text) in inner.chunks {
            let fd = match stream {
                Stream::Out => 1,
                Stream::Err => 2,
            };
            match &targets[fd] {
                Some((path, _)) if path == "/dev/null" => {}
                Some((path, _)) => {
                    let full = fs::resolve(&self.sh.cwd, path);
                    if let Err(e) = self.cluster.fs_mut(&self.sh.host).write(&full, &text, true) {
                        out.err(format!("bash: {path}: {e}\n"));
                        code = 1;
                    }
                }
                None if dup[fd] == 1 => out.out(text),
                None => out.err(text),
            }
        }
        code
    }

    /// Creates or truncates a redirection's file before the command runs.
    fn open(&mut self, path: &str, append: bool, out: &mut Output) -> Result<(), i32> {
        if path == "/dev/null" || path == "/dev/stdout" || path == "/dev/stderr" {
            return Ok(());
        }
        let full = fs::resolve(&self.sh.cwd, path);
        let res = if append {
            self.cluster.fs_mut(&self.sh.host).write(&full, "", true)
        } else {
            self.cluster.fs_mut(&self.sh.host).write(&full, "", false)
        };
        res.map_err(|e| {
            out.err(format!("bash: {path}: {e}\n"));
            1
        })
    }

    fn redirect_target(&mut self, w: &Word) -> Result<String, ExpandError> {
        let fields = self.expand_fields(w)?;
        match fields.as_slice() {
            [one] => Ok(one.clone()),
            _ => Err(ExpandError(
                format!("{}: ambiguous redirect", super::expand::source_text(w)),
                1,
            )),
        }
    }

    fn expand_failed(&mut self, e: ExpandError, out: &mut Output) -> i32 {
        self.flush_stderr(out);
        out.err(format!("bash: {}\n", e.0));
        e.1
    }

    /// Runs a simple command; the files of its process substitutions go afterwards.
    fn run_simple(
        &mut self,
        assigns: &[(String, Word)],
        words: &[Word],
        redirects: &[Redirect],
        input: &mut Input,
        out: &mut Output,
    ) -> i32 {
        // The container log files are a view of the runtime, brought up to date when a
        // command names them.
        if self.sh.cwd.starts_with("/var/log") || words.iter().any(names_var_log) {
            self.cluster.show_log_files(&self.sh.host);
        }
        let mark = self.proc_files.len();
        let code = self.run_simple_expanded(assigns, words, redirects, input, out);
        let done: Vec<String> = self.proc_files.drain(mark..).collect();
        for f in done {
            self.cluster.fs_mut(&self.sh.host).remove(&f);
        }
        code
    }

    fn run_simple_expanded(
        &mut self,
        assigns: &[(String, Word)],
        words: &[Word],
        redirects: &[Redirect],
        input: &mut Input,
        out: &mut Output,
    ) -> i32 {
        let mut argv = vec![];
        for w in words {
            match self.expand_fields(w) {
                Ok(f) => argv.extend(f),
                Err(e) => return self.expand_failed(e, out),
            }
        }
        let mut values = vec![];
        for (name, w) in assigns {
            match self.expand_assignment(w) {
                Ok(v) => values.push((name.clone(), v)),
                Err(e) => return self.expand_failed(e, out),
            }
        }
        self.flush_stderr(out);
        if argv.is_empty() {
            let status = self.substitution_status.take().unwrap_or(0);
            for (k, v) in values {
                self.sh.vars.insert(k, v);
            }
            return self.redirected(redirects, input, out, |_, _, _| status);
        }
        // `VAR=x cmd`: the variables hold for this command only.
        let saved: Vec<(String, Option<String>)> = values
            .iter()
            .map(|(k, _)| (k.clone(), self.sh.vars.get(k).cloned()))
            .collect();
        for (k, v) in values {
            self.sh.vars.insert(k, v);
        }
        let code = self.redirected(redirects, input, out, |ex, inp, o| ex.call(&argv, inp, o));
        for (k, v) in saved {
            match v {
                Some(v) => self.sh.vars.insert(k, v),
                None => self.sh.vars.remove(&k),
            };
        }
        code
    }

    /// Runs a command by name: a function, a builtin that steers the shell, or a utility.
    pub fn call(&mut self, argv: &[String], input: &mut Input, out: &mut Output) -> i32 {
        let Some(name) = argv.first() else {
            return 0;
        };
        if let Some(body) = self.sh.functions.get(name).cloned() {
            return self.call_function(&body, argv, input, out);
        }
        let args = &argv[1..];
        match name.as_str() {
            "break" | "continue" => self.loop_control(name, args, out),
            "return" => {
                let code = args
                    .first()
                    .and_then(|a| a.parse().ok())
                    .unwrap_or_else(|| self.status());
                if self.depth == 0 {
                    out.err("bash: return: can only `return' from a function or sourced script\n");
                    return 1;
                }
                self.flow = Some(Flow::Return);
                code
            }
            "exit" => {
                let code = args
                    .first()
                    .and_then(|a| a.parse::<i64>().ok())
                    .map_or_else(|| self.status(), |c| (c & 0xff) as i32);
                self.flow = Some(Flow::Exit);
                code
            }
            "logout" => {
                if self.sh.logins_open() == 0 {
                    out.err("bash: logout: not login shell: use `exit'\n");
                    return 1;
                }
                self.flow = Some(Flow::Exit);
                args.first().and_then(|a| a.parse().ok()).unwrap_or(0)
            }
            "ssh" => super::ssh::ssh(self, args, input, out),
            "poweroff" | "halt" | "shutdown" | "reboot" => {
                super::power::poweroff(self, name, args, out)
            }
            "kubarium" => super::power::console(self.cluster, args, out),
            "sudo" | "su" => super::ssh::sudo(self, name, args, input, out),
            "read" => self.read(args, input, out),
            "eval" => {
                let text = args.join(" ");
                self.run_text(&text, input, out)
            }
            "source" | "." => self.source(name, args, input, out),
            "test" | "[" => super::test::builtin(
                name,
                args,
                self.cluster.fs(&self.sh.host),
                &self.sh.cwd,
                out,
            ),
            "shift" => {
                let n = args.first().and_then(|a| a.parse().ok()).unwrap_or(1usize);
                let positional = &mut self.sh.positional;
                if n > positional.len() {
                    return 1;
                }
                positional.drain(..n);
                0
            }
            "local" | "declare" | "typeset" | "readonly" => {
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    let (k, v) = a.split_once('=').unwrap_or((a, ""));
                    self.sh.vars.insert(k.to_string(), v.to_string());
                }
                0
            }
            "set" => self.set(args, out),
            "xargs" => self.xargs(args, input, out),
            "command" | "builtin" => {
                let rest: Vec<String> = args.iter().filter(|a| *a != "-v").cloned().collect();
                if args.first().map(String::as_str) == Some("-v") {
                    return self.type_of(&rest, out, true);
                }
                self.call(&rest, input, out)
            }
            "type" | "which" => self.type_of(args, out, name == "which"),
            "watch" => self.watch(args, out),
            _ => {
                let stdin = if builtins::reads_stdin(argv) {
                    input.rest()
                } else {
                    None
                };
                let res = builtins::run(self.sh, self.cluster, argv, stdin);
                out.extend(res.output);
                match self.sh.edit.take() {
                    Some(edit) => self.edit(edit, out),
                    None => res.code,
                }
            }
        }
    }

    /// `watch COMMAND`: the first screen now, the next ones as the foreground command.
    fn watch(&mut self, args: &[String], out: &mut Output) -> i32 {
        let w = match super::watch::Watch::parse(args, self.cluster.now()) {
            Ok(w) => w,
            Err(e) => {
                out.extend(e.output);
                return e.code;
            }
        };
        if !self.sh.foreground_line || self.editing {
            out.err("watch: in a pipeline, a redirection, a substitution or with other commands on the line is not supported in Kubarium yet\n");
            return 1;
        }
        let printed = self.run_watched(&w.command);
        out.extend(w.screen(self.cluster, printed));
        self.sh.foreground = Some(super::Foreground::Repeat(w));
        0
    }

    /// Runs what `watch` watches, as `sh -c` would: nothing it starts goes on running.
    pub fn run_watched(&mut self, command: &str) -> Output {
        let mut printed = Output::default();
        let foreground = std::mem::take(&mut self.sh.foreground_line);
        self.nested(|ex| ex.run_text(command, &mut Input::default(), &mut printed));
        self.flush_stderr(&mut printed);
        self.sh.foreground_line = foreground;
        printed
    }

    /// Hands `kubectl edit`'s file to the editor: the command in KUBE_EDITOR or EDITOR,
    /// run on the file until the edit is done; without one, the page's or terminal's
    /// editor, when the edit is the whole line.
    fn edit(&mut self, mut edit: crate::kubectl::edit::Edit, out: &mut Output) -> i32 {
        use crate::kubectl::edit::Saved;
        let editor = ["KUBE_EDITOR", "EDITOR"].iter().find_map(|v| {
            self.sh
                .vars
                .get(*v)
                .filter(|e| !e.trim().is_empty())
                .cloned()
        });
        // A screen editor (`export KUBE_EDITOR=nano`, as on the exam) is the page's or
        // the terminal's editor here; a command (`sed -i ...`) runs in the shell.
        let interactive = |e: &String| {
            let first = e.split_whitespace().next().unwrap_or("");
            let name = first.rsplit('/').next().unwrap_or(first);
            SCREEN_EDITORS.contains(&name)
        };
        if self.editing {
            self.cluster.fs_mut(&self.sh.host).remove(&edit.file);
            out.err("error: \"kubectl edit\" run by the editor of another kubectl edit is not supported in Kubarium yet\n");
            return 1;
        }
        let Some(editor) = editor.filter(|e| !interactive(e)) else {
            if self.sh.foreground_line {
                self.sh.foreground = Some(super::Foreground::Edit(edit));
                return 0;
            }
            self.cluster.fs_mut(&self.sh.host).remove(&edit.file);
            out.err("error: \"kubectl edit\" in a pipeline, a redirection, a substitution or with other commands on the line is not supported in Kubarium yet without KUBE_EDITOR (a command that edits the file, such as sed -i)\n");
            return 1;
        };
        loop {
            let line = format!("{editor} {}", edit.file);
            // The editor runs on the file; nothing it starts goes on running after it.
            self.editing = true;
            let foreground = std::mem::take(&mut self.sh.foreground_line);
            let code = self
                .nested(|ex| ex.run_text(&line, &mut Input::default(), out))
                .unwrap_or(1);
            self.sh.foreground_line = foreground;
            self.editing = false;
            if code != 0 {
                // kubectl names the editor as it ran it: alone, split at spaces, or
                // through the shell when it has quotes.
                let args = if editor.contains(['"', '\'', '\\']) {
                    let shell = self.sh.vars.get("SHELL").cloned().unwrap_or_default();
                    format!("{shell} -c {editor}")
                } else {
                    editor.clone()
                };
                out.err(format!(
                    "error: there was a problem with the editor \"{args}\"\n"
                ));
                return 1;
            }
            let text = self
                .cluster
                .fs(&self.sh.host)
                .read(&edit.file)
                .map(str::to_string);
            let saved = edit.saved(self.cluster, text);
            self.cluster.settle();
            match saved {
                Saved::Done(res) => {
                    out.extend(res.output);
                    return res.code;
                }
                Saved::Again(o) => out.extend(o),
            }
        }
    }

    fn call_function(
        &mut self,
        body: &Command,
        argv: &[String],
        input: &mut Input,
        out: &mut Output,
    ) -> i32 {
        if self.depth >= MAX_DEPTH {
            out.err(format!(
                "bash: {}: maximum function nesting level exceeded ({MAX_DEPTH})\n",
                argv[0]
            ));
            return 1;
        }
        let saved = std::mem::replace(&mut self.sh.positional, argv[1..].to_vec());
        let loops = std::mem::take(&mut self.loops);
        self.depth += 1;
        let code = self.run_command(body, input, out);
        self.depth -= 1;
        self.loops = loops;
        self.sh.positional = saved;
        if self.flow == Some(Flow::Return) {
            self.flow = None;
        }
        code
    }

    fn loop_control(&mut self, name: &str, args: &[String], out: &mut Output) -> i32 {
        let n = match args.first() {
            None => 1,
            Some(a) => match a.parse::<usize>() {
                Ok(n) if n > 0 => n,
                _ => {
                    out.err(format!("bash: {name}: {a}: loop count out of range\n"));
                    return 1;
                }
            },
        };
        if self.loops == 0 {
            return 0;
        }
        self.flow = Some(if name == "break" {
            Flow::Break(n)
        } else {
            Flow::Continue(n)
        });
        0
    }

    /// Parses and runs `text` (eval, source, command substitution).
    pub fn run_text(&mut self, text: &str, input: &mut Input, out: &mut Output) -> i32 {
        let aliases = self.sh.aliases.clone();
        match super::syntax::parse(text, &|w| aliases.get(w).cloned()) {
            Ok(list) => self.run_list(&list, input, out),
            Err(super::syntax::ParseError::Incomplete) => {
                out.err("bash: syntax error: unexpected end of file\n");
                2
            }
            Err(super::syntax::ParseError::Syntax(m)) => {
                out.err(format!("bash: {m}\n"));
                2
            }
        }
    }

    fn source(&mut self, name: &str, args: &[String], input: &mut Input, out: &mut Output) -> i32 {
        let Some(file) = args.first() else {
            out.err(format!(
                "bash: {name}: filename argument required\n{name}: usage: {name} filename [arguments]\n"
            ));
            return 2;
        };
        let full = fs::resolve(&self.sh.cwd, file);
        let Some(text) = self
            .cluster
            .fs(&self.sh.host)
            .read(&full)
            .map(str::to_string)
        else {
            out.err(format!("bash: {file}: No such file or directory\n"));
            return 1;
        };
        if self.depth >= MAX_DEPTH {
            out.err(format!("bash: {file}: maximum nesting level exceeded\n"));
            return 1;
        }
        self.depth += 1;
        let code = self.run_text(&text, input, out);
        self.depth -= 1;
        if self.flow == Some(Flow::Return) {
            self.flow = None;
        }
        code
    }

    fn read(&mut self, args: &[String], input: &mut Input, out: &mut Output) -> i32 {
        let mut names = vec![];
        let mut raw = false;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "-r" => raw = true,
                "-p" | "-t" | "-n" | "-d" | "-u" => {
                    it.next();
                }
                "-s" | "-e" => {}
                _ if a.starts_with('-') => {
                    out.err(format!("bash: read: {a}: invalid option\nread: usage: read [-ers] [-a array] [-d delim] [-i text] [-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] [name ...]\n"));
                    return 2;
                }
                _ => names.push(a.clone()),
            }
        }
        let Some(mut line) = input.line() else {
            for n in &names {
                self.sh.vars.insert(n.clone(), String::new());
            }
            return 1;
        };
        if !raw {
            line = line.replace('\\', "");
        }
        if names.is_empty() {
            self.sh.vars.insert("REPLY".into(), line);
            return 0;
        }
        let mut rest = line.trim_start();
        for (i, n) in names.iter().enumerate() {
            if i + 1 == names.len() {
                self.sh.vars.insert(n.clone(), rest.trim_end().to_string());
                break;
            }
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            self.sh.vars.insert(n.clone(), rest[..end].to_string());
            rest = rest[end..].trim_start();
        }
        0
    }

    fn set(&mut self, args: &[String], out: &mut Output) -> i32 {
        if args.is_empty() {
            for (k, v) in &self.sh.vars {
                if k != "?" {
                    out.out(format!("{k}={v}\n"));
                }
            }
            return 0;
        }
        if args[0] == "--" {
            self.sh.positional = args[1..].to_vec();
            return 0;
        }
        // Options such as -e, -x and -o pipefail change nothing Kubarium prints.
        if args
            .iter()
            .all(|a| a.starts_with('-') || a.starts_with('+') || a == "pipefail")
        {
            return 0;
        }
        self.sh.positional = args.to_vec();
        0
    }

    fn type_of(&mut self, args: &[String], out: &mut Output, short: bool) -> i32 {
        let mut code = 0;
        for a in args {
            let line = if let Some(v) = self.sh.aliases.get(a) {
                (!short).then(|| format!("{a} is aliased to `{v}'\n"))
            } else if self.sh.functions.contains_key(a) {
                (!short).then(|| format!("{a} is a function\n"))
            } else if builtins::is_builtin(a) && !short {
                Some(format!("{a} is a shell builtin\n"))
            } else if super::complete::SHELL_COMMANDS.contains(&a.as_str()) || crate::tools::has(a)
            {
                Some(if short {
                    format!("/usr/bin/{a}\n")
                } else {
                    format!("{a} is /usr/bin/{a}\n")
                })
            } else if short
                && ["echo", "printf", "test", "[", "true", "false", "pwd"].contains(&a.as_str())
            {
                // Builtins that are programs too: which finds the program.
                Some(format!("/usr/bin/{a}\n"))
            } else {
                None
            };
            match line {
                Some(l) => out.out(l),
                None if short => code = 1,
                None => {
                    out.err(format!("bash: type: {a}: not found\n"));
                    code = 1;
                }
            }
        }
        code
    }

    fn xargs(&mut self, args: &[String], input: &mut Input, out: &mut Output) -> i32 {
        let mut replace: Option<String> = None;
        let mut per: Option<usize> = None;
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            match a.as_str() {
                "-I" => {
                    replace = args.get(i + 1).cloned();
                    i += 2;
                }
                "-n" => {
                    per = args.get(i + 1).and_then(|n| n.parse().ok());
                    i += 2;
                }
                "-r" | "--no-run-if-empty" | "-t" => i += 1,
                _ if a.starts_with("-I") => {
                    replace = Some(a[2..].to_string());
                    i += 1;
                }
                _ if a.starts_with("-n") => {
                    per = a[2..].parse().ok();
                    i += 1;
                }
                _ if a.starts_with('-') => {
                    out.err(format!("xargs: {a}: not supported in Kubarium yet\n"));
                    return 1;
                }
                _ => break,
            }
        }
        let mut cmd: Vec<String> = args[i..].to_vec();
        if cmd.is_empty() {
            cmd.push("echo".into());
        }
        let text = input.rest().unwrap_or_default();
        let mut runs: Vec<Vec<String>> = vec![];
        if let Some(r) = &replace {
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                runs.push(
                    cmd.iter()
                        .map(|c| c.replace(r.as_str(), line.trim()))
                        .collect(),
                );
            }
        } else {
            let items: Vec<String> = text.split_whitespace().map(str::to_string).collect();
            if items.is_empty() && args.iter().any(|a| a == "-r" || a == "--no-run-if-empty") {
                return 0;
            }
            let chunk = per.unwrap_or(usize::MAX).max(1);
            if items.is_empty() {
                runs.push(cmd.clone());
            }
            for group in items.chunks(chunk.min(items.len().max(1))) {
                let mut argv = cmd.clone();
                argv.extend(group.iter().cloned());
                runs.push(argv);
            }
        }
        let mut code = 0;
        for argv in runs {
            let c = self.call(&argv, &mut Input::default(), out);
            if c == 127 {
                return 127;
            }
            if c != 0 {
                code = 123;
            }
        }
        code
    }

    fn run_compound(&mut self, c: &Compound, input: &mut Input, out: &mut Output) -> i32 {
        match c {
            Compound::Group(l) => self.run_list(l, input, out),
            Compound::Subshell(l) => {
                let vars = self.sh.vars.clone();
                let cwd = self.sh.cwd.clone();
                let code = self.run_list(l, input, out);
                self.sh.vars = vars;
                self.sh.cwd = cwd;
                if matches!(self.flow, Some(Flow::Exit | Flow::Return)) {
                    self.flow = None;
                }
                code
            }
            Compound::If {
                branches,
                otherwise,
            } => {
                for (cond, body) in branches {
                    let c = self.run_list(cond, input, out);
                    if self.flow.is_some() {
                        return c;
                    }
                    if c == 0 {
                        return self.run_list(body, input, out);
                    }
                }
                match otherwise {
                    Some(l) => self.run_list(l, input, out),
                    None => 0,
                }
            }
            Compound::For { var, words, body } => {
                let items = match words {
                    None => self.sh.positional.clone(),
                    Some(ws) => {
                        let mut items = vec![];
                        for w in ws {
                            match self.expand_fields(w) {
                                Ok(f) => items.extend(f),
                                Err(e) => return self.expand_failed(e, out),
                            }
                        }
                        items
                    }
                };
                let mut code = 0;
                for item in items {
                    self.sh.vars.insert(var.clone(), item);
                    match self.iteration(body, input, out, &mut code) {
                        Some(true) => continue,
                        Some(false) => break,
                        None => return code,
                    }
                }
                code
            }
            Compound::ArithFor {
                init,
                cond,
                step,
                body,
            } => {
                if let Err(code) = self.arith_word(init, out) {
                    return code;
                }
                let mut code = 0;
                loop {
                    match self.arith_word(cond, out) {
                        Ok(0) if !cond.is_empty() => break,
                        Ok(_) => {}
                        Err(c) => return c,
                    }
                    match self.iteration(body, input, out, &mut code) {
                        Some(true) => {}
                        Some(false) => break,
                        None => return code,
                    }
                    if let Err(c) = self.arith_word(step, out) {
                        return c;
                    }
                }
                code
            }
            Compound::While { until, cond, body } => {
                let mut code = 0;
                loop {
                    let c = self.run_list(cond, input, out);
                    if self.flow.is_some() {
                        return c;
                    }
                    if (c == 0) == *until {
                        break;
                    }
                    match self.iteration(body, input, out, &mut code) {
                        Some(true) => {}
                        Some(false) => break,
                        None => return code,
                    }
                }
                code
            }
            Compound::Case { word, arms } => {
                let subject = match self.expand_string(word) {
                    Ok(s) => s,
                    Err(e) => return self.expand_failed(e, out),
                };
                for (patterns, body) in arms {
                    for p in patterns {
                        let pat = match self.expand_pattern(p) {
                            Ok(p) => p,
                            Err(e) => return self.expand_failed(e, out),
                        };
                        if pattern::matches(&pat, &subject) {
                            return self.run_list(body, input, out);
                        }
                    }
                }
                0
            }
            Compound::Arith(w) => match self.arith_word(w, out) {
                Ok(v) => i32::from(v == 0),
                Err(c) => c,
            },
            Compound::Test(words) => super::test::conditional(self, words, out),
        }
    }

    /// Runs one loop body; Some(true) to go on, Some(false) to stop the loop, None when
    /// something outside the loop must stop too.
    fn iteration(
        &mut self,
        body: &List,
        input: &mut Input,
        out: &mut Output,
        code: &mut i32,
    ) -> Option<bool> {
        self.iterations += 1;
        if self.iterations > MAX_ITERATIONS {
            out.err(format!(
                "kubarium: stopped the loop after {MAX_ITERATIONS} iterations (a loop runs to its end before the prompt returns)\n"
            ));
            self.flow = Some(Flow::Exit);
            *code = 1;
            return None;
        }
        self.loops += 1;
        *code = self.run_list(body, input, out);
        self.loops -= 1;
        match self.flow {
            None => Some(true),
            Some(flow @ (Flow::Break(n) | Flow::Continue(n))) => {
                // `break 2` ends this loop and leaves `break 1` for the one around it.
                let go_on = matches!(flow, Flow::Continue(_));
                self.flow = (n > 1).then_some(if go_on {
                    Flow::Continue(n - 1)
                } else {
                    Flow::Break(n - 1)
                });
                (n == 1).then_some(go_on)
            }
            Some(_) => None,
        }
    }

    /// Expands and evaluates an arithmetic word; Err carries the status after a message.
    pub fn arith_word(&mut self, w: &Word, out: &mut Output) -> Result<i64, i32> {
        let text = match self.expand_string(w) {
            Ok(t) => t,
            Err(e) => return Err(self.expand_failed(e, out)),
        };
        arith::eval(&text, &mut self.sh.vars).map_err(|e| {
            out.err(format!("bash: {e}\n"));
            1
        })
    }
}
