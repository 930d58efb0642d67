//! Text positions (in characters), the editor's indentation rules (two spaces; Enter
//! keeps the line's indentation and adds a level after `key:`), and its undo history.

/// The characters of `text` before UTF-16 offset `units` (an input's selection).
pub fn chars_before(text: &str, units: u32) -> usize {
    let mut seen = 0u32;
    text.chars()
        .take_while(|c| {
            seen += c.len_utf16() as u32;
            seen <= units
        })
        .count()
}

/// The UTF-16 offset of character `chars` of `text`.
pub fn units_of(text: &str, chars: usize) -> u32 {
    text.chars().take(chars).map(|c| c.len_utf16() as u32).sum()
}

/// The character index where the line holding character `at` starts.
pub fn line_start(chars: &[char], at: usize) -> usize {
    let at = at.min(chars.len());
    chars[..at]
        .iter()
        .rposition(|&c| c == '\n')
        .map_or(0, |i| i + 1)
}

/// The character index of the end of the line holding `at` (its newline, or the end).
pub fn line_end(chars: &[char], at: usize) -> usize {
    let at = at.min(chars.len());
    chars[at..]
        .iter()
        .position(|&c| c == '\n')
        .map_or(chars.len(), |i| at + i)
}

/// The 0-based line and column of character `at`.
pub fn line_col(chars: &[char], at: usize) -> (usize, usize) {
    let at = at.min(chars.len());
    let line = chars[..at].iter().filter(|&&c| c == '\n').count();
    (line, at - line_start(chars, at))
}

/// The character index of 0-based `line` and `column` (clamped to the line and text).
pub fn index_of(chars: &[char], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 0..line {
        match chars[start..].iter().position(|&c| c == '\n') {
            Some(i) => start += i + 1,
            None => return chars.len(),
        }
    }
    (start + column).min(line_end(chars, start))
}

/// What Enter inserts at `at`: a newline and the line's indentation (its `- ` item marks
/// counted as indentation), two spaces more after a `key:` that opens a block.
pub fn newline(chars: &[char], at: usize) -> String {
    let start = line_start(chars, at);
    let line: String = chars[start..at.max(start)].iter().collect();
    let spaces = line.len() - line.trim_start_matches(' ').len();
    let mut indent = spaces;
    let mut rest = &line[spaces..];
    while let Some(after) = rest.strip_prefix("- ") {
        indent += 2;
        rest = after.trim_start_matches(' ');
        indent += after.len() - rest.len();
    }
    let trimmed = line.trim_end();
    if trimmed.ends_with(':') && !trimmed.trim_start().starts_with('#') {
        indent += 2;
    }
    format!("\n{}", " ".repeat(indent))
}

/// Indents (or dedents) by two spaces every line the selection `from..to` touches;
/// returns the text and the selection moved with it.
pub fn shift_lines(text: &str, from: usize, to: usize, dedent: bool) -> (String, usize, usize) {
    let chars: Vec<char> = text.chars().collect();
    let (first, _) = line_col(&chars, from);
    let (last, _) = line_col(&chars, to.max(from));
    let mut out = String::with_capacity(text.len() + 16);
    // Each line changed: where it started, its length, and the spaces added (or taken).
    let mut changes: Vec<(usize, usize, isize)> = vec![];
    let mut start = 0;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let spaces = line.len() - line.trim_start_matches(' ').len();
        let delta = match (first <= i && i <= last, dedent) {
            (false, _) => 0,
            (true, true) => -(spaces.min(2) as isize),
            (true, false) => 2,
        };
        if delta > 0 {
            out.push_str("  ");
        }
        out.push_str(&line[delta.min(0).unsigned_abs()..]);
        let len = line.chars().count();
        changes.push((start, len, delta));
        start += len + 1;
    }
    let moved = |p: usize| {
        let shift: isize = changes
            .iter()
            .map(|&(start, len, d)| match p {
                p if p > start + len => d,
                p if p >= start && d < 0 => -((p - start).min(d.unsigned_abs()) as isize),
                p if p >= start => d,
                _ => 0,
            })
            .sum();
        (p as isize + shift).max(0) as usize
    };
    (out, moved(from), moved(to))
}

