//! The native command: `bayes-ruler <subcommand>`. See `bayes-ruler help`.

use std::process::ExitCode;

use bayes_ruler::cli;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match cli::run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bayes-ruler: {e}");
            ExitCode::FAILURE
        }
    }
}
