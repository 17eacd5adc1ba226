//! What several integration tests share: `corsform serve` started on a free
//! port, stopped when dropped.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`, as serve's first stderr line names it.
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `corsform serve POLICY EXTRA...` run from `golden/` (so POLICY may be
/// relative to it), on a free port.
pub fn serve(policy: impl AsRef<Path>, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_corsform"))
        .arg("serve")
        .arg(policy.as_ref())
        .args(["--listen", "127.0.0.1:0"])
        .args(extra)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("golden"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    stderr.read_line(&mut line).unwrap();
    // Keep draining the request log so serve never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    let addr = line.trim().rsplit("http://").next().unwrap().to_string();
    Server { child, addr }
}
