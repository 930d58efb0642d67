//! YAML highlighting, line by line: keys, strings, numbers, booleans and null, comments,
//! the `- `, `:` and `---` marks, anchors, aliases and tags, and block scalars (`|`, `>`)
//! whose lines are all string.

/// What a piece of a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Key,
    Str,
    Num,
    /// true, false, null, ~.
    Lit,
    Comment,
    Mark,
    /// &anchor, *alias, !tag.
    Ref,
    Plain,
}

impl Token {
    /// The CSS class the page colours it with.
    pub fn class(self) -> &'static str {
        match self {
            Token::Key => "t-key",
            Token::Str => "t-str",
            Token::Num => "t-num",
            Token::Lit => "t-lit",
            Token::Comment => "t-com",
            Token::Mark => "t-mark",
            Token::Ref => "t-ref",
            Token::Plain => "t-plain",
        }
    }
}

pub type Line = Vec<(Token, String)>;

/// Every line of `text`, in pieces.
pub fn highlight(text: &str) -> Vec<Line> {
    let mut out = vec![];
    // Inside a block scalar: lines indented deeper than this are its text.
    let mut block: Option<usize> = None;
    for line in text.split('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(parent) = block {
            if line.trim().is_empty() || indent > parent {
                out.push(vec![(Token::Str, line.to_string())]);
                continue;
            }
            block = None;
        }
        let (pieces, opens) = tokens(line);
        if opens {
            block = Some(indent);
        }
        out.push(pieces);
    }
    out
}

/// One line's pieces, and whether it opens a block scalar.
fn tokens(line: &str) -> (Line, bool) {
    let mut out: Line = vec![];
    let push = |out: &mut Line, t: Token, s: &str| {
        if !s.is_empty() {
            out.push((t, s.to_string()));
        }
    };
    let trimmed = line.trim_start_matches(' ');
    push(&mut out, Token::Plain, &line[..line.len() - trimmed.len()]);
    if trimmed.starts_with("---") || trimmed.starts_with("...") {
        push(&mut out, Token::Mark, trimmed);
        return (out, false);
    }
    let mut rest = trimmed;
    while let Some(after) = rest
        .strip_prefix("- ")
        .or(if rest == "-" { Some("") } else { None })
    {
        push(&mut out, Token::Mark, "-");
        let inner = after.trim_start_matches(' ');
        push(&mut out, Token::Plain, &rest[1..rest.len() - inner.len()]);
        rest = inner;
    }
    if rest.starts_with('#') {
        push(&mut out, Token::Comment, rest);
        return (out, false);
    }
    let (body, comment) = split_comment(rest);
    let mut value = body;
    if let Some(colon) = key_end(body) {
        push(&mut out, Token::Key, &body[..colon]);
        push(&mut out, Token::Mark, ":");
        value = &body[colon + 1..];
    }
    let v = value.trim_start();
    push(&mut out, Token::Plain, &value[..value.len() - v.len()]);
    let core = v.trim_end();
    let opens = matches!(core.trim_start_matches(['|', '>']), "" | "-" | "+") && !core.is_empty();
    let token = if opens { Token::Mark } else { scalar(core) };
    push(&mut out, token, core);
    push(&mut out, Token::Plain, &v[core.len()..]);
    push(&mut out, Token::Comment, comment);
    (out, opens)
}

/// A line without its comment, and the comment (` #` outside quotes starts one).
fn split_comment(s: &str) -> (&str, &str) {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') if prev == ' ' || prev == ':' || i == 0 => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if prev == ' ' || i == 0 => return (&s[..i], &s[i..]),
            _ => {}
        }
        prev = c;
    }
    (s, "")
}

/// Where a key's colon is: the first `: ` (or final `:`) outside quotes and flow brackets.
fn key_end(s: &str) -> Option<usize> {
    if s.starts_with(['{', '[']) {
        return None;
    }
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') if i == 0 => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ':') if s[i + 1..].is_empty() || s[i + 1..].starts_with(' ') => return Some(i),
            _ => {}
        }
    }
    None
}

/// What kind of scalar a value is.
fn scalar(v: &str) -> Token {
    match v {
        "" => Token::Plain,
        "true" | "false" | "True" | "False" | "TRUE" | "FALSE" | "null" | "Null" | "NULL" | "~"
        | "yes" | "no" | "on" | "off" => Token::Lit,
        _ if v.starts_with(['"', '\'']) => Token::Str,
        _ if v.starts_with(['&', '*', '!']) => Token::Ref,
        _ if v.parse::<f64>().is_ok() || v.starts_with("0x") || v.starts_with("0o") => Token::Num,
        _ => Token::Plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn classes(text: &str) -> Vec<Vec<(Token, &str)>> {
        let lines = highlight(text);
        let leaked: &'static [Line] = Box::leak(lines.into_boxed_slice());
        leaked
            .iter()
            .map(|l| l.iter().map(|(t, s)| (*t, s.as_str())).collect())
            .collect()
    }

    #[wasm_bindgen_test]
    fn keys_values_marks_and_comments() {
        use Token::*;
        let lines = classes("  - name: \"web\" # the app\n    replicas: 3\n---\n    ok: true");
        assert_eq!(
            lines[0],
            [
                (Plain, "  "),
                (Mark, "-"),
                (Plain, " "),
                (Key, "name"),
                (Mark, ":"),
                (Plain, " "),
                (Str, "\"web\""),
                (Plain, " "),
                (Comment, "# the app")
            ]
        );
        assert_eq!(lines[1][4], (Num, "3"));
        assert_eq!(lines[2], [(Mark, "---")]);
        assert_eq!(lines[3][4], (Lit, "true"));
    }

    #[wasm_bindgen_test]
    fn block_scalars_are_text_until_the_indentation_returns() {
        let lines = classes("data:\n  s: |\n    a: b # c\n\n    d\n  t: 1");
        assert_eq!(lines[2], [(Token::Str, "    a: b # c")]);
        assert_eq!(lines[4], [(Token::Str, "    d")]);
        assert_eq!(lines[5][1], (Token::Key, "t"));
    }

    #[wasm_bindgen_test]
    fn the_pieces_are_the_whole_line() {
        for line in [
            "a: 'x # y'  # z",
            "- - a",
            "key:",
            "url: http://x:80/a",
            "- {a: 1}",
        ] {
            let joined: String = highlight(line)[0].iter().map(|(_, s)| s.as_str()).collect();
            assert_eq!(joined, line);
        }
    }
}
