//! Named backends as plans carry them (docs/design.md "Named backends"): one input
//! per `[backends]` entry, with a boolean per type so templates branch on
//! `b.is_lambda`, never on a string. Shared by the REST and HTTP API plans.

use crate::model::{BackendType, Policy};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackendInput {
    /// `[a-z][a-z0-9_]{0,39}`; templates name inputs after it
    /// (`backend_<name>_invoke_arn`).
    pub name: String,
    pub is_lambda: bool,
    pub is_http: bool,
}

/// The policy's backends, in name order; empty without `[backends]`.
pub fn inputs(policy: &Policy) -> Vec<BackendInput> {
    policy
        .backends
        .iter()
        .map(|b| BackendInput {
            name: b.name.clone(),
            is_lambda: b.backend_type == BackendType::Lambda,
            is_http: b.backend_type == BackendType::Http,
        })
        .collect()
}
