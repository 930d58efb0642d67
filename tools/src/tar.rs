//! `tar` as GNU tar 1.35 does it for text files: create (`c`), extract (`x`) and list
//! (`t`) ustar archives, to and from a file or standard input and output (`f -`), in a
//! directory (`-C`), verbosely (`-v`). `kubectl cp` runs it in containers, as real kubectl
//! does. Written by hand rather than with the `tar` crate, which is built around the
//! operating system's files: here an archive is a string in memory. An archive of text
//! files is itself valid UTF-8 (its headers are ASCII and NUL), so it travels through the
//! shell's pipes and exec streams as text.

use crate::command::CmdResult;
use crate::fs;
use crate::io::Io;

const BLOCK: usize = 512;
/// GNU tar's record: archives are padded to a multiple of 20 blocks.
const RECORD: usize = 20 * BLOCK;
/// The files' modification time: 2026-01-05 08:00 UTC, as `ls -l` shows them.
const MTIME: u64 = 1_767_600_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Create,
    Extract,
    List,
}

/// One archive member: a directory (`None`) or a file with its text.
struct Member {
    name: String,
    text: Option<String>,
}

fn fail(msg: &str) -> CmdResult {
    CmdResult::fail(format!("tar: {msg}\n"), 2)
}

/// `tar [-]{c|x|t}[vfmpC...] [ARCHIVE] [-C DIR] [MEMBER...]`.
pub fn run(args: &[String], io: &mut Io) -> CmdResult {
    let mut mode = None;
    let mut file = None;
    let mut dir = None;
    let mut verbose = false;
    let mut names = vec![];
    let mut rest = args.iter().peekable();
    let mut first = true;
    while let Some(a) = rest.next() {
        let long = a.strip_prefix("--");
        let letters = match (long, a.strip_prefix('-')) {
            (Some(opt), _) => {
                match opt
                    .split_once('=')
                    .map_or((opt, None), |(k, v)| (k, Some(v)))
                {
                    ("create", None) => mode = Some(Mode::Create),
                    ("extract" | "get", None) => mode = Some(Mode::Extract),
                    ("list", None) => mode = Some(Mode::List),
                    ("verbose", None) => verbose = true,
                    ("file", Some(f)) => file = Some(f.to_string()),
                    ("directory", Some(d)) => dir = Some(d.to_string()),
                    (
                        "no-same-permissions"
                        | "no-same-owner"
                        | "touch"
                        | "same-permissions"
                        | "preserve-permissions",
                        None,
                    ) => {}
                    _ => return fail(&format!("option '{a}' is not supported in Kubarium yet")),
                }
                first = false;
                continue;
            }
            (None, Some(l)) if !l.is_empty() => l,
            // The first word may be the letters without their dash (`tar cf - x`).
            (None, _) if first && !a.is_empty() && a.chars().all(|c| c.is_ascii_alphabetic()) => a,
            _ => {
                names.push(a.clone());
                first = false;
                continue;
            }
        };
        first = false;
        for c in letters.chars() {
            match c {
                'c' => mode = Some(Mode::Create),
                'x' => mode = Some(Mode::Extract),
                't' => mode = Some(Mode::List),
                'v' => verbose = true,
                'm' | 'p' | 'o' => {}
                'f' | 'C' => {
                    let Some(value) = rest.next() else {
                        return fail(&format!("option requires an argument -- '{c}'"));
                    };
                    if c == 'f' {
                        file = Some(value.clone());
                    } else {
                        dir = Some(value.clone());
                    }
                }
                'z' | 'j' | 'J' => {
                    return fail(&format!(
                        "-{c} (compression) is not supported in Kubarium yet"
                    ))
                }
                _ => return fail(&format!("invalid option -- '{c}'")),
            }
        }
    }
    let Some(mode) = mode else {
        return fail("You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\nTry 'tar --help' or 'tar --usage' for more information.");
    };
    let base = match &dir {
        Some(d) => {
            let path = io.path(d);
            if !io.fs.is_dir(&path) {
                return fail(&format!(
                    "{d}: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now"
                ));
            }
            path
        }
        None => io.cwd.to_string(),
    };
    let file = file.unwrap_or_else(|| "-".into());
    match mode {
        Mode::Create => create(io, &base, &file, &names, verbose),
        Mode::Extract | Mode::List => {
            let archive = if file == "-" {
                io.stdin.take().unwrap_or_default()
            } else {
                match io.fs.read(&io.path(&file)) {
                    Some(t) => t.to_string(),
                    None => {
                        return fail(&format!(
                            "{file}: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now"
                        ))
                    }
                }
            };
            let Some(members) = read(archive.as_bytes()) else {
                return fail("This does not look like a tar archive\ntar: Exiting with failure status due to previous errors");
            };
            let mut res = CmdResult::default();
            for m in members {
                if mode == Mode::List || verbose {
                    res.output.out(format!("{}\n", m.name));
                }
                if mode == Mode::List {
                    continue;
                }
                let path = fs::resolve(&base, m.name.trim_end_matches('/'));
                let made = match &m.text {
                    None => io.fs.mkdir(&path, true),
                    Some(text) => io
                        .fs
                        .mkdir(&fs::parent(&path), true)
                        .and_then(|()| io.fs.write(&path, text, false)),
                };
                if let Err(e) = made {
                    res.output.err(format!(
                        "tar: {}: Cannot open: {e}\n",
                        m.name.trim_end_matches('/')
                    ));
                    res.code = 2;
                }
            }
            if res.code != 0 {
                res.output
                    .err("tar: Exiting with failure status due to previous errors\n");
            }
            res
        }
    }
}

