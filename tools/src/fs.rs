//! The virtual filesystem behind the shell: files and directories under the learner's home.

use std::collections::{BTreeMap, BTreeSet};

pub const HOME: &str = "/root";

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Fs {
    files: BTreeMap<String, String>,
    dirs: BTreeSet<String>,
    /// Raised by every change, so readers (the kubelet's file source) see when to look.
    #[serde(default)]
    generation: u64,
}

impl Default for Fs {
    fn default() -> Self {
        let mut dirs = BTreeSet::new();
        for d in [
            "/",
            "/root",
            "/tmp",
            "/etc",
            "/etc/kubernetes",
            "/etc/kubernetes/manifests",
        ] {
            dirs.insert(d.to_string());
        }
        Fs {
            files: BTreeMap::new(),
            dirs,
            generation: 0,
        }
    }
}

/// Normalises `path` against `cwd` (handles `~`, `.`, `..`).
pub fn resolve(cwd: &str, path: &str) -> String {
    let joined = if let Some(rest) = path.strip_prefix('~') {
        format!("{HOME}{rest}")
    } else if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = vec![];
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The directory holding `path`.
pub fn parent(path: &str) -> String {
    match path.rsplit_once('/') {
        Some(("", _)) => "/".into(),
        Some((p, _)) => p.into(),
        None => "/".into(),
    }
}

impl Fs {
    pub fn read(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// How many changes the files have seen.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn is_dir(&self, path: &str) -> bool {
        self.dirs.contains(path)
    }

    pub fn exists(&self, path: &str) -> bool {
        self.is_dir(path) || self.files.contains_key(path)
    }

    /// Writes a file; fails if its directory does not exist or it is a directory.
    pub fn write(&mut self, path: &str, content: &str, append: bool) -> Result<(), String> {
        if self.is_dir(path) {
            return Err("Is a directory".into());
        }
        if !self.is_dir(&parent(path)) {
            return Err("No such file or directory".into());
        }
        self.generation += 1;
        let entry = self.files.entry(path.to_string()).or_default();
        if !append {
            entry.clear();
        }
        entry.push_str(content);
        Ok(())
    }

    pub fn remove(&mut self, path: &str) -> bool {
        self.generation += 1;
        self.files.remove(path).is_some()
    }

    pub fn mkdir(&mut self, path: &str, parents: bool) -> Result<(), String> {
        if self.exists(path) {
            return if parents {
                Ok(())
            } else {
                Err("File exists".into())
            };
        }
        if !self.is_dir(&parent(path)) {
            if !parents {
                return Err("No such file or directory".into());
            }
            self.mkdir(&parent(path), true)?;
        }
        self.dirs.insert(path.to_string());
        self.generation += 1;
        Ok(())
    }

    /// Makes the tree under `root` hold exactly `files` (paths under it, with their
    /// text), as a view of something else kept elsewhere. Changes nothing when it already
    /// does.
    pub fn sync_tree(&mut self, root: &str, files: BTreeMap<String, String>) {
        let under = |p: &String| p.starts_with(root) && p[root.len()..].starts_with('/');
        let same = self.files.iter().filter(|(p, _)| under(p)).eq(files.iter());
        let dirs: BTreeSet<String> = files
            .keys()
            .flat_map(|p| {
                let mut ds = vec![];
                let mut d = parent(p);
                while under(&d) {
                    let up = parent(&d);
                    ds.push(d);
                    d = up;
                }
                ds
            })
            .collect();
        if same && self.dirs.iter().filter(|d| under(d)).eq(dirs.iter()) {
            return;
        }
        self.files.retain(|p, _| !under(p));
        self.dirs.retain(|d| !under(d));
        let _ = self.mkdir(root, true);
        self.dirs.extend(dirs);
        self.files.extend(files);
        self.generation += 1;
    }

    /// Every directory (with no text) and file (with its text) at or under `root`.
    pub fn under<'a>(&'a self, root: &str) -> impl Iterator<Item = (&'a str, Option<&'a str>)> {
        let root = root.trim_end_matches('/').to_string();
        let inside = move |p: &str| {
            root.is_empty()
                || p == root
                || p.strip_prefix(&root).is_some_and(|r| r.starts_with('/'))
        };
        let inside2 = inside.clone();
        self.dirs
            .iter()
            .filter(move |d| inside(d))
            .map(|d| (d.as_str(), None))
            .chain(
                self.files
                    .iter()
                    .filter(move |(p, _)| inside2(p))
                    .map(|(p, t)| (p.as_str(), Some(t.as_str()))),
            )
    }

    /// Names directly inside `dir`, sorted.
    pub fn list(&self, dir: &str) -> Vec<String> {
        let prefix = if dir == "/" {
            "/".to_string()
        } else {
            format!("{dir}/")
        };
        let direct = |p: &String| {
            p.strip_prefix(&prefix)
                .filter(|rest| !rest.is_empty() && !rest.contains('/'))
                .map(String::from)
        };
        let mut names: Vec<String> = self
            .files
            .keys()
            .filter_map(direct)
            .chain(self.dirs.iter().filter_map(direct))
            .collect();
        crate::sort::sort(&mut names);
        names
    }
}
