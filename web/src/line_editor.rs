//! The prompt's line editing as bash's readline does it in its default (emacs) mode:
//! Ctrl-A/E and Ctrl-B/F move, Alt-B/F move by words, Ctrl-U/K/W and Alt-D kill into the
//! kill buffer, Ctrl-Y yanks it back, and Ctrl-R searches the history backwards
//! incrementally. Positions are in characters; the page converts to and from the input
//! element's UTF-16 selection.

/// The line being edited and where the cursor is (in characters).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Line {
    pub text: String,
    pub cursor: usize,
}

impl Line {
    pub fn new(text: &str, cursor: usize) -> Line {
        Line {
            text: text.to_string(),
            cursor: cursor.min(text.chars().count()),
        }
    }
}

/// A key pressed, as the browser reports it: `key` is what it types ("a", "Enter"),
/// `code` the physical key ("KeyB": Alt-B types other characters on some layouts).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Keystroke {
    pub key: String,
    pub code: String,
    pub ctrl: bool,
    pub alt: bool,
}

/// What the page does with a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not line editing: the page's other keys (Enter, Tab, arrows, Ctrl-C) or typing.
    Pass,
    /// The line becomes this (the key's default action is prevented).
    Edit(Line),
    /// A history search accepted with Enter: run this line.
    Run(String),
}

