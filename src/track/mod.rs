//! Tracking: IKE and IPsec SA tables, Cisco states, tunnels and diagnoses.

pub mod diagnosis;
pub mod exchange;
pub mod sequence;
pub mod states;
