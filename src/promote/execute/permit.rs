//! The permit to write (docs/architecture.md, "Architecture"): [`crate::aws::Write`] is built only from
//! a [`Permit`], and only execute can make one, so the types keep every AWS write here.

/// Proof that the code building a write handle is execute. Its field is private and
/// its constructor visible to `promote/execute/` only, so code elsewhere cannot write:
///
/// ```compile_fail
/// use lambda_promote::aws::{Clients, Write};
/// use lambda_promote::promote::execute::permit::Permit;
/// fn write(clients: Clients) -> Write {
///     Write::new(clients, Permit::new()) // private to `promote/execute/`
/// }
/// ```
///
/// The one import that points up a layer: `aws/handles.rs` names this type, so the
/// adapters depend on execute. That is the price of the guarantee, kept on purpose:
/// a permit declared in `aws/` could be made by anyone who can reach `aws/`.
#[derive(Debug)]
pub struct Permit(());

impl Permit {
    pub(in crate::promote::execute) fn new() -> Self {
        Permit(())
    }
}
