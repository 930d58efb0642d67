//! `vi`, `vim` and `nano` on a node: the file opens in the page's (or the terminal's)
//! editor, and saving writes it back to the node's files, where the kubelet and the
//! rest read it.

use super::{fs, Shell};
use crate::cluster::Cluster;
use crate::command::{CmdResult, Output};

/// The editors a node has (Ubuntu's vim and nano, as on exam nodes).
pub const EDITORS: &[&str] = &["vi", "vim", "vim.tiny", "nano"];

/// A file open in the editor.
#[derive(Debug, Clone)]
pub struct FileEdit {
    /// The machine whose file it is.
    pub host: String,
    /// Its absolute path.
    pub path: String,
    /// The editor's name, for its messages.
    pub editor: String,
}

impl FileEdit {
    /// The file's text now (empty for a new file).
    pub fn text(&self, cluster: &Cluster) -> String {
        cluster
            .fs(&self.host)
            .read(&self.path)
            .unwrap_or_default()
            .to_string()
    }

    /// Writes `text` to the file. Returns the editor's complaint when the file cannot be
    /// written (its directory is missing): the editor stays open, as vim's does.
    pub fn save(&self, cluster: &mut Cluster, text: &str) -> Result<(), Output> {
        if cluster
            .fs_mut(&self.host)
            .write(&self.path, text, false)
            .is_ok()
        {
            return Ok(());
        }
        let mut out = Output::default();
        out.err(if self.editor == "nano" {
            format!(
                "[ Error writing {}: No such file or directory ]\n",
                self.path
            )
        } else {
            format!("\"{}\" E212: Can't open file for writing\n", self.path)
        });
        Err(out)
    }
}

/// `vi FILE` and the like: opens the file, or says what Kubarium cannot do yet.
pub fn open(sh: &mut Shell, cluster: &Cluster, editor: &str, args: &[String]) -> CmdResult {
    let not_yet = |what: &str| {
        CmdResult::fail(
            format!("error: \"{editor}\" {what} is not supported in Kubarium yet\n"),
            1,
        )
    };
    // `+N` (the line to start at) only moves the cursor.
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with('+')).collect();
    if files.iter().any(|a| a.starts_with('-')) {
        return not_yet("with options");
    }
    let [file] = files[..] else {
        return not_yet(if files.is_empty() {
            "without a file"
        } else {
            "with several files"
        });
    };
    if !sh.foreground_line {
        return not_yet(
            "in a pipeline, a redirection, a substitution or with other commands on the line",
        );
    }
    let path = fs::resolve(&sh.cwd, file);
    if cluster.fs(&sh.host).is_dir(&path) {
        return not_yet("on a directory");
    }
    sh.foreground = Some(super::Foreground::EditFile(FileEdit {
        host: sh.host.clone(),
        path,
        editor: editor.to_string(),
    }));
    CmdResult::default()
}
