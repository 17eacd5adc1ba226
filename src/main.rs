fn main() -> std::process::ExitCode {
    corsform::cli::main()
}
