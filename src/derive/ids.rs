//! Stable, readable identifiers for generated resources. Names come from the
//! route (`get_items_id`); if two routes slug to the same name (`/a-b` and
//! `/a_b`), later ones get `_2`, `_3`, ... in policy order, so output stays
//! deterministic.

use std::collections::HashSet;

#[derive(Default)]
pub struct IdAllocator {
    used: HashSet<String>,
}

impl IdAllocator {
    pub fn take(&mut self, base: &str) -> String {
        let mut candidate = base.to_string();
        let mut n = 2;
        while !self.used.insert(candidate.clone()) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collisions_get_numbered_in_order() {
        let mut ids = IdAllocator::default();
        assert_eq!(ids.take("get_a_b"), "get_a_b");
        assert_eq!(ids.take("get_a_b"), "get_a_b_2");
        assert_eq!(ids.take("get_a_b"), "get_a_b_3");
        assert_eq!(ids.take("post_a_b"), "post_a_b");
    }
}
