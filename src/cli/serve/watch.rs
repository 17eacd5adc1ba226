//! `serve --watch`: the policy file is read again every half second; when its
//! text changes and the new text is a valid policy, serve answers with it from
//! the next request on. A bad edit keeps the last good policy and prints why
//! (the diagnostics, as `lint` shows them), once per distinct bad text.
//! Polling the content (not only the mtime) also catches an editor's
//! write-and-rename and edits within one mtime tick.

use super::live::Live;
use crate::cli::read::{check_policy, read_policy};
use crate::diagnostic::{has_errors, render};
use crate::render::Target;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

const POLL: Duration = Duration::from_millis(500);
/// A changed file is read again after this, and used only if both reads
/// agree: an editor's save in progress is not reported as a broken policy.
const SETTLE: Duration = Duration::from_millis(100);

/// Watch `path`, whose text `initial` is being served, until the process ends.
pub async fn watch(
    path: PathBuf,
    target: Option<Target>,
    env: Option<String>,
    initial: String,
    live: Arc<Live>,
) {
    let mut seen = initial;
    let mut last_read_error: Option<String> = None;
    let mut interval = tokio::time::interval(POLL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let file = match read_policy(&path) {
            Ok(f) => f,
            Err(e) => {
                // An editor's save can remove the file for a moment; say so once.
                let msg = e.to_string();
                if last_read_error.as_deref() != Some(&msg) {
                    eprintln!("corsform serve: {msg}; keeping the last good policy");
                    last_read_error = Some(msg);
                }
                continue;
            }
        };
        last_read_error = None;
        if file.text == seen {
            continue;
        }
        tokio::time::sleep(SETTLE).await;
        if !read_policy(&path).is_ok_and(|again| again.text == file.text) {
            continue;
        }
        seen = file.text.clone();
        // Checked as at start, with its `[api] openapi` document (read again).
        let checked = match check_policy(&path) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("corsform serve: {e}; keeping the last good policy");
                continue;
            }
        };
        let document = match checked.document.transpose() {
            Ok(d) => d,
            Err(e) => {
                eprintln!("corsform serve: {e}; keeping the last good policy");
                continue;
            }
        };
        let doc_errors = document.as_ref().is_some_and(|(_, d)| has_errors(d));
        let Some(policy) = checked.policy.filter(|_| !doc_errors) else {
            eprint!("{}", render::human(&file, &checked.diags));
            if let Some((doc, diags)) = &document {
                eprint!("{}", render::human(doc, diags));
            }
            eprintln!(
                "corsform serve: {} has errors; keeping the last good policy",
                file.name
            );
            continue;
        };
        // The same --env as at start: an edit never switches environments.
        let policy = match crate::cli::env::choose(policy, env.as_deref(), "serve") {
            Ok(p) => p,
            Err(e) => {
                eprintln!(
                    "corsform serve: {}: {e}; keeping the last good policy",
                    file.name
                );
                continue;
            }
        };
        if let Some(t) = target
            && let Err(e) = crate::render::check(&policy, t)
        {
            eprintln!(
                "corsform serve: {}: {e}; keeping the last good policy",
                file.name
            );
            continue;
        }
        let name = policy.api.name.clone();
        live.set(crate::answer::Deployment::new(policy));
        eprintln!("corsform serve: reloaded {} ({name})", file.name);
    }
}
