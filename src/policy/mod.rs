//! Stage 1 of the pipeline: the policy file as written. [`raw`] holds the serde
//! types (every value keeps its byte span), [`load`] turns text into them while
//! collecting syntax, type and unknown-key diagnostics, and [`schema`] produces
//! the JSON Schema from the same types, so the schema, the loader and the
//! "did you mean" list can never disagree about which keys exist.

pub mod keys;
pub mod load;
pub mod raw;
pub mod schema;
pub mod spanned;

pub use load::{Loaded, load};
pub use spanned::Sp;
