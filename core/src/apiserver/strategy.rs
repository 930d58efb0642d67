//! What differs between kinds on the request path: defaults, validation, update rules and
//! graceful deletion (the shape of pkg/registry/*/strategy.go).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::errors::FieldError;
use super::request::User;
use super::validation;
use crate::clock::Millis;
use crate::rng::Rng;
use crate::store::Store;

/// What a strategy may read or draw on while defaulting.
pub struct Ctx<'a> {
    /// The requesting user, when the request names one.
    pub user: Option<&'a User>,
    pub now: Millis,
    pub rng: &'a mut Rng,
    pub store: &'a Store,
}

pub trait Strategy:
    Serialize + DeserializeOwned + Clone + PartialEq + k8s_openapi::Metadata<Ty = ObjectMeta> + 'static
{
    /// Whether `metadata.generation` is kept (kinds whose spec the user changes).
    const HAS_GENERATION: bool = false;

    /// How names of this kind are validated.
    fn validate_name(name: &str) -> Vec<String> {
        validation::dns1123_subdomain(name)
    }

    /// Sets defaults and the initial status of a new object.
    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {}

    /// Last touches that need the object's uid (a Job's generated selector).
    fn finish_create(&mut self) {}

    /// Kind-specific validation of the whole object.
    fn validate(&self) -> Vec<FieldError>;

    /// Carries over what a main-resource update may not change (usually the status) and
    /// returns errors for forbidden changes.
    fn prepare_for_update(&mut self, _old: &Self) -> Vec<FieldError> {
        vec![]
    }

    /// Carries over the spec on a status update.
    fn prepare_for_status_update(&mut self, _old: &Self) {}

    /// The fields (dotted paths in the stored JSON) whose change bumps `generation`.
    const GENERATION_FIELDS: &'static [&'static str] = &[];

    /// The grace period a delete gets, given what the client asked for. (Kinds that
    /// override this, `blocks_deletion` or `mark_terminating` are listed in the API
    /// server's delete.)
    fn grace_period(&self, _requested: Option<i64>) -> i64 {
        0
    }

    /// A status update also writes the object's annotations (a Deployment's revision).
    const STATUS_SETS_ANNOTATIONS: bool = false;

    /// Whether something still has to happen before the object may go (finalizers).
    fn blocks_deletion(&self) -> bool {
        self.metadata()
            .finalizers
            .as_ref()
            .is_some_and(|f| !f.is_empty())
    }

    /// Marks the object as being deleted (beyond setting deletionTimestamp).
    fn mark_terminating(&mut self) {}
}

/// The methods of a kind with the usual spec/status split, inside its `impl Strategy`:
/// a status update keeps the spec, a spec change bumps the generation and, with
/// `keep_status`, a main-resource update keeps the status and changes nothing else.
macro_rules! spec_and_status {
    () => {
        fn prepare_for_status_update(&mut self, old: &Self) {
            self.spec = old.spec.clone();
        }

        const GENERATION_FIELDS: &'static [&'static str] = &["spec"];
    };
    (keep_status) => {
        fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
            self.status = old.status.clone();
            vec![]
        }

        spec_and_status!();
    };
}
pub(crate) use spec_and_status;
