//! Entry point: runs lambda-promote and maps the result to an exit code.

fn main() {}
