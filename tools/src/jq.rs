//! `jq FILTER [FILE...]`, as jq 1.6 prints and exits, with the jq language from the jaq
//! crates: -r, -j, -c, -n, -s, -e, -S, -R, --tab, --indent, --arg, --argjson. Filters that
//! would read the host (`env`, `now`, local time, `debug` to the real stderr) are left out.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{data, unwrap_valr, Compiler, Ctx, Vars};
use jaq_json::{read, write, Val};

use crate::command::{CmdResult, Output};
use crate::io::Io;

/// Filters that would read or write the host rather than the node.
const HOST_FILTERS: &[&str] = &[
    "env",
    "now",
    "localtime",
    "strflocaltime",
    "halt",
    "debug_empty",
    "stderr_empty",
    "input",
    "inputs",
];

/// Definitions built on those filters.
const HOST_DEFS: &[&str] = &["stderr", "debug", "halt", "halt_error"];

/// Outputs one run may print (an endless generator stops here).
const MAX_OUTPUTS: usize = 100_000;

const USAGE: &str = "Usage:\tjq [OPTIONS] FILTER [FILES...]\n\tjq [OPTIONS] --args FILTER [ARGUMENTS...]\n\tjq [OPTIONS] --jsonargs FILTER [JSON_VALUES...]\n\njq is a tool for processing JSON inputs, applying the given filter to\nits JSON text inputs and producing the filter's results as JSON on\nstandard output.\n\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://stedolan.github.io/jq\n";

#[derive(Default)]
struct Opts {
    raw: bool,
    join: bool,
    compact: bool,
    null_input: bool,
    slurp: bool,
    exit_status: bool,
    sort_keys: bool,
    raw_input: bool,
    indent: Option<String>,
    vars: Vec<(String, Val)>,
}

pub fn run(args: &[String], io: &mut Io) -> CmdResult {
    let mut o = Opts::default();
    let mut filter: Option<String> = None;
    let mut files: Vec<String> = vec![];
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if filter.is_some() && !a.starts_with('-') || a == "-" {
            files.push(a.clone());
            continue;
        }
        if !a.starts_with('-') || a.len() == 1 {
            filter = Some(a.clone());
            continue;
        }
        match a.as_str() {
            "--raw-output" => o.raw = true,
            "--join-output" => (o.raw, o.join) = (true, true),
            "--compact-output" => o.compact = true,
            "--null-input" => o.null_input = true,
            "--slurp" => o.slurp = true,
            "--exit-status" => o.exit_status = true,
            "--sort-keys" => o.sort_keys = true,
            "--raw-input" => o.raw_input = true,
            "--tab" => o.indent = Some("\t".into()),
            "--color-output" | "--monochrome-output" | "--ascii-output" | "--unbuffered" => {}
            "--indent" => {
                let n: usize = match args.get(i).and_then(|n| n.parse().ok()) {
                    Some(n) if n <= 7 => n,
                    _ => {
                        return CmdResult::fail(
                            "jq: Cannot indent more than 7 characters\n".to_string() + USAGE,
                            2,
                        )
                    }
                };
                i += 1;
                o.indent = Some(" ".repeat(n));
            }
            "--arg" | "--argjson" => {
                let (Some(name), Some(value)) = (args.get(i), args.get(i + 1)) else {
                    return CmdResult::fail(
                        format!("jq: {a} takes two parameters (e.g. {a} varname value)\n{USAGE}"),
                        2,
                    );
                };
                i += 2;
                let v = if a == "--arg" {
                    Val::from(value.clone())
                } else {
                    match read::parse_single(value.as_bytes()) {
                        Ok(v) => v,
                        Err(_) => {
                            return CmdResult::fail(
                                format!("jq: Invalid JSON text passed to --argjson\n{USAGE}"),
                                2,
                            )
                        }
                    }
                };
                o.vars.push((format!("${name}"), v));
            }
            long if long.starts_with("--") => {
                return CmdResult::fail(format!("jq: Unknown option: {long}\n{USAGE}"), 2)
            }
            short => {
                for c in short.chars().skip(1) {
                    match c {
                        'r' => o.raw = true,
                        'j' => (o.raw, o.join) = (true, true),
                        'c' => o.compact = true,
                        'n' => o.null_input = true,
                        's' => o.slurp = true,
                        'e' => o.exit_status = true,
                        'S' => o.sort_keys = true,
                        'R' => o.raw_input = true,
                        'C' | 'M' | 'a' => {}
                        _ => {
                            return CmdResult::fail(
                                format!("jq: Unknown option: {short}\n{USAGE}"),
                                2,
                            )
                        }
                    }
                }
            }
        }
    }
    let Some(filter) = filter else {
        return CmdResult::fail(USAGE, 2);
    };
    let text = match io.inputs("jq", &files) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let inputs = match parse_inputs(&text, &o) {
        Ok(v) => v,
        Err(e) => return CmdResult::fail(e, 2),
    };
    execute(&filter, inputs, &o, text.lines().count())
}

