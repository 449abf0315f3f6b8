//! The `sync-server` binary: parses the command line, then serves or runs the admin command.
//!
//! Owns only process concerns: arguments (`cli`), exit codes, signals. Everything else is in
//! `sync_server`.

mod cli;

use std::process::ExitCode;

use cli::{fail, Action};
use sync_server::Config;

fn main() -> ExitCode {
    match cli::parse() {
        Ok(Action::Serve) => run_server(),
        Ok(Action::AdminCreate { email, name, force }) => {
            cli::admin_create(&email, name.as_deref(), force)
        }
        Ok(Action::CourseImport {
            dir,
            teacher,
            publish,
        }) => cli::course_import(&dir, &teacher, publish),
        Ok(Action::Backup { to }) => cli::backup(&to),
        Ok(Action::Restore { from, force }) => cli::restore(&from, force),
        Ok(Action::Doctor { to }) => cli::doctor(to.as_deref()),
        Err(code) => code,
    }
}

fn run_server() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => return fail(e),
    };
    sync_server::telemetry::init(&config);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => return fail(format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(async {
        let shutdown = shutdown_signal();
        let listener = match tokio::net::TcpListener::bind(config.http.bind).await {
            Ok(listener) => listener,
            Err(e) => {
                return fail(format!(
                    "EDU_BIND: cannot listen on {}: {e}",
                    config.http.bind
                ))
            }
        };
        match sync_server::serve(config, listener, shutdown).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(e),
        }
    })
}

/// Completes on Ctrl-C or SIGTERM (what `docker stop` and orchestrators send).
///
/// The handlers are installed when this is called, not when the future is first polled: a signal
/// that arrived before then would meet the default action and kill the process mid-request (a test
/// that sent SIGTERM right after a first answer saw exactly that, once). Call it inside the runtime.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait = |stream: Option<tokio::signal::unix::Signal>| async move {
                match stream {
                    Some(mut stream) => {
                        stream.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let (interrupt, terminate) = signals;
            tokio::select! {
                () = wait(interrupt) => {},
                () = wait(terminate) => {},
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}
