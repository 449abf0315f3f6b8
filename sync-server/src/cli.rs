//! The command line of the `sync-server` binary (clap): no arguments serve, `admin create` makes an
//! admin, `backup` / `restore` copy the SQLite database out and back. Exit codes: 0 done, 1 refused or failed (one `error: ` line on stderr), 2 bad usage.
//!
//! Owns arguments, usage text and the admin command's messages. Never serves requests, and never
//! takes a password from the command line (other users can read it).

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, Subcommand};
use sync_server::Config;

/// What `admin create` does, for `sync-server --help` and `sync-server admin create --help`.
macro_rules! admin_create_about {
    () => {
        "\
`admin create` makes a verified admin account in EDU_DATABASE_URL, or promotes the account that
already has EMAIL if its address is verified (its password unchanged). An account whose address
was never verified is refused (anyone could have registered it): `--force` takes it (or any
existing account) over: a new password, verified, admin, every session and mailed link ended.
The password of a new or taken-over account is read from EDU_ADMIN_PASSWORD or, if that is unset,
from the first line of standard input; never from the command line. Exit codes: 0 done, 1 refused
or failed, 2 bad usage."
    };
}

/// Shown after `--help`: the configuration and what `admin create` does.
const AFTER_HELP: &str = concat!(
    "\
Configured by environment variables:
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
  EDU_SHUTDOWN_GRACE_SECS  8 (after SIGTERM: open connections answered, work in flight finished)

",
    admin_create_about!()
);

#[derive(Debug, Parser)]
#[command(
    name = "sync-server",
    about = "Runs the EduPlatform server (no command), or administers its accounts.",
    after_help = AFTER_HELP,
    disable_version_flag = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Administer accounts from the server's machine.
    Admin {
        #[command(subcommand)]
        command: Option<AdminCommand>,
    },
    /// Manage courses from the server's machine.
    Course {
        #[command(subcommand)]
        command: Option<CourseCommand>,
    },
    /// Copy the SQLite database to FILE while the server runs (PostgreSQL: checks the database
    /// answers and prints the pg_dump command). Uploaded media (EDU_MEDIA_DIR) are not in it.
    Backup {
        #[arg(long, value_name = "FILE")]
        to: std::path::PathBuf,
    },
    /// Put the rows of a backup made by `backup` into the SQLite database (PostgreSQL: prints the
    /// pg_restore command). Refuses a database that holds data unless --force.
    Restore {
        #[arg(long, value_name = "FILE")]
        from: std::path::PathBuf,
        /// Replace the data of a database that holds some.
        #[arg(long)]
        force: bool,
    },
    /// Check the configuration, the database (reachable, schema version), mail (the SMTP server
    /// answers; a test mail with --to) and free disk for SQLite and media, one line each. Changes
    /// nothing; exit code 1 if anything fails.
    Doctor {
        /// Also send a test mail to this address.
        #[arg(long, value_name = "EMAIL")]
        to: Option<String>,
    },
    #[command(external_subcommand)]
    Unknown(Vec<String>),
}

#[derive(Debug, Subcommand)]
enum CourseCommand {
    /// Import a course from a folder in the mdBook layout (book.toml, src/SUMMARY.md or chNN-
    /// files, Markdown lessons) as a draft of the teacher's, or published with --publish.
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// The book's folder.
    #[arg(value_name = "DIR")]
    dir: std::path::PathBuf,
    /// The email address of the teacher (or admin) who will own the course.
    #[arg(long, value_name = "EMAIL")]
    teacher: String,
    /// Publish the course at once instead of leaving it a draft.
    #[arg(long)]
    publish: bool,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Make a verified admin account, or promote a verified one.
    #[command(long_about = admin_create_about!())]
    Create(CreateArgs),
    #[command(external_subcommand)]
    Unknown(Vec<String>),
}

#[derive(Debug, clap::Args)]
struct CreateArgs {
    /// The admin's email address.
    #[arg(long, value_name = "EMAIL")]
    email: Option<String>,
    /// The display name of a new account.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Take over an existing account even if its address was never verified.
    #[arg(long)]
    force: bool,
    /// Refused: see the note on passwords.
    #[arg(long, hide = true, num_args = 0..=1, allow_hyphen_values = true)]
    password: Option<Option<String>>,
}

/// What the command line asks for.
pub enum Action {
    Serve,
    AdminCreate {
        email: String,
        name: Option<String>,
        force: bool,
    },
    CourseImport {
        dir: std::path::PathBuf,
        teacher: String,
        publish: bool,
    },
    Backup {
        to: std::path::PathBuf,
    },
    Restore {
        from: std::path::PathBuf,
        force: bool,
    },
    Doctor {
        to: Option<String>,
    },
}

/// Parses the process's arguments; `Err` is the exit code once help or a usage error is printed.
pub fn parse() -> Result<Action, ExitCode> {
    parse_from(std::env::args_os())
}

