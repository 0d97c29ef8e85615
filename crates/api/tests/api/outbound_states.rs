//! The outbound state machine over HTTP: random sequences of seller and
//! warehouse operations on one order; allowed steps move it as documented,
//! refused ones answer their code and change nothing (order, stock, log).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

use haicang_core::outbound::{CancelKind, OutboundAction, OutboundStatus};

use crate::harness::{Server, start};
use crate::outbound::{order, stock};

const SKU: &str = "DEMO-0006";

#[derive(Debug, Clone, Copy)]
enum Op {
    Cancel,
    Wave,
    PickOne,
    Pack,
    Ship,
    InterceptOk,
    InterceptFail,
}

/// Weighted towards the forward steps so that sequences reach the late
/// states (packed, shipped) where cancels turn into interceptions.
fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => Just(Op::Cancel),
        3 => Just(Op::Wave),
        5 => Just(Op::PickOne),
        3 => Just(Op::Pack),
        3 => Just(Op::Ship),
        1 => Just(Op::InterceptOk),
        1 => Just(Op::InterceptFail),
    ]
}

/// The oracle's view of the order.
#[derive(Debug, Clone, Copy)]
struct Model {
    status: OutboundStatus,
    requested: bool,
    picked: i64,
}

/// What the oracle expects: the next model, or the refusal code.
fn expect(m: Model, op: Op) -> Result<Model, i64> {
    let guarded = |action: OutboundAction, next: Model| -> Result<Model, i64> {
        if m.requested {
            return Err(50089);
        }
        m.status.after(action).map(|_| next).map_err(|_| 50088)
    };
    match op {
        Op::Cancel => match m.status.cancel_kind() {
            CancelKind::AtOnce => Ok(Model { status: OutboundStatus::Cancelled, ..m }),
            CancelKind::Interception if m.requested => Err(50089),
            CancelKind::Interception => Ok(Model { requested: true, ..m }),
            CancelKind::TooLate => Err(50018),
            CancelKind::AlreadyCancelled => Err(50027),
        },
        Op::Wave => guarded(OutboundAction::Wave, Model { status: OutboundStatus::Waved, ..m }),
        Op::PickOne => {
            if !matches!(m.status, OutboundStatus::Waved | OutboundStatus::Picking) {
                return Err(50091); // nothing open to pick in this cart
            }
            let picked = m.picked + 1;
            let status = if picked == 2 { OutboundStatus::Picked } else { OutboundStatus::Picking };
            guarded(OutboundAction::Pick, Model { status, picked, ..m })
        }
        Op::Pack => guarded(OutboundAction::Pack, Model { status: OutboundStatus::Packed, ..m }),
        Op::Ship => guarded(OutboundAction::Ship, Model { status: OutboundStatus::Shipped, ..m }),
        Op::InterceptOk if m.requested => Ok(Model { status: OutboundStatus::Cancelled, requested: false, ..m }),
        Op::InterceptFail if m.requested => Ok(Model { requested: false, ..m }),
        Op::InterceptOk | Op::InterceptFail => Err(50090),
    }
}

/// A forward prefix of random depth (so that every stage, shipped
/// included, is reached often), then random operations.
fn sequence() -> impl Strategy<Value = Vec<Op>> {
    const FORWARD: [Op; 5] = [Op::Wave, Op::PickOne, Op::PickOne, Op::Pack, Op::Ship];
    (0..=FORWARD.len(), prop::collection::vec(op(), 1..10)).prop_map(|(depth, tail)| {
        let mut ops = FORWARD[..depth].to_vec();
        ops.extend(tail);
        ops
    })
}

async fn snapshot(s: &Server, staff: &str, seller: &str, no: &str) -> (Value, (i64, i64, i64), Value) {
    let mut order = s.get(&format!("/api/v1/ops/outbound-orders/{no}"), staff).await.ok().clone();
    order["updatedAt"] = Value::Null;
    let log = s.get(&format!("/api/v1/inventory/log?documentNo={no}"), seller).await.ok()["total"].clone();
    (order, stock(s, seller, SKU).await, log)
}

