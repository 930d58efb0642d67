//! Shell patterns (`*`, `?`, `[...]`, `\` escapes): pathname expansion over the node's
//! files, `case` arms, `[[ x == pattern ]]` and `${var#pattern}`.

use super::fs::Fs;

/// Whether `pattern` has an unescaped `*`, `?` or `[`.
pub fn has_magic(pattern: &str) -> bool {
    let mut escaped = false;
    for c in pattern.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '*' | '?' | '[' => return true,
            _ => {}
        }
    }
    false
}

/// Escapes the pattern characters in literal text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Removes the escapes from a pattern that matched nothing.
pub fn unescape(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut escaped = false;
    for c in pattern.chars() {
        if c == '\\' && !escaped {
            escaped = true;
            continue;
        }
        escaped = false;
        out.push(c);
    }
    out
}

pub use kubarium_tools::glob::matches;

/// Pathname expansion: the paths matching `pattern` (relative to `cwd` unless absolute),
/// sorted; empty when nothing matches.
pub fn glob(fs: &Fs, cwd: &str, pattern: &str) -> Vec<String> {
    let absolute = pattern.starts_with('/');
    let mut found: Vec<(String, String)> = vec![(
        if absolute {
            "/".to_string()
        } else {
            cwd.to_string()
        },
        String::new(),
    )];
    let parts: Vec<&str> = pattern.split('/').filter(|p| !p.is_empty()).collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let mut next = vec![];
        for (dir, shown) in &found {
            let join = |name: &str| {
                let full = if dir == "/" {
                    format!("/{name}")
                } else {
                    format!("{dir}/{name}")
                };
                let shown = if shown.is_empty() && !absolute {
                    name.to_string()
                } else if shown.is_empty() {
                    format!("/{name}")
                } else {
                    format!("{shown}/{name}")
                };
                (full, shown)
            };
            if !has_magic(part) {
                let (full, shown) = join(&unescape(part));
                if fs.exists(&full) && (last || fs.is_dir(&full)) {
                    next.push((full, shown));
                }
                continue;
            }
            for name in fs.list(dir) {
                if name.starts_with('.') && !part.starts_with('.') {
                    continue;
                }
                if matches(part, &name) {
                    let (full, shown) = join(&name);
                    if last || fs.is_dir(&full) {
                        next.push((full, shown));
                    }
                }
            }
        }
        found = next;
        if found.is_empty() {
            break;
        }
    }
    let mut out: Vec<String> = found.into_iter().map(|(_, s)| s).collect();
    crate::sort::sort(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        for (p, t, want) in [
            ("*.yaml", "pod.yaml", true),
            ("*.yaml", "pod.yml", false),
            ("p?d", "pod", true),
            ("[a-c]x", "bx", true),
            ("[!a-c]x", "bx", false),
            ("*-*", "web-1", true),
            ("a\\*", "a*", true),
            ("a\\*", "ab", false),
            ("[[:digit:]]*", "9lives", true),
            ("*", "", true),
            ("[", "[", true),
        ] {
            assert_eq!(matches(p, t), want, "{p} ~ {t}");
        }
    }

    #[test]
    fn globbing_the_home_directory() {
        let mut fs = Fs::default();
        for f in [
            "/root/a.yaml",
            "/root/b.yaml",
            "/root/c.txt",
            "/root/.hidden.yaml",
        ] {
            fs.write(f, "x", false).ok();
        }
        assert_eq!(glob(&fs, "/root", "*.yaml"), ["a.yaml", "b.yaml"]);
        assert_eq!(glob(&fs, "/tmp", "/root/*.txt"), ["/root/c.txt"]);
        assert!(glob(&fs, "/root", "*.json").is_empty());
    }
}
