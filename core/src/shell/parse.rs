//! Shell syntax: words with quoting and `$VAR` expansion, pipes, `;`/`&&`/`||` lists,
//! redirections (`>`, `>>`, `2>`, `2>&1`, `<`) and here-documents.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redirect {
    /// `>` / `>>` (fd 1) or `2>` / `2>>` (fd 2) to a file.
    Out { fd: u8, path: String, append: bool },
    /// `2>&1`.
    ErrToOut,
    /// `&>` both streams to a file.
    Both { path: String, append: bool },
    /// `< file`.
    In(String),
    /// `<<DELIM`: the body is filled in from the following lines.
    Heredoc {
        delim: String,
        strip_tabs: bool,
        expand: bool,
        body: String,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Command {
    pub argv: Vec<String>,
    pub redirects: Vec<Redirect>,
    /// `VAR=value` assignments before the command (or alone).
    pub assignments: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    Always,
    And,
    Or,
}

/// A list of pipelines joined by `;`, `&&`, `||`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub items: Vec<(Connector, Vec<Command>)>,
}

impl Script {
    /// Here-documents still waiting for their bodies, in order.
    pub fn heredocs_mut(&mut self) -> Vec<&mut Redirect> {
        self.items
            .iter_mut()
            .flat_map(|(_, p)| p.iter_mut())
            .flat_map(|c| c.redirects.iter_mut())
            .filter(|r| matches!(r, Redirect::Heredoc { .. }))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Pipe,
    And,
    Or,
    Semi,
    Redir(Redirect),
}

/// Expands `$VAR`, `${VAR}` and `$?` in `text` (for here-document bodies).
pub fn expand_vars(text: &str, vars: &BTreeMap<String, String>) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '$' {
            if let Some((value, used)) = read_var(&chars[i + 1..], vars) {
                out.push_str(&value);
                i += 1 + used;
                continue;
            }
        }
        if chars[i] == '\\' && i + 1 < chars.len() && matches!(chars[i + 1], '$' | '\\' | '`') {
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Reads a variable reference after `$`; returns its value and the characters used.
fn read_var(rest: &[char], vars: &BTreeMap<String, String>) -> Option<(String, usize)> {
    let first = *rest.first()?;
    if first == '{' {
        let end = rest.iter().position(|c| *c == '}')?;
        let name: String = rest[1..end].iter().collect();
        return Some((vars.get(&name).cloned().unwrap_or_default(), end + 1));
    }
    if first == '?' {
        return Some((vars.get("?").cloned().unwrap_or_else(|| "0".into()), 1));
    }
    if first.is_ascii_alphabetic() || first == '_' {
        let len = rest
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
            .count();
        let name: String = rest[..len].iter().collect();
        return Some((vars.get(&name).cloned().unwrap_or_default(), len));
    }
    None
}

fn tokenize(line: &str, vars: &BTreeMap<String, String>) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = line.chars().collect();
    let mut toks = vec![];
    let mut word = String::new();
    let mut in_word = false;
    let mut i = 0;
    let flush = |toks: &mut Vec<Tok>, word: &mut String, in_word: &mut bool| {
        if *in_word {
            toks.push(Tok::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' => {
                flush(&mut toks, &mut word, &mut in_word);
                i += 1;
            }
            '#' if !in_word => break,
            '\'' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|c| *c == '\'')
                    .ok_or("unexpected EOF while looking for matching `''")?;
                word.extend(&chars[i + 1..i + 1 + end]);
                in_word = true;
                i += end + 2;
            }
            '"' => {
                in_word = true;
                i += 1;
                loop {
                    let Some(&c) = chars.get(i) else {
                        return Err("unexpected EOF while looking for matching `\"'".into());
                    };
                    match c {
                        '"' => {
                            i += 1;
                            break;
                        }
                        '\\' if matches!(chars.get(i + 1), Some('"' | '\\' | '$' | '`')) => {
                            word.push(chars[i + 1]);
                            i += 2;
                        }
                        '$' if chars.get(i + 1) == Some(&'(') => {
                            return Err(
                                "command substitution $(...) is not supported in Kubarium yet"
                                    .into(),
                            )
                        }
                        '$' => match read_var(&chars[i + 1..], vars) {
                            Some((v, used)) => {
                                word.push_str(&v);
                                i += 1 + used;
                            }
                            None => {
                                word.push('$');
                                i += 1;
                            }
                        },
                        c => {
                            word.push(c);
                            i += 1;
                        }
                    }
                }
            }
            '\\' => {
                if let Some(&n) = chars.get(i + 1) {
                    word.push(n);
                    in_word = true;
                }
                i += 2;
            }
            '`' => {
                return Err("command substitution `...` is not supported in Kubarium yet".into())
            }
            '$' if chars.get(i + 1) == Some(&'(') => {
                return Err("command substitution $(...) is not supported in Kubarium yet".into())
            }
            '$' => match read_var(&chars[i + 1..], vars) {
                Some((v, used)) => {
                    // Unquoted expansions are split into words.
                    let mut parts = v.split_whitespace().peekable();
                    if v.starts_with(char::is_whitespace) {
                        flush(&mut toks, &mut word, &mut in_word);
                    }
                    while let Some(p) = parts.next() {
                        word.push_str(p);
                        in_word = true;
                        if parts.peek().is_some() {
                            flush(&mut toks, &mut word, &mut in_word);
                        }
                    }
                    if v.ends_with(char::is_whitespace) {
                        flush(&mut toks, &mut word, &mut in_word);
                    }
                    i += 1 + used;
                }
                None => {
                    word.push('$');
                    in_word = true;
                    i += 1;
                }
            },
            '|' => {
                flush(&mut toks, &mut word, &mut in_word);
                if chars.get(i + 1) == Some(&'|') {
                    toks.push(Tok::Or);
                    i += 2;
                } else {
                    toks.push(Tok::Pipe);
                    i += 1;
                }
            }
            '&' if chars.get(i + 1) == Some(&'&') => {
                flush(&mut toks, &mut word, &mut in_word);
                toks.push(Tok::And);
                i += 2;
            }
            '&' if chars.get(i + 1) == Some(&'>') => {
                flush(&mut toks, &mut word, &mut in_word);
                let append = chars.get(i + 2) == Some(&'>');
                i += if append { 3 } else { 2 };
                let (path, used) = read_target(&chars[i..], vars)?;
                i += used;
                toks.push(Tok::Redir(Redirect::Both { path, append }));
            }
            '&' => return Err("background jobs (&) are not supported in Kubarium yet".into()),
            ';' => {
                flush(&mut toks, &mut word, &mut in_word);
                toks.push(Tok::Semi);
                i += 1;
            }
            '>' | '<' => {
                let fd = if in_word && word == "2" && c == '>' {
                    word.clear();
                    in_word = false;
                    2
                } else {
                    flush(&mut toks, &mut word, &mut in_word);
                    1
                };
                if c == '<' {
                    if chars.get(i + 1) == Some(&'<') {
                        let strip_tabs = chars.get(i + 2) == Some(&'-');
                        i += if strip_tabs { 3 } else { 2 };
                        let (raw, used) = read_raw_target(&chars[i..])?;
                        i += used;
                        let expand = !raw.contains(['\'', '"']);
                        let delim = raw.replace(['\'', '"'], "");
                        toks.push(Tok::Redir(Redirect::Heredoc {
                            delim,
                            strip_tabs,
                            expand,
                            body: String::new(),
                        }));
                    } else {
                        i += 1;
                        let (path, used) = read_target(&chars[i..], vars)?;
                        i += used;
                        toks.push(Tok::Redir(Redirect::In(path)));
                    }
                    continue;
                }
                if chars.get(i + 1) == Some(&'&') && chars.get(i + 2) == Some(&'1') && fd == 2 {
                    toks.push(Tok::Redir(Redirect::ErrToOut));
                    i += 3;
                    continue;
                }
                let append = chars.get(i + 1) == Some(&'>');
                i += if append { 2 } else { 1 };
                let (path, used) = read_target(&chars[i..], vars)?;
                i += used;
                toks.push(Tok::Redir(Redirect::Out { fd, path, append }));
            }
            c => {
                word.push(c);
                in_word = true;
                i += 1;
            }
        }
    }
    flush(&mut toks, &mut word, &mut in_word);
    Ok(toks)
}

