//! Stage 6: what can be reclaimed, and what must not be. Obsolete versions
//! ([`versions`]), regenerable caches ([`regenerable`]), duplicates to
//! reclaim and their union ([`reclaim`]), files never to propose
//! ([`protect`]), and copies across roots ([`copies`]).

pub mod copies;
pub mod protect;
pub mod reclaim;
pub mod regenerable;
pub mod versions;
