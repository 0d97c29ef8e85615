//! Connections, transactions, migrations and error kinds: everything that
//! differs between SQLite and PostgreSQL is here.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Executor, Transaction};
use thiserror::Error;
use tokio::sync::{Mutex, OwnedMutexGuard};

use haicang_core::ledger::LedgerError;

use crate::wal_flush::WalFlusher;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Debug, Error)]
pub enum StoreError {
    /// Another transaction got there first (serialization failure, deadlock,
    /// a busy SQLite file, a row that changed under us). The whole use case
    /// may be retried.
    #[error("write conflict, retry: {0}")]
    Conflict(String),
    /// A unique constraint refused the row.
    #[error("duplicate: {0}")]
    Duplicate(String),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The take would break a sealed carton: only `loose` units there are
    /// not closed in one.
    #[error("units at {location} are sealed in cartons: {loose} loose, {requested} requested")]
    Sealed { location: String, loose: i64, requested: i64 },
    #[error("unsupported database URL {0:?}: use sqlite://… or postgres://…")]
    UnsupportedUrl(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// The database cannot be reached or will not take writes right now:
    /// the connection broke, the server is restarting, or it is a standby
    /// (a failover in progress). The request may be sent again; if the
    /// connection broke during the commit, whether it committed is unknown,
    /// which the API's idempotency keys and unique references settle.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database holds migrations newer than this release: an older node
    /// must not write a schema it does not know.
    #[error("the database schema is at migration {applied}, newer than this release's {known}: upgrade this node")]
    SchemaAhead { applied: i64, known: i64 },
    /// A stored value the code does not know (a status, a role): a bug or
    /// a newer release's data. Never guessed at.
    #[error("unknown stored value: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    /// Sorts database errors by kind, never by constraint name: SQLite does
    /// not report names.
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            // PostgreSQL: serialization failure, deadlock. SQLite: BUSY,
            // LOCKED and their extended codes.
            if matches!(code.as_str(), "40001" | "40P01" | "5" | "6" | "261" | "262" | "517") {
                return StoreError::Conflict(db.message().to_owned());
            }
            if db.is_unique_violation() {
                return StoreError::Duplicate(db.message().to_owned());
            }
            // PostgreSQL: connection exceptions (class 08), the server
            // shutting down or starting (57P01-57P03), too many
            // connections, and a write sent to a standby (25006).
            if code.starts_with("08") || matches!(code.as_str(), "57P01" | "57P02" | "57P03" | "53300" | "25006") {
                return StoreError::Unavailable(db.message().to_owned());
            }
        }
        // No connection within the pool's wait: the server refuses
        // connections (stopped, restarting) or is swamped. Either way the
        // request may be sent again later; retrying it at once inside only
        // multiplies the wait.
        if matches!(
            e,
            sqlx::Error::PoolTimedOut
                | sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
        ) {
            return StoreError::Unavailable(e.to_string());
        }
        StoreError::Database(e)
    }
}

impl StoreError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Conflict(_))
    }

    /// A conflict, or a database away for a moment: the same statement may
    /// succeed a little later.
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Conflict(_) | StoreError::Unavailable(_))
    }
}

/// The database: a pool and the engine it speaks.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// SQLite has one writer at a time; queueing our own writers here (fair,
    /// async) keeps them off SQLite's sleeping busy handler. The busy
    /// timeout still covers other processes (the CLI) writing the same file.
    write_gate: Option<Arc<Mutex<()>>>,
    /// SQLite on a file: the write transactions' own connection
    /// (`synchronous = NORMAL`), whose commits reach the disk through
    /// [`WalFlusher`] in groups. Reads and migrations keep `pool`
    /// (`synchronous = FULL`).
    group: Option<Arc<GroupCommit>>,
}

/// SQLite's group commit: see [`crate::wal_flush`].
struct GroupCommit {
    writer: AnyPool,
    flusher: WalFlusher,
    /// Off: each commit syncs while it still holds the write lock (what
    /// `synchronous = FULL` does), for a bench to compare in one run.
    grouped: std::sync::atomic::AtomicBool,
}

/// A write transaction: on SQLite begun with `BEGIN IMMEDIATE` (the write
/// lock is taken up front, so two writers can never deadlock upgrading a
/// read lock), on PostgreSQL a READ COMMITTED transaction whose ledger rows
/// are locked with `FOR UPDATE`. Dropped without `commit`, it rolls back.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    engine: Engine,
    gate: Option<OwnedMutexGuard<()>>,
    group: Option<Arc<GroupCommit>>,
}

