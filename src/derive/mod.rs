//! Stage 3: from the target-neutral model to what API Gateway must be told.
//! Each plan is plain data (serializable, no formatting): the renderers of every
//! IaC language read the same plan, so Terraform, SAM and CloudFormation cannot
//! disagree about a header, a route or an authorizer.

pub mod backends;
pub mod content_hash;
pub mod cors_layer;
pub mod environments;
pub mod header;
pub mod http_api;
pub mod ids;
pub mod lambda;
pub mod rest_api;
pub mod services;
pub mod vtl;
pub mod wiring;

pub use http_api::HttpApiPlan;
pub use rest_api::RestApiPlan;
