//! The `kefu` command line.

use std::{
    io::{BufRead, IsTerminal},
    path::PathBuf,
    process::ExitCode,
    sync::Arc,
};

use clap::{Parser, Subcommand};
use kefu_domain::clock::{Clock, SystemClock};
use kefu_persistence::{DatabaseUrl, auth::keys, backup};

use crate::{
    app,
    auth::tokens,
    config::{SETTINGS_HELP, Secret, Settings},
    server, telemetry,
};

/// kefu (客服): the customer-service backend of a real-estate group.
#[derive(Debug, Parser)]
#[command(name = "kefu", version, about, long_about = None)]
pub struct Cli {
    /// A settings file (TOML); `KEFU_*` environment variables override it. Default: ./kefu.toml if present.
    #[arg(long, global = true, env = "KEFU_CONFIG")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve the API (KEFU_LISTEN, default 127.0.0.1:8080).
    #[command(after_help = SETTINGS_HELP)]
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document (JSON) to standard output.
    Openapi,
    /// Create an administrator. The password comes from --password or, if absent, a prompt that
    /// does not echo (on a terminal) or the first line of standard input (keeps it out of the
    /// process list and shell history).
    CreateAdmin {
        /// The sign-in name.
        #[arg(long)]
        username: String,
        /// The password (at least 8 characters).
        #[arg(long)]
        password: Option<String>,
    },
    /// Copy the SQLite database, consistently and while kefu serves, to a new file; serve that
    /// file to restore. PostgreSQL: use pg_dump and pg_restore (see the README).
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        to: PathBuf,
    },
    /// Make a new access-token signing key. Tokens signed with the old key keep working until
    /// they expire; new tokens carry the new key id.
    RotateJwtKey,
}

/// Runs the command line; errors are one line on standard error.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kefu: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// Asks for the password twice without echoing it, as `passwd` does.
fn prompt_password(username: &str) -> anyhow::Result<Secret> {
    let first = rpassword::prompt_password(format!("Password for {username}: "))?;
    let again = rpassword::prompt_password("Again: ")?;
    anyhow::ensure!(first == again, "the two passwords differ");
    Ok(Secret::new(first))
}

fn one_line(e: &anyhow::Error) -> String {
    e.chain().map(ToString::to_string).collect::<Vec<_>>().join(": ").replace('\n', " ")
}

fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Openapi = cli.command {
        println!("{}", app::spec().to_pretty_json()?);
        return Ok(());
    }
    let settings = Settings::from_env(cli.config.as_deref())?;
    telemetry::init(settings.log_format);
    match cli.command {
        Command::Serve => actix_web::rt::System::new().block_on(server::serve(settings)),
        Command::Migrate => {
            server::open_database(&settings)?;
            eprintln!("kefu: the database {} is up to date", settings.database_url);
            Ok(())
        }
        Command::CreateAdmin { username, password } => {
            let password = match password {
                Some(p) => Secret::new(p),
                None if std::io::stdin().is_terminal() => prompt_password(&username)?,
                None => {
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    Secret::new(line.trim_end_matches(['\r', '\n']))
                }
            };
            let db = server::open_database(&settings)?;
            let user = server::create_admin(&db, &username, &password, &SystemClock)?;
            eprintln!("kefu: created administrator {:?} ({})", user.username, user.id);
            Ok(())
        }
        Command::Backup { to } => {
            if let DatabaseUrl::Postgres(_) = settings.database_url {
                anyhow::bail!(backup::BackupError::Postgres);
            }
            let db = server::open_database(&settings)?;
            backup::sqlite_into(&mut db.conn()?, &to)?;
            eprintln!("kefu: backed up {} to {}", settings.database_url, to.display());
            Ok(())
        }
        Command::RotateJwtKey => {
            let db = server::open_database(&settings)?;
            let clock: Arc<dyn Clock> = Arc::new(SystemClock);
            let kid = uuid::Uuid::now_v7().to_string();
            keys::rotate(&mut db.conn()?, &kid, &tokens::new_secret(), clock.now())?;
            eprintln!("kefu: new signing key {kid}; older keys verify until their tokens expire");
            Ok(())
        }
        Command::Openapi => Ok(()),
    }
}
