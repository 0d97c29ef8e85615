//! Group commit for SQLite: many writers' commits reach the disk with one
//! `fsync` of the write-ahead log.
//!
//! SQLite with `synchronous = FULL` syncs the WAL inside every COMMIT, while
//! the single write lock is held: the next writer waits for the disk even
//! though it has nothing to do with the previous one. Here the write
//! connection runs `synchronous = NORMAL` (a COMMIT appends its frames to
//! the WAL, no sync) and the writer, after releasing the write lock, asks
//! a flusher thread to sync the WAL before it answers its caller. The
//! flusher takes every request waiting when it starts and answers them all
//! with one `fdatasync`: under load one sync covers many commits; a lone
//! writer waits for exactly one sync, as it did inside its COMMIT.
//!
//! Why this is durable: the WAL is append-only between checkpoints and its
//! frames are checksummed; a commit's frames are written (to the page
//! cache) before its COMMIT returns, so a sync that starts afterwards
//! makes them durable — recovery replays every committed frame it finds.
//! `NORMAL` still syncs the WAL before each checkpoint copies it into the
//! database file, and the database file after. A commit is visible to
//! other connections slightly before it is durable (until the sync that
//! answers its writer): a power loss in that window loses a write nobody
//! was told had succeeded, but a reader may have seen it. A process crash
//! loses nothing (the page cache survives it).
//!
//! One path per request: the use case's transaction is the same as
//! before, only the wait for the disk moved out of the write lock.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use tokio::sync::oneshot;

use crate::StoreError;

type Answer = oneshot::Sender<Result<(), String>>;

/// Hands sync requests to the flusher thread.
#[derive(Debug)]
pub(crate) struct WalFlusher {
    requests: mpsc::Sender<Answer>,
    counts: Arc<Counts>,
}

/// Commits answered and syncs done, for benches and tests to show how
/// many commits a sync carries.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    pub(crate) commits: AtomicU64,
    pub(crate) syncs: AtomicU64,
}

impl WalFlusher {
    /// Starts the thread that syncs `database`'s WAL (`<database>-wal`).
    /// It ends when the last handle is dropped.
    pub(crate) fn start(database: PathBuf) -> Result<WalFlusher, StoreError> {
        let mut wal = database.into_os_string();
        wal.push("-wal");
        let wal = PathBuf::from(wal);
        let (requests, queue) = mpsc::channel::<Answer>();
        let counts = Arc::new(Counts::default());
        let counted = counts.clone();
        std::thread::Builder::new()
            .name("sqlite-wal-sync".into())
            .spawn(move || {
                while let Ok(first) = queue.recv() {
                    // Everyone who committed before this sync starts is
                    // covered by it.
                    let mut waiting = vec![first];
                    waiting.extend(queue.try_iter());
                    let done = sync(&wal).map_err(|e| e.to_string());
                    counted.syncs.fetch_add(1, Ordering::Relaxed);
                    counted.commits.fetch_add(waiting.len() as u64, Ordering::Relaxed);
                    for answer in waiting {
                        let _ = answer.send(done.clone());
                    }
                }
            })
            .map_err(|e| StoreError::Unavailable(format!("starting the WAL sync thread: {e}")))?;
        Ok(WalFlusher { requests, counts })
    }

    /// (commits answered, syncs done) so far.
    pub(crate) fn counts(&self) -> (u64, u64) {
        (self.counts.commits.load(Ordering::Relaxed), self.counts.syncs.load(Ordering::Relaxed))
    }

    /// Returns once every commit made before this call is on disk.
    pub(crate) async fn flushed(&self) -> Result<(), StoreError> {
        let (answer, done) = oneshot::channel();
        let lost = || StoreError::Unavailable("the WAL sync thread stopped".into());
        self.requests.send(answer).map_err(|_| lost())?;
        done.await
            .map_err(|_| lost())?
            // The commit happened; whether it reached the disk is unknown.
            // Not a conflict to retry inside: the caller may send the request
            // again (creations are idempotent by reference).
            .map_err(|e| StoreError::Unavailable(format!("syncing the write-ahead log: {e}")))
    }
}

/// Syncs the WAL. Opened anew each time: SQLite deletes the file when its
/// last connection closes (after checkpointing it into the database file,
/// synced) and creates another, so a kept descriptor could name a file
/// that is gone.
fn sync(wal: &PathBuf) -> std::io::Result<()> {
    match std::fs::File::open(wal) {
        Ok(file) => file.sync_data(),
        // Checkpointed and removed: the commits are in the synced database.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}