/// `tar c`: the members, directories with what is under them, as an archive.
fn create(io: &mut Io, base: &str, file: &str, names: &[String], verbose: bool) -> CmdResult {
    let mut res = CmdResult::default();
    if names.is_empty() {
        return fail("Cowardly refusing to create an empty archive\nTry 'tar --help' or 'tar --usage' for more information.");
    }
    let mut members = vec![];
    let mut stripped = false;
    for n in names {
        let path = fs::resolve(base, n);
        let name = n.trim_start_matches('/');
        if name.len() != n.len() && !stripped {
            res.output
                .err("tar: Removing leading `/' from member names\n");
            stripped = true;
        }
        if !io.fs.exists(&path) {
            res.output.err(format!(
                "tar: {n}: Cannot stat: No such file or directory\n"
            ));
            res.code = 2;
            continue;
        }
        gather(io, &path, name.trim_end_matches('/'), &mut members);
    }
    let mut archive = vec![];
    for m in &members {
        if verbose {
            // With the archive on standard output, the names go to standard error.
            let line = format!("{}\n", m.name);
            if file == "-" {
                res.output.err(line);
            } else {
                res.output.out(line);
            }
        }
        write_member(&mut archive, m);
    }
    archive.resize(archive.len() + 2 * BLOCK, 0);
    archive.resize(archive.len().div_ceil(RECORD) * RECORD, 0);
    // Headers are ASCII and NUL and the texts are UTF-8: so is the archive.
    let text = String::from_utf8(archive).unwrap_or_default();
    if file == "-" {
        res.output.out(text);
    } else if let Err(e) = io.fs.write(&io.path(file), &text, false) {
        return fail(&format!(
            "{file}: Cannot open: {e}\ntar: Error is not recoverable: exiting now"
        ));
    }
    if res.code != 0 {
        res.output
            .err("tar: Exiting with failure status due to previous errors\n");
    }
    res
}

/// `path` as member `name`, and what is under it.
fn gather(io: &Io, path: &str, name: &str, members: &mut Vec<Member>) {
    match io.fs.read(path) {
        Some(text) => members.push(Member {
            name: name.to_string(),
            text: Some(text.to_string()),
        }),
        None => {
            members.push(Member {
                name: format!("{name}/"),
                text: None,
            });
            for child in io.fs.list(path) {
                let child_path = fs::resolve(path, &child);
                gather(io, &child_path, &format!("{name}/{child}"), members);
            }
        }
    }
}

/// An octal field of `width` bytes: digits, then NUL.
fn octal(field: &mut [u8], value: u64) {
    let width = field.len() - 1;
    let digits = format!("{value:0width$o}");
    field[..width].copy_from_slice(&digits.as_bytes()[digits.len() - width..]);
    field[width] = 0;
}

