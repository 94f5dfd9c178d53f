//! The canary's decide side, pure or read-only: when it may run (`time`), the window each
//! step reads (`window`), its error logs (`logs`, `matching`) and the verdict of its gates
//! (`verdict`). The watch that moves traffic is execute's (`execute/canary/`).

pub mod logs;
pub mod matching;
pub mod time;
pub mod verdict;
pub mod window;
