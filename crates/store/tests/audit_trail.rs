//! The audit trail is append-only in the database itself: an UPDATE or a
//! DELETE of a row is refused on both engines (a bug or a hand with SQL
//! access cannot rewrite history through the application's connection),
//! and failure counters start again once stale.

use haicang_core::throttle::FailureScope;
use haicang_store::PageRequest;
use haicang_store::audit::{self, AuditFilter, NewAuditEntry};
use haicang_store::testing::fresh_store;

#[tokio::test]
async fn audit_rows_can_be_added_and_never_changed_or_removed() {
    let db = fresh_store().await.unwrap();
    let mut tx = db.store.begin_write().await.unwrap();
    let entry = NewAuditEntry {
        at: 1,
        actor_kind: "STAFF",
        actor: "admin",
        customer_id: None,
        address: Some("203.0.113.7"),
        request_id: Some("r1"),
        action: "inventory.adjust",
        target: "AD2611300001",
        outcome: "SUCCESS",
        detail: "{}",
    };
    audit::record(tx.conn(), &entry).await.unwrap();
    tx.commit().await.unwrap();
    for statement in ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"] {
        let mut tx = db.store.begin_write().await.unwrap();
        let refused = sqlx::query(statement).execute(tx.conn()).await;
        assert!(refused.is_err(), "{statement} was allowed");
        assert!(refused.unwrap_err().to_string().contains("append-only"));
    }
    let mut conn = db.store.read().await.unwrap();
    let page = PageRequest { page: 1, page_size: 10 };
    let (rows, total) = audit::list(&mut conn, &AuditFilter::default(), page).await.unwrap();
    assert_eq!(total, 1);
    assert_eq!((rows[0].actor.as_str(), rows[0].address.as_deref()), ("admin", Some("203.0.113.7")));
    // An unknown actor kind is refused like any other closed set.
    let mut tx = db.store.begin_write().await.unwrap();
    let bad = NewAuditEntry { actor_kind: "ROBOT", ..entry };
    assert!(audit::record(tx.conn(), &bad).await.is_err());
}

#[tokio::test]
async fn a_stale_failure_counter_starts_again_and_a_success_clears_it() {
    let db = fresh_store().await.unwrap();
    let key = [(FailureScope::Account, "staff:admin".to_owned())];
    let mut tx = db.store.begin_write().await.unwrap();
    for now in [10, 20, 30] {
        audit::count_failure(tx.conn(), FailureScope::Account, "staff:admin", now, 0).await.unwrap();
    }
    assert_eq!(audit::failures(tx.conn(), &key).await.unwrap()[0].failures, 3);
    // Last failure at 30, stale before 31: the next failure is the first.
    audit::count_failure(tx.conn(), FailureScope::Account, "staff:admin", 100, 31).await.unwrap();
    let row = &audit::failures(tx.conn(), &key).await.unwrap()[0];
    assert_eq!((row.failures, row.last_failure_at), (1, 100));
    audit::clear_failures(tx.conn(), &key).await.unwrap();
    assert!(audit::failures(tx.conn(), &key).await.unwrap().is_empty());
    tx.commit().await.unwrap();
}