async fn run_case(s: &Server, seller: &str, staff: &str, case: usize, ops: &[Op]) -> Result<(), TestCaseError> {
    let body = order(&format!("SM-{case}"), json!([{"sku": SKU, "quantity": 2}]));
    let no = s.post("/api/v1/outbound-orders", seller, &body).await.ok()["orderNo"].as_str().unwrap().to_owned();
    let mut model = Model { status: OutboundStatus::Created, requested: false, picked: 0 };
    let mut batch: Option<i64> = None;
    for op in ops {
        let before = snapshot(s, staff, seller, &no).await;
        let answer = match op {
            Op::Cancel => s.post(&format!("/api/v1/outbound-orders/{no}/cancel"), seller, &json!({})).await,
            Op::Wave => {
                let w =
                    s.post("/api/v1/ops/waves", staff, &json!({"warehouseCode": "US-LA01", "orderNos": [no]})).await;
                if w.status.as_u16() == 200 {
                    batch = w.body["data"]["batches"][0]["batchId"].as_i64();
                }
                w
            }
            Op::PickOne => {
                let Some(id) = batch else {
                    // Never waved: there is no cart to pick from.
                    prop_assert!(!matches!(model.status, OutboundStatus::Waved | OutboundStatus::Picking));
                    continue;
                };
                let cart = s.get(&format!("/api/v1/ops/pick-batches/{id}"), staff).await.ok().clone();
                let location = cart["route"][0]["locationCode"].clone();
                let p = json!({"locationCode": location, "sku": SKU, "quantity": 1, "tote": "T1"});
                s.post(&format!("/api/v1/ops/pick-batches/{id}/picks"), staff, &p).await
            }
            Op::Pack => {
                let p = json!({"orderNo": no, "items": [{"sku": SKU, "quantity": 2}], "weightKg": 1,
                               "lengthCm": 20, "widthCm": 20, "heightCm": 10});
                s.post("/api/v1/ops/pack", staff, &p).await
            }
            Op::Ship => s.post("/api/v1/ops/ship", staff, &json!({"orderNo": no})).await,
            Op::InterceptOk | Op::InterceptFail => {
                let result = if matches!(op, Op::InterceptOk) { "SUCCESS" } else { "FAIL" };
                s.post(&format!("/api/v1/ops/outbound-orders/{no}/interception"), staff, &json!({"result": result}))
                    .await
            }
        };
        match expect(model, *op) {
            Ok(next) => {
                prop_assert_eq!(answer.status.as_u16(), 200, "{:?} from {:?}: {}", op, model, answer.body);
                let now = snapshot(s, staff, seller, &no).await.0;
                prop_assert_eq!(now["status"].as_str(), Some(next.status.as_str()), "{:?} from {:?}", op, model);
                prop_assert_eq!(now["interceptStatus"] == "REQUESTED", next.requested);
                model = next;
            }
            Err(code) => {
                prop_assert_eq!(answer.body["code"].as_i64(), Some(code), "{:?} from {:?}: {}", op, model, answer.body);
                prop_assert!(answer.status.as_u16() >= 400);
                prop_assert_eq!(
                    &snapshot(s, staff, seller, &no).await,
                    &before,
                    "a refused {:?} changed something",
                    op
                );
            }
        }
    }
    // Whatever happened, the ledger agrees with the order.
    let (total, available, reserved) = stock(s, seller, SKU).await;
    prop_assert_eq!(total, available + reserved);
    Ok(())
}

#[test]
fn every_disallowed_step_is_refused_and_changes_nothing() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (s, seller, staff) = rt.block_on(async {
        let s = start().await;
        let seller = s.customer().await;
        let staff = s.staff().await;
        (s, seller, staff)
    });
    let mut runner = TestRunner::new(Config { cases: 32, failure_persistence: None, ..Config::default() });
    let case = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&sequence(), |ops| {
            let n = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            rt.block_on(run_case(&s, &seller, &staff, n, &ops))
        })
        .unwrap();
}
