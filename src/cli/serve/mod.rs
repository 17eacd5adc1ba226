//! `corsform serve`: reads and checks the policy, opens the socket, and runs
//! [`server`] on a small tokio runtime; [`watch`] reloads the policy when
//! asked, [`upstream`] forwards actual requests. What each request gets is
//! decided by the pure [`crate::serve::handle`].

mod live;
mod page_listener;
mod server;
mod upstream;
mod watch;

use super::args::ServeArgs;
use super::read::read_valid_policy;
use super::{CliError, Outcome};
use live::Live;
use std::sync::Arc;
use std::time::Duration;

pub fn run(args: ServeArgs, quiet: bool) -> Result<Outcome, CliError> {
    let path = super::policy_path::one(args.policy.as_deref())?;
    let Some((file, policy)) = read_valid_policy(&path, "serve")? else {
        return Ok(Outcome::Failed);
    };
    let policy = super::env::choose(policy, args.env.as_deref(), "serve")?;
    if let Some(t) = args.target {
        crate::render::check(&policy, t).map_err(CliError::Render)?;
    }
    let backend = args
        .upstream
        .as_deref()
        .map(upstream::HttpUpstream::new)
        .transpose()
        .map_err(CliError::Serve)?
        .map(Arc::new);
    let listener = std::net::TcpListener::bind(&args.listen)
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| CliError::Serve(format!("cannot listen on {}: {e}", args.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::Serve(e.to_string()))?;
    // The try-it origin (issue 32): a second listener for the page alone,
    // unless the page is off because a route answers there.
    let shadowed = crate::serve::page::shadowed_by(&crate::answer::Deployment::new(policy.clone()));
    let page = match shadowed {
        Some(_) => None,
        None => Some(page_listener::open(
            args.page_listen.as_deref(),
            addr,
            &policy,
        )?),
    };
    // Two workers serve many connections; the upstream client's blocking calls
    // get their own bounded pool.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(upstream::BLOCKING_THREADS)
        .enable_all()
        .build()
        .map_err(|e| CliError::Serve(format!("cannot start the server: {e}")))?;
    let live = Arc::new(Live::new(crate::answer::Deployment::new(policy.clone())));
    let limits = server::Limits {
        max_connections: args.max_connections as usize,
        head_timeout: Duration::from_secs(args.head_timeout),
        max_head_bytes: 16 * 1024,
    };
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| CliError::Serve(format!("cannot listen on {addr}: {e}")))?;
        // The first line names the address: tests and the browser harness read
        // the port from it, so it is printed even under --quiet.
        eprintln!(
            "corsform serve: {} ({}) on http://{addr}",
            file.name, policy.api.name
        );
        // The matrix page (issue 32), or why there is none.
        match &shadowed {
            None => eprintln!(
                "corsform serve: matrix page on http://{addr}{}",
                crate::serve::page::PATH
            ),
            Some(route) => eprintln!(
                "corsform serve: no matrix page: the policy's route {route} answers under /__corsform, and the page never shadows a route"
            ),
        }
        let mut try_url = None;
        if let Some(p) = page {
            let url = format!("http://{}{}", p.host, crate::serve::page::PATH);
            eprintln!(
                "corsform serve: try-it page on {url} (its origin, http://{}, sends the try-it requests)",
                p.host
            );
            let listener = tokio::net::TcpListener::from_std(p.listener)
                .map_err(|e| CliError::Serve(format!("cannot listen on {}: {e}", p.host)))?;
            let page_state = Arc::new(server::State {
                live: Arc::clone(&live),
                backend: None,
                quiet,
                policy_name: file.name.clone(),
                environment: args.env.clone(),
                try_url: None,
                page_origin: Some(server::PageOrigin {
                    api_port: addr.port(),
                    fallback_host: p.host.clone(),
                }),
            });
            tokio::spawn(server::serve(listener, page_state, limits));
            try_url = Some(url);
        }
        if args.watch {
            tokio::spawn(watch::watch(
                path.clone(),
                args.target,
                args.env.clone(),
                file.text.clone(),
                Arc::clone(&live),
            ));
        }
        let state = Arc::new(server::State {
            live,
            backend,
            quiet,
            policy_name: file.name.clone(),
            environment: args.env.clone(),
            try_url,
            page_origin: None,
        });
        server::serve(listener, state, limits).await;
        Ok(Outcome::Success)
    })
}
