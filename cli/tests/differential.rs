//! Differential tests: real kubectl 1.35 is the oracle. Each script in tests/differential
//! runs twice from the same seed: line by line through real kubectl against
//! `kubarium serve` (in bash), and through the built-in kubectl in a `Session`. Outputs
//! (stdout and stderr together, plus the exit status when not 0) must agree once ages,
//! timestamps, uids, resource versions and the server's address are normalised. KNOWN-DIFFERENCES.tsv lists the
//! lines allowed to differ, each with its reason; a listed line that agrees fails too,
//! so the table only shrinks.
//!
//! The real kubectl is `$KUBARIUM_REAL_KUBECTL`, else the one scripts/install-tools.sh
//! caches (`make test` installs it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kubarium_core::session::Session;

mod common;

use common::Server;

const SEED: u64 = 1;

/// A served cluster for one script, with `kubectl` on its PATH being the real one. Its
/// clock stands still, as the built-in session's does between commands, so that what
/// happens does not depend on how long real kubectl takes; a script that waits for the
/// cluster says `# speed: 1` and lets it follow real time.
fn serve(name: &str, kubectl: &Path, speed: &str) -> Server {
    let server = Server::start(name, SEED, &["--speed", speed]);
    let bin = server.dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    std::os::unix::fs::symlink(kubectl, bin.join("kubectl"))
        .unwrap_or_else(|e| panic!("symlink: {e}"));
    server
}

