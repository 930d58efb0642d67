//! vi's keys for those who type them: Normal mode's motions (h j k l, w b, 0 ^ $, gg G),
//! edits (x, dd, D, yy, p, P, o, O, counts such as 3dd), i a I A to insert, Esc back,
//! u and Ctrl-R, `/` search with n and N, and the `:` commands that end an editing
//! session (:w, :q, :wq, :x, :q!, ZZ). Everything else in Normal mode is refused as vi
//! would (it types nothing); Insert mode types as any editor.

use super::text::{index_of, line_col, line_end, line_start};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Normal,
    Insert,
    /// Typing a `:` command or a `/` search (the line shown at the bottom).
    Line(char, String),
}

/// What a key does to the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Not vi's to handle: the browser types or moves as usual.
    Pass,
    /// Handled; nothing to change (a key of a command being typed).
    Nothing,
    Move(usize),
    /// The text becomes this, the cursor there.
    Change(String, usize),
    Undo,
    Redo,
    /// `:w`: the text is written (the editor stays open).
    Write,
    /// `:wq`, `:x`, `ZZ`.
    WriteQuit,
    /// `:q` (refused while there are unwritten changes).
    Quit,
    /// `:q!`, `ZQ`.
    ForceQuit,
    /// A message for the bottom line (vi's errors: `E492: Not an editor command: foo`).
    Message(String),
}

/// vi's state between keys.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Vi {
    pub mode: Mode,
    /// A count or an operator typed so far (`3`, `d`, `g`).
    pending: String,
    /// What dd or yy took, and whether it is whole lines.
    register: Option<(String, bool)>,
    search: Option<String>,
}

impl Vi {
    /// What the bottom line shows.
    pub fn status(&self) -> String {
        match &self.mode {
            Mode::Normal => self.pending.clone(),
            Mode::Insert => "-- INSERT --".into(),
            Mode::Line(c, text) => format!("{c}{text}"),
        }
    }

    /// A key (as the browser names it) pressed with the cursor at `cursor` of `text`.
    pub fn key(&mut self, key: &str, ctrl: bool, text: &str, cursor: usize) -> Effect {
        match self.mode.clone() {
            Mode::Insert => {
                if key == "Escape" || (ctrl && key == "[") {
                    self.mode = Mode::Normal;
                    // vi steps back onto the last character typed.
                    let chars: Vec<char> = text.chars().collect();
                    let back = cursor > line_start(&chars, cursor);
                    return Effect::Move(cursor - usize::from(back));
                }
                Effect::Pass
            }
            Mode::Line(lead, typed) => self.line_key(lead, typed, key, text, cursor),
            Mode::Normal => {
                if ctrl {
                    return match key {
                        "r" => Effect::Redo,
                        // The browser's own Ctrl keys (copy, find, reload) stay.
                        _ => Effect::Pass,
                    };
                }
                self.normal_key(key, text, cursor)
            }
        }
    }

    fn line_key(
        &mut self,
        lead: char,
        mut typed: String,
        key: &str,
        text: &str,
        cursor: usize,
    ) -> Effect {
        match key {
            "Escape" => self.mode = Mode::Normal,
            "Enter" => {
                self.mode = Mode::Normal;
                return if lead == ':' {
                    command(&typed)
                } else {
                    if !typed.is_empty() {
                        self.search = Some(typed);
                    }
                    self.find(text, cursor, true)
                };
            }
            "Backspace" => {
                if typed.pop().is_none() {
                    self.mode = Mode::Normal;
                } else {
                    self.mode = Mode::Line(lead, typed);
                }
            }
            k if k.chars().count() == 1 => {
                typed.push_str(k);
                self.mode = Mode::Line(lead, typed);
            }
            _ => {}
        }
        Effect::Nothing
    }

