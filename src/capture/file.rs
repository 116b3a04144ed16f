//! pcap and pcapng files, plain or gzip-compressed, streamed through a bounded buffer.
//!
//! pcap-parser's streaming readers do the parsing over a circular buffer; this module decides
//! the format from the magic bytes, refills the buffer, grows it (up to [`MAX_BUFFER`]) only
//! for a record that needs it, refuses a record length larger than [`MAX_RECORD_LEN`] without
//! allocating it, turns pcapng interface timestamps into [`Timestamp`]s, and numbers frames as
//! Wireshark does.

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use flate2::read::MultiGzDecoder;
use pcap_parser::pcapng::Block;
use pcap_parser::traits::{PcapNGPacketBlock, PcapReaderIterator};
use pcap_parser::{LegacyPcapReader, PcapBlockOwned, PcapError, PcapNGReader};

use super::{CaptureError, Frame, LinkType, Timestamp};

/// The buffer a file is read through starts at this size…
pub const INITIAL_BUFFER: usize = 64 << 10;
/// …and never grows beyond this one.
pub const MAX_BUFFER: usize = 512 << 10;
/// The longest record accepted: a 262,144-byte snap length (tcpdump's default) plus pcapng
/// block headers and options. A larger length field is corruption, reported, not allocated.
pub const MAX_RECORD_LEN: usize = (256 << 10) + (4 << 10);
/// pcapng interfaces described in one section; more is corruption (or an attack).
const MAX_INTERFACES: usize = 4096;

/// Bytes read from the file (compressed bytes for gzip) and the last I/O error, shared with the
/// reader that pcap-parser owns.
#[derive(Default)]
struct Shared {
    raw_bytes: AtomicU64,
    last_error: Mutex<Option<String>>,
}

/// Counts the bytes read from the file itself.
struct Counting<R> {
    inner: R,
    shared: Arc<Shared>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.shared.raw_bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Fills the whole buffer it is given unless the stream ends, so that pcap-parser's single
/// `read` per refill (and its one-read header checks) see complete data even when a gzip
/// decoder returns short reads; keeps the error message pcap-parser would otherwise lose.
struct Filling<R> {
    inner: R,
    shared: Arc<Shared>,
}

impl<R: Read> Read for Filling<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < buf.len() {
            let Some(rest) = buf.get_mut(n..) else { break };
            match self.inner.read(rest) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    if let Ok(mut last) = self.shared.last_error.lock() {
                        *last = Some(e.to_string());
                    }
                    if n == 0 {
                        return Err(e);
                    }
                    break;
                }
            }
        }
        Ok(n)
    }
}

#[derive(Clone, Copy, Debug)]
struct Interface {
    link: LinkType,
    units_per_sec: u64,
    offset_secs: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Pcap {
        link: LinkType,
        nanos: bool,
        big_endian: bool,
        /// Kuznetsov's modified pcap: 24-byte record headers.
        modified: bool,
    },
    PcapNg,
}

/// What one step of the read loop found (computed while the buffer is borrowed, acted on
/// after).
enum Step {
    Packet {
        ptr: usize,
        len: usize,
        block_len: usize,
        ts: Timestamp,
        link: LinkType,
        interface: u32,
        orig_len: u32,
    },
    /// A block to step over; `numbered`: Wireshark lists it as a frame.
    Skip {
        block_len: usize,
        numbered: bool,
    },
    Refill,
    Grow,
    End,
    Fail(CaptureError),
}

/// A pcap or pcapng file (gzip-compressed or not) read frame by frame. See the module docs.
pub struct FileSource {
    path: PathBuf,
    reader: Box<dyn PcapReaderIterator + Send>,
    format: Format,
    gzip: bool,
    shared: Arc<Shared>,
    total_bytes: u64,
    capacity: usize,
    /// Bytes of the frame handed out last, consumed at the next call.
    pending_consume: usize,
    /// Frames numbered so far.
    number: u64,
    delivered: u64,
    interfaces: Vec<Interface>,
    section_big_endian: bool,
    last_ts: Timestamp,
    unsupported_frames: u64,
    first_unsupported: Option<LinkType>,
    done: bool,
}

