//! `kubarium`: Kubarium's shell in a terminal, `kubarium run FILE` to run a script of
//! commands in a fresh cluster and print what the terminal would show, and
//! `kubarium serve` to serve the cluster as a Kubernetes API.

use std::io::{self, BufRead, Read, Write};
use std::process::ExitCode;

use kubarium_cli::serve;
use kubarium_core::session::Session;

fn usage() -> String {
    format!("Usage:\n  kubarium [--seed N]              interactive shell on a fresh cluster\n  kubarium run [--seed N] FILE|-   run each line of FILE (or stdin) as if typed; print the output\n{}", serve::USAGE)
}

fn parse_seed(args: &mut Vec<String>) -> Result<u64, String> {
    let mut seed = 1;
    while let Some(i) = args
        .iter()
        .position(|a| a == "--seed" || a.starts_with("--seed="))
    {
        let value = if let Some(v) = args[i].strip_prefix("--seed=") {
            let v = v.to_string();
            args.remove(i);
            v
        } else {
            args.remove(i);
            if i >= args.len() {
                return Err("--seed needs a number".into());
            }
            args.remove(i)
        };
        seed = value
            .parse()
            .map_err(|_| format!("invalid seed: {value}"))?;
    }
    Ok(seed)
}

fn run_file(seed: u64, path: &str) -> Result<(), String> {
    let script = if path == "-" {
        let mut s = String::new();
        io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| e.to_string())?;
        s
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?
    };
    let mut session = Session::new(seed);
    let mut stdout = io::stdout().lock();
    for line in script.lines() {
        let out = session.input(line);
        stdout
            .write_all(out.text().as_bytes())
            .map_err(|e| e.to_string())?;
    }
    // A watch or an edit on the last line ends with the script.
    stdout
        .write_all(session.input("").text().as_bytes())
        .map_err(|e| e.to_string())
}

/// `kubectl edit` without KUBE_EDITOR in the shell: the file opens in this terminal's
/// editor (KUBE_EDITOR, EDITOR, else vi), as many times as the edit reopens.
fn edit_in_terminal(session: &mut Session) {
    while let Some((file, text)) = session.editing() {
        let name = file.rsplit('/').next().unwrap_or("kubectl-edit.yaml");
        let path = std::env::temp_dir().join(name);
        let saved = std::fs::write(&path, &text).ok().and_then(|()| {
            let editor = ["KUBE_EDITOR", "EDITOR"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
                .unwrap_or_else(|| "vi".into());
            let status = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("{editor} \"$1\""))
                .arg("sh")
                .arg(&path)
                .status();
            match status {
                Ok(s) if s.success() => std::fs::read_to_string(&path).ok(),
                _ => {
                    eprintln!("error: there was a problem with the editor \"{editor}\"");
                    None
                }
            }
        });
        let _ = std::fs::remove_file(&path);
        print!("{}", session.save_edit(saved).text());
        let _ = io::stdout().flush();
    }
}

/// While a command runs in the foreground (`kubectl get -w`): the cluster follows real
/// time and what the command prints shows, until it ends or Ctrl-C stops it.
fn follow(session: &mut Session) {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    rt.block_on(async {
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        let mut last = std::time::Instant::now();
        while session.busy() {
            tokio::select! {
                // The terminal has echoed the `^C`.
                _ = &mut ctrl_c => {
                    print!("\n{}", session.interrupt().text());
                }
                _ = tokio::time::sleep(std::time::Duration::from_millis(200)) => {
                    let elapsed = last.elapsed().as_millis().min(i64::MAX as u128) as i64;
                    last = std::time::Instant::now();
                    session.tick(elapsed);
                    print!("{}", session.poll().text());
                }
            }
            let _ = io::stdout().flush();
        }
    });
}

fn interactive(seed: u64) -> Result<(), String> {
    let mut session = Session::new(seed);
    let mut editor = rustyline::DefaultEditor::new().map_err(|e| e.to_string())?;
    println!("Kubarium: a simulated Kubernetes cluster. Type 'help' for a start, Ctrl-D to leave.");
    // Like the browser at 1x: the cluster's clock follows real time between commands.
    let mut last = std::time::Instant::now();
    loop {
        match editor.readline(&session.prompt()) {
            Ok(line) => {
                let _ = editor.add_history_entry(line.as_str());
                let elapsed = last.elapsed().as_millis().min(i64::MAX as u128) as i64;
                session.tick(elapsed);
                let out = session.input(&line);
                if out.clear {
                    print!("\x1b[2J\x1b[H");
                }
                print!("{}", out.text());
                let _ = io::stdout().flush();
                edit_in_terminal(&mut session);
                follow(&mut session);
                last = std::time::Instant::now();
            }
            Err(rustyline::error::ReadlineError::Interrupted) => {
                session.interrupt();
                println!("^C");
            }
            Err(rustyline::error::ReadlineError::Eof) => return Ok(()),
            Err(e) => return Err(e.to_string()),
        }
    }
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let seed = match parse_seed(&mut args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kubarium: {e}\n{}", usage());
            return ExitCode::from(2);
        }
    };
    let result = match args.as_slice() {
        [] => {
            if atty_stdin() {
                interactive(seed)
            } else {
                // Not a terminal: read commands from stdin like `run -`.
                let stdin = io::stdin();
                let mut session = Session::new(seed);
                for line in stdin.lock().lines().map_while(Result::ok) {
                    print!("{}", session.input(&line).text());
                }
                Ok(())
            }
        }
        [cmd, file] if cmd == "run" => run_file(seed, file),
        [cmd, rest @ ..] if cmd == "serve" => match serve::Options::parse(seed, rest) {
            Ok(opts) => serve::run(opts),
            Err(e) => {
                eprintln!("kubarium: {e}\n{}", usage());
                return ExitCode::from(2);
            }
        },
        [h] if h == "-h" || h == "--help" || h == "help" => {
            print!("{}", usage());
            Ok(())
        }
        _ => {
            eprint!("{}", usage());
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kubarium: {e}");
            ExitCode::from(1)
        }
    }
}

fn atty_stdin() -> bool {
    use std::io::IsTerminal;
    io::stdin().is_terminal()
}
