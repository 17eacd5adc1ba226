//! A short, stable hash of a plan's content. CloudFormation only creates a new
//! API Gateway deployment when the Deployment resource's logical ID changes (the
//! trick CDK and SAM use), so the REST Deployment's logical ID carries this hash
//! of everything that defines the API. FNV-1a 64: no dependency, the same bytes
//! on every platform, and collisions only matter between two versions of one API.
//!
//! The plan's JSON is fed to the hash as serde_json writes it, never held in
//! memory: on a 20,000-route API that JSON is tens of megabytes.

use serde::Serialize;
use std::io;

pub fn of<T: Serialize>(value: &T) -> String {
    let mut h = Fnv1a(0xcbf2_9ce4_8422_2325);
    // Writing to Fnv1a cannot fail; a plan that does not serialize is a bug.
    serde_json::to_writer(&mut h, value).expect("plans serialize");
    format!("{:016x}", h.0)[..10].to_string()
}

/// FNV-1a 64 over every byte written.
struct Fnv1a(u64);

impl io::Write for Fnv1a {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut h = self.0;
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn stable_and_sensitive() {
        assert_eq!(super::of(&["a", "b"]), super::of(&["a", "b"]));
        assert_ne!(super::of(&["a", "b"]), super::of(&["a", "c"]));
        assert_eq!(super::of(&"x").len(), 10);
    }

    /// The streamed hash is FNV-1a of the JSON text, so existing deployments'
    /// logical IDs do not change: `["a","b"]` hashed byte by byte here.
    #[test]
    fn equals_the_hash_of_the_json_text() {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in br#"["a","b"]"# {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        assert_eq!(super::of(&["a", "b"]), format!("{h:016x}")[..10]);
    }
}
