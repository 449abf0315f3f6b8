//! The `sync-server` binary: reads the config, starts logging, binds, and hands over to the library.
//!
//! Owns only process concerns: arguments, exit codes, signals. Everything else is in `sync_server`.

use std::process::ExitCode;

use sync_server::Config;

const USAGE: &str = "\
usage: sync-server
       sync-server admin create --email EMAIL --name NAME [--force]

Runs the EduPlatform server. Configured by environment variables:
  EDU_DATABASE_URL     sqlite://data/edu.db | sqlite::memory: | postgres://user:pass@host:port/db
  EDU_BIND             127.0.0.1:8080
  EDU_LOG_FORMAT       pretty | json
  EDU_LOG              info,sqlx=warn (a tracing filter)
  EDU_STATIC_DIR       dist (the built web client)
  EDU_DEMO_DATA        false | true (demo courses in an empty catalog, and demo accounts)
  EDU_DEV_MODE         false | true (development only: the dev mailbox at /dev/mailbox)
  EDU_PUBLIC_URL       http://<EDU_BIND> (where users reach the app: links in mail, the origin
                       CSRF checks accept, Secure cookies when https)
  EDU_TRUSTED_PROXIES  (none) comma-separated proxy IPs whose X-Forwarded-For is believed
  EDU_METRICS_BIND     unset | 127.0.0.1:9090 (a separate listener serving only GET /metrics;
                       unset: no metrics are served)
  EDU_SMTP_URL         unset | smtp://user:pass@host:587 | smtps://user:pass@host:465
                       (unset: mail goes to the log and, in dev mode, the dev mailbox)
  EDU_MAIL_FROM        EduPlatform <no-reply@localhost>

`admin create` makes a verified admin account in EDU_DATABASE_URL, or promotes the account that
already has EMAIL if its address is verified (its password unchanged). An account whose address
was never verified is refused (anyone could have registered it): `--force` takes it (or any
existing account) over: a new password, verified, admin, every session and mailed link ended.
The password of a new or taken-over account is read from EDU_ADMIN_PASSWORD or, if that is unset,
from the first line of standard input; never from the command line. Exit codes: 0 done, 1 refused
or failed, 2 bad usage.
";

fn main() -> ExitCode {
    // Room for subcommands (`sync-server admin ...`); no argument runs the server.
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => run_server(),
        Some("admin") => admin(&args[1..]),
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

/// `sync-server admin create --email E --name N`.
fn admin(args: &[String]) -> ExitCode {
    let usage = |message: &str| {
        eprintln!("error: {message}\n\n{USAGE}");
        ExitCode::from(2)
    };
    let Some((command, flags)) = args.split_first() else {
        return usage("admin needs a command: create");
    };
    if command != "create" {
        return usage(&format!("unknown admin command {command:?}"));
    }
    let mut email = None;
    let mut name = None;
    let mut force = false;
    let mut rest = flags.iter();
    while let Some(flag) = rest.next() {
        if flag == "--force" {
            force = true;
            continue;
        }
        let (flag, inline) = match flag.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_owned())),
            None => (flag.as_str(), None),
        };
        let slot =
            match flag {
                "--email" => &mut email,
                "--name" => &mut name,
                "--password" => return usage(
                    "passwords are never taken from the command line (other users can read it); \
                     pipe it on standard input or set EDU_ADMIN_PASSWORD",
                ),
                other => return usage(&format!("unknown option {other:?}")),
            };
        match inline.or_else(|| rest.next().cloned()) {
            Some(value) => *slot = Some(value),
            None => return usage(&format!("{flag} needs a value")),
        }
    }
    let Some(email) = email else {
        return usage("--email is required");
    };
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => return fail(e),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => return fail(format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(admin_create(&config, &email, name.as_deref(), force))
}

async fn admin_create(config: &Config, email: &str, name: Option<&str>, force: bool) -> ExitCode {
    use sync_server::identity::admin::{self, AdminOutcome};

    if let Err(e) = admin::normalise_email(email) {
        return fail(e);
    }
    let db = match sync_server::Db::connect(&config.database.url).await {
        Ok(db) => db,
        Err(e) => return fail(e),
    };
    let outcome = async {
        let found = admin::existing(&db, email).await?;
        if found.is_none() && name.is_none() {
            return Ok(Err("--name is required to create an account".to_owned()));
        }
        let password = if admin::needs_password(found.as_ref(), force) {
            match read_admin_password() {
                Ok(password) => Some(password),
                Err(message) => return Ok(Err(message)),
            }
        } else {
            None
        };
        let passwords = sync_server::identity::PasswordHasher::new(1).await?;
        let name = name.unwrap_or_default();
        admin::create_admin(&db, &passwords, email, name, password.as_deref(), force)
            .await
            .map(Ok)
    }
    .await;
    db.close().await;
    match outcome {
        Ok(Ok(AdminOutcome::Created { id })) => {
            println!("created admin {email} (id {id}), verified; they can sign in now");
            ExitCode::SUCCESS
        }
        Ok(Ok(AdminOutcome::Promoted { id })) => {
            println!(
                "promoted the existing verified account {email} (id {id}) to admin; its password \
                 is unchanged"
            );
            ExitCode::SUCCESS
        }
        Ok(Ok(AdminOutcome::AlreadyAdmin { id })) => {
            println!("{email} (id {id}) is already an admin; nothing changed");
            ExitCode::SUCCESS
        }
        Ok(Ok(AdminOutcome::TakenOver { id, sessions_ended })) => {
            println!(
                "took over the existing account {email} (id {id}): new password set, address \
                 verified, made admin; {sessions_ended} session(s) and every mailed link ended"
            );
            ExitCode::SUCCESS
        }
        Ok(Ok(AdminOutcome::RefusedUnverified { id })) => fail(format!(
            "{email} already has an account (id {id}) whose address was never verified, so \
             anyone could have registered it; nothing changed. To make it an admin anyway, run \
             again with --force: it gets a new password from standard input, and its sessions and \
             mailed links end"
        )),
        Ok(Err(message)) => fail(message),
        Err(e) => fail(sync_server::describe(&e)),
    }
}

/// The new admin's password: `EDU_ADMIN_PASSWORD`, else the first line of standard input.
fn read_admin_password() -> Result<String, String> {
    if let Some(password) = std::env::var("EDU_ADMIN_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
    {
        return Ok(password);
    }
    use std::io::{BufRead, IsTerminal};
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        // No echo control without a terminal library: say so rather than surprise.
        eprint!(
            "Password for the new admin (shown as typed; or pipe it / set EDU_ADMIN_PASSWORD): "
        );
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        return Err(
            "no password given: pipe it on standard input or set EDU_ADMIN_PASSWORD".to_owned(),
        );
    }
    Ok(password)
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