    /// The next (or previous) match of the last search, wrapping around.
    fn find(&self, text: &str, cursor: usize, forward: bool) -> Effect {
        let Some(pattern) = self.search.as_deref().filter(|p| !p.is_empty()) else {
            return Effect::Message("E35: No previous regular expression".into());
        };
        let chars: Vec<char> = text.chars().collect();
        let needle: Vec<char> = pattern.chars().collect();
        let hits: Vec<usize> = (0..chars.len().saturating_sub(needle.len() - 1))
            .filter(|&i| chars[i..].starts_with(&needle))
            .collect();
        let next = if forward {
            hits.iter().find(|&&i| i > cursor).or(hits.first())
        } else {
            hits.iter().rev().find(|&&i| i < cursor).or(hits.last())
        };
        match next {
            Some(&i) => Effect::Move(i),
            None => Effect::Message(format!("E486: Pattern not found: {pattern}")),
        }
    }

    fn normal_key(&mut self, key: &str, text: &str, cursor: usize) -> Effect {
        let chars: Vec<char> = text.chars().collect();
        let digits = self
            .pending
            .trim_end_matches(|c: char| !c.is_ascii_digit())
            .to_string();
        let count: usize = digits.parse().unwrap_or(1).max(1);
        let op = self
            .pending
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .to_string();
        if key.len() == 1
            && key.chars().all(|c| c.is_ascii_digit())
            && (key != "0" || !self.pending.is_empty())
            && op.is_empty()
        {
            self.pending.push_str(key);
            return Effect::Nothing;
        }
        self.pending.clear();
        let (line, col) = line_col(&chars, cursor);
        let start = line_start(&chars, cursor);
        let end = line_end(&chars, cursor);
        let lines = chars.iter().filter(|&&c| c == '\n').count() + 1;
        // The start of the line `n` lines down (clamped), and the end of that line.
        let span = |n: usize| -> (usize, usize) {
            let last = index_of(&chars, (line + n - 1).min(lines - 1), 0);
            (start, line_end(&chars, last))
        };
        match (op.as_str(), key) {
            ("d", "d") | ("y", "y") => {
                let (from, to) = span(count);
                let mut taken: String = chars[from..to].iter().collect();
                taken.push('\n');
                self.register = Some((taken, true));
                if op == "y" {
                    return Effect::Nothing;
                }
                // The line's newline goes with it (or the one before, on the last line).
                let (from, to) = if to < chars.len() {
                    (from, to + 1)
                } else {
                    (from.saturating_sub(1), to)
                };
                let rest: String = chars[..from].iter().chain(&chars[to..]).collect();
                let at = from.min(rest.chars().count());
                Effect::Change(rest, at)
            }
            ("g", "g") => Effect::Move(index_of(
                &chars,
                count.saturating_sub(1).min(lines - 1) * usize::from(!digits.is_empty()),
                0,
            )),
            ("Z", "Z") => Effect::WriteQuit,
            ("Z", "Q") => Effect::ForceQuit,
            ("", "d" | "y" | "g" | "Z") => {
                self.pending = format!("{digits}{key}");
                Effect::Nothing
            }
            ("", "Escape") => Effect::Nothing,
            ("", "i") => self.insert(cursor),
            ("", "a") => self.insert((cursor + 1).min(end)),
            ("", "I") => self.insert(start + indent(&chars[start..end])),
            ("", "A") => self.insert(end),
            ("", "o" | "O") => {
                // The new line is indented as Enter would indent it (O: as this line's
                // content).
                let (at, inserted, cursor) = if key == "o" {
                    let nl = super::text::newline(&chars, end);
                    let c = end + nl.chars().count();
                    (end, nl, c)
                } else {
                    let pad = " ".repeat(content_column(&chars[start..end]));
                    let c = start + pad.len();
                    (start, format!("{pad}\n"), c)
                };
                self.mode = Mode::Insert;
                Effect::Change(super::text::splice(&chars, at, at, &inserted), cursor)
            }
            ("", "x") if cursor < end => {
                let to = (cursor + count).min(end);
                let rest: String = chars[..cursor].iter().chain(&chars[to..]).collect();
                self.register = Some((chars[cursor..to].iter().collect(), false));
                Effect::Change(rest, cursor)
            }
            ("", "D") => {
                let rest: String = chars[..cursor].iter().chain(&chars[end..]).collect();
                self.register = Some((chars[cursor..end].iter().collect(), false));
                Effect::Change(rest, cursor.saturating_sub(1).max(start))
            }
            ("", "p" | "P") => {
                let Some((taken, whole)) = self.register.clone() else {
                    return Effect::Nothing;
                };
                let taken = taken.repeat(count);
                let at = match (whole, key) {
                    (true, "p") => (end + 1).min(chars.len()),
                    (true, _) => start,
                    (false, "p") => (cursor + 1).min(end),
                    (false, _) => cursor,
                };
                let mut before: String = chars[..at].iter().collect();
                let mut taken = taken;
                if whole && at == chars.len() && !before.ends_with('\n') {
                    before.push('\n');
                    taken.pop();
                }
                let cursor = before.chars().count();
                let text = before + &taken + &chars[at..].iter().collect::<String>();
                Effect::Change(text, cursor)
            }
            ("", "u") => Effect::Undo,
            ("", "h" | "ArrowLeft" | "Backspace") => {
                Effect::Move(cursor.saturating_sub(count).max(start))
            }
            ("", "l" | "ArrowRight" | " ") => {
                Effect::Move((cursor + count).min(end.saturating_sub(1)).max(start))
            }
            ("", "j" | "ArrowDown" | "Enter") => {
                Effect::Move(index_of(&chars, (line + count).min(lines - 1), col))
            }
            ("", "k" | "ArrowUp") => {
                Effect::Move(index_of(&chars, line.saturating_sub(count), col))
            }
            ("", "0" | "Home") => Effect::Move(start),
            ("", "^") => Effect::Move(start + indent(&chars[start..end])),
            ("", "$" | "End") => Effect::Move(end.saturating_sub(1).max(start)),
            ("", "G") => Effect::Move(index_of(
                &chars,
                if digits.is_empty() {
                    lines - 1
                } else {
                    count - 1
                },
                0,
            )),
            ("", "w") => Effect::Move((0..count).fold(cursor, |at, _| word_forward(&chars, at))),
            ("", "b") => Effect::Move((0..count).fold(cursor, |at, _| word_back(&chars, at))),
            ("", ":" | "/") => {
                self.mode = Mode::Line(key.chars().next().unwrap_or(':'), String::new());
                Effect::Nothing
            }
            ("", "n") => self.find(text, cursor, true),
            ("", "N") => self.find(text, cursor, false),
            // Shift, Alt and the other keys that type nothing.
            (_, k) if k.chars().count() > 1 && !k.starts_with("Arrow") => Effect::Pass,
            _ => Effect::Nothing,
        }
    }

