//! The native command: `bayes-ruler <subcommand>`. See `bayes-ruler help`.

#[cfg(not(target_family = "wasm"))]
fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match bayes_ruler::cli::run(&args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bayes-ruler: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The command is native only; wasm builds of the crate (e.g. `wasm-pack test`) get an empty one.
#[cfg(target_family = "wasm")]
fn main() {}
