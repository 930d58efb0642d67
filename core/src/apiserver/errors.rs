//! API errors as data, shaped like metav1.Status (code, reason, message, causes).

use std::fmt;

use serde_json::{json, Map, Value};

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
    /// 410: a watch or continue token older than the compacted history.
    Expired,
    RequestEntityTooLarge,
    UnsupportedMediaType,
    NotAcceptable,
    /// 429: an eviction a disruption budget does not allow.
    TooManyRequests,
    /// 504: a request that did not complete in time.
    Timeout,
    /// 503: the server cannot serve now.
    ServiceUnavailable,
    /// 400 with no reason: a webhook's refusal.
    Unspecified,
}

impl Reason {
    /// The HTTP status code of a Status with this reason.
    pub fn code(self) -> u16 {
        match self {
            Reason::NotFound => 404,
            Reason::AlreadyExists | Reason::Conflict => 409,
            Reason::Invalid => 422,
            Reason::Forbidden => 403,
            Reason::BadRequest | Reason::Unspecified => 400,
            Reason::MethodNotAllowed => 405,
            Reason::InternalError => 500,
            Reason::Expired => 410,
            Reason::RequestEntityTooLarge => 413,
            Reason::UnsupportedMediaType => 415,
            Reason::NotAcceptable => 406,
            Reason::TooManyRequests => 429,
            Reason::Timeout => 504,
            Reason::ServiceUnavailable => 503,
        }
    }

    pub fn parse(s: &str) -> Reason {
        match s {
            "NotFound" => Reason::NotFound,
            "AlreadyExists" => Reason::AlreadyExists,
            "Conflict" => Reason::Conflict,
            "Invalid" => Reason::Invalid,
            "Forbidden" => Reason::Forbidden,
            "BadRequest" => Reason::BadRequest,
            "MethodNotAllowed" => Reason::MethodNotAllowed,
            "Expired" | "Gone" => Reason::Expired,
            "RequestEntityTooLarge" => Reason::RequestEntityTooLarge,
            "UnsupportedMediaType" => Reason::UnsupportedMediaType,
            "NotAcceptable" => Reason::NotAcceptable,
            "TooManyRequests" => Reason::TooManyRequests,
            "Timeout" => Reason::Timeout,
            "ServiceUnavailable" => Reason::ServiceUnavailable,
            "" => Reason::Unspecified,
            _ => Reason::InternalError,
        }
    }
}

