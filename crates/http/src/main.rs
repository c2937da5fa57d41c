//! The `kefu` binary.

fn main() -> std::process::ExitCode {
    kefu_http::cli::main()
}
