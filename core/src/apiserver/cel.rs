//! The CEL seam: ValidatingAdmissionPolicies check and evaluate their expressions through
//! a `CelEngine`: `kubarium-cel` when linked in (the `cel` feature, which every front end
//! enables), or one a front end installs.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;

/// What evaluates Kubernetes CEL expressions.
pub trait CelEngine {
    /// Whether `expr` compiles; the error is the compiler's message.
    fn check(&self, expr: &str) -> Result<(), String>;
    /// The value of `expr` with each member of `variables` (an object) bound by name.
    fn evaluate(&self, expr: &str, variables: &Value) -> Result<Value, String>;
}

thread_local! {
    static ENGINE: RefCell<Option<Rc<dyn CelEngine>>> = const { RefCell::new(None) };
}

/// Makes `engine` the one policies use from now on (on this thread).
pub fn install(engine: Rc<dyn CelEngine>) {
    ENGINE.with(|e| *e.borrow_mut() = Some(engine));
}

/// The engine in use: the installed one, else the linked-in evaluator.
fn engine() -> Option<Rc<dyn CelEngine>> {
    ENGINE.with(|e| e.borrow().clone()).or_else(linked)
}

#[cfg(feature = "cel")]
fn linked() -> Option<Rc<dyn CelEngine>> {
    struct Linked;
    impl CelEngine for Linked {
        fn check(&self, expr: &str) -> Result<(), String> {
            kubarium_cel::check(expr)
        }
        fn evaluate(&self, expr: &str, variables: &Value) -> Result<Value, String> {
            kubarium_cel::evaluate(expr, variables)
        }
    }
    Some(Rc::new(Linked))
}

#[cfg(not(feature = "cel"))]
fn linked() -> Option<Rc<dyn CelEngine>> {
    None
}

const UNAVAILABLE: &str = "the CEL evaluator is not loaded";

/// Checks an expression with the engine in use.
pub fn check(expr: &str) -> Result<(), String> {
    engine().ok_or(UNAVAILABLE.to_string())?.check(expr)
}

/// Evaluates an expression with the engine in use.
pub fn evaluate(expr: &str, variables: &Value) -> Result<Value, String> {
    engine()
        .ok_or(UNAVAILABLE.to_string())?
        .evaluate(expr, variables)
}
