//! Jobs one node at a time runs (storage billing and alert sweeps,
//! cleanup): several nodes offer, exactly one runs each due job, a held
//! lease keeps the others off, and when its holder dies another node takes
//! the job over once the lease runs out.
//! On the engine chosen by `HAICANG_TEST_POSTGRES_URL`.

use std::time::Duration;

use haicang_app::App;
use haicang_app::cluster::{Job, JobOutcome, JobPolicy};
use haicang_store::Store;
use haicang_store::testing::fresh_store;

fn policy(holder: &str) -> JobPolicy {
    JobPolicy { holder: holder.into(), lease: Duration::from_secs(600), poll: Duration::from_secs(30) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_eight_nodes_one_runs_a_due_job_and_a_dead_holder_is_taken_over() {
    let db = fresh_store().await.unwrap();
    let mut nodes = Vec::new();
    for n in 0..8 {
        nodes.push((App::new(Store::connect(&db.url, 4).await.unwrap()), policy(&format!("node-{n}"))));
    }
    let t0 = 1_900_000_000_000_i64;
    let runs = futures_runs(&nodes, Job::Cleanup, t0).await;
    assert_eq!(runs.iter().filter(|r| **r == JobOutcome::Ran).count(), 1, "{runs:?}");
    // Finished: not due again before its period, for anyone.
    let every = Job::Cleanup.every().as_millis() as i64;
    let again = futures_runs(&nodes, Job::Cleanup, t0 + every - 1).await;
    assert!(again.iter().all(|r| *r == JobOutcome::Skipped), "{again:?}");
    let next = futures_runs(&nodes, Job::Cleanup, t0 + every).await;
    assert_eq!(next.iter().filter(|r| **r == JobOutcome::Ran).count(), 1, "{next:?}");

    // A node takes the daily job's lease and dies before finishing it.
    let mut conn = db.store.read().await.unwrap();
    let name = Job::DailyStorageAndAlerts.name();
    assert!(haicang_store::cluster::take_lease(&mut conn, name, "dead-node", t0, 600_000, t0).await.unwrap());
    drop(conn);
    let while_held = futures_runs(&nodes, Job::DailyStorageAndAlerts, t0 + 599_999).await;
    assert!(while_held.iter().all(|r| *r == JobOutcome::Skipped), "the lease keeps others off: {while_held:?}");
    let after = futures_runs(&nodes, Job::DailyStorageAndAlerts, t0 + 600_001).await;
    assert_eq!(after.iter().filter(|r| **r == JobOutcome::Ran).count(), 1, "taken over once: {after:?}");
}

/// Every node looks for `job` at once, at `now`.
async fn futures_runs(nodes: &[(App, JobPolicy)], job: Job, now: i64) -> Vec<JobOutcome> {
    let mut tasks = Vec::new();
    for (app, policy) in nodes {
        let (app, policy) = (app.clone(), policy.clone());
        tasks.push(tokio::spawn(async move { app.run_job_if_due(job, &policy, now).await.unwrap() }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}