impl std::fmt::Debug for FileSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileSource")
            .field("path", &self.path)
            .field("format", &self.format)
            .field("gzip", &self.gzip)
            .field("number", &self.number)
            .finish_non_exhaustive()
    }
}

fn open_error(path: &Path, e: &io::Error) -> CaptureError {
    match e.kind() {
        io::ErrorKind::NotFound => CaptureError::NotFound {
            path: path.to_path_buf(),
        },
        io::ErrorKind::PermissionDenied => CaptureError::PermissionDenied {
            path: path.to_path_buf(),
        },
        _ => CaptureError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        },
    }
}

/// Reads up to `n` bytes (fewer only at the end of the stream).
fn read_prefix(r: &mut impl Read, n: usize) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(n);
    r.take(n as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

const PCAPNG_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

/// What a file that is not a capture looks like, for the error message.
fn looks_like(magic: &[u8]) -> Option<&'static str> {
    Some(match magic {
        [0x7f, b'E', b'L', b'F', ..] => "an ELF executable",
        [b'P', b'K', 3, 4, ..] => "a zip archive",
        [b'%', b'P', b'D', b'F', ..] => "a PDF",
        [0x28, 0xb5, 0x2f, 0xfd, ..] => "zstd-compressed (decompress it with unzstd first)",
        [b'B', b'Z', b'h', ..] => "bzip2-compressed (decompress it with bunzip2 first)",
        [0xfd, b'7', b'z', b'X', ..] => "xz-compressed (decompress it with unxz first)",
        [b's', b'n', b'o', b'o', ..] => "a Solaris snoop capture (convert it with editcap -F pcap)",
        [0x58, 0x43, 0x50, 0x00, ..] => "a NetMon capture (convert it with editcap -F pcap)",
        m if m
            .iter()
            .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace()) =>
        {
            "text (a tcpdump or tshark printout is no capture: save with -w)"
        }
        _ => return None,
    })
}

/// pcap magic numbers as they appear in the first four bytes.
fn pcap_magic(magic: &[u8]) -> Option<(bool, bool, bool)> {
    // (big_endian, nanos, modified)
    Some(match magic {
        [0xd4, 0xc3, 0xb2, 0xa1] => (false, false, false),
        [0x4d, 0x3c, 0xb2, 0xa1] => (false, true, false),
        [0x34, 0xcd, 0xb2, 0xa1] => (false, false, true),
        [0xa1, 0xb2, 0xc3, 0xd4] => (true, false, false),
        [0xa1, 0xb2, 0x3c, 0x4d] => (true, true, false),
        _ => return None,
    })
}

/// pcapng `if_tsresol` → units per second (RFC-draft pcapng §4.2: 10^-n, or 2^-n with the top
/// bit set).
fn ts_units(tsresol: u8) -> Option<u64> {
    let n = u32::from(tsresol & 0x7f);
    if tsresol & 0x80 == 0 {
        10u64.checked_pow(n)
    } else {
        1u64.checked_shl(n).filter(|_| n < 64)
    }
}

fn u32_at(data: &[u8], at: usize, big_endian: bool) -> Option<u32> {
    let b: [u8; 4] = data.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(if big_endian {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    })
}

fn u16_at(data: &[u8], at: usize, big_endian: bool) -> Option<u16> {
    let b: [u8; 2] = data.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(if big_endian {
        u16::from_be_bytes(b)
    } else {
        u16::from_le_bytes(b)
    })
}

