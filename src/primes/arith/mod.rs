//! Integer arithmetic shared by the primes modules.

pub(super) mod montgomery;
