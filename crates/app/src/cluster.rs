//! Several nodes on one database: readiness, the shared rate limit and the
//! jobs one node at a time runs (issue 20; docs/DEPLOY.md).

use std::time::Duration;

use haicang_store::Engine;
use haicang_store::cluster::{self, NotReady};

use crate::audit::Actor;
use crate::{App, AppError, now_ms};

/// How long `/ready` waits for the database.
pub const READINESS_WAIT: Duration = Duration::from_secs(2);

/// A job one node at a time runs, every `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Storage billing of the last finished day, then the stock alert
    /// sweep (ageing, expiry and no-movement change with the clock).
    DailyStorageAndAlerts,
    /// Rate-limit buckets of apps idle for a day.
    Cleanup,
}

impl Job {
    pub const ALL: [Job; 2] = [Job::DailyStorageAndAlerts, Job::Cleanup];

    pub fn name(self) -> &'static str {
        match self {
            Job::DailyStorageAndAlerts => "storage-billing-and-alerts",
            Job::Cleanup => "cleanup",
        }
    }

    /// How often the job is due.
    pub fn every(self) -> Duration {
        match self {
            Job::DailyStorageAndAlerts => Duration::from_secs(3600),
            Job::Cleanup => Duration::from_secs(300),
        }
    }
}

/// How a node takes part in the leased jobs.
#[derive(Debug, Clone)]
pub struct JobPolicy {
    /// Who holds a lease: unique per process.
    pub holder: String,
    /// How long a lease lasts before another node may take the job over;
    /// longer than any run.
    pub lease: Duration,
    /// How often a node looks for due jobs.
    pub poll: Duration,
}

impl JobPolicy {
    /// A holder name of host, process and a random part (two processes
    /// with the same pid in two containers stay apart).
    pub fn for_this_process() -> JobPolicy {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "node".into());
        JobPolicy {
            holder: format!("{host}:{}:{:08x}", std::process::id(), rand::random::<u32>()),
            lease: Duration::from_secs(600),
            poll: Duration::from_secs(30),
        }
    }
}

/// What one look for due work did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    /// Not due, or another node holds the lease.
    Skipped,
    /// This node ran it.
    Ran,
}

impl App {
    /// Whether this node can serve: the database reachable, writable, at
    /// this release's migration.
    pub async fn readiness(&self) -> Result<i64, NotReady> {
        // A balancer's check waits a second or two, not the pool's 30 s.
        tokio::time::timeout(READINESS_WAIT, cluster::readiness(self.store()))
            .await
            .unwrap_or_else(|_| Err(NotReady::Unreachable(format!("no answer within {READINESS_WAIT:?}"))))
    }

    /// Counts one request of app `app_id` against `per_minute` in the
    /// database, where every node sees the same count. `Ok(None)` on
    /// SQLite, whose database serves one process: the caller keeps its
    /// in-memory bucket there (no write per read request on the single
    /// writer). `Ok(Some(Err(wait_ms)))` when over the limit.
    pub async fn shared_rate(&self, app_id: i64, per_minute: i64) -> Result<Option<Result<(), i64>>, AppError> {
        if self.store().engine() != Engine::Postgres {
            return Ok(None);
        }
        Ok(Some(cluster::take_shared_token(self.store(), app_id, per_minute).await?))
    }

    /// Runs `job` if this node can take its lease and it is due, at
    /// `now` (milliseconds; the clock is a parameter so tests can move it).
    pub async fn run_job_if_due(&self, job: Job, policy: &JobPolicy, now: i64) -> Result<JobOutcome, AppError> {
        let lease_ms = policy.lease.as_millis() as i64;
        let due_before = now - job.every().as_millis() as i64;
        let mut conn = self.store().read().await?;
        if !cluster::take_lease(&mut conn, job.name(), &policy.holder, now, lease_ms, due_before).await? {
            return Ok(JobOutcome::Skipped);
        }
        drop(conn);
        let actor = Actor::system();
        match job {
            Job::DailyStorageAndAlerts => {
                // Yesterday is the last finished day (UTC).
                let yesterday = crate::billing::day_of(now - 86_400_000);
                self.catch_up_storage(&actor, &yesterday).await?;
                self.sweep_alerts(&actor).await?;
            }
            Job::Cleanup => {
                let mut conn = self.store().read().await?;
                cluster::forget_idle_buckets(&mut conn, now).await?;
            }
        }
        let mut conn = self.store().read().await?;
        if !cluster::finish_lease(&mut conn, job.name(), &policy.holder, now).await? {
            tracing::warn!(job = job.name(), "a job outlived its lease; another node had taken it over");
        }
        Ok(JobOutcome::Ran)
    }

    /// Looks for due jobs every `policy.poll` until `stop` resolves.
    pub async fn run_jobs(&self, policy: JobPolicy, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            for job in Job::ALL {
                if let Err(e) = self.run_job_if_due(job, &policy, now_ms()).await {
                    tracing::error!(job = job.name(), error = %e, "leased job failed");
                }
            }
            // Nodes started together spread out.
            let jitter = Duration::from_millis(rand::random::<u64>() % 1000);
            tokio::select! {
                _ = &mut stop => return,
                _ = tokio::time::sleep(policy.poll + jitter) => {}
            }
        }
    }
}
