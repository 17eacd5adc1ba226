//! `Target`: a handle on one entry of the target registry
//! ([`super::registry`]), usable as a `--target` value. It carries no match
//! over targets: everything about a target is in its registry entry.

use super::registry::{self, TargetSpec};
use clap::ValueEnum;
use clap::builder::PossibleValue;
use std::fmt;

#[derive(Clone, Copy)]
pub struct Target(pub(super) &'static TargetSpec);

impl Target {
    /// Every target, in registry order.
    pub const ALL: &'static [Target] = registry::ALL;

    pub fn name(self) -> &'static str {
        self.0.name
    }

    pub fn spec(self) -> &'static TargetSpec {
        self.0
    }

    /// The target named `name` (`--target` spelling).
    pub fn named(name: &str) -> Option<Target> {
        registry::ALL.iter().copied().find(|t| t.name() == name)
    }

    fn index(self) -> usize {
        registry::ALL
            .iter()
            .position(|t| std::ptr::eq(t.0, self.0))
            .unwrap_or(usize::MAX)
    }
}

impl PartialEq for Target {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Target {}

impl std::hash::Hash for Target {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name().hash(state);
    }
}

impl PartialOrd for Target {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Registry order.
impl Ord for Target {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.index().cmp(&other.index())
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({})", self.name())
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl ValueEnum for Target {
    fn value_variants<'a>() -> &'a [Self] {
        registry::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()).help(self.0.help))
    }
}
