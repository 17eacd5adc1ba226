//! Named environments (docs/design.md "Environments"): each is the whole policy
//! with its `[environments.NAME]` overrides applied, validated on its own, so
//! every target and the answer evaluation read an environment exactly as they
//! read a policy without environments.

use super::Policy;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Environment {
    /// `[a-z][a-z0-9]{0,39}`, as declared: CloudFormation Mappings keys are
    /// alphanumeric only (CloudFormation User Guide, "Mappings syntax").
    pub name: String,
    /// The policy as this environment sees it (its own `environments` is empty).
    pub policy: Policy,
}
