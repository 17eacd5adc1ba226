//! Named backends (docs/design.md "Named backends"): each is its own input of the
//! generated code, so one API can route `/orders` to one function and
//! `/catalog` to an HTTP service. A policy without `[backends]` has none and
//! keeps today's single backend input.

use serde::Serialize;

/// How API Gateway reaches a backend: both are proxy integrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendType {
    Lambda,
    Http,
}

impl BackendType {
    pub fn name(self) -> &'static str {
        match self {
            BackendType::Lambda => "lambda",
            BackendType::Http => "http",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Backend {
    /// `[a-z][a-z0-9_]{0,39}`: usable as it is in a Terraform variable name.
    pub name: String,
    pub backend_type: BackendType,
}
