//! The one snapshot mechanism of the integration tests (golden, schema,
//! probe): a committed file compared byte for byte (only line endings
//! normalised; no wildcards) with what corsform produces, through snapbox.
//! `SNAPSHOTS=overwrite cargo test --test <name>` rewrites the committed file
//! instead of failing; review the diff before committing.

use snapbox::assert::Action;
use snapbox::data::DataFormat;
use snapbox::{Assert, Data};
use std::path::Path;

/// snapbox's switch: `SNAPSHOTS=overwrite` (or `ignore`, `skip`).
const ENV: &str = "SNAPSHOTS";

fn assert() -> Assert {
    Assert::new().action_env(ENV).normalize_paths(false)
}

/// Whether this run rewrites snapshots rather than checking them.
#[allow(dead_code)] // Not every test binary removes stale snapshots.
pub fn overwriting() -> bool {
    assert().selected_action() == Action::Overwrite
}

/// `actual` must equal the file at `path` (under `SNAPSHOTS=overwrite`: the
/// file is written, parents created). The error holds a diff and the hint.
pub fn check(path: &Path, actual: &str) -> Result<(), String> {
    let expected = Data::read_from(path, Some(DataFormat::Text)).raw();
    assert()
        .try_eq(
            Some(&"actual"),
            Data::text(actual.to_string()).raw(),
            expected,
        )
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// [`check`], panicking with its message.
#[allow(dead_code)] // Not every test binary asserts one file at a time.
#[track_caller]
pub fn assert_file(path: &Path, actual: &str) {
    if let Err(e) = check(path, actual) {
        panic!("{e}");
    }
}
