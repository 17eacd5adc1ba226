//! Every template, embedded in the binary at compile time by `build.rs`, named
//! by its path under `templates/` without `.tera`.

include!(concat!(env!("OUT_DIR"), "/templates.rs"));
