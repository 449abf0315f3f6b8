//! The `sync-server` binary: reads the config, starts logging, binds, and hands over to the library.
//!
//! Owns only process concerns: arguments, exit codes, signals. Everything else is in `sync_server`.

use std::process::ExitCode;

use sync_server::Config;

const USAGE: &str = "\
usage: sync-server

Runs the EduPlatform server. Configured by environment variables:
  EDU_DATABASE_URL  sqlite://data/edu.db | sqlite::memory: | postgres://user:pass@host:port/db
  EDU_BIND          127.0.0.1:8080
  EDU_LOG_FORMAT    pretty | json
  EDU_LOG           info,sqlx=warn (a tracing filter)
  EDU_STATIC_DIR    dist (the built web client)
  EDU_DEMO_DATA     false | true (load demo courses into an empty catalog)
  EDU_DEV_MODE      false | true (development only: the dev mailbox at /dev/mailbox)
  EDU_PUBLIC_URL    http://<EDU_BIND> (where users reach the app, for links in mail)
  EDU_SMTP_URL      unset | smtp://user:pass@host:587 | smtps://user:pass@host:465
                    (unset: mail goes to the log and, in dev mode, the dev mailbox)
  EDU_MAIL_FROM     EduPlatform <no-reply@localhost>
";

fn main() -> ExitCode {
    // Room for subcommands (`sync-server admin ...`); no argument runs the server.
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => run_server(),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("error: unknown command {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
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
        let listener = match tokio::net::TcpListener::bind(config.bind).await {
            Ok(listener) => listener,
            Err(e) => return fail(format!("EDU_BIND: cannot listen on {}: {e}", config.bind)),
        };
        match sync_server::serve(config, listener, shutdown_signal()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(e),
        }
    })
}

/// One line on stderr, exit code 1: what an operator sees for any start-up problem.
fn fail(error: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(1)
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
