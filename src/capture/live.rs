//! Live capture from a network interface through libpcap (feature `live`).
//!
//! The default BPF filter keeps what ikescope reads and nothing else: IKE (UDP 500), NAT-T
//! (UDP 4500), ESP and AH over IPv4 and IPv6, and IP fragments (an IKE message with
//! certificates is fragmented, and only its first fragment has a UDP header). On Ethernet it is
//! repeated behind `vlan` so that tagged traffic on a trunk or SPAN port is kept too.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use pcap::{Active, Capture, Device};

use super::{CaptureError, Frame, LinkType, Timestamp};

/// The IPsec part of the default filter. `ip[6:2] & 0x3fff` is the IPv4 MF flag and fragment
/// offset; `ip6[6] == 44` is an IPv6 Fragment header right after the fixed header.
const IPSEC: &str = "udp port 500 or udp port 4500 or ip proto 50 or ip proto 51 \
                     or ip6 proto 50 or ip6 proto 51 or (ip and ip[6:2] & 0x3fff != 0) \
                     or (ip6 and ip6[6] == 44)";

/// The default capture filter for a link type: the IPsec expression, and on Ethernet the same
/// behind one or two VLAN tags (`vlan` shifts the offsets of what follows it).
pub fn default_filter(link: LinkType) -> String {
    if link == LinkType::ETHERNET {
        format!("({IPSEC}) or (vlan and (({IPSEC}) or (vlan and ({IPSEC}))))")
    } else {
        IPSEC.to_string()
    }
}

/// How long an idle non-blocking capture sleeps before looking again. At 1 Gbit/s, 10 ms is
/// 1.25 MB, well inside the 16 MiB kernel buffer.
const POLL_INTERVAL: Duration = Duration::from_millis(10);

/// How to open an interface.
#[derive(Clone, Debug)]
pub struct LiveOptions {
    /// A BPF expression replacing [`default_filter`] (`--filter`); `Some("")` captures all.
    pub filter: Option<String>,
    /// Bytes kept per packet. Default 262,144 (whole packets).
    pub snaplen: i32,
    /// Promiscuous mode: needed on a SPAN port, where frames are addressed to others.
    /// Default true.
    pub promiscuous: bool,
    /// libpcap's read timeout (packet batching in the kernel). Default 200 ms. Stops are
    /// noticed within 10 ms regardless: reads are non-blocking.
    pub read_timeout: Duration,
    /// Kernel buffer in bytes. Default 16 MiB (fewer drops on bursts).
    pub buffer_size: i32,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            filter: None,
            snaplen: 262_144,
            promiscuous: true,
            read_timeout: Duration::from_millis(200),
            buffer_size: 16 << 20,
        }
    }
}

/// libpcap's counters (`pcap_stats`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LiveStats {
    /// Packets that passed the filter.
    pub received: u32,
    /// Dropped by the kernel: the buffer was full (ikescope too slow).
    pub dropped_by_kernel: u32,
    /// Dropped by the interface or its driver.
    pub dropped_by_interface: u32,
}

/// Stops a [`LiveSource`] from another thread (a Ctrl-C handler, a timer): its `next_frame`
/// returns `Ok(None)` within 10 ms.
#[derive(Clone, Debug)]
pub struct StopHandle(Arc<AtomicBool>);

impl StopHandle {
    pub fn stop(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Frames from a live interface.
pub struct LiveSource {
    capture: Capture<Active>,
    interface: String,
    filter: String,
    link: LinkType,
    number: u64,
    stop: StopHandle,
    deadline: Option<Instant>,
    /// The current frame, copied out of libpcap's buffer (at most `snaplen` bytes).
    buffer: Vec<u8>,
}

impl std::fmt::Debug for LiveSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveSource")
            .field("interface", &self.interface)
            .field("filter", &self.filter)
            .field("link", &self.link)
            .field("number", &self.number)
            .finish_non_exhaustive()
    }
}

fn is_permission_error(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("permission") || m.contains("not permitted") || m.contains("privileges")
}

impl LiveSource {
    /// The names of the interfaces libpcap can capture on.
    pub fn interfaces() -> Result<Vec<String>, CaptureError> {
        Device::list()
            .map(|list| list.into_iter().map(|d| d.name).collect())
            .map_err(|e| CaptureError::Live {
                interface: String::new(),
                message: e.to_string(),
            })
    }

