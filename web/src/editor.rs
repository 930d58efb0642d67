//! The YAML panel's starting manifest and how it reports problems.

pub const EXAMPLE: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n    ports:\n    - containerPort: 80\n";

/// Turns an apply's error text into "line N, column M: ..." when the field can be found.
pub fn locate(text: &str, error: &str) -> Option<String> {
    let field = error.split("unknown field \"").nth(1)?.split('"').next()?;
    let (line, col) = kubarium_core::kubectl::manifest::locate_field(text, field)?;
    Some(format!(
        "line {line}, column {col}: unknown field \"{field}\""
    ))
}
