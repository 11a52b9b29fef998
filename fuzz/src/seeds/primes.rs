//! The seed writers of the prime ops: each writes the fields its op in `ops::primes`,
//! `ops::ranges` or `ops::stream` reads, in that order.

use super::{Builder, Values, OWN};
use crate::input::{Encoder, Place};
use crate::ops::Op;

impl Builder {
    pub(super) fn smallest_factor(&mut self, n: u64, from: u64, to: u64, place: Place) -> &mut Self {
        self.op(Op::SmallestFactor).num(n).u8(4).num(from).u8(4).num(to).place(place);
        self
    }

    pub(super) fn check_prime(&mut self, n: u64, place: Place) -> &mut Self {
        self.op(Op::CheckPrime).num(n).place(place);
        self
    }

    pub(super) fn is_prime(&mut self, n: u64) -> &mut Self {
        self.op(Op::IsPrime).num(n).place(OWN);
        self
    }

    /// hpk_is_prime_batch of `count` numbers (`heavy`: 1024..=4096, the input's heavy call).
    pub(super) fn batch(
        &mut self,
        count: u16,
        places: [Place; 2],
        data: Values,
        heavy: bool,
        huge: Option<u8>,
    ) -> &mut Self {
        let e = self.op(Op::IsPrimeBatch);
        match (huge, count) {
            (Some(h), _) => e.u8(0).u8(h),
            (None, 0) => e.u8(1),
            (None, _) if heavy => e.u8(2).u16(count - 1024),
            (None, 1..=64) => e.u8(3).u8((count - 1) as u8),
            (None, _) => e.u8(10).u16(count - 1),
        };
        e.place(places[0]).place(places[1]).nums(data.mode, data.seed, &[]);
        self
    }

    /// hpk_count_primes over [lo, lo + len) (None: an empty range, hi = lo - 5).
    pub(super) fn count_primes(
        &mut self,
        lo: u64,
        len: Option<u64>,
        heavy: bool,
        place: Place,
        split: u64,
        hi_raw: u64,
    ) -> &mut Self {
        let e = self.op(Op::CountPrimes);
        range(e, lo, len, heavy);
        e.u64(hi_raw).u64(split).place(place);
        self
    }

    /// hpk_primes_in_range over [lo, lo + len). `cap_mode`: 0 size query, 1 cap % 64, 2 and 7
    /// cap % 4097, 3 exact, 4 exact - 1, 5 exact + cap % 16, 6 an overflowing capacity.
    pub(super) fn primes_in_range(
        &mut self,
        lo: u64,
        len: Option<u64>,
        cap_mode: u8,
        cap: u16,
        places: [Place; 2],
        heavy: bool,
    ) -> &mut Self {
        let e = self.op(Op::PrimesInRange);
        range(e, lo, len, heavy);
        e.u64(0).u8(cap_mode).u16(cap).place(places[0]).place(places[1]);
        self
    }
}

/// The n of `op_nth_prime`, as its mode byte and raw field give it.
#[derive(Clone, Copy)]
pub(super) enum Nth {
    /// n <= pi(2^20) = 82025 (mode 5: 1 + raw % 82025).
    Table(u64),
    /// 82025 < n <= 82025 + 2^27 (mode 6, the input's heavy call).
    Heavy(u64),
    /// n = 0 (mode 0).
    Zero,
    /// The number of primes below 2^64, plus 1 + k (mode 1).
    PastTop(u16),
    /// Any n as it is (mode 7; bounded to the table unless it is invalid or the call must fail).
    Raw(u64),
}

/// The capacity of one `stream_next`.
#[derive(Clone, Copy)]
pub(super) enum Cap {
    Zero,
    /// Entry of huge_count.
    Huge(u8),
    /// 1..=64.
    Small(u8),
    /// 1..=4096.
    Large(u16),
}

/// One call on a live stream (`op_prime_stream`'s loop).
#[derive(Clone, Copy)]
pub(super) enum StreamCall {
    Next(Cap, [Place; 2]),
    Position(Place),
    /// `kind`: 0 NULL, 1 the stream's address + 1 + by % 7, 2 a block that was never a stream;
    /// on hpk_prime_stream_next (else _position), then hpk_prime_stream_free.
    NotAStream {
        kind: u8,
        by: u8,
        next: bool,
    },
}

/// How `op_prime_stream` ends.
#[derive(Clone, Copy)]
pub(super) enum StreamEnd {
    /// Drained in calls of 256 << shift primes.
    Drain(u8),
    /// A second stream from the position, drained in calls of 256 << shift.
    Resume(u8),
    /// Freed half-way.
    Free,
}

impl Builder {
    pub(super) fn nth_prime(&mut self, n: Nth, place: Place) -> &mut Self {
        const TABLE: u64 = 82_025;
        let e = self.op(Op::NthPrime);
        match n {
            Nth::Table(n) => e.u8(5).u64(n - 1),
            Nth::Heavy(n) => e.u8(6).u64(n - TABLE - 1),
            Nth::Zero => e.u8(0).u64(0),
            Nth::PastTop(k) => e.u8(1).u64(u64::from(k)),
            Nth::Raw(n) => e.u8(7).u64(n),
        };
        e.place(place);
        self
    }

    /// A stream over [lo, lo + len) (None: empty, hi = lo - 5): `calls` on it, then `end`.
    pub(super) fn stream(
        &mut self,
        lo: u64,
        len: Option<u64>,
        heavy: bool,
        calls: &[StreamCall],
        end: StreamEnd,
    ) -> &mut Self {
        let e = self.op(Op::PrimeStream);
        range(e, lo, len, heavy);
        e.place(OWN).u8(calls.len() as u8);
        for &call in calls {
            match call {
                StreamCall::Next(cap, places) => {
                    e.u8(0);
                    match cap {
                        Cap::Zero => e.u8(0),
                        Cap::Huge(h) => e.u8(1).u8(h),
                        Cap::Small(n) => e.u8(2).u8(n - 1),
                        Cap::Large(n) => e.u8(5).u16(n - 1),
                    };
                    e.place(places[0]).place(places[1]);
                }
                StreamCall::Position(place) => _ = e.u8(2).place(place),
                StreamCall::NotAStream { kind, by, next } => _ = e.u8(3).u8(kind).u8(by).u8(u8::from(!next)),
            }
        }
        match end {
            StreamEnd::Drain(shift) => e.u8(0).u8(shift),
            StreamEnd::Resume(shift) => e.u8(1).u8(shift),
            StreamEnd::Free => e.u8(2).u8(0),
        };
        self
    }

    /// A stream whose creation must fail (`place` NULL or misaligned): nothing follows.
    pub(super) fn stream_refused(&mut self, lo: u64, len: u64, place: Place) -> &mut Self {
        let e = self.op(Op::PrimeStream);
        range(e, lo, Some(len), false);
        e.place(place);
        self
    }
}

/// The fields of `Fuzz::range`: lo as a number, then the length (`heavy`: a u64, the input's
/// heavy call; else a u16 of at most REF_RANGE).
fn range(e: &mut Encoder, lo: u64, len: Option<u64>, heavy: bool) {
    e.u8(4).num(lo);
    match len {
        None => e.u8(0).u16(5),
        Some(n) if heavy => e.u8(1).u64(n),
        Some(n) => e.u8(8).u16(u16::try_from(n).expect("a short range")),
    };
}