/// An incremental search back through the history (Ctrl-R).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Search {
    query: String,
    /// The history entry matched (an index into it).
    found: Option<usize>,
    failed: bool,
    /// The line as it was before the search, restored by Ctrl-G.
    original: Line,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEditor {
    kill: String,
    search: Option<Search>,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

/// Where readline's backward-word lands from `at`: back over non-word characters, then
/// over word characters.
fn word_start(chars: &[char], mut at: usize) -> usize {
    while at > 0 && !is_word(chars[at - 1]) {
        at -= 1;
    }
    while at > 0 && is_word(chars[at - 1]) {
        at -= 1;
    }
    at
}

/// Where readline's forward-word lands from `at`.
fn word_end(chars: &[char], mut at: usize) -> usize {
    while at < chars.len() && !is_word(chars[at]) {
        at += 1;
    }
    while at < chars.len() && is_word(chars[at]) {
        at += 1;
    }
    at
}

/// Where Ctrl-W (unix-word-rubout) kills back to: words are what whitespace separates.
fn rubout_start(chars: &[char], mut at: usize) -> usize {
    while at > 0 && chars[at - 1].is_whitespace() {
        at -= 1;
    }
    while at > 0 && !chars[at - 1].is_whitespace() {
        at -= 1;
    }
    at
}

impl LineEditor {
    /// What the prompt shows instead of the shell's during a search, as bash does:
    /// "(reverse-i-search)`kub': ".
    pub fn search_prompt(&self) -> Option<String> {
        self.search.as_ref().map(|s| {
            let failed = if s.failed { "failed " } else { "" };
            format!("({failed}reverse-i-search)`{}': ", s.query)
        })
    }

    /// The line a search shows: the entry found, else the line as it was.
    fn shown(&self, history: &[String]) -> Option<Line> {
        let s = self.search.as_ref()?;
        let text = s
            .found
            .and_then(|i| history.get(i))
            .map_or(s.original.text.as_str(), String::as_str);
        // The cursor sits at the match, as readline puts it.
        let cursor = text
            .find(&s.query)
            .map_or(text.chars().count(), |b| text[..b].chars().count());
        Some(Line::new(text, cursor))
    }

    /// Searches back from (and including) entry `before - 1` for the query.
    fn find(&mut self, history: &[String], before: usize) {
        let Some(s) = self.search.as_mut() else {
            return;
        };
        let hit = history[..before.min(history.len())]
            .iter()
            .rposition(|h| h.contains(&s.query));
        s.failed = hit.is_none();
        if hit.is_some() {
            s.found = hit;
        }
    }

    /// Ends a search, leaving the entry found in the line.
    fn accept(&mut self, history: &[String]) -> Line {
        let line = self.shown(history).unwrap_or_default();
        self.search = None;
        Line::new(&line.text, line.text.chars().count())
    }

    /// Handles one key on `line`, given the history (oldest first).
    pub fn key(&mut self, k: &Keystroke, line: &Line, history: &[String]) -> Outcome {
        if self.search.is_some() {
            return self.search_key(k, history);
        }
        let chars: Vec<char> = line.text.chars().collect();
        let at = line.cursor.min(chars.len());
        let moved = |cursor: usize| Outcome::Edit(Line::new(&line.text, cursor));
        let cut = |from: usize, to: usize| -> (Line, String) {
            let kept: String = chars[..from].iter().chain(&chars[to..]).collect();
            (Line::new(&kept, from), chars[from..to].iter().collect())
        };
        let mut kill = |from: usize, to: usize| {
            let (line, killed) = cut(from, to);
            if !killed.is_empty() {
                self.kill = killed;
            }
            Outcome::Edit(line)
        };
        match (k.ctrl, k.alt, k.key.as_str(), k.code.as_str()) {
            (true, false, "a", _) => moved(0),
            (true, false, "e", _) => moved(chars.len()),
            (true, false, "b", _) => moved(at.saturating_sub(1)),
            (true, false, "f", _) => moved((at + 1).min(chars.len())),
            (true, false, "u", _) => kill(0, at),
            (true, false, "k", _) => kill(at, chars.len()),
            (true, false, "w", _) => kill(rubout_start(&chars, at), at),
            (false, true, _, "KeyD") => kill(at, word_end(&chars, at)),
            (false, true, _, "KeyB") => moved(word_start(&chars, at)),
            (false, true, _, "KeyF") => moved(word_end(&chars, at)),
            (true, false, "y", _) => {
                let text: String = chars[..at]
                    .iter()
                    .chain(self.kill.chars().collect::<Vec<_>>().iter())
                    .chain(&chars[at..])
                    .collect();
                Outcome::Edit(Line::new(&text, at + self.kill.chars().count()))
            }
            (true, false, "r", _) => {
                self.search = Some(Search {
                    query: String::new(),
                    found: None,
                    failed: false,
                    original: line.clone(),
                });
                Outcome::Edit(line.clone())
            }
            _ => Outcome::Pass,
        }
    }

    fn search_key(&mut self, k: &Keystroke, history: &[String]) -> Outcome {
        let found = self.search.as_ref().and_then(|s| s.found);
        match (k.ctrl, k.alt, k.key.as_str()) {
            (true, false, "r") => {
                self.find(history, found.unwrap_or(history.len()));
                Outcome::Edit(self.shown(history).unwrap_or_default())
            }
            (true, false, "g" | "c") => {
                let original = self.search.take().map(|s| s.original).unwrap_or_default();
                Outcome::Edit(original)
            }
            (false, false, "Enter") => Outcome::Run(self.accept(history).text),
            (false, false, "Backspace") => {
                if let Some(s) = self.search.as_mut() {
                    s.query.pop();
                    s.found = None;
                }
                self.find(history, history.len());
                Outcome::Edit(self.shown(history).unwrap_or_default())
            }
            (false, false, key) if key.chars().count() == 1 => {
                if let Some(s) = self.search.as_mut() {
                    s.query.push_str(key);
                }
                // A longer query can still match the entry found.
                self.find(history, found.map_or(history.len(), |i| i + 1));
                Outcome::Edit(self.shown(history).unwrap_or_default())
            }
            // Modifier keys alone change nothing.
            (_, _, "Control" | "Alt" | "Shift" | "Meta") => {
                Outcome::Edit(self.shown(history).unwrap_or_default())
            }
            // Any other key ends the search with the entry in the line, to edit there.
            _ => Outcome::Edit(self.accept(history)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn ctrl(key: &str) -> Keystroke {
        Keystroke {
            key: key.into(),
            code: format!("Key{}", key.to_uppercase()),
            ctrl: true,
            alt: false,
        }
    }

    fn alt(letter: &str) -> Keystroke {
        Keystroke {
            key: "∫".into(),
            code: format!("Key{}", letter.to_uppercase()),
            ctrl: false,
            alt: true,
        }
    }

    fn plain(key: &str) -> Keystroke {
        Keystroke {
            key: key.into(),
            ..Keystroke::default()
        }
    }

    fn edit(e: &mut LineEditor, k: Keystroke, line: &Line) -> Line {
        match e.key(&k, line, &[]) {
            Outcome::Edit(l) => l,
            other => panic!("{k:?} on {line:?}: {other:?}"),
        }
    }

    #[wasm_bindgen_test]
    fn moves_and_kills_as_readline() {
        let mut e = LineEditor::default();
        let line = Line::new("kubectl get pods -n kube-system", 16);
        assert_eq!(edit(&mut e, ctrl("a"), &line).cursor, 0);
        assert_eq!(edit(&mut e, ctrl("e"), &line).cursor, 31);
        assert_eq!(edit(&mut e, alt("b"), &line).cursor, 12);
        assert_eq!(edit(&mut e, alt("f"), &line).cursor, 19);
        assert_eq!(
            edit(&mut e, ctrl("w"), &line),
            Line::new("kubectl get  -n kube-system", 12)
        );
        let yanked = edit(&mut e, ctrl("y"), &Line::new("x ", 2));
        assert_eq!(yanked, Line::new("x pods", 6));
        assert_eq!(
            edit(&mut e, ctrl("k"), &line),
            Line::new("kubectl get pods", 16)
        );
        assert_eq!(
            edit(&mut e, ctrl("u"), &line),
            Line::new(" -n kube-system", 0)
        );
        assert_eq!(
            edit(&mut e, ctrl("y"), &Line::new("", 0)).text,
            "kubectl get pods"
        );
        // Alt-D kills the next word (readline's: letters and digits).
        assert_eq!(
            edit(&mut e, alt("d"), &Line::new("-n kube-system", 2)),
            Line::new("-n-system", 2)
        );
        // Characters, not bytes.
        assert_eq!(
            edit(&mut e, ctrl("w"), &Line::new("echo ☸ö", 7)),
            Line::new("echo ", 5)
        );
        assert_eq!(e.key(&plain("x"), &line, &[]), Outcome::Pass);
        assert_eq!(e.key(&plain("Enter"), &line, &[]), Outcome::Pass);
    }

    #[wasm_bindgen_test]
    fn ctrl_r_searches_back_incrementally() {
        let history: Vec<String> = [
            "kubectl get pods",
            "kubectl describe node node01",
            "ls -l",
            "kubectl get nodes",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut e = LineEditor::default();
        let typed = Line::new("half", 4);
        assert_eq!(
            e.key(&ctrl("r"), &typed, &history),
            Outcome::Edit(typed.clone())
        );
        assert_eq!(e.search_prompt().as_deref(), Some("(reverse-i-search)`': "));
        let mut line = Line::default();
        for c in ["g", "e", "t"] {
            if let Outcome::Edit(l) = e.key(&plain(c), &line, &history) {
                line = l;
            }
        }
        assert_eq!(line, Line::new("kubectl get nodes", 8));
        // Again: the next older match.
        assert_eq!(
            e.key(&ctrl("r"), &line, &history),
            Outcome::Edit(Line::new("kubectl get pods", 8))
        );
        // None older: the search fails and stays where it was.
        assert_eq!(
            e.key(&ctrl("r"), &line, &history),
            Outcome::Edit(Line::new("kubectl get pods", 8))
        );
        assert_eq!(
            e.search_prompt().as_deref(),
            Some("(failed reverse-i-search)`get': ")
        );
        assert_eq!(
            e.key(&plain("Enter"), &line, &history),
            Outcome::Run("kubectl get pods".into())
        );
        assert_eq!(e.search_prompt(), None);
        // Ctrl-G gives the line back as it was; an arrow leaves the match to edit.
        e.key(&ctrl("r"), &typed, &history);
        e.key(&plain("l"), &typed, &history);
        assert_eq!(
            e.key(&ctrl("g"), &typed, &history),
            Outcome::Edit(typed.clone())
        );
        e.key(&ctrl("r"), &typed, &history);
        e.key(&plain("l"), &typed, &history);
        e.key(&plain("s"), &typed, &history);
        assert_eq!(
            e.key(&plain("ArrowLeft"), &typed, &history),
            Outcome::Edit(Line::new("ls -l", 5))
        );
    }
}