    /// Opens `interface` (`any` captures all of them on Linux) with `options`.
    pub fn open(interface: &str, options: &LiveOptions) -> Result<LiveSource, CaptureError> {
        let available = Self::interfaces().unwrap_or_default();
        if !available.iter().any(|name| name == interface) {
            return Err(CaptureError::NoSuchInterface {
                name: interface.to_string(),
                available,
            });
        }
        let live_error = |e: pcap::Error| {
            let message = e.to_string();
            if is_permission_error(&message) {
                CaptureError::NoPermission {
                    interface: interface.to_string(),
                    message,
                }
            } else if message.to_ascii_lowercase().contains("no such device") {
                CaptureError::NoSuchInterface {
                    name: interface.to_string(),
                    available: available.clone(),
                }
            } else {
                CaptureError::Live {
                    interface: interface.to_string(),
                    message,
                }
            }
        };
        let timeout_ms = i32::try_from(options.read_timeout.as_millis())
            .unwrap_or(i32::MAX)
            .max(1);
        let mut capture = Capture::from_device(interface)
            .map_err(live_error)?
            .promisc(options.promiscuous)
            .snaplen(options.snaplen)
            .timeout(timeout_ms)
            .buffer_size(options.buffer_size)
            .open()
            .map_err(live_error)?
            // libpcap's read timeout does not start until a packet arrives on Linux
            // (pcap_set_timeout(3PCAP)): an idle link would block a stop forever. Non-blocking
            // reads with a short sleep when idle notice a stop within `POLL_INTERVAL`.
            .setnonblock()
            .map_err(live_error)?;
        let link = LinkType(u32::try_from(capture.get_datalink().0).unwrap_or(u32::MAX));
        if !link.is_supported() {
            return Err(CaptureError::UnsupportedLinkType {
                source: interface.to_string(),
                link,
            });
        }
        let filter = options
            .filter
            .clone()
            .unwrap_or_else(|| default_filter(link));
        if !filter.is_empty() {
            capture
                .filter(&filter, true)
                .map_err(|e| CaptureError::BadFilter {
                    filter: filter.clone(),
                    message: e.to_string(),
                })?;
        }
        Ok(LiveSource {
            capture,
            interface: interface.to_string(),
            filter,
            link,
            number: 0,
            stop: StopHandle(Arc::new(AtomicBool::new(false))),
            deadline: None,
            buffer: Vec::new(),
        })
    }

    pub fn interface(&self) -> &str {
        &self.interface
    }

    /// The BPF filter in force ("" = none).
    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn link(&self) -> LinkType {
        self.link
    }

    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// Stop by itself at `deadline` (`--duration`).
    pub fn stop_at(&mut self, deadline: Instant) {
        self.deadline = Some(deadline);
    }

    /// The next frame; `Ok(None)` once stopped (handle or deadline), noticed within 10 ms.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        loop {
            if self.stop.is_stopped() || self.deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(None);
            }
            match self.capture.next_packet() {
                Ok(packet) => {
                    let h = packet.header;
                    self.buffer.clear();
                    self.buffer.extend_from_slice(packet.data);
                    self.number += 1;
                    let ts = Timestamp::from_fraction(
                        h.ts.tv_sec,
                        u64::try_from(h.ts.tv_usec).unwrap_or(0),
                        1_000_000,
                    );
                    return Ok(Some(Frame {
                        number: self.number,
                        ts,
                        link: self.link,
                        data: &self.buffer,
                        orig_len: h.len,
                        interface: 0,
                    }));
                }
                Err(pcap::Error::TimeoutExpired) => {
                    std::thread::sleep(POLL_INTERVAL);
                    continue;
                }
                Err(e) => {
                    return Err(CaptureError::Live {
                        interface: self.interface.clone(),
                        message: e.to_string(),
                    });
                }
            }
        }
    }

    /// libpcap's received/dropped counters.
    pub fn stats(&mut self) -> Result<LiveStats, CaptureError> {
        let s = self.capture.stats().map_err(|e| CaptureError::Live {
            interface: self.interface.clone(),
            message: e.to_string(),
        })?;
        Ok(LiveStats {
            received: s.received,
            dropped_by_kernel: s.dropped,
            dropped_by_interface: s.if_dropped,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcap::Linktype;

    /// The default filters compile with this libpcap for every link type a live capture may
    /// have, and they keep an IKE packet behind two VLAN tags.
    #[test]
    fn default_filters_compile() {
        for link in [
            LinkType::ETHERNET,
            LinkType::LINUX_SLL,
            LinkType::LINUX_SLL2,
            // libpcap's DLT_RAW: 12 here, where pcap files say LINKTYPE_RAW (101).
            LinkType::DLT_RAW_12,
            LinkType::NULL,
        ] {
            let dead = Capture::dead(Linktype(link.0 as i32)).unwrap();
            let program = dead.compile(&default_filter(link), true);
            assert!(program.is_ok(), "{link}: {:?}", program.err());
        }
        let dead = Capture::dead(Linktype::ETHERNET).unwrap();
        let program = dead
            .compile(&default_filter(LinkType::ETHERNET), true)
            .unwrap();
        // Ethernet, 802.1ad + 802.1Q, IPv4 UDP 500 → 500.
        let mut frame = vec![0u8; 12];
        frame.extend_from_slice(&[0x81, 0x00, 0x00, 0xc8, 0x81, 0x00, 0x00, 0x64, 0x08, 0x00]);
        frame.extend_from_slice(&[
            0x45, 0, 0, 36, 0, 0, 0x40, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2,
        ]);
        frame.extend_from_slice(&[1, 0xf4, 1, 0xf4, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert!(program.filter(&frame));
        // The same frame with TCP instead of UDP is not kept.
        frame[22 + 9] = 6;
        assert!(!program.filter(&frame));
        assert!(dead.compile("udp port", true).is_err());
    }
}
