//! Go templates as `kubectl get -o go-template=...` runs them (text/template over the
//! object decoded from JSON, with kubectl's `exists` and `base64decode`), and kubectl's
//! report when a template fails to run. Lives here, not in the core, so the browser loads
//! it after the first paint.

pub mod exec;
pub mod fmt;
pub mod parse;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What printing with a template came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// The text the template printed.
    Printed(String),
    /// The template does not parse: Go's message (`template: output:1: ...`).
    Unparsable(String),
    /// The template failed while running: what kubectl printed on standard output (the
    /// partial output and its debugging report) and its error line, without `error: `.
    Failed { stdout: String, error: String },
}

/// Runs `template` over `data` as kubectl's template printer does; with
/// `allow_missing` false a missing map key is an error (`missingkey=error`).
pub fn kubectl_print(template: &str, data: &Value, allow_missing: bool) -> Outcome {
    let tree = match parse::parse(template, exec::FUNCS) {
        Ok(t) => t,
        Err(e) => return Outcome::Unparsable(e),
    };
    match exec::execute(&tree, data, !allow_missing) {
        Ok(text) => Outcome::Printed(text),
        Err((printed, error)) => {
            let stdout = format!(
                "{printed}Error executing template: {error}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{template}\n\traw data was:\n\t\t{}\n\tobject given to template engine was:\n\t\t{}\n\n",
                fmt::marshal(data),
                fmt::json_v(data)
            );
            Outcome::Failed {
                stdout,
                error: format!("error executing template {}: {error}", fmt::quote(template)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(t: &str, data: &Value) -> String {
        match kubectl_print(t, data, true) {
            Outcome::Printed(s) => s,
            Outcome::Unparsable(e) => format!("PARSE {e}"),
            Outcome::Failed { error, .. } => format!("EXEC {error}"),
        }
    }

    #[test]
    fn fields_ranges_and_functions() {
        let d = json!({"items": [{"metadata": {"name": "a", "labels": {"x": "1"}}, "n": 3},
                                  {"metadata": {"name": "b"}, "n": 1.5}], "kind": "List"});
        assert_eq!(
            run("{{range .items}}{{.metadata.name}} {{.n}}\n{{end}}", &d),
            "a 3\nb 1.5\n"
        );
        assert_eq!(
            run(
                "{{range $i, $e := .items}}{{$i}}={{$e.metadata.name}};{{end}}",
                &d
            ),
            "0=a;1=b;"
        );
        assert_eq!(
            run("{{.nope}} {{.nope.deeper}}", &d),
            "<no value> <no value>"
        );
        assert_eq!(
            run("{{with index .items 0}}{{.metadata.labels.x}}{{end}}", &d),
            "1"
        );
        assert_eq!(
            run("{{if eq .kind \"List\"}}yes{{else}}no{{end}}", &d),
            "yes"
        );
        assert_eq!(run("{{- \"a\" -}}  \n  {{ \"b\" }}", &d), "ab");
        assert_eq!(run("x {{/* c */}} y", &d), "x  y");
        assert_eq!(run("{{\"aGk=\" | base64decode}}", &d), "hi");
        assert_eq!(run("{{print 1 2 \"a\" \"b\" 3}}", &d), "1 2ab3");
        assert_eq!(run("{{1000000.0}} {{1.5}}", &d), "1e+06 1.5");
        assert_eq!(
            run(
                "{{(index .items 0).metadata.name}} {{if gt (len .items) 1}}many{{end}}",
                &d
            ),
            "a many"
        );
        assert_eq!(
            run("{{range .items}}{{if .n}}{{break}}{{end}}{{end}}done", &d),
            "done"
        );
    }

    #[test]
    fn deep_templates_end_in_errors() {
        let d = json!({});
        let deep = format!("{{{{{}1{}}}}}", "(".repeat(5000), ")".repeat(5000));
        assert!(run(&deep, &d).starts_with("PARSE"));
        let recursive = "{{define \"a\"}}{{template \"a\" .}}{{end}}{{template \"a\" .}}";
        assert!(run(recursive, &d).contains("exceeded maximum template depth"));
    }

    #[test]
    fn errors_read_as_go_reports_them() {
        let d = json!({"metadata": {"name": "n"}});
        assert_eq!(
            run("{{.metadata.name", &d),
            "PARSE template: output:1: unclosed action"
        );
        assert_eq!(
            run("{{.foo}", &d),
            "PARSE template: output:1: bad character U+007D '}'"
        );
        assert_eq!(
            run("{{end}}", &d),
            "PARSE template: output:1: unexpected {{end}}"
        );
        assert_eq!(
            run("{{if .x}}", &d),
            "PARSE template: output:1: unexpected EOF"
        );
        assert_eq!(
            run("{{foo .x}}", &d),
            "PARSE template: output:1: function \"foo\" not defined"
        );
        assert_eq!(
            run("A{{.metadata.name.x}}", &d),
            "EXEC error executing template \"A{{.metadata.name.x}}\": template: output:1:12: executing \"output\" at <.metadata.name.x>: can't evaluate field x in type interface {}"
        );
        assert_eq!(
            run("{{.x | len}}", &d),
            "EXEC error executing template \"{{.x | len}}\": template: output:1:7: executing \"output\" at <len>: error calling len: reflect: call of reflect.Value.Type on zero Value"
        );
    }
}