/// Reads the word after a redirection operator.
fn read_target(chars: &[char], vars: &BTreeMap<String, String>) -> Result<(String, usize), String> {
    let (raw, used) = read_raw_target(chars)?;
    let toks = tokenize(&raw, vars)?;
    match toks.as_slice() {
        [Tok::Word(w)] => Ok((w.clone(), used)),
        _ => Err("syntax error near unexpected token `newline'".into()),
    }
}

fn read_raw_target(chars: &[char]) -> Result<(String, usize), String> {
    let skip = chars.iter().take_while(|c| **c == ' ').count();
    let mut end = skip;
    let mut quote = None;
    while end < chars.len() {
        let c = chars[end];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == ' '
                || c == '\t'
                || c == '|'
                || c == ';'
                || c == '&'
                || c == '>'
                || c == '<' =>
            {
                break
            }
            None => {}
        }
        end += 1;
    }
    if end == skip {
        return Err("syntax error near unexpected token `newline'".into());
    }
    Ok((chars[skip..end].iter().collect(), end))
}

fn is_assignment(w: &str) -> Option<(String, String)> {
    let (name, value) = w.split_once('=')?;
    let valid = !name.is_empty()
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| (name.to_string(), value.to_string()))
}

/// Parses one line (aliases expanded by `alias_of` on each command's first word).
pub fn parse(
    line: &str,
    vars: &BTreeMap<String, String>,
    alias_of: &dyn Fn(&str) -> Option<String>,
) -> Result<Script, String> {
    let toks = tokenize(line, vars)?;
    let mut script = Script::default();
    let mut pipeline: Vec<Command> = vec![];
    let mut cmd = Command::default();
    let mut connector = Connector::Always;
    let mut expect_command = true;
    let finish_cmd =
        |cmd: &mut Command, pipeline: &mut Vec<Command>, tok: &str| -> Result<(), String> {
            if cmd.argv.is_empty() && cmd.assignments.is_empty() && cmd.redirects.is_empty() {
                return Err(format!("syntax error near unexpected token `{tok}'"));
            }
            pipeline.push(std::mem::take(cmd));
            Ok(())
        };
    for tok in toks {
        match tok {
            Tok::Word(w) => {
                if cmd.argv.is_empty() {
                    if let Some(a) = is_assignment(&w) {
                        cmd.assignments.push(a);
                        continue;
                    }
                    if expect_command {
                        if let Some(expansion) = alias_of(&w) {
                            let inner = tokenize(&expansion, vars)?;
                            for t in inner {
                                if let Tok::Word(x) = t {
                                    cmd.argv.push(x);
                                }
                            }
                            expect_command = false;
                            continue;
                        }
                    }
                }
                expect_command = false;
                cmd.argv.push(w);
            }
            Tok::Redir(r) => cmd.redirects.push(r),
            Tok::Pipe => {
                finish_cmd(&mut cmd, &mut pipeline, "|")?;
                expect_command = true;
            }
            Tok::Semi | Tok::And | Tok::Or => {
                let sym = match tok {
                    Tok::Semi => ";",
                    Tok::And => "&&",
                    _ => "||",
                };
                finish_cmd(&mut cmd, &mut pipeline, sym)?;
                script
                    .items
                    .push((connector, std::mem::take(&mut pipeline)));
                connector = match tok {
                    Tok::And => Connector::And,
                    Tok::Or => Connector::Or,
                    _ => Connector::Always,
                };
                expect_command = true;
            }
        }
    }
    if !(cmd.argv.is_empty() && cmd.assignments.is_empty() && cmd.redirects.is_empty()) {
        pipeline.push(cmd);
    } else if !pipeline.is_empty() || connector != Connector::Always {
        return Err("syntax error: unexpected end of file".into());
    }
    if !pipeline.is_empty() {
        script.items.push((connector, pipeline));
    }
    Ok(script)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> Script {
        let mut vars = BTreeMap::new();
        vars.insert("do".to_string(), "--dry-run=client -o yaml".to_string());
        parse(line, &vars, &|w| (w == "k").then(|| "kubectl".to_string())).unwrap()
    }

    #[test]
    fn words_pipes_redirects() {
        let s = p("k run nginx --image=nginx $do > pod.yaml");
        let c = &s.items[0].1[0];
        assert_eq!(
            c.argv,
            [
                "kubectl",
                "run",
                "nginx",
                "--image=nginx",
                "--dry-run=client",
                "-o",
                "yaml"
            ]
        );
        assert_eq!(
            c.redirects,
            [Redirect::Out {
                fd: 1,
                path: "pod.yaml".into(),
                append: false
            }]
        );
        let s = p("echo 'a b' \"c $do\" | grep a && ls; cat <<'EOF' | kubectl apply -f -");
        assert_eq!(s.items.len(), 3);
        assert_eq!(
            s.items[0].1[0].argv,
            ["echo", "a b", "c --dry-run=client -o yaml"]
        );
        assert_eq!(s.items[1].0, Connector::And);
        assert!(
            matches!(&s.items[2].1[0].redirects[0], Redirect::Heredoc { delim, expand: false, .. } if delim == "EOF")
        );
        assert_eq!(
            p("kubectl get pods 2>&1").items[0].1[0].redirects,
            [Redirect::ErrToOut]
        );
    }
}