    fn insert(&mut self, at: usize) -> Effect {
        self.mode = Mode::Insert;
        Effect::Move(at)
    }
}

/// A `:` command.
fn command(typed: &str) -> Effect {
    match typed.trim() {
        "w" => Effect::Write,
        "wq" | "x" | "wq!" | "x!" => Effect::WriteQuit,
        "q" => Effect::Quit,
        "q!" | "qa!" => Effect::ForceQuit,
        "" => Effect::Nothing,
        other => match other.parse::<usize>() {
            Ok(_) => Effect::Nothing,
            Err(_) => Effect::Message(format!("E492: Not an editor command: {other}")),
        },
    }
}

/// Where a line's content starts, past its indentation and `- ` item marks.
fn content_column(line: &[char]) -> usize {
    let mut i = indent(line);
    while line.get(i) == Some(&'-') && line.get(i + 1) == Some(&' ') {
        i += 2;
        i += indent(&line[i..]);
    }
    i
}

/// The spaces a line starts with.
fn indent(line: &[char]) -> usize {
    line.iter().take_while(|&&c| c == ' ').count()
}

fn class(c: char) -> u8 {
    match c {
        c if c.is_whitespace() => 0,
        c if c.is_alphanumeric() || c == '_' => 1,
        _ => 2,
    }
}

/// vi's `w`: the start of the next word.
fn word_forward(chars: &[char], at: usize) -> usize {
    let mut i = at;
    if let Some(&c) = chars.get(i) {
        let k = class(c);
        while chars.get(i).is_some_and(|&c| class(c) == k && k != 0) {
            i += 1;
        }
    }
    while chars.get(i).is_some_and(|&c| class(c) == 0) {
        i += 1;
    }
    i.min(chars.len().saturating_sub(1))
}

