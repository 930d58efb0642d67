//! API errors as data, shaped like metav1.Status (code, reason, message, causes).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    NotFound,
    AlreadyExists,
    Conflict,
    Invalid,
    Forbidden,
    BadRequest,
    MethodNotAllowed,
    InternalError,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// One field error, printed like Kubernetes' field.Error (`spec.containers[0].image: Required value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub detail: String,
}

impl FieldError {
    pub fn required(field: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            detail: "Required value".into(),
        }
    }

    pub fn invalid(field: impl Into<String>, value: &str, why: &str) -> Self {
        FieldError {
            field: field.into(),
            detail: format!("Invalid value: \"{value}\": {why}"),
        }
    }

    pub fn unsupported(field: impl Into<String>, value: &str, supported: &[&str]) -> Self {
        let list = supported
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ");
        FieldError {
            field: field.into(),
            detail: format!("Unsupported value: \"{value}\": supported values: {list}"),
        }
    }

    pub fn duplicate(field: impl Into<String>, value: &str) -> Self {
        FieldError {
            field: field.into(),
            detail: format!("Duplicate value: \"{value}\""),
        }
    }

    pub fn forbidden(field: impl Into<String>, why: &str) -> Self {
        FieldError {
            field: field.into(),
            detail: format!("Forbidden: {why}"),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.detail)
    }
}

/// An error the API server returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub reason: Reason,
    pub message: String,
    /// For `Invalid`: the kind and name, and each field error.
    pub causes: Vec<FieldError>,
    pub kind: String,
    pub name: String,
}

impl ApiError {
    pub fn new(reason: Reason, message: impl Into<String>) -> Self {
        ApiError {
            reason,
            message: message.into(),
            causes: vec![],
            kind: String::new(),
            name: String::new(),
        }
    }

    pub fn not_found(group_resource: &str, name: &str) -> Self {
        Self::new(
            Reason::NotFound,
            format!("{group_resource} \"{name}\" not found"),
        )
    }

    pub fn already_exists(group_resource: &str, name: &str) -> Self {
        Self::new(
            Reason::AlreadyExists,
            format!("{group_resource} \"{name}\" already exists"),
        )
    }

    pub fn conflict(group_resource: &str, name: &str) -> Self {
        Self::new(
            Reason::Conflict,
            format!(
                "Operation cannot be fulfilled on {group_resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
            ),
        )
    }

    pub fn forbidden(group_resource: &str, name: &str, why: &str) -> Self {
        Self::new(
            Reason::Forbidden,
            format!("{group_resource} \"{name}\" is forbidden: {why}"),
        )
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(Reason::BadRequest, message)
    }

    pub fn invalid(kind: &str, name: &str, causes: Vec<FieldError>) -> Self {
        let list = causes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let message = if causes.len() == 1 {
            format!("{kind} \"{name}\" is invalid: {list}")
        } else {
            format!("{kind} \"{name}\" is invalid: [{list}]")
        };
        ApiError {
            reason: Reason::Invalid,
            message,
            causes,
            kind: kind.into(),
            name: name.into(),
        }
    }

    /// The text kubectl prints for this error.
    pub fn kubectl_message(&self) -> String {
        match self.reason {
            Reason::Invalid if !self.causes.is_empty() => {
                if self.causes.len() == 1 {
                    format!(
                        "The {} \"{}\" is invalid: {}",
                        self.kind, self.name, self.causes[0]
                    )
                } else {
                    let mut s = format!("The {} \"{}\" is invalid: ", self.kind, self.name);
                    for c in &self.causes {
                        s.push_str(&format!("\n* {c}"));
                    }
                    s
                }
            }
            r => format!("Error from server ({r}): {}", self.message),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl FieldError {
    /// Replaces the detail text (for messages with their own wording).
    pub fn with_detail(mut self, detail: &str) -> Self {
        self.detail = detail.to_string();
        self
    }
}
