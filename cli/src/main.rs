//! The native command: `bayes-ruler <command>`. See `bayes-ruler help`.

use bayes_ruler_cli::cli::{Failure, run};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // Help and version text print and succeed; a usage error prints and exits with 2.
        Err(Failure::Usage(e)) => e.exit(),
        Err(Failure::Run(e)) => {
            eprintln!("bayes-ruler: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
