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

/// Whether all of `text` matches `pattern`.
pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    match_from(&p, &t)
}

fn match_from(p: &[char], t: &[char]) -> bool {
    // Iterative with one backtrack point for the last `*` (linear in practice).
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                '[' => {
                    if let Some((ok, used)) = class(&p[pi..], t[ti]) {
                        if ok {
                            pi += used;
                            ti += 1;
                            continue;
                        }
                    } else if t[ti] == '[' {
                        pi += 1;
                        ti += 1;
                        continue;
                    }
                }
                '\\' if pi + 1 < p.len() && p[pi + 1] == t[ti] => {
                    pi += 2;
                    ti += 1;
                    continue;
                }
                '\\' if pi + 1 < p.len() => {}
                c if c == t[ti] => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// A bracket expression at the start of `p`: whether `c` is in it, and its length.
fn class(p: &[char], c: char) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = matches!(p.get(i), Some('!' | '^'));
    if negate {
        i += 1;
    }
    let mut found = false;
    let mut first = true;
    while i < p.len() {
        let x = p[i];
        if x == ']' && !first {
            return Some((found != negate, i + 1));
        }
        first = false;
        if x == '[' && p.get(i + 1) == Some(&':') {
            let rest: String = p[i + 2..].iter().collect();
            if let Some(end) = rest.find(":]") {
                let name = &rest[..end];
                found |= match name {
                    "alpha" => c.is_alphabetic(),
                    "digit" => c.is_ascii_digit(),
                    "alnum" => c.is_alphanumeric(),
                    "upper" => c.is_uppercase(),
                    "lower" => c.is_lowercase(),
                    "space" => c.is_whitespace(),
                    "punct" => c.is_ascii_punctuation(),
                    _ => false,
                };
                i += 2 + name.chars().count() + 2;
                continue;
            }
        }
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|e| *e != ']') {
            let hi = p[i + 2];
            found |= x <= c && c <= hi;
            i += 3;
            continue;
        }
        found |= x == c;
        i += 1;
    }
    None
}

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
    out.sort();
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
