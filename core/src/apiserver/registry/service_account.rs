//! ServiceAccount strategy: names only (tokens come from the TokenRequest API).

use k8s_openapi::api::core::v1::ServiceAccount;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::Strategy;

impl Strategy for ServiceAccount {
    fn validate(&self) -> Vec<FieldError> {
        vec![]
    }
}
