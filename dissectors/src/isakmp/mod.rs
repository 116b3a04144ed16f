//! (filled in by the protocol module work)