impl FileSource {
    /// Opens a capture file: pcap (either byte order, microsecond or nanosecond), pcapng, or
    /// either of them gzip-compressed (recognised by content, not by name).
    pub fn open(path: impl AsRef<Path>) -> Result<FileSource, CaptureError> {
        let path = path.as_ref().to_path_buf();
        let file = File::open(&path).map_err(|e| open_error(&path, &e))?;
        let meta = file.metadata().map_err(|e| open_error(&path, &e))?;
        if meta.is_dir() {
            return Err(CaptureError::Io {
                path,
                message: "it is a directory; give the path of a pcap or pcapng file".to_string(),
            });
        }
        let shared = Arc::new(Shared::default());
        let mut counting = Counting {
            inner: file,
            shared: Arc::clone(&shared),
        };
        let head = read_prefix(&mut counting, 4).map_err(|e| open_error(&path, &e))?;
        if head.is_empty() {
            return Err(CaptureError::Empty { path });
        }
        let raw = Cursor::new(head.clone()).chain(counting);
        let gzip = head.starts_with(&[0x1f, 0x8b]);
        let (magic, stream): (Vec<u8>, Box<dyn Read + Send>) = if gzip {
            let mut gz = MultiGzDecoder::new(raw);
            let magic = read_prefix(&mut gz, 4).map_err(|e| CaptureError::Gzip {
                path: path.clone(),
                compressed_offset: shared.raw_bytes.load(Ordering::Relaxed),
                message: e.to_string(),
            })?;
            if magic.is_empty() {
                return Err(CaptureError::Empty { path });
            }
            (magic.clone(), Box::new(Cursor::new(magic).chain(gz)))
        } else {
            (head, Box::new(raw))
        };
        let stream = Filling {
            inner: stream,
            shared: Arc::clone(&shared),
        };

        let format = if magic == PCAPNG_MAGIC {
            Format::PcapNg
        } else if let Some((big_endian, nanos, modified)) = pcap_magic(&magic) {
            Format::Pcap {
                link: LinkType::ETHERNET,
                nanos,
                big_endian,
                modified,
            }
        } else if magic.len() < 4 && PCAPNG_MAGIC.starts_with(&magic) {
            return Err(CaptureError::Truncated {
                path,
                frame: 1,
                offset: 0,
                gzip,
            });
        } else {
            return Err(CaptureError::NotACapture {
                looks_like: looks_like(&magic),
                path,
                magic,
            });
        };

        let header_error = |e: PcapError<&[u8]>| match e {
            PcapError::Incomplete(_) | PcapError::Eof | PcapError::UnexpectedEof => {
                CaptureError::Truncated {
                    path: path.clone(),
                    frame: 1,
                    offset: 0,
                    gzip,
                }
            }
            PcapError::ReadError => CaptureError::Io {
                path: path.clone(),
                message: "read error in the file header".to_string(),
            },
            other => CaptureError::Corrupt {
                path: path.clone(),
                frame: 1,
                offset: 0,
                what: format!("invalid file header ({other:?})"),
            },
        };
        let mut reader: Box<dyn PcapReaderIterator + Send> = match format {
            Format::PcapNg => {
                Box::new(PcapNGReader::new(INITIAL_BUFFER, stream).map_err(header_error)?)
            }
            Format::Pcap { .. } => {
                Box::new(LegacyPcapReader::new(INITIAL_BUFFER, stream).map_err(header_error)?)
            }
        };

        let mut format = format;
        if let Format::Pcap { link, .. } = &mut format {
            let (len, header_link) = match reader.next() {
                Ok((len, PcapBlockOwned::LegacyHeader(h))) => {
                    // The low 16 bits are the link type; the upper ones may carry FCS info.
                    (len, LinkType((h.network.0 as u32) & 0xffff))
                }
                Ok(_) => {
                    return Err(CaptureError::Corrupt {
                        path,
                        frame: 1,
                        offset: 0,
                        what: "no pcap file header".to_string(),
                    });
                }
                Err(e) => return Err(header_error(e)),
            };
            reader.consume(len);
            if !header_link.is_supported() {
                return Err(CaptureError::UnsupportedLinkType {
                    source: path.display().to_string(),
                    link: header_link,
                });
            }
            *link = header_link;
        }

        Ok(FileSource {
            path,
            reader,
            format,
            gzip,
            shared,
            total_bytes: meta.len(),
            capacity: INITIAL_BUFFER,
            pending_consume: 0,
            number: 0,
            delivered: 0,
            interfaces: Vec::new(),
            section_big_endian: false,
            last_ts: Timestamp::default(),
            unsupported_frames: 0,
            first_unsupported: None,
            done: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file is gzip-compressed.
    pub fn is_gzip(&self) -> bool {
        self.gzip
    }

    /// Whether the file is pcapng (else classic pcap).
    pub fn is_pcapng(&self) -> bool {
        self.format == Format::PcapNg
    }

    /// Bytes read from the file so far (compressed bytes for gzip; reads run ahead of the
    /// frames delivered by up to a buffer).
    pub fn bytes_read(&self) -> u64 {
        self.shared.raw_bytes.load(Ordering::Relaxed)
    }

    /// The file's size.
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// The read buffer's current capacity: [`INITIAL_BUFFER`] unless a large record made it
    /// grow, never above [`MAX_BUFFER`].
    pub fn buffer_capacity(&self) -> usize {
        self.capacity
    }

    /// Frames of pcapng interfaces whose link type is not supported, skipped (numbered but not
    /// delivered), and the first such link type.
    pub fn unsupported_frames(&self) -> (u64, Option<LinkType>) {
        (self.unsupported_frames, self.first_unsupported)
    }

    /// The next frame, `Ok(None)` at the end. After an error, later calls return `Ok(None)`.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        if self.pending_consume > 0 {
            self.reader.consume(self.pending_consume);
            self.pending_consume = 0;
        }
        if self.done {
            return Ok(None);
        }
        loop {
            let step = self.step();
            match step {
                Step::Packet {
                    ptr,
                    len,
                    block_len,
                    ts,
                    link,
                    interface,
                    orig_len,
                } => {
                    self.number += 1;
                    self.last_ts = ts;
                    if !link.is_supported() {
                        self.unsupported_frames += 1;
                        self.first_unsupported.get_or_insert(link);
                        self.reader.consume(block_len);
                        continue;
                    }
                    self.delivered += 1;
                    self.pending_consume = block_len;
                    // The packet bytes lie in the reader's buffer, which has not moved since
                    // `step` parsed them: find them again by address.
                    let buf = self.reader.data();
                    let start = ptr.wrapping_sub(buf.as_ptr() as usize);
                    let Some(data) = start.checked_add(len).and_then(|end| buf.get(start..end))
                    else {
                        self.done = true;
                        return Err(self.corrupt("packet data outside its block".to_string()));
                    };
                    return Ok(Some(Frame {
                        number: self.number,
                        ts,
                        link,
                        data,
                        orig_len,
                        interface,
                    }));
                }
                Step::Skip {
                    block_len,
                    numbered,
                } => {
                    if numbered {
                        self.number += 1;
                    }
                    self.reader.consume(block_len);
                }
                Step::Refill => {
                    if let Err(e) = self.reader.refill() {
                        let e = format!("{e:?}");
                        self.done = true;
                        return Err(self.read_error(&e));
                    }
                }
                Step::Grow => {
                    if let Err(e) = self.grow() {
                        self.done = true;
                        return Err(e);
                    }
                }
                Step::End => {
                    self.done = true;
                    if self.delivered == 0
                        && let Some(link) = self.first_unsupported
                    {
                        return Err(CaptureError::UnsupportedLinkType {
                            source: self.path.display().to_string(),
                            link,
                        });
                    }
                    return Ok(None);
                }
                Step::Fail(e) => {
                    self.done = true;
                    return Err(e);
                }
            }
        }
    }

    fn corrupt(&self, what: String) -> CaptureError {
        CaptureError::Corrupt {
            path: self.path.clone(),
            frame: self.number + 1,
            offset: self.reader.consumed() as u64,
            what,
        }
    }

    fn read_error(&self, fallback: &str) -> CaptureError {
        let message = self
            .shared
            .last_error
            .lock()
            .ok()
            .and_then(|e| e.clone())
            .unwrap_or_else(|| fallback.to_string());
        if self.gzip {
            CaptureError::Gzip {
                path: self.path.clone(),
                compressed_offset: self.bytes_read(),
                message,
            }
        } else {
            CaptureError::Io {
                path: self.path.clone(),
                message,
            }
        }
    }

    /// The length of the record at the front of the buffer, from its header.
    fn pending_record_len(&self) -> Option<u64> {
        let data = self.reader.data();
        match self.format {
            Format::Pcap {
                big_endian,
                modified,
                ..
            } => {
                let caplen = u32_at(data, 8, big_endian)?;
                Some(u64::from(caplen) + if modified { 24 } else { 16 })
            }
            Format::PcapNg => {
                // A section header declares its own byte order.
                let big_endian = if data.get(..4) == Some(&PCAPNG_MAGIC[..]) {
                    u32_at(data, 8, true) == Some(0x1a2b_3c4d)
                } else {
                    self.section_big_endian
                };
                u32_at(data, 4, big_endian).map(u64::from)
            }
        }
    }

    fn grow(&mut self) -> Result<(), CaptureError> {
        let Some(need) = self.pending_record_len() else {
            return Err(self.corrupt("record header unreadable".to_string()));
        };
        if need > MAX_RECORD_LEN as u64 {
            return Err(CaptureError::RecordTooLarge {
                path: self.path.clone(),
                frame: self.number + 1,
                offset: self.reader.consumed() as u64,
                len: need,
                max: MAX_RECORD_LEN,
            });
        }
        // pcap-parser wants strictly more room than the record.
        let want = (need as usize + 1).max(self.capacity * 2).min(MAX_BUFFER);
        if want <= self.capacity {
            return Err(self.corrupt(format!("a {need}-byte record does not fit the buffer")));
        }
        self.reader.grow(want);
        self.capacity = want;
        match self.reader.refill() {
            Ok(()) => Ok(()),
            Err(e) => {
                let e = format!("{e:?}");
                Err(self.read_error(&e))
            }
        }
    }

    /// Parses the block at the front of the buffer.
    fn step(&mut self) -> Step {
        let section_big_endian = self.section_big_endian;
        let format = self.format;
        let (result, consumed, buffered) = {
            let consumed = self.reader.consumed() as u64;
            let buffered = self.reader.data().len();
            (self.reader.next(), consumed, buffered)
        };
        let block = match result {
            Ok(ok) => ok,
            Err(PcapError::Eof) => return Step::End,
            Err(PcapError::UnexpectedEof) if buffered == 0 => return Step::End,
            Err(PcapError::UnexpectedEof) => {
                return Step::Fail(CaptureError::Truncated {
                    path: self.path.clone(),
                    frame: self.number + 1,
                    offset: consumed,
                    gzip: self.gzip,
                });
            }
            Err(PcapError::Incomplete(_)) => return Step::Refill,
            Err(PcapError::BufferTooSmall) => return Step::Grow,
            Err(PcapError::ReadError) => {
                return Step::Fail(self.read_error("read error"));
            }
            Err(e) => {
                return Step::Fail(CaptureError::Corrupt {
                    path: self.path.clone(),
                    frame: self.number + 1,
                    offset: consumed,
                    what: match e {
                        PcapError::HeaderNotRecognized => "unrecognised block".to_string(),
                        PcapError::NomError(_, kind) | PcapError::OwnedNomError(_, kind) => {
                            format!("invalid block or record header ({kind:?})")
                        }
                        other => format!("{other:?}"),
                    },
                });
            }
        };
        let (block_len, block) = block;
        let packet = |data: &[u8], ts, link, interface, orig_len| Step::Packet {
            ptr: data.as_ptr() as usize,
            len: data.len(),
            block_len,
            ts,
            link,
            interface,
            orig_len,
        };
        match block {
            PcapBlockOwned::Legacy(b) => {
                let Format::Pcap { link, nanos, .. } = format else {
                    return Step::Skip {
                        block_len,
                        numbered: false,
                    };
                };
                let units = if nanos { 1_000_000_000 } else { 1_000_000 };
                // pcap seconds are unsigned 32-bit since the 2021 pcap draft.
                let ts = Timestamp::from_fraction(i64::from(b.ts_sec), u64::from(b.ts_usec), units);
                packet(b.data, ts, link, 0, b.origlen)
            }
            PcapBlockOwned::LegacyHeader(_) => Step::Skip {
                block_len,
                numbered: false,
            },
            PcapBlockOwned::NG(block) => match block {
                Block::SectionHeader(shb) => {
                    self.section_big_endian = shb.big_endian();
                    self.interfaces.clear();
                    Step::Skip {
                        block_len,
                        numbered: false,
                    }
                }
                Block::InterfaceDescription(idb) => {
                    if self.interfaces.len() >= MAX_INTERFACES {
                        return Step::Fail(CaptureError::Corrupt {
                            path: self.path.clone(),
                            frame: self.number + 1,
                            offset: consumed,
                            what: format!("more than {MAX_INTERFACES} interfaces"),
                        });
                    }
                    let Some(units_per_sec) = ts_units(idb.if_tsresol) else {
                        return Step::Fail(CaptureError::Corrupt {
                            path: self.path.clone(),
                            frame: self.number + 1,
                            offset: consumed,
                            what: format!(
                                "interface {} has an invalid if_tsresol {:#04x}",
                                self.interfaces.len(),
                                idb.if_tsresol
                            ),
                        });
                    };
                    self.interfaces.push(Interface {
                        link: LinkType(u32::from(idb.linktype.0 as u16)),
                        units_per_sec,
                        offset_secs: idb.if_tsoffset,
                    });
                    Step::Skip {
                        block_len,
                        numbered: false,
                    }
                }
                Block::EnhancedPacket(epb) => {
                    let if_id = epb.if_id;
                    let Some(iface) = self.interfaces.get(if_id as usize).copied() else {
                        return Step::Fail(self.no_interface(if_id, consumed));
                    };
                    let units = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                    let ts = ng_timestamp(units, &iface);
                    packet(epb.packet_data(), ts, iface.link, epb.if_id, epb.origlen)
                }
                Block::SimplePacket(spb) => {
                    let Some(iface) = self.interfaces.first().copied() else {
                        return Step::Fail(self.no_interface(0, consumed));
                    };
                    // No timestamp in a Simple Packet Block: keep the previous frame's.
                    packet(spb.packet_data(), self.last_ts, iface.link, 0, spb.origlen)
                }
                Block::Unknown(ub) => {
                    let block_type = if section_big_endian {
                        ub.block_type.swap_bytes()
                    } else {
                        ub.block_type
                    };
                    if block_type != 2 {
                        return Step::Skip {
                            block_len,
                            numbered: false,
                        };
                    }
                    // Obsolete Packet Block (pcapng draft appendix): interface (2), drops (2),
                    // timestamp high/low (4+4), captured length (4), packet length (4), data.
                    let be = section_big_endian;
                    let body = ub.data;
                    let (Some(if_id), Some(high), Some(low), Some(caplen), Some(orig_len)) = (
                        u16_at(body, 0, be),
                        u32_at(body, 4, be),
                        u32_at(body, 8, be),
                        u32_at(body, 12, be),
                        u32_at(body, 16, be),
                    ) else {
                        return Step::Fail(CaptureError::Corrupt {
                            path: self.path.clone(),
                            frame: self.number + 1,
                            offset: consumed,
                            what: "packet block too short".to_string(),
                        });
                    };
                    let Some(data) = body.get(20..20usize.saturating_add(caplen as usize)) else {
                        return Step::Fail(CaptureError::Corrupt {
                            path: self.path.clone(),
                            frame: self.number + 1,
                            offset: consumed,
                            what: format!("packet block claims {caplen} bytes beyond its end"),
                        });
                    };
                    let Some(iface) = self.interfaces.get(usize::from(if_id)).copied() else {
                        return Step::Fail(self.no_interface(u32::from(if_id), consumed));
                    };
                    let ts = ng_timestamp((u64::from(high) << 32) | u64::from(low), &iface);
                    packet(data, ts, iface.link, u32::from(if_id), orig_len)
                }
                // Wireshark lists these as frames: number them to keep frame numbers equal.
                Block::Custom(_) | Block::SystemdJournalExport(_) => Step::Skip {
                    block_len,
                    numbered: true,
                },
                _ => Step::Skip {
                    block_len,
                    numbered: false,
                },
            },
        }
    }

    fn no_interface(&self, if_id: u32, offset: u64) -> CaptureError {
        CaptureError::Corrupt {
            path: self.path.clone(),
            frame: self.number + 1,
            offset,
            what: format!(
                "packet on interface {if_id}, but the section describes {}",
                self.interfaces.len()
            ),
        }
    }
}

fn ng_timestamp(units: u64, iface: &Interface) -> Timestamp {
    let per_sec = iface.units_per_sec.max(1);
    let secs = i64::try_from(units / per_sec).unwrap_or(i64::MAX);
    Timestamp::from_fraction(
        secs.saturating_add(iface.offset_secs),
        units % per_sec,
        per_sec,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsresol_decimal_and_binary() {
        assert_eq!(ts_units(6), Some(1_000_000));
        assert_eq!(ts_units(9), Some(1_000_000_000));
        assert_eq!(ts_units(0x80 | 20), Some(1 << 20));
        assert_eq!(ts_units(20), None);
        assert_eq!(ts_units(0x80 | 64), None);
    }
}
