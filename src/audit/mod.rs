//! `audit`: judge the CORS of Terraform, CloudFormation, SAM and OpenAPI files
//! corsform did not write. Parsers that keep positions ([`yaml`], [`hcl`])
//! give one [`doc::Node`] tree; recognisers turn every API Gateway API found
//! into one neutral [`model`]; [`rules`] judge that model with the browser
//! model ([`crate::browser`]) and the policy validator, and report
//! [`crate::diagnostic::Diagnostic`]s at the construct at fault.

pub mod doc;
pub mod hcl;
pub mod yaml;
