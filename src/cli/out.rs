//! Everything the commands print goes through here, for two reasons:
//! colour, and closed pipes.
//!
//! Colour: text is written through anstream, which passes ANSI styling to a
//! terminal and strips it from pipes and files, and honours `NO_COLOR` and
//! `CLICOLOR_FORCE` (the conventions at no-color.org and bixense.com/clicolors);
//! clap uses the same crate for help and usage errors.
//!
//! Closed pipes: `corsform lint | head` closes stdout early. `print!` would
//! panic (exit 101); here the rest of the output is dropped and the command
//! ends with its usual exit code. Any other write failure (a full disk behind
//! `> file`) is kept and reported by [`failure`], exit 2: output cut short
//! must not pass for complete.

use std::io::{ErrorKind, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Print to stdout, like `print!`.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::out::stdout(&format!($($arg)*)) };
}
/// Print a line to stdout, like `println!`.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::cli::out::stdout(&format!("{}\n", format_args!($($arg)*))) };
}
/// Print to stderr, like `eprint!`.
macro_rules! err {
    ($($arg:tt)*) => { $crate::cli::out::stderr(&format!($($arg)*)) };
}
/// Print a line to stderr, like `eprintln!`.
macro_rules! errln {
    ($($arg:tt)*) => { $crate::cli::out::stderr(&format!("{}\n", format_args!($($arg)*))) };
}

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);
static FAILURE: Mutex<Option<String>> = Mutex::new(None);

pub fn stdout(s: &str) {
    // Text without an escape byte has nothing to strip: written as it is.
    // (A 2 MB matrix page spent half its time in the stripping parser.)
    if !s.as_bytes().contains(&0x1b) {
        return write(&mut std::io::stdout().lock(), s, &STDOUT_CLOSED, "stdout");
    }
    write(&mut anstream::stdout().lock(), s, &STDOUT_CLOSED, "stdout");
}

pub fn stderr(s: &str) {
    write(&mut anstream::stderr().lock(), s, &STDERR_CLOSED, "stderr");
}

fn write(w: &mut impl Write, s: &str, closed: &AtomicBool, name: &str) {
    if closed.load(Ordering::Relaxed) {
        return;
    }
    if let Err(e) = w.write_all(s.as_bytes()).and_then(|()| w.flush()) {
        closed.store(true, Ordering::Relaxed);
        if e.kind() != ErrorKind::BrokenPipe {
            let mut f = FAILURE.lock().unwrap_or_else(|p| p.into_inner());
            f.get_or_insert_with(|| format!("cannot write to {name}: {e}"));
        }
    }
}

/// A write that failed for another reason than a closed pipe.
pub fn failure() -> Option<String> {
    FAILURE.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// `error: ...` in cargo's style: bold red on a terminal.
pub fn error_line(message: &str) -> String {
    format!("\x1b[1;31merror\x1b[0m\x1b[1m:\x1b[0m {message}\n")
}

/// `help: ...`, bold cyan on a terminal like annotate-snippets' help lines.
pub fn help_line(message: &str) -> String {
    format!("\x1b[1;36mhelp\x1b[0m\x1b[1m:\x1b[0m {message}\n")
}

/// A safety net for code that still uses `print!`: a panic caused by a
/// closed pipe ends the process as a pipe's writer conventionally ends
/// (status 141, 128 + SIGPIPE), without a panic message.
pub fn quiet_broken_pipe_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.starts_with("failed printing to std") && msg.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