fn parse_from<I, T>(args: I) -> Result<Action, ExitCode>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = Cli::try_parse_from(args).map_err(|e| exit(&e))?;
    let usage = |path: &[&str], message: String| Err(usage_error(path, message));
    match cli.command {
        None => Ok(Action::Serve),
        Some(Command::Backup { to }) => Ok(Action::Backup { to }),
        Some(Command::Restore { from, force }) => Ok(Action::Restore { from, force }),
        Some(Command::Doctor { to }) => Ok(Action::Doctor { to }),
        Some(Command::Unknown(words)) => usage(
            &[],
            format!(
                "unknown command {:?}",
                words.first().map(String::as_str).unwrap_or_default()
            ),
        ),
        Some(Command::Course { command: None }) => {
            usage(&["course"], "course needs a command: import".into())
        }
        Some(Command::Course {
            command: Some(CourseCommand::Import(args)),
        }) => Ok(Action::CourseImport {
            dir: args.dir,
            teacher: args.teacher,
            publish: args.publish,
        }),
        Some(Command::Admin { command: None }) => {
            usage(&["admin"], "admin needs a command: create".into())
        }
        Some(Command::Admin {
            command: Some(AdminCommand::Unknown(words)),
        }) => usage(
            &["admin"],
            format!(
                "unknown admin command {:?}",
                words.first().map(String::as_str).unwrap_or_default()
            ),
        ),
        Some(Command::Admin {
            command: Some(AdminCommand::Create(args)),
        }) => {
            if args.password.is_some() {
                return usage(
                    &["admin", "create"],
                    "passwords are never taken from the command line (other users can read it); \
                     pipe it on standard input or set EDU_ADMIN_PASSWORD"
                        .into(),
                );
            }
            let Some(email) = args.email else {
                return usage(&["admin", "create"], "--email is required".into());
            };
            Ok(Action::AdminCreate {
                email,
                name: args.name,
                force: args.force,
            })
        }
    }
}

/// A usage error of the (sub)command at `path`, shown with that command's usage line; exit code 2.
fn usage_error(path: &[&str], message: String) -> ExitCode {
    let mut command = Cli::command();
    command.build();
    exit(&error_at(&mut command, path, message))
}

fn error_at(command: &mut clap::Command, path: &[&str], message: String) -> clap::Error {
    if let Some((name, rest)) = path.split_first() {
        if let Some(sub) = command.find_subcommand_mut(name) {
            return error_at(sub, rest, message);
        }
    }
    command.error(ErrorKind::InvalidValue, message)
}

/// Prints a clap error or help where clap puts it and gives its exit code (2 for bad usage).
fn exit(error: &clap::Error) -> ExitCode {
    // Printing to a closed stdout or stderr leaves nothing better to do than exit.
    let _ = error.print();
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
}

/// `sync-server admin create`: reads the config, then makes or promotes the admin.
pub fn admin_create(email: &str, name: Option<&str>, force: bool) -> ExitCode {
    match config_and_runtime() {
        Ok((config, runtime)) => runtime.block_on(create_admin(&config, email, name, force)),
        Err(code) => code,
    }
}

/// The config from the environment and a runtime to run a command on; `Err` after saying why not.
fn config_and_runtime() -> Result<(Config, tokio::runtime::Runtime), ExitCode> {
    let config = Config::from_env().map_err(fail)?;
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| fail(format!("cannot start the async runtime: {e}")))?;
    Ok((config, runtime))
}

