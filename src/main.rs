// mimalloc: the tracker and the JSON writers make many small allocations; glibc's allocator
// spent nearly half of a 100k-SA report consolidating free chunks (docs/PERFORMANCE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(ikescope::present::cli_main());
}
