//! Ingress strategy: the empty load-balancer status, and rules whose paths say how they
//! match and where they go.

use k8s_openapi::api::networking::v1::{Ingress, IngressBackend, IngressStatus};

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{spec_and_status, Ctx, Strategy};

const PATH_TYPES: &[&str] = &["Exact", "ImplementationSpecific", "Prefix"];

fn validate_backend(b: &IngressBackend, path: &str) -> Vec<FieldError> {
    match (&b.service, &b.resource) {
        (Some(_), Some(_)) => vec![FieldError::invalid(
            path,
            "",
            "cannot set both resource and service backends",
        )],
        (None, None) => vec![FieldError::invalid(
            path,
            "",
            "resource or service backend is required",
        )],
        (Some(s), None) => {
            let port = s.port.as_ref();
            match port.map(|p| (p.name.as_deref().unwrap_or(""), p.number)) {
                None | Some(("", None)) => {
                    vec![FieldError::required(format!("{path}.service.port"))
                        .with_detail("Required value: port name or number is required")]
                }
                Some((n, Some(_))) if !n.is_empty() => vec![FieldError::invalid(
                    format!("{path}.service.port"),
                    "",
                    "cannot set both port name & port number",
                )],
                _ => vec![],
            }
        }
        (None, Some(_)) => vec![],
    }
}

impl Strategy for Ingress {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        self.status = Some(IngressStatus {
            load_balancer: Some(Default::default()),
        });
    }

    fn validate(&self) -> Vec<FieldError> {
        let Some(spec) = &self.spec else {
            return vec![];
        };
        let mut errs = vec![];
        if let Some(b) = &spec.default_backend {
            errs.extend(validate_backend(b, "spec.defaultBackend"));
        }
        if spec.default_backend.is_none() && spec.rules.as_ref().is_none_or(|r| r.is_empty()) {
            errs.push(FieldError::invalid(
                "spec.rules",
                "[]",
                "either `defaultBackend` or `rules` must be specified",
            ));
        }
        for (i, rule) in spec.rules.iter().flatten().enumerate() {
            let Some(http) = &rule.http else { continue };
            for (j, p) in http.paths.iter().enumerate() {
                let at = format!("spec.rules[{i}].http.paths[{j}]");
                match p.path_type.as_str() {
                    "" => errs.push(
                        FieldError::required(format!("{at}.pathType"))
                            .with_detail("Required value: pathType must be specified"),
                    ),
                    t if !PATH_TYPES.contains(&t) => errs.push(FieldError::unsupported(
                        format!("{at}.pathType"),
                        t,
                        PATH_TYPES,
                    )),
                    "Exact" | "Prefix" => {
                        let path = p.path.as_deref().unwrap_or("");
                        if !path.starts_with('/') {
                            errs.push(FieldError::invalid(
                                format!("{at}.path"),
                                path,
                                "must be an absolute path",
                            ));
                        }
                    }
                    _ => {}
                }
                errs.extend(validate_backend(&p.backend, &format!("{at}.backend")));
            }
        }
        errs
    }

    spec_and_status!(keep_status);
}