/// The values the filter runs on: JSON texts, raw lines, slurped or not.
fn parse_inputs(text: &str, o: &Opts) -> Result<Vec<Val>, String> {
    let values: Vec<Val> = if o.raw_input {
        if o.slurp {
            vec![Val::from(text.to_string())]
        } else {
            text.lines().map(|l| Val::from(l.to_string())).collect()
        }
    } else {
        let mut vs = vec![];
        for v in read::parse_many(text.as_bytes()) {
            match v {
                Ok(v) => vs.push(v),
                Err(e) => return Err(format!("parse error: {e}\n")),
            }
        }
        if o.slurp {
            vec![vs.into_iter().collect()]
        } else {
            vs
        }
    };
    Ok(if o.null_input {
        vec![Val::Null]
    } else {
        values
    })
}

/// Runs the filter on each input; `lines` is where jq's reader stands when it reports a
/// runtime error (the end of the input, for the one document people pipe in).
fn execute(code: &str, inputs: Vec<Val>, o: &Opts, lines: usize) -> CmdResult {
    let mut out = Output::default();
    let defs = jaq_core::defs()
        .chain(jaq_std::defs().filter(|d| !HOST_DEFS.contains(&d.name)))
        .chain(jaq_json::defs());
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs())
        .filter(|(name, _, _)| !HOST_FILTERS.contains(name));
    let loader = Loader::new(defs);
    let arena = Arena::default();
    // jq names each error with the filter's text, then counts them.
    let compile_error = |details: Vec<String>| {
        let mut text: String = details
            .iter()
            .map(|d| format!("jq: error: {d} at <top-level>, line 1:\n{code}\n"))
            .collect();
        let n = details.len();
        text.push_str(&format!(
            "jq: {n} compile error{}\n",
            if n == 1 { "" } else { "s" }
        ));
        CmdResult::fail(text, 3)
    };
    let modules = match loader.load(&arena, File { code, path: () }) {
        Ok(m) => m,
        Err(errs) => {
            let details = errs
                .iter()
                .map(|(_, e)| format!("syntax error, {}", describe_load_error(e)))
                .collect();
            return compile_error(details);
        }
    };
    let names: Vec<&str> = o.vars.iter().map(|(n, _)| n.as_str()).collect();
    let filter = match Compiler::default()
        .with_funs(funs)
        .with_global_vars(names.iter().copied())
        .compile(modules)
    {
        Ok(f) => f,
        Err(errs) => {
            let details = errs
                .iter()
                .flat_map(|(_, es)| es.iter())
                .map(|(name, undefined)| match undefined {
                    jaq_core::compile::Undefined::Filter(arity) => {
                        format!("{name}/{arity} is not defined")
                    }
                    _ => format!("{name} is not defined"),
                })
                .collect();
            return compile_error(details);
        }
    };
    let indent = if o.compact {
        None
    } else {
        Some(o.indent.clone().unwrap_or_else(|| "  ".into()))
    };
    let pp = write::Pp {
        indent,
        sort_keys: o.sort_keys,
        sep_space: !o.compact,
        ..Default::default()
    };
    let mut last: Option<Val> = None;
    let mut printed = 0usize;
    let mut code = 0;
    for input in inputs {
        let vars = Vars::new(o.vars.iter().map(|(_, v)| v.clone()));
        let ctx = Ctx::<data::JustLut<Val>>::new(&filter.lut, vars);
        for result in filter.id.run((ctx, input)).map(unwrap_valr) {
            match result {
                Ok(v) => {
                    out.out(render(&v, o, &pp));
                    last = Some(v);
                    printed += 1;
                    if printed >= MAX_OUTPUTS {
                        out.err(format!(
                            "jq: Kubarium stopped after {MAX_OUTPUTS} outputs\n"
                        ));
                        return CmdResult {
                            output: out,
                            code: 5,
                        };
                    }
                }
                Err(e) => {
                    out.err(format!("jq: error (at <stdin>:{lines}): {e}\n"));
                    code = 5;
                    break;
                }
            }
        }
    }
    if code == 0 && o.exit_status {
        code = match &last {
            None => 4,
            Some(Val::Null) | Some(Val::Bool(false)) => 1,
            Some(_) => 0,
        };
    }
    CmdResult { output: out, code }
}

/// One output as jq prints it: JSON (pretty or compact), or a raw string with -r.
fn render(v: &Val, o: &Opts, pp: &write::Pp) -> String {
    let mut text = match v {
        Val::TStr(s) | Val::BStr(s) if o.raw => String::from_utf8_lossy(s).into_owned(),
        _ => {
            let mut buf = Vec::new();
            if write::write(&mut buf, pp, 0, v).is_err() {
                return String::new();
            }
            String::from_utf8_lossy(&buf).into_owned()
        }
    };
    if !o.join {
        text.push('\n');
    }
    text
}

fn describe_load_error(e: &jaq_core::load::Error<&str>) -> String {
    use jaq_core::load::Error;
    match e {
        Error::Io(errs) => errs
            .iter()
            .map(|(path, msg)| format!("{path}: {msg}"))
            .collect::<Vec<_>>()
            .join(", "),
        Error::Lex(errs) => errs
            .iter()
            .map(|(expect, at)| format!("expected {} at {at:?}", expect.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
        Error::Parse(errs) => errs
            .iter()
            .map(|(expect, at)| format!("expected {} at {at:?}", expect.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
    }
}
