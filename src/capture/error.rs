//! Capture errors: one line each, saying what went wrong, where, and what to do about it.

use std::fmt;
use std::path::PathBuf;

use ikescope_dissectors::net::LinkType;

#[derive(Debug)]
pub enum CaptureError {
    NotFound {
        path: PathBuf,
    },
    PermissionDenied {
        path: PathBuf,
    },
    /// Any other I/O error (a directory, a device error…).
    Io {
        path: PathBuf,
        message: String,
    },
    Empty {
        path: PathBuf,
    },
    /// The first bytes are no pcap, pcapng or gzip magic.
    NotACapture {
        path: PathBuf,
        magic: Vec<u8>,
        /// What the bytes look like, when recognisable ("an ELF executable", "text").
        looks_like: Option<&'static str>,
    },
    /// The file ends inside frame `frame` (1-based), whose record starts at byte `offset`
    /// (of the uncompressed stream when `gzip`). Frames before it were delivered.
    Truncated {
        path: PathBuf,
        frame: u64,
        offset: u64,
        gzip: bool,
    },
    /// A record or block that does not parse. Frames before it were delivered.
    Corrupt {
        path: PathBuf,
        frame: u64,
        offset: u64,
        what: String,
    },
    /// A record length field larger than any real record: refused, not allocated.
    RecordTooLarge {
        path: PathBuf,
        frame: u64,
        offset: u64,
        len: u64,
        max: usize,
    },
    /// The gzip stream is damaged. Frames before the damage were delivered.
    Gzip {
        path: PathBuf,
        compressed_offset: u64,
        message: String,
    },
    UnsupportedLinkType {
        /// File path or interface name.
        source: String,
        link: LinkType,
    },
    /// Live capture: the interface does not exist.
    NoSuchInterface {
        name: String,
        available: Vec<String>,
    },
    /// Live capture: not allowed to capture.
    NoPermission {
        interface: String,
        message: String,
    },
    /// Live capture: libpcap refused the BPF filter expression.
    BadFilter {
        filter: String,
        message: String,
    },
    /// Live capture: any other libpcap error.
    Live {
        interface: String,
        message: String,
    },
}

impl CaptureError {
    /// Whether frames were delivered before this error (a damaged or cut file): the caller can
    /// keep what it has and report the error as a warning.
    pub fn is_partial(&self) -> bool {
        matches!(
            self,
            CaptureError::Truncated { .. }
                | CaptureError::Corrupt { .. }
                | CaptureError::RecordTooLarge { .. }
                | CaptureError::Gzip { .. }
        )
    }
}

/// "the 3 frames before it were read", with the editcap line that saves them.
fn kept(f: &mut fmt::Formatter<'_>, path: &std::path::Path, frame: u64) -> fmt::Result {
    let before = frame.saturating_sub(1);
    match before {
        0 => write!(f, "no frame before it"),
        1 => write!(
            f,
            "the frame before it was read (`editcap -r {} good.pcap 1` keeps it)",
            path.display()
        ),
        n => write!(
            f,
            "the {n} frames before it were read (`editcap -r {} good.pcap 1-{n}` keeps them)",
            path.display()
        ),
    }
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::NotFound { path } => write!(
                f,
                "{}: no such file; check the path (ikescope reads pcap, pcapng and their .gz)",
                path.display()
            ),
            CaptureError::PermissionDenied { path } => write!(
                f,
                "{}: permission denied; make it readable (`sudo chmod o+r {}`) or run as its owner",
                path.display(),
                path.display()
            ),
            CaptureError::Io { path, message } => {
                write!(f, "{}: cannot read: {message}", path.display())
            }
            CaptureError::Empty { path } => write!(
                f,
                "{}: the file is empty (0 bytes); was the capture stopped before it wrote anything?",
                path.display()
            ),
            CaptureError::NotACapture {
                path,
                magic,
                looks_like,
            } => {
                write!(
                    f,
                    "{}: not a pcap or pcapng file (it starts with ",
                    path.display()
                )?;
                for (i, b) in magic.iter().enumerate() {
                    write!(f, "{}{b:02x}", if i == 0 { "" } else { " " })?;
                }
                if let Some(what) = looks_like {
                    write!(f, ", {what}")?;
                }
                write!(
                    f,
                    "); save it from Wireshark or tcpdump as pcap/pcapng, or convert it with `editcap -F pcap`"
                )
            }
            CaptureError::Truncated {
                path,
                frame,
                offset,
                gzip,
            } => {
                write!(
                    f,
                    "{}: the file ends in the middle of frame {frame} (byte {offset}{}); ",
                    path.display(),
                    if *gzip {
                        " of the uncompressed data"
                    } else {
                        ""
                    }
                )?;
                kept(f, path, *frame)?;
                write!(f, "; it was cut short (copied while still being written?)")
            }
            CaptureError::Corrupt {
                path,
                frame,
                offset,
                what,
            } => {
                write!(
                    f,
                    "{}: corrupt record at frame {frame} (byte {offset}): {what}; ",
                    path.display()
                )?;
                kept(f, path, *frame)
            }
            CaptureError::RecordTooLarge {
                path,
                frame,
                offset,
                len,
                max,
            } => {
                write!(
                    f,
                    "{}: frame {frame} (byte {offset}) claims a {len}-byte record, more than any capture holds ({max}): the file is corrupt from there; ",
                    path.display()
                )?;
                kept(f, path, *frame)
            }
            CaptureError::Gzip {
                path,
                compressed_offset,
                message,
            } => write!(
                f,
                "{}: damaged gzip data near compressed byte {compressed_offset} ({message}); the frames before it were read; check the copy with `gzip -t`",
                path.display()
            ),
            CaptureError::UnsupportedLinkType { source, link } => write!(
                f,
                "{source}: {link} is not supported; capture on the wired side or convert with editcap -T ether (ikescope reads Ethernet, Linux cooked, raw IP and BSD loopback)"
            ),
            CaptureError::NoSuchInterface { name, available } => write!(
                f,
                "no interface named {name:?}; available: {}",
                if available.is_empty() {
                    "none (is libpcap allowed to list them?)".to_string()
                } else {
                    available.join(", ")
                }
            ),
            CaptureError::NoPermission { interface, message } => write!(
                f,
                "cannot capture on {interface}: {message}; run as root or grant CAP_NET_RAW,CAP_NET_ADMIN: sudo setcap cap_net_raw,cap_net_admin=eip $(which ikescope)"
            ),
            CaptureError::BadFilter { filter, message } => write!(
                f,
                "bad capture filter {filter:?}: {message}; see `man pcap-filter` (e.g. \"udp port 500 or udp port 4500 or ip proto 50\")"
            ),
            CaptureError::Live { interface, message } => {
                write!(f, "capture on {interface} failed: {message}")
            }
        }
    }
}

impl std::error::Error for CaptureError {}