impl WriteTx {
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Commits; returns once the commit is durable. On SQLite the write
    /// lock is released before the wait for the disk, so the next writer
    /// runs while this one's sync (shared with others) is under way.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.commit_durable_later().await?.wait().await
    }

    /// Commits and releases the write lock, and hands back the wait for
    /// the commit to be durable, for a writer that has more to do than
    /// wait (order batches: the next batch begins while this one's sync
    /// is under way, and its callers are answered when the wait ends).
    /// Nothing may be acknowledged before [`Durable::wait`] returns.
    pub async fn commit_durable_later(self) -> Result<Durable, StoreError> {
        let WriteTx { tx, gate, group, .. } = self;
        tx.commit().await?;
        match group {
            Some(group) if group.grouped.load(std::sync::atomic::Ordering::Relaxed) => {
                drop(gate);
                Ok(Durable(Some(group)))
            }
            // Not grouped (benches comparing): the sync under the lock.
            Some(group) => {
                group.flusher.flushed().await?;
                drop(gate);
                Ok(Durable(None))
            }
            None => Ok(Durable(None)),
        }
    }
}

/// A commit made but perhaps not yet on disk (see
/// [`WriteTx::commit_durable_later`]).
#[must_use = "a commit is acknowledged only once it is durable"]
pub struct Durable(Option<Arc<GroupCommit>>);

impl Durable {
    /// Returns once the commit is on disk.
    pub async fn wait(self) -> Result<(), StoreError> {
        match self.0 {
            Some(group) => group.flusher.flushed().await,
            None => Ok(()),
        }
    }
}

/// Whether the pool pings a connection each time it hands it out. On
/// PostgreSQL yes: a server that restarted or failed over leaves idle
/// connections broken, and the ping swaps them for fresh ones before a
/// request meets them. A SQLite connection is a file handle in this
/// process that cannot go stale, and its ping is a round trip to the
/// connection's worker thread like any statement: for the single writer
/// one more hop inside the write lock, on every write (bench-orders: 14
/// hops under the lock per order before, see ARCHITECTURE "Storage
/// engines"). A worker that died answers the next statement with an
/// error either way.
fn tests_before_acquire(engine: Engine) -> bool {
    engine == Engine::Postgres
}