/// `chars` with `from..to` replaced by `inserted`.
pub fn splice(chars: &[char], from: usize, to: usize, inserted: &str) -> String {
    let (from, to) = (
        from.min(chars.len()),
        to.clamp(from.min(chars.len()), chars.len()),
    );
    chars[..from]
        .iter()
        .copied()
        .chain(inserted.chars())
        .chain(chars[to..].iter().copied())
        .collect()
}

/// The editor's undo history: texts with their cursors; typing within a word is one step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    states: Vec<(String, usize)>,
    at: usize,
}

/// How many states the history keeps.
const HISTORY: usize = 500;

impl History {
    pub fn new(text: &str, cursor: usize) -> History {
        History {
            states: vec![(text.to_string(), cursor)],
            at: 0,
        }
    }

    /// Records a change; `typing` joins it to the last step while the word goes on.
    pub fn record(&mut self, text: &str, cursor: usize, typing: bool) {
        if self.states.get(self.at).is_some_and(|(t, _)| t == text) {
            return;
        }
        self.states.truncate(self.at + 1);
        let joins = typing
            && self.at > 0
            && self.states[self.at].0.chars().count() + 1 == text.chars().count()
            && !text
                .chars()
                .nth(cursor.saturating_sub(1))
                .is_some_and(char::is_whitespace);
        if joins {
            self.states[self.at] = (text.to_string(), cursor);
        } else {
            self.states.push((text.to_string(), cursor));
            if self.states.len() > HISTORY {
                self.states.remove(0);
            }
            self.at = self.states.len() - 1;
        }
    }

    /// The text the history starts from (what the editor opened).
    pub fn first(&self) -> &str {
        self.states.first().map_or("", |(t, _)| t.as_str())
    }

    pub fn undo(&mut self) -> Option<(String, usize)> {
        let before = self.at.checked_sub(1)?;
        let cursor = self.states[self.at].1;
        self.at = before;
        Some((
            self.states[before].0.clone(),
            cursor.min(self.states[before].0.chars().count()),
        ))
    }

    pub fn redo(&mut self) -> Option<(String, usize)> {
        let next = self.states.get(self.at + 1)?.clone();
        self.at += 1;
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[wasm_bindgen_test]
    fn enter_keeps_indentation_and_opens_blocks() {
        let t = chars("spec:\n  containers:\n  - name: web");
        assert_eq!(newline(&t, 5), "\n  ");
        assert_eq!(newline(&t, 19), "\n    ");
        assert_eq!(newline(&t, t.len()), "\n    ");
    }

    #[wasm_bindgen_test]
    fn lines_and_columns() {
        let t = chars("ab\ncdé\n");
        assert_eq!(line_col(&t, 5), (1, 2));
        assert_eq!(index_of(&t, 1, 9), 6);
        assert_eq!((line_start(&t, 4), line_end(&t, 4)), (3, 6));
    }

    #[wasm_bindgen_test]
    fn tab_and_shift_tab_move_the_selected_lines() {
        let (t, a, b) = shift_lines("a\nb\nc", 2, 4, false);
        assert_eq!((t.as_str(), a, b), ("a\n  b\n  c", 4, 8));
        let (t, a, b) = shift_lines(&t, 4, 8, true);
        assert_eq!((t.as_str(), a, b), ("a\nb\nc", 2, 4));
        let (t, a, _) = shift_lines(" x", 1, 1, true);
        assert_eq!((t.as_str(), a), ("x", 0));
    }

    #[wasm_bindgen_test]
    fn undo_takes_back_a_word_at_a_time() {
        let mut h = History::new("", 0);
        for (i, t) in ["a", "ab", "ab ", "ab c"].iter().enumerate() {
            h.record(t, i + 1, true);
        }
        assert_eq!(h.undo(), Some(("ab".to_string(), 2)));
        assert_eq!(h.undo(), Some(("".to_string(), 0)));
        assert_eq!(h.redo(), Some(("ab".to_string(), 2)));
    }
}