/// Runs a line through real kubectl (in bash, so pipes and redirections work).
fn run_real(server: &Server, line: &str) -> String {
    let path = format!(
        "{}:{}",
        server.dir.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = server
        .command(Path::new("bash"))
        .args(["-c", &format!("{line} 2>&1")])
        .env("PATH", path)
        .output()
        .unwrap_or_else(|e| panic!("bash: {e}"));
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    let code = out.status.code().unwrap_or(-1);
    if code != 0 {
        text.push_str(&format!("[exit {code}]\n"));
    }
    text
}

fn run_builtin(session: &mut Session, line: &str) -> String {
    let mut text = session.input(line).text();
    let code = session.input("echo $?").text();
    if code.trim() != "0" {
        text.push_str(&format!("[exit {}]\n", code.trim()));
    }
    text
}

/// Whether a word is an age as kubectl prints one (`0s`, `12m`, `3d4h`, `2y45d`).
fn is_age(w: &str) -> bool {
    let mut digits = false;
    let mut units = 0;
    for c in w.chars() {
        if c.is_ascii_digit() {
            digits = true;
        } else if "smhdy".contains(c) && digits {
            units += 1;
            digits = false;
        } else {
            return false;
        }
    }
    units > 0 && !digits
}

/// Replaces what differs from run to run: ages, timestamps, uids, resource versions; and
/// collapses runs of spaces (columns widen with the ages they hold).
fn normalise(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut words: Vec<String> = vec![];
        for w in line.split(' ') {
            let trimmed = w.trim_matches(|c| c == ',' || c == '"' || c == '(' || c == ')');
            words.push(if is_age(trimmed) {
                w.replace(trimmed, "<age>")
            } else {
                w.to_string()
            });
        }
        let mut line = words.join(" ");
        line = replace_pattern(&line, is_rfc3339, "<time>");
        line = replace_pattern(&line, is_uid, "<uid>");
        line = replace_after(&line, "resourceVersion\": \"", "<rv>");
        line = replace_after(&line, "resourceVersion: \"", "<rv>");
        line = replace_http_date(&line);
        line = replace_pattern(&line, is_go_time, "<time>");
        line = replace_pattern(&line, is_edit_file, "kubectl-edit-<n>");
        line = replace_pattern(&line, is_event_suffix, ".<event>");
        line = replace_pattern(&line, is_pod_suffix, "-<hash>-<sfx>");
        line = replace_pattern(&line, is_exec_id, "start exec <id>");
        line = replace_pattern(&line, is_diff_dir, "-<n>/");
        line = replace_pattern(&line, is_file_time, "<time>");
        line = replace_server(&line);
        while line.contains("   ") {
            line = line.replace("   ", "  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn is_rfc3339(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut end = shaped(s, b"dddd-dd-ddTdd:dd:dd")?;
    while end < b.len() && (b[end].is_ascii_digit() || b[end] == b'.') {
        end += 1;
    }
    (end < b.len() && b[end] == b'Z').then_some(end + 1)
}

fn is_uid(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let groups = [8, 4, 4, 4, 12];
    let mut i = 0;
    for (n, len) in groups.iter().enumerate() {
        for _ in 0..*len {
            if i >= b.len() || !(b[i].is_ascii_digit() || (b'a'..=b'f').contains(&b[i])) {
                return None;
            }
            i += 1;
        }
        if n < 4 {
            if i >= b.len() || b[i] != b'-' {
                return None;
            }
            i += 1;
        }
    }
    Some(i)
}

/// Replaces every match of `at` (a matcher returning the match length) with `with`.
fn replace_pattern(line: &str, at: fn(&str) -> Option<usize>, with: &str) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < line.len() {
        if let Some(n) = line.is_char_boundary(i).then(|| at(&line[i..])).flatten() {
            out.push_str(with);
            i += n;
            continue;
        }
        let c = line[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Replaces the digits after `marker` with `with`.
fn replace_after(line: &str, marker: &str, with: &str) -> String {
    match line.find(marker) {
        Some(i) => {
            let start = i + marker.len();
            let digits = line[start..]
                .chars()
                .take_while(char::is_ascii_digit)
                .count();
            format!("{}{with}{}", &line[..start], &line[start + digits..])
        }
        None => line.to_string(),
    }
}

/// Replaces describe's timestamps (`Mon, 05 Jan 2026 08:01:00 +0000`).
fn replace_http_date(line: &str) -> String {
    let days = [
        "Mon, ", "Tue, ", "Wed, ", "Thu, ", "Fri, ", "Sat, ", "Sun, ",
    ];
    let mut out = line.to_string();
    for d in days {
        while let Some(i) = out.find(d) {
            let end = (i + 31).min(out.len());
            if !out.is_char_boundary(end) || !out[i..end].ends_with("+0000") {
                break;
            }
            out.replace_range(i..end, "<time>");
        }
    }
    out
}

/// Go's `time.Time.String()` in UTC, as describe prints a NetworkPolicy's creation:
/// `2026-01-05 08:12:00 +0000 UTC`.
fn is_go_time(s: &str) -> Option<usize> {
    shaped(s, b"dddd-dd-dd dd:dd:dd +0000 UTC")
}

/// The length of `shape` when `s` starts with it (`d` stands for any digit).
fn shaped(s: &str, shape: &[u8]) -> Option<usize> {
    let b = s.as_bytes();
    let fits = b.len() >= shape.len()
        && shape.iter().zip(b).all(|(c, x)| {
            if *c == b'd' {
                x.is_ascii_digit()
            } else {
                x == c
            }
        });
    fits.then_some(shape.len())
}

/// The temporary file of `kubectl edit` (`kubectl-edit-1234567890`), named at random.
fn is_edit_file(s: &str) -> Option<usize> {
    let digits = s.strip_prefix("kubectl-edit-")?;
    let n = digits.chars().take_while(char::is_ascii_digit).count();
    (n > 0).then_some("kubectl-edit-".len() + n)
}

/// The end of an Event's name (`web-1.18ee64e8f0a5e214`): the hex of when it was first
/// recorded, which the served cluster takes from real time.
fn is_event_suffix(s: &str) -> Option<usize> {
    let hex = s.strip_prefix('.')?.as_bytes();
    let n = hex
        .iter()
        .take_while(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
        .count();
    let ends = hex.get(n).is_none_or(|c| !c.is_ascii_alphanumeric());
    (n == 16 && ends).then_some(17)
}

/// A pod a ReplicaSet created: `-<hash>-<suffix>`, the suffix random in each cluster as
/// in a real one, the hash Kubarium's own (upstream's hashes a Go dump of the template).
fn is_pod_suffix(s: &str) -> Option<usize> {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let b = s.as_bytes();
    let hash = b
        .get(1..)?
        .iter()
        .take_while(|c| ALPHABET.contains(c))
        .count();
    let suffix = b
        .get(2 + hash..)?
        .iter()
        .take_while(|c| ALPHABET.contains(c))
        .count();
    let ends = b
        .get(2 + hash + suffix)
        .is_none_or(|c| !c.is_ascii_alphanumeric());
    let shaped = b[0] == b'-' && (8..=10).contains(&hash) && b.get(1 + hash) == Some(&b'-');
    (shaped && suffix == 5 && ends).then_some(2 + hash + suffix)
}

/// The runtime's ID of an exec session (`failed to start exec "64 hex digits"`), random
/// in each cluster.
fn is_exec_id(s: &str) -> Option<usize> {
    let hex = s.strip_prefix("start exec \"")?.as_bytes();
    let n = hex
        .iter()
        .take_while(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
        .count();
    (n == 64 && hex.get(n) == Some(&b'"')).then_some("start exec \"".len() + n + 1)
}

/// The number in `kubectl diff`'s temporary directories (`/tmp/LIVE-3379810937/`).
fn is_diff_dir(s: &str) -> Option<usize> {
    let digits = s.strip_prefix('-')?;
    let n = digits.chars().take_while(char::is_ascii_digit).count();
    (n > 0 && digits[n..].starts_with('/')).then_some(n + 2)
}

/// A file's modification time in diff's headers (`2026-12-05 16:00:18.816526943 +0000`).
fn is_file_time(s: &str) -> Option<usize> {
    shaped(s, b"dddd-dd-dd dd:dd:dd.ddddddddd +0000")
}

/// Replaces the API server's address: where `kubarium serve` listens for real kubectl,
/// the control plane's address in the built-in kubectl's kubeconfig.
fn replace_server(line: &str) -> String {
    let mut out = line.replace("https://172.30.1.2:6443", "<server>");
    while let Some(i) = out.find("http://127.0.0.1:") {
        let start = i + "http://127.0.0.1:".len();
        let digits = out[start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .count();
        out.replace_range(i..start + digits, "<server>");
    }
    out
}

/// The allowed differences: (script, line) -> reason.
fn known_differences(dir: &Path) -> BTreeMap<(String, String), String> {
    let text = std::fs::read_to_string(dir.join("KNOWN-DIFFERENCES.tsv")).unwrap_or_default();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let mut cells = l.splitn(3, '\t');
            let (script, line, reason) = (cells.next()?, cells.next()?, cells.next()?);
            Some(((script.into(), line.into()), reason.into()))
        })
        .collect()
}

fn main() {
    let kubectl = common::real_kubectl();
    let dir = common::workspace().join("tests/differential");
    let known = known_differences(&dir);
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sh"))
        .filter(|p| {
            filter
                .as_ref()
                .is_none_or(|f| p.to_string_lossy().contains(f.as_str()))
        })
        .collect();
    scripts.sort();
    let (mut commands, mut failures) = (0, 0);
    let mut used = 0;
    let mut seen = std::collections::BTreeSet::new();
    for path in &scripts {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let speed = text
            .lines()
            .find_map(|l| l.strip_prefix("# speed: "))
            .unwrap_or("0");
        let server = serve(name.trim_end_matches(".sh"), &kubectl, speed.trim());
        let mut session = Session::new(SEED);
        let mut failed_here = 0;
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            commands += 1;
            let real = normalise(&run_real(&server, line));
            let ours = normalise(&run_builtin(&mut session, line));
            let key = (name.clone(), line.to_string());
            seen.insert(key.clone());
            match (real == ours, known.get(&key)) {
                (true, None) => {}
                (false, Some(_)) => used += 1,
                (true, Some(reason)) => {
                    failed_here += 1;
                    println!("{name}: `{line}` now agrees; remove its known difference ({reason})");
                }
                (false, None) => {
                    failed_here += 1;
                    println!(
                        "{name}: `{line}` differs\n--- real kubectl\n{real}--- built-in\n{ours}---"
                    );
                }
            }
        }
        failures += failed_here;
        println!(
            "script {name} ... {}",
            if failed_here == 0 { "ok" } else { "FAILED" }
        );
    }
    println!(
        "\ndifferential: {} scripts, {commands} commands, {failures} failed, {used} known differences",
        scripts.len()
    );
    let stale = known.keys().filter(|k| !seen.contains(*k)).count();
    if failures > 0 || commands == 0 || (filter.is_none() && stale > 0) {
        if stale > 0 && filter.is_none() {
            println!("{stale} known differences name lines no script runs");
        }
        std::process::exit(1);
    }
}