/// Whether a connection handed back to its pool may be reused: not when
/// it is still inside a transaction. sqlx's SQLite `BEGIN` is not
/// cancel-safe: when a request is cancelled (its client went away) after
/// the worker thread ran `BEGIN IMMEDIATE` but before the `Transaction`
/// existed, nobody rolls it back, and the connection would come back
/// holding the write lock, refusing the next `BEGIN` (sqlx's
/// `InvalidSavePointStatement`). Closing it rolls the transaction back;
/// the pool opens a fresh one.
///
/// A transaction dropped without commit queues its ROLLBACK on the worker
/// thread, which lowers the depth only when it runs: so a connection that
/// looks inside a transaction is first pinged (the ping runs after the
/// queued ROLLBACK) and judged after. The usual case, depth 0, costs
/// nothing.
async fn left_clean(conn: &mut AnyConnection) -> Result<bool, sqlx::Error> {
    use sqlx::Connection as _;
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    conn.ping().await?;
    let clean = !conn.is_in_transaction();
    if !clean {
        tracing::warn!("a connection came back inside a transaction (a cancelled BEGIN); closing it");
    }
    Ok(clean)
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects to `sqlite://PATH` (created when missing) or
    /// `postgres://…`.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let engine = if url.starts_with("sqlite:") {
            Engine::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Engine::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        let url = match engine {
            Engine::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            // A database that refuses connections (stopped, failing over)
            // is answered 503 after this wait, not after half a minute.
            .acquire_timeout(Duration::from_secs(10))
            .test_before_acquire(tests_before_acquire(engine))
            .after_release(|conn, _meta| Box::pin(left_clean(conn)))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        // Durable (an acknowledged write survives power loss),
                        // concurrent readers, enforced references; pages read
                        // through a memory map of up to 256 MiB instead of a
                        // read(2) copy each (~6% of the CPU of a 100-SKU
                        // stock page at 100k SKUs, by perf).
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                             PRAGMA mmap_size = 268435456;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let write_gate = (engine == Engine::Sqlite).then(|| Arc::new(Mutex::new(())));
        let group = match engine {
            Engine::Sqlite => Self::group_commit(&pool, &url).await?.map(Arc::new),
            Engine::Postgres => None,
        };
        Ok(Store { pool, engine, write_gate, group })
    }

    /// The write connection and WAL flusher of a SQLite file (`None` for
    /// an in-memory database, which has no WAL to sync).
    async fn group_commit(pool: &AnyPool, url: &str) -> Result<Option<GroupCommit>, StoreError> {
        let mut conn = pool.acquire().await?;
        let files: Vec<(i64, String, String)> = sqlx::query_as("PRAGMA database_list").fetch_all(&mut *conn).await?;
        let Some((_, _, file)) = files.into_iter().find(|(_, name, _)| name == "main") else { return Ok(None) };
        if file.is_empty() {
            return Ok(None);
        }
        let (journal,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(&mut *conn).await?;
        if !journal.eq_ignore_ascii_case("wal") {
            return Ok(None);
        }
        drop(conn);
        let writer = AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .test_before_acquire(tests_before_acquire(Engine::Sqlite))
            .after_release(|conn, _meta| Box::pin(left_clean(conn)))
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    // The WAL is synced by the flusher before any writer is
                    // answered (see wal_flush).
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                         PRAGMA mmap_size = 268435456;",
                    )
                    .await?;
                    Ok(())
                })
            })
            .connect_with(AnyConnectOptions::from_str(url)?)
            .await?;
        let flusher = WalFlusher::start(std::path::PathBuf::from(file))?;
        Ok(Some(GroupCommit { writer, flusher, grouped: std::sync::atomic::AtomicBool::new(true) }))
    }

    /// Group commit on or off (SQLite on a file; elsewhere nothing to
    /// switch). Off, every commit syncs the WAL before the next writer
    /// starts, as `synchronous = FULL` does: for benches that compare both
    /// in one run.
    pub fn set_group_commit(&self, on: bool) {
        if let Some(group) = &self.group {
            group.grouped.store(on, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// SQLite on a file: (commits made durable, WAL syncs that did it)
    /// since the store was opened. `None` elsewhere.
    pub fn group_commit_counts(&self) -> Option<(u64, u64)> {
        self.group.as_ref().map(|group| group.flusher.counts())
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The newest migration this release knows.
    pub fn latest_migration(&self) -> i64 {
        self.migrator().iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// The newest migration applied to the database (`None`: none yet).
    pub async fn applied_migration(&self) -> Result<Option<i64>, StoreError> {
        let mut conn = self.read().await?;
        Ok(sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success").fetch_one(&mut *conn).await?)
    }

    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        match self.engine {
            Engine::Sqlite => &SQLITE_MIGRATIONS,
            Engine::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// Applies pending migrations; safe to call at every start, and from
    /// several nodes at once: on PostgreSQL sqlx holds an advisory lock
    /// while it migrates, so one node migrates and the others wait, then
    /// find nothing left to do. Refuses a database whose schema is newer
    /// than this release ([`StoreError::SchemaAhead`]).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let known = self.latest_migration();
        // A fresh database has no migration table yet: nothing applied.
        let applied = self.applied_migration().await.unwrap_or(None);
        if let Some(applied) = applied.filter(|a| *a > known) {
            return Err(StoreError::SchemaAhead { applied, known });
        }
        match self.engine {
            Engine::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
            // SQLite has no lock for sqlx to take: two processes starting on
            // a fresh file may both run a migration, and the second one's
            // transaction fails (its table already exists) and rolls back.
            // Each migration is its own transaction, so trying again skips
            // what the other applied.
            Engine::Sqlite => {
                let mut attempt = 0;
                loop {
                    match SQLITE_MIGRATIONS.run(&self.pool).await {
                        Ok(()) => break,
                        Err(e) if attempt < 20 => {
                            attempt += 1;
                            tracing::debug!(error = %e, attempt, "migration raced another process; again");
                            tokio::time::sleep(Duration::from_millis(50 + 25 * attempt)).await;
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
            }
        }
        Ok(())
    }

    pub async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        let gate = match &self.write_gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        };
        let tx = match (self.engine, &self.group) {
            (Engine::Sqlite, Some(group)) => group.writer.begin_with("BEGIN IMMEDIATE").await?,
            (Engine::Sqlite, None) => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            (Engine::Postgres, _) => self.pool.begin().await?,
        };
        Ok(WriteTx { tx, engine: self.engine, gate, group: self.group.clone() })
    }

    /// A pooled connection for reads.
    pub async fn read(&self) -> Result<sqlx::pool::PoolConnection<Any>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    pub async fn close(&self) {
        if let Some(group) = &self.group {
            group.writer.close().await;
        }
        self.pool.close().await;
    }
}

/// The VALUES list of a multi-row statement: `rows` rows of `width`
/// consecutive placeholders from `$first` (`value_rows(2, 2, 3)` is
/// `($3, $4), ($5, $6)`), bound row after row.
pub(crate) fn value_rows(rows: usize, width: usize, first: usize) -> String {
    value_rows_then(rows, width, first, None)
}

/// [`value_rows`], each row ending with the same SQL expression
/// (`value_rows_then(1, 2, 1, Some("0"))` is `($1, $2, 0)`).
pub(crate) fn value_rows_then(rows: usize, width: usize, first: usize, last: Option<&str>) -> String {
    (0..rows)
        .map(|r| {
            let mut marks: Vec<String> = (0..width).map(|c| format!("${}", first + r * width + c)).collect();
            marks.extend(last.map(str::to_owned));
            format!("({})", marks.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `FOR UPDATE` where the engine has it. SQLite needs none: `BEGIN
/// IMMEDIATE` already serialises writers.
pub(crate) fn lock_clause(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "",
        Engine::Postgres => " FOR UPDATE",
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub(crate) fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