fn write_member(out: &mut Vec<u8>, m: &Member) {
    let mut h = [0u8; BLOCK];
    let name = m.name.as_bytes();
    // Long names go in the prefix field, split at a slash.
    let (prefix, short) = if name.len() <= 100 {
        (&[][..], name)
    } else {
        let cut = m.name[..m.name.len().min(156)]
            .rfind('/')
            .filter(|&i| name.len() - i - 1 <= 100)
            .unwrap_or(0);
        (&name[..cut], &name[cut + 1..])
    };
    h[..short.len().min(100)].copy_from_slice(&short[..short.len().min(100)]);
    h[345..345 + prefix.len().min(155)].copy_from_slice(&prefix[..prefix.len().min(155)]);
    let size = m.text.as_ref().map_or(0, String::len);
    octal(
        &mut h[100..108],
        if m.text.is_some() { 0o644 } else { 0o755 },
    );
    octal(&mut h[108..116], 0);
    octal(&mut h[116..124], 0);
    octal(&mut h[124..136], size as u64);
    octal(&mut h[136..148], MTIME);
    h[156] = if m.text.is_some() { b'0' } else { b'5' };
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[265..269].copy_from_slice(b"root");
    h[297..301].copy_from_slice(b"root");
    h[148..156].fill(b' ');
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    let digits = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(digits.as_bytes());
    out.extend_from_slice(&h);
    if let Some(text) = &m.text {
        out.extend_from_slice(text.as_bytes());
        out.resize(out.len().div_ceil(BLOCK) * BLOCK, 0);
    }
}

/// A NUL-terminated field's text.
fn field(bytes: &[u8]) -> &str {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    std::str::from_utf8(&bytes[..end]).unwrap_or("")
}

/// The members of a ustar archive, or None when it is not one (or is cut short).
fn read(archive: &[u8]) -> Option<Vec<Member>> {
    let mut members = vec![];
    let mut at = 0;
    while at + BLOCK <= archive.len() {
        let h = &archive[at..at + BLOCK];
        if h.iter().all(|&b| b == 0) {
            return Some(members);
        }
        let stored = u32::from_str_radix(field(&h[148..156]).trim(), 8).ok()?;
        let sum: u32 = h
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    u32::from(b)
                }
            })
            .sum();
        if sum != stored {
            return None;
        }
        let size = usize::from_str_radix(field(&h[124..136]).trim(), 8).ok()?;
        let prefix = field(&h[345..500]);
        let short = field(&h[..100]);
        let name = if prefix.is_empty() {
            short.to_string()
        } else {
            format!("{prefix}/{short}")
        };
        at += BLOCK;
        let data = archive.get(at..at + size)?;
        at += size.div_ceil(BLOCK) * BLOCK;
        let text = match h[156] {
            b'5' => None,
            b'0' | 0 => Some(String::from_utf8_lossy(data).into_owned()),
            // Links and devices are left out.
            _ => continue,
        };
        members.push(Member { name, text });
    }
    // An archive without its end blocks still gives what it has, as GNU tar does.
    (!members.is_empty() || archive.is_empty()).then_some(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::Fs;

    fn tar(fs: &mut Fs, args: &str, stdin: Option<String>) -> CmdResult {
        let args: Vec<String> = args.split_whitespace().map(String::from).collect();
        let mut io = Io {
            stdin,
            fs,
            cwd: "/root",
        };
        run(&args, &mut io)
    }

    #[test]
    fn archives_round_trip_through_text() {
        let mut fs = Fs::default();
        fs.mkdir("/root/conf/sub", true).unwrap();
        fs.write("/root/conf/a.txt", "one\n", false).unwrap();
        fs.write("/root/conf/sub/b.txt", "two ünicode\n", false)
            .unwrap();
        let made = tar(&mut fs, "cf - /root/conf", None);
        assert_eq!(made.code, 0);
        let stream = |which| -> String {
            made.output
                .chunks
                .iter()
                .filter(|(s, _)| *s == which)
                .map(|(_, t)| t.as_str())
                .collect()
        };
        assert_eq!(
            stream(crate::command::Stream::Err),
            "tar: Removing leading `/' from member names\n"
        );
        let archive = stream(crate::command::Stream::Out);
        assert_eq!(archive.len() % RECORD, 0);
        let listed = tar(&mut fs, "tf -", Some(archive.clone()));
        assert_eq!(
            listed.output.text(),
            "root/conf/\nroot/conf/a.txt\nroot/conf/sub/\nroot/conf/sub/b.txt\n"
        );
        fs.mkdir("/tmp/out", true).unwrap();
        let put = tar(&mut fs, "-xmf - -C /tmp/out", Some(archive));
        assert_eq!(put.code, 0);
        assert_eq!(
            fs.read("/tmp/out/root/conf/sub/b.txt"),
            Some("two ünicode\n")
        );
        assert_eq!(
            tar(&mut fs, "xf - -C /nowhere", Some(String::new())).output.text(),
            "tar: /nowhere: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n"
        );
        assert_eq!(
            tar(&mut fs, "xf -", Some("not an archive".repeat(100))).code,
            2
        );
    }
}
