//! AWS access: the SDK adapters (the only code that talks to AWS), error
//! classification, and the list of operations they may call.

pub mod operations;
