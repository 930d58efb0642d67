//! `kubectl completion SHELL`: a bash completion script (Kubarium's own) that completes
//! kubectl's commands, resource types, object names and namespaces by asking kubectl;
//! `source <(kubectl completion bash)` loads it, `complete -o default -F __start_kubectl k`
//! lends it to an alias. The other shells kubectl knows are not supported yet.

use super::flags::Parsed;
use super::{fail, not_supported, COMMANDS};
use crate::command::CmdResult;

pub fn run(p: &Parsed) -> CmdResult {
    let usage = "\nSee 'kubectl completion -h' for help and examples";
    match p.positional.as_slice() {
        [] => fail(format!("error: Shell not specified.{usage}")),
        [shell] if shell == "bash" => {
            // The commands a learner types, sorted: cobra's help, not the alpha group.
            let mut names: Vec<&str> = COMMANDS.iter().copied().filter(|c| *c != "alpha").collect();
            names.push("help");
            crate::sort::sort(&mut names);
            match crate::tools::completion_bash(&names.join(" ")) {
                Some(script) => CmdResult::ok(script),
                None => crate::tools::unavailable("kubectl completion"),
            }
        }
        [shell] if matches!(shell.as_str(), "zsh" | "fish" | "powershell") => {
            not_supported(&format!("completion {shell}"))
        }
        [shell] => fail(format!("error: Unsupported shell type \"{shell}\".{usage}")),
        _ => fail(format!(
            "error: Too many arguments. Expected only the shell type.{usage}"
        )),
    }
}
