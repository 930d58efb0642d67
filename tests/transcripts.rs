//! Transcript tests: each file in tests/transcripts is a script of commands with the
//! exact output a terminal shows, run in a fresh default cluster (seed 1).
//! `UPDATE_TRANSCRIPTS=1 cargo test -p kubarium-tests --test transcripts` rewrites them.
//! A step `$ <Ctrl-C after 30s>` lets 30 seconds pass while a command runs in the
//! foreground (`kubectl get --watch`), a second at a time, then presses Ctrl-C;
//! `$ <after 30s>` lets them pass without pressing it (a command that ends by itself,
//! like `kubectl logs -f` of a container that stops). While
//! `kubectl edit` waits for the page's editor, `$ <editor shows>` prints the editor's
//! text, `$ <editor saves s/OLD/NEW/>` saves it with the first OLD replaced, and
//! `$ <editor closes>` closes it without saving.

use kubarium_core::session::Session;
use kubarium_tests::{workspace, Transcript};

/// Types one line, or lets time pass and presses Ctrl-C.
fn type_line(session: &mut Session, line: &str) -> String {
    let wait = line
        .strip_prefix("<Ctrl-C after ")
        .and_then(|l| l.strip_suffix("s>"))
        .and_then(|n| n.parse::<u32>().ok());
    if let Some(rest) = line.strip_prefix("<editor ") {
        return editor(session, rest.trim_end_matches('>'));
    }
    let passing = line
        .strip_prefix("<after ")
        .and_then(|l| l.strip_suffix("s>"))
        .and_then(|n| n.parse::<u32>().ok());
    if let Some(secs) = passing {
        let mut out = String::new();
        for _ in 0..secs {
            session.tick(1000);
            out.push_str(&session.poll().text());
        }
        return out;
    }
    let Some(secs) = wait else {
        return session.input(line).text();
    };
    let mut out = String::new();
    for _ in 0..secs {
        session.tick(1000);
        out.push_str(&session.poll().text());
    }
    out.push_str(&session.interrupt().text());
    out.push_str("^C\n");
    out
}

/// The page's editor, for an edit waiting on it.
fn editor(session: &mut Session, action: &str) -> String {
    let Some((_, text)) = session.editing() else {
        return "(no edit is waiting for the editor)\n".into();
    };
    if action == "shows" {
        return text;
    }
    if action == "closes" {
        return session.save_edit(None).text();
    }
    let change = action
        .strip_prefix("saves s/")
        .and_then(|c| c.strip_suffix('/'))
        .and_then(|c| c.split_once('/'));
    match change {
        Some((old, new)) => session.save_edit(Some(text.replacen(old, new, 1))).text(),
        None => panic!("unknown editor action: {action}"),
    }
}

fn main() {
    let dir = workspace().join("tests/transcripts");
    let update = std::env::var_os("UPDATE_TRANSCRIPTS").is_some();
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .filter(|p| {
            filter
                .as_ref()
                .is_none_or(|f| p.to_string_lossy().contains(f.as_str()))
        })
        .collect();
    files.sort();
    let base = Session::new(1);
    let (mut passed, mut failed) = (0, 0);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let t = Transcript::parse(&text);
        let mut session = base.clone();
        let mut actual = vec![];
        let mut first_diff = None;
        for (i, step) in t.steps.iter().enumerate() {
            let mut out = String::new();
            for line in &step.input {
                out.push_str(&type_line(&mut session, line));
            }
            if out != step.expected && first_diff.is_none() {
                first_diff = Some(i);
            }
            actual.push(out);
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        match first_diff {
            None => {
                passed += 1;
                println!("test {name} ... ok");
            }
            Some(_) if update => {
                std::fs::write(&path, t.render(&actual))
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                passed += 1;
                println!("test {name} ... updated");
            }
            Some(i) => {
                failed += 1;
                println!("test {name} ... FAILED at `$ {}`", t.steps[i].input[0]);
                println!(
                    "--- expected\n{}--- actual\n{}---",
                    t.steps[i].expected, actual[i]
                );
            }
        }
    }
    println!("\ntranscripts: {passed} passed, {failed} failed");
    if failed > 0 || passed == 0 {
        std::process::exit(1);
    }
}
