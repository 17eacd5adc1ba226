//! A short, stable hash of a plan's content. CloudFormation only creates a new
//! API Gateway deployment when the Deployment resource's logical ID changes (the
//! trick CDK and SAM use), so the REST Deployment's logical ID carries this hash
//! of everything that defines the API. FNV-1a 64: no dependency, the same bytes
//! on every platform, and collisions only matter between two versions of one API.

use serde::Serialize;

pub fn of<T: Serialize>(value: &T) -> String {
    let bytes = serde_json::to_vec(value).expect("plans serialize");
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")[..10].to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn stable_and_sensitive() {
        assert_eq!(super::of(&["a", "b"]), super::of(&["a", "b"]));
        assert_ne!(super::of(&["a", "b"]), super::of(&["a", "c"]));
        assert_eq!(super::of(&"x").len(), 10);
    }
}