async fn create_admin(config: &Config, email: &str, name: Option<&str>, force: bool) -> ExitCode {
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

/// `sync-server course import DIR --teacher EMAIL [--publish]`: prints the new course's id and
/// what happened to every file.
pub fn course_import(dir: &std::path::Path, teacher: &str, publish: bool) -> ExitCode {
    use sync_server::catalog::import::{self, BookFiles, ImportOptions};

    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => return fail(e),
    };
    let book = match BookFiles::from_dir(dir) {
        Ok(book) => book,
        Err(e) => return fail(sync_server::describe(&e)),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => return fail(format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(async {
        let db = match sync_server::Db::connect(&config.database.url).await {
            Ok(db) => db,
            Err(e) => return fail(e),
        };
        let options = ImportOptions {
            publish,
            dry_run: false,
        };
        let outcome = async {
            let teacher = import::teacher_by_email(&db, teacher).await?;
            let store = sync_server::content::media::LocalMediaDir::open(&config.media.dir)
                .await
                .map_err(|e| {
                    sync_server::Error::Internal(format!(
                        "EDU_MEDIA_DIR {}: {e}",
                        config.media.dir.display()
                    ))
                })?;
            let images = import::ImageStore {
                store: &store,
                max_bytes: config.media.max_bytes,
            };
            import::import_course(&db, &teacher, &book, options, images).await
        }
        .await;
        db.close().await;
        match outcome {
            Ok(report) => {
                let id = report
                    .course_id
                    .map(|id| id.to_string())
                    .unwrap_or_default();
                let state = if publish { "published" } else { "draft" };
                println!("imported {:?} as course {id} ({state})", report.title);
                for file in &report.files {
                    let note = file.message.as_deref().unwrap_or("");
                    println!("  {:<9} {} {note}", file.outcome.code(), file.path);
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(sync_server::describe(&e)),
        }
    })
}

/// Reads the config and runs `work` on a fresh runtime; a failure is one line and exit code 1.
fn with_config<F, Fut>(work: F) -> ExitCode
where
    F: FnOnce(Config) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let (config, runtime) = match config_and_runtime() {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    match runtime.block_on(work(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(message),
    }
}

const MEDIA_NOTE: &str = "uploaded images are files under EDU_MEDIA_DIR, not in the database: \
                          copy that directory with the backup (its files never change once written)";

/// For PostgreSQL, `backup` and `restore` check the database answers and print the command that
/// does the work (pg_dump, pg_restore); exit code 1, since nothing was backed up or restored.
async fn postgres_only_prints(config: &Config, task: &str, command: &str) -> Result<(), String> {
    let url = &config.database.url;
    let version = sync_server::backup::postgres_schema_version(url)
        .await
        .map_err(|e| e.to_string())?;
    println!("{url} answers (schema version {version}); {task} with:");
    println!("  {command}");
    println!("{MEDIA_NOTE}: {}", config.media.dir.display());
    Err(format!(
        "this command does not do that for PostgreSQL itself: run the {} command above",
        command.split(' ').next().unwrap_or_default()
    ))
}

/// `sync-server doctor [--to EMAIL]`: one line per finding; exit code 1 if any check fails.
pub fn doctor(to: Option<&str>) -> ExitCode {
    use sync_server::doctor::{examine, Status};
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            println!("FAIL  configuration: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => return fail(format!("cannot start the async runtime: {e}")),
    };
    let findings = runtime.block_on(examine(&config, to));
    for finding in &findings {
        println!("{finding}");
    }
    if findings.iter().any(|f| f.status == Status::Fail) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `sync-server backup --to FILE`.
pub fn backup(to: &std::path::Path) -> ExitCode {
    use sync_server::backup;
    use sync_server::config::Backend;
    with_config(|config| async move {
        let url = &config.database.url;
        match url.backend() {
            Backend::Sqlite => {
                let report = backup::backup_sqlite(url, to)
                    .await
                    .map_err(|e| e.to_string())?;
                println!(
                    "backed up {url} (schema version {}) to {} ({} bytes)",
                    report.schema_version,
                    to.display(),
                    report.bytes
                );
                println!("{MEDIA_NOTE}: {}", config.media.dir.display());
                Ok(())
            }
            Backend::Postgres => {
                let command = format!("pg_dump --format=custom --file {} '{url}'", to.display());
                postgres_only_prints(&config, "back it up", &command).await
            }
        }
    })
}

/// `sync-server restore --from FILE [--force]`.
pub fn restore(from: &std::path::Path, force: bool) -> ExitCode {
    use sync_server::backup;
    use sync_server::config::Backend;
    with_config(|config| async move {
        let url = &config.database.url;
        match url.backend() {
            Backend::Sqlite => {
                let report = backup::restore_sqlite(url, from, force)
                    .await
                    .map_err(|e| e.to_string())?;
                let rows: i64 = report.rows.iter().map(|(_, n)| n).sum();
                println!(
                    "restored {rows} rows in {} tables from {} into {url} (schema version {}); \
                     restart a server that was running on it",
                    report.rows.len(),
                    from.display(),
                    report.schema_version
                );
                println!("{MEDIA_NOTE}: {}", config.media.dir.display());
                Ok(())
            }
            Backend::Postgres => {
                let command = format!(
                    "pg_restore --clean --if-exists --no-owner --dbname '{url}' {}",
                    from.display()
                );
                postgres_only_prints(&config, "restore a pg_dump file", &command).await
            }
        }
    })
}

/// One line on stderr, exit code 1: what an operator sees for any start-up problem.
pub fn fail(error: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn admin_create_takes_values_after_a_space_or_an_equals_sign() {
        let spaced = [
            "sync-server",
            "admin",
            "create",
            "--email",
            "a@b.org",
            "--force",
        ];
        let joined = [
            "sync-server",
            "admin",
            "create",
            "--email=a@b.org",
            "--name=A",
        ];
        assert!(matches!(
            parse_from(spaced),
            Ok(Action::AdminCreate { email, name: None, force: true }) if email == "a@b.org"
        ));
        assert!(matches!(
            parse_from(joined),
            Ok(Action::AdminCreate { email, name: Some(name), force: false })
                if email == "a@b.org" && name == "A"
        ));
        assert!(matches!(parse_from(["sync-server"]), Ok(Action::Serve)));
    }
}