/// vi's `b`: the start of this word or the one before.
fn word_back(chars: &[char], at: usize) -> usize {
    let mut i = at;
    while i > 0 && class(chars[i - 1]) == 0 {
        i -= 1;
    }
    if i > 0 {
        let k = class(chars[i - 1]);
        while i > 0 && class(chars[i - 1]) == k {
            i -= 1;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// Types `keys` (space-separated key names) into vi from `cursor` of `text`, applying
    /// moves and changes; the text, cursor and effects that were not moves or changes.
    fn run(text: &str, cursor: usize, keys: &str) -> (String, usize, Vec<Effect>) {
        let mut vi = Vi::default();
        let (mut text, mut cursor) = (text.to_string(), cursor);
        let mut other = vec![];
        for key in keys.split(' ') {
            let key = if key == "SPACE" { " " } else { key };
            match vi.key(key, false, &text, cursor) {
                Effect::Move(c) => cursor = c,
                Effect::Change(t, c) => (text, cursor) = (t, c),
                Effect::Pass if vi.mode == Mode::Insert && key.chars().count() == 1 => {
                    let mut chars: Vec<char> = text.chars().collect();
                    chars.insert(cursor, key.chars().next().unwrap_or(' '));
                    text = chars.into_iter().collect();
                    cursor += 1;
                }
                Effect::Nothing | Effect::Pass => {}
                e => other.push(e),
            }
        }
        (text, cursor, other)
    }

    #[wasm_bindgen_test]
    fn dd_yy_p_and_counts() {
        let t = "a\nb\nc\nd";
        assert_eq!(run(t, 2, "d d").0, "a\nc\nd");
        assert_eq!(run(t, 2, "2 d d").0, "a\nd");
        assert_eq!(run(t, 6, "d d").0, "a\nb\nc");
        assert_eq!(run(t, 0, "y y j p").0, "a\nb\na\nc\nd");
        assert_eq!(run(t, 0, "d d G p").0, "b\nc\nd\na");
        assert_eq!(run(t, 0, "x").0, "\nb\nc\nd");
    }

    #[wasm_bindgen_test]
    fn insert_escape_and_open_lines() {
        let (t, c, _) = run("  ab", 2, "A c Escape");
        assert_eq!((t.as_str(), c), ("  abc", 4));
        assert_eq!(run("  a", 0, "o b").0, "  a\n  b");
        assert_eq!(run("  - a: 1", 0, "o b").0, "  - a: 1\n    b");
        assert_eq!(run("x: y\n  - a: 1", 6, "O b").0, "x: y\n    b\n  - a: 1");
        assert_eq!(run("a", 0, "O b").0, "b\na");
        assert_eq!(run("ab", 0, "i").2, []);
    }

    #[wasm_bindgen_test]
    fn motions_and_search() {
        assert_eq!(run("one two\nthree", 0, "w").1, 4);
        assert_eq!(run("one two\nthree", 0, "j $").1, 12);
        assert_eq!(run("one two\nthree", 12, "g g").1, 0);
        assert_eq!(run("ab ab ab", 0, "/ a b Enter n").1, 6);
        assert_eq!(run("ab ab ab", 0, "/ a b Enter N").1, 0);
        assert_eq!(
            run("ab", 0, "/ z Enter").2,
            [Effect::Message("E486: Pattern not found: z".into())]
        );
    }

    #[wasm_bindgen_test]
    fn colon_commands() {
        assert_eq!(run("a", 0, ": w q Enter").2, [Effect::WriteQuit]);
        assert_eq!(run("a", 0, ": q ! Enter").2, [Effect::ForceQuit]);
        assert_eq!(run("a", 0, ": w Enter").2, [Effect::Write]);
        assert_eq!(run("a", 0, "Z Z").2, [Effect::WriteQuit]);
        assert_eq!(
            run("a", 0, ": s e t Enter").2,
            [Effect::Message("E492: Not an editor command: set".into())]
        );
    }
}
