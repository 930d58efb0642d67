//! kubectl's `--help` texts, looked up by command path: kubectl 1.35's facts, our own wording.
//!
//! Usage lines, aliases, command lists and flags with their defaults follow kubectl 1.35;
//! descriptions and examples are written for Kubarium.
//!
//! The texts live in `help.txt`: each section starts with a line `=== <command path>` (`===`
//! alone is bare `kubectl`) and holds the text printed verbatim; lines before the first section
//! are comments. The file is parsed on every call, which is cheap next to printing a page.

const DATA: &str = include_str!("help.txt");

/// `(command path, text)` for every section of help.txt, in file order.
fn sections() -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    let mut current: Option<(&'static str, usize)> = None;
    let mut pos = 0;
    for line in DATA.split_inclusive('\n') {
        if let Some(path) = header(line) {
            if let Some((p, start)) = current.take() {
                out.push((p, DATA.get(start..pos).unwrap_or("")));
            }
            current = Some((path, pos + line.len()));
        }
        pos += line.len();
    }
    if let Some((p, start)) = current {
        out.push((p, DATA.get(start..).unwrap_or("")));
    }
    out
}

/// The command path of a section header line, `""` for bare kubectl.
fn header(line: &'static str) -> Option<&'static str> {
    let line = line.trim_end_matches(['\n', '\r']);
    if line == "===" {
        Some("")
    } else {
        line.strip_prefix("=== ").map(str::trim)
    }
}

/// The names on a text's `Aliases:` line (the command's own name first), if it has one.
fn aliases(text: &str) -> Vec<&str> {
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim_end() == "Aliases:" {
            return lines
                .next()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .collect();
        }
    }
    Vec::new()
}

/// The section path a command path names, following subcommand aliases (`create deploy`).
fn resolve(secs: &[(&'static str, &'static str)], path: &[&str]) -> Option<&'static str> {
    let mut current: &'static str = "";
    for word in path {
        if word.is_empty() || word.contains(char::is_whitespace) {
            return None;
        }
        let wanted = if current.is_empty() {
            (*word).to_string()
        } else {
            format!("{current} {word}")
        };
        if let Some((p, _)) = secs.iter().find(|(p, _)| *p == wanted) {
            current = p;
            continue;
        }
        let (p, _) = secs.iter().find(|(p, text)| {
            !p.is_empty()
                && p.rsplit_once(' ').map_or("", |(parent, _)| parent) == current
                && aliases(text).contains(word)
        })?;
        current = p;
    }
    Some(current)
}

/// The full text `kubectl <path> --help` prints (`[]` is bare `kubectl`, `["options"]` the
/// global options list), or `None` for a command kubectl does not have. Subcommand aliases
/// such as `["create", "deploy"]` or `["top", "pods"]` give their command's text.
pub fn help(path: &[&str]) -> Option<String> {
    let secs = sections();
    let key = resolve(&secs, path)?;
    secs.iter()
        .find(|(p, _)| *p == key)
        .map(|(_, text)| text.replace("\r\n", "\n"))
}

/// The command line shown under `Usage:` in the help for `path`, without its indent, e.g.
/// `kubectl scale [--resource-version=version] ... [options]`; `None` for unknown commands and
/// for the two texts without one (`alpha`, `options`).
#[cfg(test)]
fn usage_line(path: &[&str]) -> Option<String> {
    let text = help(path)?;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line == "Usage:" {
            let usage = lines.next()?.trim();
            return (!usage.is_empty()).then(|| usage.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(path: &[&str]) -> String {
        help(path).unwrap_or_default()
    }

    #[test]
    fn bare_kubectl_lists_the_groups() {
        let t = text(&[]);
        for group in [
            "Basic Commands (Beginner):",
            "Basic Commands (Intermediate):",
            "Deploy Commands:",
            "Cluster Management Commands:",
            "Troubleshooting and Debugging Commands:",
            "Advanced Commands:",
            "Settings Commands:",
            "Other Commands:",
        ] {
            assert!(t.contains(&format!("\n{group}\n")), "{group}");
        }
        assert!(t.ends_with("Use \"kubectl options\" for a list of global command-line options (applies to all commands).\n"));
        assert_eq!(
            usage_line(&[]).as_deref(),
            Some("kubectl [flags] [options]")
        );
    }

    #[test]
    fn subcommands_and_aliases() {
        let t = text(&["create", "deployment"]);
        assert!(t.contains("\nAliases:\ndeployment, deploy\n"));
        assert!(t.contains("\n    -r, --replicas=1:\n\t"));
        assert!(t.contains("\n    --dry-run='none':\n\t"));
        assert_eq!(help(&["create", "deploy"]), help(&["create", "deployment"]));
        assert_eq!(
            usage_line(&["create", "deploy"]).as_deref(),
            Some("kubectl create deployment NAME --image=image -- [COMMAND] [args...] [options]")
        );
        for (alias, name) in [
            ("cm", "configmap"),
            ("cj", "cronjob"),
            ("ing", "ingress"),
            ("ns", "namespace"),
            ("pdb", "poddisruptionbudget"),
            ("pc", "priorityclass"),
            ("resourcequota", "quota"),
            ("svc", "service"),
            ("sa", "serviceaccount"),
        ] {
            assert!(help(&["create", alias]).is_some(), "{alias}");
            assert_eq!(help(&["create", alias]), help(&["create", name]), "{alias}");
        }
        assert_eq!(
            help(&["create", "svc", "nodeport"]),
            help(&["create", "service", "nodeport"])
        );
        assert_eq!(help(&["top", "pods"]), help(&["top", "pod"]));
        assert_eq!(help(&["config", "use"]), help(&["config", "use-context"]));
        assert_eq!(help(&["set", "sa"]), help(&["set", "serviceaccount"]));
        assert!(text(&["create", "secret", "generic"]).contains("--from-literal=[]"));
    }

    #[test]
    fn unknown_commands_have_no_help() {
        assert_eq!(help(&["nosuch"]), None);
        assert_eq!(help(&["create", "nosuch"]), None);
        assert_eq!(help(&["create", "deployment", "extra"]), None);
        assert_eq!(help(&[""]), None);
        assert_eq!(help(&["create deployment"]), None);
        assert_eq!(help(&["deploy"]), None);
        assert_eq!(usage_line(&["nosuch"]), None);
        assert_eq!(usage_line(&["options"]), None);
    }

    #[test]
    fn every_listed_subcommand_has_a_text() {
        let secs = sections();
        assert!(secs.len() > 100);
        for (path, t) in &secs {
            assert!(t.ends_with('\n'), "{path}");
            let mut in_list = false;
            for line in t.lines() {
                if line == "Available Commands:" {
                    in_list = true;
                } else if line.is_empty() {
                    in_list = false;
                } else if in_list {
                    let name = line.split_whitespace().next().unwrap_or("");
                    let mut child: Vec<&str> = path.split_whitespace().collect();
                    child.push(name);
                    assert!(help(&child).is_some(), "{path} -> {name}");
                }
            }
            let words: Vec<&str> = path.split_whitespace().collect();
            if !matches!(*path, "alpha" | "options") {
                assert!(usage_line(&words).is_some(), "{path}");
            }
        }
    }
}
