use super::*;
use crate::julia::escape_count;

/// Every supported path against the one-point definition.
fn check_all_paths(points: &[(Complex64, Complex64)], maxiter: i32, what: &str) {
    let want: Vec<i32> = points.iter().map(|&(z, c)| escape_count(z, c, maxiter)).collect();
    for isa in Supported::all() {
        let mut out = vec![-1; points.len()];
        escape_counts(isa, &mut out, maxiter, points.iter().copied());
        assert_eq!(out, want, "{isa:?}, {what}, maxiter {maxiter}");
    }
}

#[test]
fn every_length_and_mix_of_fast_and_slow_points_matches_one_at_a_time() {
    // Points that escape at once, after a few steps, and never, in every order and length up to
    // beyond two full sets of AVX-512 lanes, so lanes refill at different times and run dry.
    let c = Complex64::new(-0.62772, -0.42193);
    let pool = [0.0, 3.0, 1.2, 0.3, -1.9, 0.05, 1.0, -0.7, 0.41, -0.33, 1.5];
    for len in (0..=40).chain([63, 64, 65, 100]) {
        for shift in [0, 1, 5] {
            let points: Vec<_> = (0..len)
                .map(|i| (Complex64::new(pool[(i + shift) % pool.len()], pool[(i * 3) % pool.len()] * 0.5), c))
                .collect();
            for maxiter in [0, 1, 7, 8, 9, 300] {
                check_all_paths(&points, maxiter, &format!("len {len} shift {shift}"));
            }
        }
    }
}

#[test]
fn a_stopped_lane_stays_stopped_even_if_z_returns_inside() {
    // c = -4 sends z = 2 to 0: a lane that kept counting after |z| >= 2 would count on.
    // Also points far outside (inf after a few steps) and NaN-producing orbits.
    let points = [
        (Complex64::new(2.0, 0.0), Complex64::new(-4.0, 0.0)),
        (Complex64::new(0.0, 0.0), Complex64::new(-2.0, 0.0)), // 0 -> -2 -> 2 -> 2 ...: |z| = 2 stops
        (Complex64::new(1e300, 1e300), Complex64::new(0.0, 0.0)),
        (Complex64::new(1.9, 0.0), Complex64::new(-3.61, 0.0)), // 1.9^2 - 3.61 = 0: back inside
        (Complex64::new(0.0, 0.0), Complex64::new(0.25, 0.0)),  // converges to 1/2: never escapes
        (Complex64::new(f64::MAX, 0.0), Complex64::new(-f64::MAX, 0.0)),
    ];
    for maxiter in [0, 1, 2, 3, 17, 1000] {
        let points: Vec<_> = points.iter().cycle().take(70).copied().collect();
        check_all_paths(&points, maxiter, "re-entry");
    }
}

#[test]
fn random_points_match_on_every_path() {
    // A fixed xorshift stream: points all over [-2, 2]^2 with c from the disc |c| < 1.5.
    let mut s = 0x9e37_79b9_7f4a_7c15u64;
    let mut uniform = |lo: f64, hi: f64| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        lo + (hi - lo) * ((s >> 11) as f64 / (1u64 << 53) as f64)
    };
    let points: Vec<_> = (0..5000)
        .map(|_| {
            (
                Complex64::new(uniform(-2.0, 2.0), uniform(-2.0, 2.0)),
                Complex64::new(uniform(-1.0, 1.0), uniform(-1.0, 1.0)),
            )
        })
        .collect();
    for maxiter in [1, 50, 1000] {
        check_all_paths(&points, maxiter, "random");
    }
}

#[test]
fn points_at_the_edge_of_the_final_escape_rule_match_on_every_path() {
    // |c| = 1.9 exactly (the largest c without the sticky mask) and just above it, with z on and
    // near the circle |z| = 2, so escapes happen at the boundary of the rule's proof.
    let mut points = Vec::new();
    for k in 0..64 {
        let angle = k as f64 * std::f64::consts::TAU / 64.0;
        for radius in [1.9, 1.900_000_000_000_1, 2.5] {
            let c = Complex64::from_polar(radius, angle);
            for zr in [1.999_999_999_999_999_8, 2.0, -2.0, 0.0, 1.0] {
                points.push((Complex64::new(zr, 0.0), c));
                points.push((Complex64::new(0.0, zr), c));
            }
        }
    }
    for maxiter in [1, 10, 100] {
        check_all_paths(&points, maxiter, "edge of the rule");
    }
    assert!(escapes_are_final(Complex64::new(-1.9, 0.0)) && !escapes_are_final(Complex64::new(0.0, 1.9000001)));
}
