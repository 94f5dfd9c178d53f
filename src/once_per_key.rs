//! One answer per key, however many ask for it at once: the first asker's future runs, the
//! others wait for its answer. The pre-flight's way back reads each ECR image and lifecycle
//! policy once, where a fleet's functions mostly share one repository and one image.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

pub struct OncePerKey<K, V> {
    cells: Mutex<HashMap<K, Arc<OnceCell<V>>>>,
}

impl<K, V> Default for OncePerKey<K, V> {
    fn default() -> Self {
        OncePerKey {
            cells: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V: Clone> OncePerKey<K, V> {
    /// The answer for `key`: `make`'s, if no one asked for it before.
    pub async fn get<F: Future<Output = V>>(&self, key: K, make: impl FnOnce() -> F) -> V {
        let cell = {
            let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(cells.entry(key).or_default())
        };
        cell.get_or_init(make).await.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn concurrent_askers_of_one_key_share_one_answer() {
        let memo: OncePerKey<&str, usize> = OncePerKey::default();
        let made = AtomicUsize::new(0);
        let ask = |key: &'static str| {
            let (memo, made) = (&memo, &made);
            async move {
                memo.get(key, || async {
                    tokio::task::yield_now().await;
                    made.fetch_add(1, Ordering::SeqCst) + 100
                })
                .await
            }
        };
        let (a, b, c) = futures::join!(ask("repo"), ask("repo"), ask("other"));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(made.load(Ordering::SeqCst), 2);
    }
}
