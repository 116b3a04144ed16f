fn main() {
    std::process::exit(ikescope::present::cli_main());
}
