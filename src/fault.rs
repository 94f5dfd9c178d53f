//! Faults that only test builds can inject, to prove the guards that a bug
//! would otherwise have to trigger. Release builds compile every point to
//! nothing (the env var is never read there).

/// Panics at the point `name` when `LAMBDA_PROMOTE_FAULT` names it (debug builds only).
#[cfg(debug_assertions)]
pub fn point(name: &str) {
    if std::env::var("LAMBDA_PROMOTE_FAULT").is_ok_and(|v| v == name) {
        panic!("fault injected at {name}");
    }
}

/// Release builds: no fault can be injected.
#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn point(_name: &str) {}
