//! The inbound state machine over HTTP: random sequences of operations;
//! each allowed step moves the order as documented, each disallowed one is
//! refused with its code and changes nothing (order, history, stock, log).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

use haicang_core::inbound::{InboundAction, InboundStatus};

use crate::harness::{Server, product, start};

#[derive(Debug, Clone, Copy)]
enum Op {
    Submit,
    Cancel,
    Tracking,
    Arrive,
    Receive,
    Close,
    Putaway,
}

impl Op {
    fn action(self, waiting: i64) -> InboundAction {
        match self {
            Op::Submit => InboundAction::Submit,
            Op::Cancel => InboundAction::Cancel,
            Op::Tracking => InboundAction::UpdateTracking,
            Op::Arrive => InboundAction::Arrive,
            Op::Receive => InboundAction::Receive,
            Op::Close => InboundAction::CloseReceipt,
            Op::Putaway if waiting <= 1 => InboundAction::PutawayLast,
            Op::Putaway => InboundAction::PutawayPart,
        }
    }

    /// The code a refusal carries.
    fn refusal(self) -> i64 {
        match self {
            Op::Cancel => 40005,
            Op::Tracking => 40006,
            _ => 40028,
        }
    }
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Submit),
        Just(Op::Cancel),
        Just(Op::Tracking),
        Just(Op::Arrive),
        Just(Op::Receive),
        Just(Op::Close),
        Just(Op::Putaway),
    ]
}

/// A forward prefix of random depth (so that the late states are reached
/// often), then random operations.
fn sequence() -> impl Strategy<Value = Vec<Op>> {
    const FORWARD: [Op; 6] = [Op::Submit, Op::Arrive, Op::Receive, Op::Receive, Op::Close, Op::Putaway];
    (0..=FORWARD.len(), prop::collection::vec(op(), 1..10)).prop_map(|(depth, tail)| {
        let mut ops = FORWARD[..depth].to_vec();
        ops.extend(tail);
        ops
    })
}

/// What must not change when a step is refused.
async fn snapshot(s: &Server, staff: &str, seller: &str, no: &str) -> (Value, Value, Value) {
    let mut order = s.get(&format!("/api/v1/ops/inbound-orders/{no}"), staff).await.ok().clone();
    order["updatedAt"] = Value::Null;
    let stock = s.get("/api/v1/inventory?sku=BAR-TEST-1", seller).await.ok()["items"].clone();
    let log = s.get(&format!("/api/v1/inventory/log?documentNo={no}"), seller).await.ok()["total"].clone();
    (order, stock, log)
}

async fn run_case(s: &Server, seller: &str, staff: &str, case: usize, ops: &[Op]) -> Result<(), TestCaseError> {
    let body = json!({"warehouseCode": "US-LA01", "type": "CARTON", "customerReference": format!("SM-{case}"),
        "draft": case.is_multiple_of(2),
        "boxes": [{"lengthCm": 40, "widthCm": 30, "heightCm": 30, "weightKg": 8,
                   "items": [{"sku": "BAR-TEST-1", "quantity": 3}]}]});
    let created = s.post("/api/v1/inbound-orders", seller, &body).await;
    let no = created.ok()["orderNo"].as_str().unwrap().to_owned();
    let mut status = InboundStatus::parse(created.ok()["status"].as_str().unwrap()).unwrap();
    // Units counted and not yet put away: the oracle's only data.
    let mut waiting = 0i64;
    for (i, op) in ops.iter().enumerate() {
        let before = snapshot(s, staff, seller, &no).await;
        let answer = match op {
            Op::Submit => s.post(&format!("/api/v1/inbound-orders/{no}/submit"), seller, &json!({})).await,
            Op::Cancel => s.post(&format!("/api/v1/inbound-orders/{no}/cancel"), seller, &json!({})).await,
            Op::Tracking => {
                let t = json!({"trackingNo": format!("TRK{case}X{i}")});
                s.put(&format!("/api/v1/inbound-orders/{no}/tracking"), seller, &t).await
            }
            Op::Arrive => s.post(&format!("/api/v1/ops/inbound-orders/{no}/arrive"), staff, &json!({})).await,
            Op::Receive => {
                let r = json!({"boxNo": "1", "lines": [{"sku": "BAR-TEST-1", "good": 1}]});
                s.post(&format!("/api/v1/ops/inbound-orders/{no}/receive"), staff, &r).await
            }
            Op::Close => s.post(&format!("/api/v1/ops/inbound-orders/{no}/close-receipt"), staff, &json!({})).await,
            Op::Putaway => {
                let p = json!({"inboundOrderNo": no, "lines": [{"sku": "BAR-TEST-1", "lotNo": no,
                               "locationCode": "A-03-03-3", "quantity": 1}]});
                s.post("/api/v1/ops/putaway", staff, &p).await
            }
        };
        let expected = status.after(op.action(waiting));
        let expected = match (op, expected) {
            // Nothing to put away is refused by the data, not the status.
            (Op::Putaway, Ok(_)) if waiting == 0 => None,
            // Closing with nothing counted ends the order at once.
            (Op::Close, Ok(next)) if waiting == 0 => next.after(InboundAction::PutawayLast).ok(),
            (_, Ok(next)) => Some(next),
            (_, Err(_)) => None,
        };
        match expected {
            Some(next) => {
                prop_assert_eq!(answer.status.as_u16(), 200, "{:?} in {:?}: {}", op, status, answer.body);
                let after = s.get(&format!("/api/v1/ops/inbound-orders/{no}"), staff).await.ok()["status"].clone();
                prop_assert_eq!(after.as_str(), Some(next.as_str()), "{:?} from {:?}", op, status);
                match op {
                    Op::Receive => waiting += 1,
                    Op::Putaway => waiting -= 1,
                    _ => {}
                }
                status = next;
            }
            None => {
                let want = if matches!(op, Op::Putaway) && waiting == 0 && status.after(op.action(1)).is_ok() {
                    40110
                } else {
                    op.refusal()
                };
                prop_assert_eq!(answer.body["code"].as_i64(), Some(want), "{:?} in {:?}: {}", op, status, answer.body);
                prop_assert_eq!(answer.status.as_u16(), 409);
                let message = answer.body["message"].as_str().unwrap_or_default().to_owned();
                if want != 40110 {
                    prop_assert!(message.contains(status.as_str()), "the status is named: {}", message);
                }
                prop_assert_eq!(
                    &snapshot(s, staff, seller, &no).await,
                    &before,
                    "a refused {:?} changed something",
                    op
                );
            }
        }
    }
    Ok(())
}

#[test]
fn every_disallowed_step_is_refused_and_changes_nothing() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (s, seller, staff) = rt.block_on(async {
        let s = start().await;
        let seller = s.customer().await;
        let staff = s.staff().await;
        s.post("/api/v1/products", &seller, &product()).await.ok();
        (s, seller, staff)
    });
    let mut runner = TestRunner::new(Config { cases: 24, failure_persistence: None, ..Config::default() });
    let case = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&sequence(), |ops| {
            let n = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            rt.block_on(run_case(&s, &seller, &staff, n, &ops))
        })
        .unwrap();
}
