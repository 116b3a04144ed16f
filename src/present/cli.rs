//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Watch IPsec VPNs from the outside: dissect, decrypt and track IKEv1/IKEv2, ESP and AH from a
/// capture file or a span port, and tell what `show crypto isakmp sa`, `show crypto ipsec sa`
/// and `debug crypto isakmp` would have told.
#[derive(Parser, Debug)]
#[command(name = "ikescope", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// One line per IPsec packet (ISAKMP, IKEv2, ESP, AH); -v for the full decoded tree.
    Dissect(DissectArgs),
    /// Which keys could be derived for each SA, from what, and what would unlock the rest.
    Keys(KeysArgs),
    /// The SA tables and diagnoses, as `show crypto isakmp sa` / `ipsec sa` / `session`.
    Report(ReportArgs),
    /// One JSON object per event (SA created, state change, quick mode done, delete,
    /// diagnosis…), in capture order.
    Events(EventsArgs),
    /// The live dashboard: tunnels, IKE and IPsec SAs, the message ladder, diagnoses and
    /// packets, replayed from a capture file or watched on an interface (needs a terminal).
    Tui(TuiArgs),
}

/// Where packets come from: a capture file, or (feature `live`) an interface.
#[derive(Args, Debug, Clone)]
pub struct Input {
    /// A pcap or pcapng file (gzip-compressed too).
    #[arg(
        value_name = "FILE",
        required_unless_present = "interface",
        conflicts_with = "interface"
    )]
    pub file: Option<PathBuf>,

    /// Capture live from this interface (needs the `live` feature and capture permission).
    #[arg(short = 'i', long, value_name = "IFACE")]
    pub interface: Option<String>,

    /// BPF filter for live capture (default: UDP 500/4500, ESP, AH and IP fragments).
    #[arg(long, value_name = "EXPR", requires = "interface")]
    pub filter: Option<String>,

    /// Stop after this many IPsec packets (live capture).
    #[arg(long, value_name = "N", requires = "interface")]
    pub count: Option<u64>,

    /// Stop after this many seconds (live capture).
    #[arg(long, value_name = "SECS", requires = "interface")]
    pub duration: Option<f64>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct KeyArgs {
    /// Key material: TOML, Cisco IOS config, strongSwan secrets/swanctl.conf, Wireshark
    /// tables, `ip xfrm state`, charon logs (docs/keys.md). Repeatable.
    #[arg(short = 'k', long = "keys", value_name = "FILE")]
    pub keys: Vec<PathBuf>,

    /// Print keys and secrets (otherwise they never appear in output).
    #[arg(long)]
    pub show_keys: bool,
}

#[derive(Args, Debug)]
pub struct DissectArgs {
    #[command(flatten)]
    pub input: Input,
    #[command(flatten)]
    pub keys: KeyArgs,
    /// One JSON object per IPsec packet (docs/json.md).
    #[arg(long)]
    pub json: bool,
    /// Print the full decoded tree of each packet.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Args, Debug)]
pub struct KeysArgs {
    #[command(flatten)]
    pub input: Input,
    #[command(flatten)]
    pub keys: KeyArgs,
    /// JSON document instead of text (docs/json.md).
    #[arg(long)]
    pub json: bool,
    /// Write Wireshark's `ikev1_decryption_table` and `esp_sa` into this directory, so the same
    /// capture opens decrypted in Wireshark. Asking for these files is asking for the keys:
    /// they are written (mode 600) without --show-keys, and nothing secret is printed.
    #[arg(long, value_name = "DIR")]
    pub wireshark: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: Input,
    #[command(flatten)]
    pub keys: KeyArgs,
    /// Show the tables from this peer's side (its address); default: both sides.
    #[arg(long = "as", value_name = "PEER")]
    pub as_peer: Option<String>,
    /// One JSON document instead of text (docs/json.md).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub limits: Limits,
}

#[derive(Args, Debug)]
pub struct EventsArgs {
    #[command(flatten)]
    pub input: Input,
    #[command(flatten)]
    pub keys: KeyArgs,
    #[command(flatten)]
    pub limits: Limits,
}

#[derive(Args, Debug, Clone)]
pub struct Limits {
    /// Most IKE SAs kept at once; beyond, the least recently active are evicted (counted).
    #[arg(long, value_name = "N", default_value_t = 250_000)]
    pub max_ike_sas: usize,
    /// Most IPsec SAs (SPIs) kept at once.
    #[arg(long, value_name = "N", default_value_t = 500_000)]
    pub max_ipsec_sas: usize,
    /// Seconds of silence after which a negotiation counts as abandoned.
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    pub negotiation_timeout: i64,
}

#[derive(Args, Debug)]
pub struct TuiArgs {
    #[command(flatten)]
    pub input: Input,
    #[command(flatten)]
    pub keys: KeyArgs,
    /// Replay a capture file this many times faster than it was captured (default 1).
    #[arg(long, value_name = "N", conflicts_with_all = ["instant", "interface"])]
    pub speed: Option<f64>,
    /// Load the whole capture file at once instead of replaying it at its own pace.
    #[arg(long, conflicts_with = "interface")]
    pub instant: bool,
    #[command(flatten)]
    pub limits: Limits,
}
