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
        let listener = match tokio::net::TcpListener::bind(config.http.bind).await {
            Ok(listener) => listener,
            Err(e) => {
                return fail(format!(
                    "EDU_BIND: cannot listen on {}: {e}",
                    config.http.bind
                ))
            }
        };
        match sync_server::serve(config, listener, shutdown_signal()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(e),
        }
    })
}

/// Completes on Ctrl-C or SIGTERM (what `docker stop` and orchestrators send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
