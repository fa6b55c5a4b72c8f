use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    broadsheet::cli::run(broadsheet::cli::Cli::parse()).await
}