impl Reason {
    /// How kubectl starts an error from the server: `Error from server (NotFound)`, or
    /// without a reason `Error from server`.
    pub fn from_server(self) -> String {
        match self {
            Reason::Unspecified => "Error from server".into(),
            r => format!("Error from server ({r})"),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Unspecified => Ok(()),
            r => fmt::Debug::fmt(r, f),
        }
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

    /// An invalid value printed as Go prints it unquoted (numbers, `%#v` of structs).
    pub fn invalid_raw(field: impl Into<String>, value: &str, why: &str) -> Self {
        FieldError {
            field: field.into(),
            detail: format!("Invalid value: {value}: {why}"),
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

    /// field.NotSupported when `value` is given and is not one of `supported`.
    pub fn one_of(
        field: impl Into<String>,
        value: Option<&str>,
        supported: &[&str],
    ) -> Option<Self> {
        let v = value?;
        (!supported.contains(&v)).then(|| Self::unsupported(field, v, supported))
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

    pub fn not_found(field: impl Into<String>, value: &str) -> Self {
        FieldError {
            field: field.into(),
            detail: format!("Not found: \"{value}\""),
        }
    }
}

impl FieldError {
    /// The cause type of a Status (`FieldValueRequired`, `FieldValueInvalid`, ...), read
    /// from how the detail starts, as field.ErrorType names them.
    pub fn cause_type(&self) -> &'static str {
        const TYPES: &[(&str, &str)] = &[
            ("Required value", "FieldValueRequired"),
            ("Invalid value", "FieldValueInvalid"),
            ("Unsupported value", "FieldValueNotSupported"),
            ("Duplicate value", "FieldValueDuplicate"),
            ("Forbidden", "FieldValueForbidden"),
            ("Too long", "FieldValueTooLong"),
            ("Too many", "FieldValueTooMany"),
            ("Not found", "FieldValueNotFound"),
        ];
        TYPES
            .iter()
            .find(|(prefix, _)| self.detail.starts_with(prefix))
            .map_or("InternalError", |(_, t)| t)
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
    pub details: Box<Details>,
}

/// What a Status's `details` say: the object (for `Invalid`, its kind; otherwise the
/// resource) and each cause.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Details {
    pub name: String,
    /// The API group, empty for the core group.
    pub group: String,
    pub kind: String,
    pub causes: Vec<Cause>,
}

/// One cause of a Status: a field error (`FieldValueRequired` on `spec.replicas`) or
/// another reason (an eviction's `DisruptionBudget`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    pub reason: String,
    pub message: String,
    /// Empty when the cause is not about a field.
    pub field: String,
}

impl From<FieldError> for Cause {
    fn from(e: FieldError) -> Self {
        Cause {
            reason: e.cause_type().to_string(),
            message: e.detail,
            field: e.field,
        }
    }
}

impl fmt::Display for Cause {
    /// As kubectl lists an invalid object's causes: `field: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl ApiError {
    pub fn new(reason: Reason, message: impl Into<String>) -> Self {
        ApiError {
            reason,
            message: message.into(),
            details: Box::default(),
        }
    }

    /// Fills the Status details from a `resource.group` name and an object name.
    pub fn about(mut self, group_resource: &str, name: &str) -> Self {
        let (resource, group) = group_resource
            .split_once('.')
            .unwrap_or((group_resource, ""));
        self.details.kind = resource.to_string();
        self.details.group = group.to_string();
        self.details.name = name.to_string();
        self
    }

    pub fn not_found(group_resource: &str, name: &str) -> Self {
        Self::new(
            Reason::NotFound,
            format!("{group_resource} \"{name}\" not found"),
        )
        .about(group_resource, name)
    }

    pub fn already_exists(group_resource: &str, name: &str) -> Self {
        Self::new(
            Reason::AlreadyExists,
            format!("{group_resource} \"{name}\" already exists"),
        )
        .about(group_resource, name)
    }

    pub fn conflict(group_resource: &str, name: &str) -> Self {
        Self::new(
            Reason::Conflict,
            format!(
                "Operation cannot be fulfilled on {group_resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
            ),
        )
        .about(group_resource, name)
    }

    pub fn forbidden(group_resource: &str, name: &str, why: &str) -> Self {
        Self::new(
            Reason::Forbidden,
            format!("{group_resource} \"{name}\" is forbidden: {why}"),
        )
        .about(group_resource, name)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(Reason::BadRequest, message)
    }

    /// An object of a core kind is invalid.
    pub fn invalid(kind: &str, name: &str, causes: Vec<FieldError>) -> Self {
        Self::invalid_in("", kind, name, causes)
    }

    /// An object of `group`'s `kind` is invalid: the message names the qualified kind
    /// (`Deployment.apps "web" is invalid: ...`), the details group and kind apart.
    pub fn invalid_in(group: &str, kind: &str, name: &str, causes: Vec<FieldError>) -> Self {
        let qualified = if group.is_empty() {
            kind.to_string()
        } else {
            format!("{kind}.{group}")
        };
        let list = causes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let message = if causes.len() == 1 {
            format!("{qualified} \"{name}\" is invalid: {list}")
        } else {
            format!("{qualified} \"{name}\" is invalid: [{list}]")
        };
        ApiError {
            reason: Reason::Invalid,
            message,
            details: Box::new(Details {
                name: name.into(),
                group: group.into(),
                kind: kind.into(),
                causes: causes.into_iter().map(Cause::from).collect(),
            }),
        }
    }

    /// An Invalid error about the request itself (no object), e.g. bad DeleteOptions.
    pub fn invalid_status(message: impl Into<String>) -> Self {
        Self::new(Reason::Invalid, message)
    }

    /// The HTTP status code.
    pub fn code(&self) -> u16 {
        self.reason.code()
    }

    /// The error as a `metav1.Status` object.
    pub fn to_status(&self) -> Value {
        let mut details = Map::new();
        if !self.details.name.is_empty() {
            details.insert("name".into(), Value::String(self.details.name.clone()));
        }
        if !self.details.group.is_empty() {
            details.insert("group".into(), Value::String(self.details.group.clone()));
        }
        if !self.details.kind.is_empty() {
            details.insert("kind".into(), Value::String(self.details.kind.clone()));
        }
        if !self.details.causes.is_empty() {
            let causes = self
                .details
                .causes
                .iter()
                .map(|c| {
                    let mut cause = json!({"reason": c.reason, "message": c.message});
                    if !c.field.is_empty() {
                        cause["field"] = json!(c.field);
                    }
                    cause
                })
                .collect();
            details.insert("causes".into(), Value::Array(causes));
        }
        let mut status = json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": self.message, "reason": self.reason.to_string(),
        });
        if self.reason == Reason::Unspecified {
            status.as_object_mut().map(|o| o.remove("reason"));
        }
        if !details.is_empty() {
            status["details"] = Value::Object(details);
        }
        status["code"] = json!(self.code());
        status
    }

    /// Reads an error back from a `metav1.Status`.
    pub fn from_status(status: &Value) -> Self {
        let str_at = |p: &str| {
            status
                .pointer(p)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let causes = status
            .pointer("/details/causes")
            .and_then(Value::as_array)
            .map(|cs| {
                cs.iter()
                    .map(|c| Cause {
                        reason: c["reason"].as_str().unwrap_or("").to_string(),
                        message: c["message"].as_str().unwrap_or("").to_string(),
                        field: c["field"].as_str().unwrap_or("").to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        ApiError {
            reason: Reason::parse(&str_at("/reason")),
            message: str_at("/message"),
            details: Box::new(Details {
                name: str_at("/details/name"),
                group: str_at("/details/group"),
                kind: str_at("/details/kind"),
                causes,
            }),
        }
    }

    /// The text kubectl prints for this error.
    pub fn kubectl_message(&self) -> String {
        match self.reason {
            Reason::Invalid if !self.details.causes.is_empty() => {
                let subject = if self.details.kind.is_empty() && self.details.name.is_empty() {
                    "The request".to_string()
                } else {
                    format!("The {} \"{}\"", self.details.kind, self.details.name)
                };
                if self.details.causes.len() == 1 {
                    format!("{subject} is invalid: {}", self.details.causes[0])
                } else {
                    let mut s = format!("{subject} is invalid: ");
                    for c in &self.details.causes {
                        s.push_str(&format!("\n* {c}"));
                    }
                    s
                }
            }
            r => format!("{}: {}", r.from_server(), self.message),
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
