//! Assembly and disassembly work orders (WO…). Creation reserves the
//! inputs (a SUITE's components × quantity to assemble, the kits to take
//! apart). Each completion consumes the inputs of the kits it accounts
//! for from the racks (free units, issue order) to `@KITTING` and receives
//! the outputs from `@KITTING` at the work station (the warehouse's first
//! PACKING location) in a lot named by the work order; rejected kits use
//! their inputs and give nothing. What is left stays reserved; a cancel
//! releases it. `workorder.completed` reports each completion.

use serde::Serialize;
use serde_json::json;

use haicang_core::document::{DocumentType, format_document_no};
use haicang_core::ledger::{Condition, Quantity, VirtualLocation};
use haicang_core::location::LocationType;
use haicang_core::lots::issue_order;
use haicang_core::product::{ProductStatus, ProductType};
use haicang_core::text::char_len;
use haicang_core::work_orders::{self as rules, WorkOrderAction, WorkOrderStatus, WorkType};
use haicang_store::outbound as orders;
use haicang_store::product as products;
use haicang_store::stock::{self, DocumentRef, Item, Place};
use haicang_store::work_orders::{
    self as store, CompletionRow, InputRow, NewCompletion, NewWorkOrder, WorkOrderFilter, WorkOrderRow,
};
use haicang_store::{ListScope, WriteTx, party, sequence, warehouse};

use crate::audit::{self, Actor, Outcome, action};
use crate::inbound::{PlanItem, Waiting, unit_measures};
use crate::warehouses::enabled_warehouse_for;
use crate::{App, AppError, Created, Page, PageRequest, StaffPrincipal, Viewer, day_code, events, idempotency, now_ms};

pub const WORKORDER_COMPLETED: &str = "workorder.completed";

/// `POST /work-orders` (a seller) or `/ops/work-orders` (staff, naming the
/// seller).
#[derive(Debug, Clone, Serialize)]
pub struct CreateWorkOrder {
    pub work_type: String,
    pub warehouse_code: String,
    pub sku: String,
    pub quantity: i64,
    pub customer_reference: String,
}

/// A completion as the floor reports it.
#[derive(Debug, Clone)]
pub struct CompleteWorkOrder {
    pub produced: i64,
    pub rejected: i64,
    pub workers: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct WorkOrderDetail {
    pub order: WorkOrderRow,
    pub inputs: Vec<InputRow>,
    pub completions: Vec<CompletionRow>,
    /// Staff only: where the planner would put the outputs still at the
    /// work station.
    pub putaway: Vec<PlanItem>,
}

impl CreateWorkOrder {
    fn check(&self) -> Result<WorkType, AppError> {
        let work_type = WorkType::parse(&self.work_type)
            .ok_or(AppError::InvalidParam { field: "type", reason: "ASSEMBLY or DISASSEMBLY".into() })?;
        if self.warehouse_code.trim().is_empty() {
            return Err(AppError::MissingParam { field: "warehouseCode" });
        }
        if self.sku.trim().is_empty() {
            return Err(AppError::MissingParam { field: "sku" });
        }
        let reference = self.customer_reference.trim();
        if reference.is_empty() {
            return Err(AppError::MissingParam { field: "customerReference" });
        }
        if char_len(reference) > rules::TEXT_CHARS_MAX {
            return Err(AppError::InvalidParam {
                field: "customerReference",
                reason: format!("at most {} characters", rules::TEXT_CHARS_MAX),
            });
        }
        if !(1..=rules::QUANTITY_MAX).contains(&self.quantity) {
            return Err(AppError::InvalidParam { field: "quantity", reason: format!("1 to {}", rules::QUANTITY_MAX) });
        }
        Ok(work_type)
    }
}

fn refused(order: &WorkOrderRow, action: WorkOrderAction) -> AppError {
    AppError::WorkOrderStatus { order_no: order.order_no.clone(), status: order.status, action }
}

fn units(n: i64) -> Result<Quantity, AppError> {
    Quantity::new(n).ok_or(AppError::InvalidParam { field: "quantity", reason: "out of range".into() })
}

fn doc(order: &WorkOrderRow, line: i64, operator: String, reason: &str) -> DocumentRef {
    DocumentRef {
        document_type: DocumentType::WorkOrder.as_str().to_owned(),
        document_no: order.order_no.clone(),
        line,
        operator,
        reason: Some(reason.to_owned()),
    }
}

impl App {
    /// Creates the order and reserves its inputs, all or none; the same
    /// request again answers the same order.
    pub async fn create_work_order(
        &self,
        customer: (i64, &str),
        created_by: &str,
        viewer: Viewer<'_>,
        cmd: &CreateWorkOrder,
    ) -> Result<Created<WorkOrderStatus>, AppError> {
        let work_type = cmd.check()?;
        let hash = idempotency::fingerprint(cmd);
        self.retrying(|| self.create_work_order_once(customer, created_by, viewer, cmd, work_type, &hash)).await
    }

    async fn create_work_order_once(
        &self,
        customer: (i64, &str),
        created_by: &str,
        viewer: Viewer<'_>,
        cmd: &CreateWorkOrder,
        work_type: WorkType,
        hash: &str,
    ) -> Result<Created<WorkOrderStatus>, AppError> {
        let now = now_ms();
        let reference = cmd.customer_reference.trim();
        let mut tx = self.store.begin_write().await?;
        if let Some(existing) = store::find_by_reference(tx.conn(), customer.0, reference).await? {
            return if idempotency::same_request(&existing.request_hash, cmd) {
                Ok(Created { order_no: existing.order_no, status: existing.status, created: false })
            } else {
                Err(AppError::WorkOrderReferenceConflict(reference.to_owned()))
            };
        }
        let w = match viewer {
            Viewer::Customer(c) => crate::warehouses::ordering_warehouse(tx.conn(), c, &cmd.warehouse_code).await?,
            Viewer::Staff(_) => enabled_warehouse_for(tx.conn(), viewer, &cmd.warehouse_code).await?,
        };
        let kit = products::find_product(tx.conn(), customer.0, cmd.sku.trim())
            .await?
            .ok_or_else(|| AppError::SkuNotFound(cmd.sku.trim().to_owned()))?;
        if kit.product_type != ProductType::Suite {
            return Err(AppError::WorkOrderNotAKit(kit.sku));
        }
        if kit.status != ProductStatus::Active {
            return Err(AppError::OutboundSkuBanned(kit.sku));
        }
        let parts = products::components_of(tx.conn(), &[kit.product_id]).await?;
        let part_skus: Vec<String> = parts.iter().map(|c| c.sku.clone()).collect();
        let part_rows = products::products_by_sku(tx.conn(), customer.0, &part_skus).await?;
        // (product, SKU, per kit) of what goes in.
        let inputs: Vec<(i64, String, i64)> = match work_type {
            WorkType::Assembly => parts
                .iter()
                .filter_map(|c| {
                    part_rows.iter().find(|p| p.sku == c.sku).map(|p| (p.product_id, p.sku.clone(), c.quantity))
                })
                .collect(),
            WorkType::Disassembly => vec![(kit.product_id, kit.sku.clone(), 1)],
        };
        if inputs.is_empty() || (work_type == WorkType::Assembly && inputs.len() != parts.len()) {
            return Err(AppError::WorkOrderNotAKit(kit.sku));
        }
        let station = warehouse::first_of_type(tx.conn(), w.warehouse_id, LocationType::Packing.as_str())
            .await?
            .ok_or_else(|| AppError::LocationNotFound(format!("{}: a PACKING location (work station)", w.code)))?;
        let day = day_code(now);
        let seq = sequence::next_value(tx.conn(), DocumentType::WorkOrder.prefix(), &day).await?;
        let order_no = format_document_no(DocumentType::WorkOrder, &day, seq);
        let id = store::insert_order(
            &mut tx,
            &NewWorkOrder {
                order_no: &order_no,
                customer_id: customer.0,
                warehouse_id: w.warehouse_id,
                work_type,
                product_id: kit.product_id,
                quantity: cmd.quantity,
                customer_reference: reference,
                request_hash: hash,
                station_location_id: station.location_id,
                created_by,
            },
            now,
        )
        .await?;
        // Reserve in product order (no deadlock against orders on PG).
        let mut by_product: Vec<usize> = (0..inputs.len()).collect();
        by_product.sort_by_key(|&i| inputs[i].0);
        for i in by_product {
            let (product_id, sku, per_kit) = &inputs[i];
            let item = Item {
                customer_id: customer.0,
                warehouse_id: w.warehouse_id,
                product_id: *product_id,
                condition: Condition::Good,
            };
            let wanted = per_kit.saturating_mul(cmd.quantity);
            let reference = DocumentRef {
                document_type: DocumentType::WorkOrder.as_str().to_owned(),
                document_no: order_no.clone(),
                line: i as i64 + 1,
                operator: created_by.to_owned(),
                reason: Some("inputs".into()),
            };
            let reservation = stock::reserve(&mut tx, item, units(wanted)?, &reference, now)
                .await
                .map_err(|e| AppError::from_store_for_sku(e, sku))?;
            store::insert_input(&mut tx, id, i as i64 + 1, *product_id, *per_kit, reservation).await?;
        }
        if let Viewer::Staff(staff) = viewer {
            let actor = Actor::staff(staff).for_customer(customer.0);
            let detail =
                json!({"type": work_type.as_str(), "sku": kit.sku, "quantity": cmd.quantity, "customer": customer.1});
            audit::record(tx.conn(), &actor, action::WORK_ORDER_CREATE, &order_no, Outcome::Success, detail).await?;
        }
        tx.commit().await?;
        Ok(Created { order_no, status: WorkOrderStatus::Created, created: true })
    }

    /// `POST /ops/work-orders/{no}/start`: the inputs are on their way to
    /// the station.
    pub async fn start_work_order(&self, staff: &StaffPrincipal, order_no: &str) -> Result<WorkOrderRow, AppError> {
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let order = self.locked_work_order(&mut tx, order_no, Viewer::Staff(staff)).await?;
            order.status.allows(WorkOrderAction::Start).map_err(|_| refused(&order, WorkOrderAction::Start))?;
            store::set_progress(
                &mut tx,
                order.work_order_id,
                WorkOrderStatus::Started,
                order.done,
                order.rejected,
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await?;
        self.work_order(Viewer::Staff(staff), order_no).await
    }

    /// `POST /ops/work-orders/{no}/complete`: `produced` good kits (or
    /// components sets) and `rejected` spoiled ones, by these workers.
    pub async fn complete_work_order(
        &self,
        staff: &StaffPrincipal,
        order_no: &str,
        cmd: &CompleteWorkOrder,
    ) -> Result<WorkOrderRow, AppError> {
        if cmd.workers.is_empty() {
            return Err(AppError::MissingParam { field: "workers" });
        }
        if cmd.workers.len() > rules::WORKERS_MAX
            || cmd.workers.iter().any(|w| w.trim().is_empty() || char_len(w.trim()) > rules::TEXT_CHARS_MAX)
        {
            return Err(AppError::InvalidParam {
                field: "workers",
                reason: format!("1 to {} names of at most {} characters", rules::WORKERS_MAX, rules::TEXT_CHARS_MAX),
            });
        }
        self.retrying(|| self.complete_work_once(staff, order_no, cmd)).await?;
        self.work_order(Viewer::Staff(staff), order_no).await
    }

    async fn complete_work_once(
        &self,
        staff: &StaffPrincipal,
        order_no: &str,
        cmd: &CompleteWorkOrder,
    ) -> Result<(), AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let order = self.locked_work_order(&mut tx, order_no, Viewer::Staff(staff)).await?;
        order.status.allows(WorkOrderAction::Complete).map_err(|_| refused(&order, WorkOrderAction::Complete))?;
        let next = rules::after_completion(order.quantity, order.done + order.rejected, cmd.produced, cmd.rejected)
            .map_err(|e| AppError::WorkOrderCompletion { order_no: order.order_no.clone(), reason: e })?;
        // Inputs and outputs serialise with waves on this warehouse.
        orders::lock_warehouse(&mut tx, order.warehouse_id).await?;
        let inputs = store::inputs(tx.conn(), order.work_order_id).await?;
        let kits = cmd.produced + cmd.rejected;
        let left_after = order.quantity - order.done - order.rejected - kits;
        let operator = staff.operator();
        let mut consumed = Vec::new();
        for input in &inputs {
            let item = Item {
                customer_id: order.customer_id,
                warehouse_id: order.warehouse_id,
                product_id: input.product_id,
                condition: Condition::Good,
            };
            // Free the reservation, take what these kits use, reserve the rest again.
            if let Some(r) = input.reservation_id {
                stock::void(&mut tx, r, now).await?;
            }
            let need = input.per_kit * kits;
            let mut sources = orders::sources(&mut tx, order.warehouse_id, input.product_id).await?;
            sources.sort_by(|a, b| {
                issue_order(
                    (a.expiry_date.as_deref(), a.inbound_at, a.lot_id),
                    (b.expiry_date.as_deref(), b.inbound_at, b.lot_id),
                )
                .then_with(|| a.location_code.cmp(&b.location_code))
            });
            let free: i64 = sources.iter().map(|s| (s.quantity - s.allocated).max(0)).sum();
            if free < need {
                return Err(AppError::InsufficientStock { sku: input.sku.clone(), requested: need, available: free });
            }
            let mut left = need;
            for s in &sources {
                let n = (s.quantity - s.allocated).max(0).min(left);
                if n == 0 {
                    continue;
                }
                let from = Place { location_id: s.location_id, code: s.location_code.clone() };
                stock::issue(
                    &mut tx,
                    item,
                    &from,
                    VirtualLocation::Kitting,
                    s.lot_id,
                    units(n)?,
                    &doc(&order, input.line_no, operator.clone(), "consumed"),
                    now,
                )
                .await
                .map_err(|e| AppError::from_store_for_sku(e, &input.sku))?;
                left -= n;
                if left == 0 {
                    break;
                }
            }
            let again = if left_after > 0 {
                let reference = doc(&order, input.line_no, operator.clone(), "inputs");
                Some(
                    stock::reserve(&mut tx, item, units(input.per_kit * left_after)?, &reference, now)
                        .await
                        .map_err(|e| AppError::from_store_for_sku(e, &input.sku))?,
                )
            } else {
                None
            };
            store::set_input_reservation(&mut tx, order.work_order_id, input.line_no, again).await?;
            consumed.push(json!({"sku": input.sku, "quantity": need}));
        }
        // Outputs: the kit (assembly) or its components (disassembly).
        let outputs: Vec<(i64, String, i64)> = match order.work_type {
            WorkType::Assembly => vec![(order.product_id, order.sku.clone(), cmd.produced)],
            WorkType::Disassembly => {
                let parts = products::components_of(tx.conn(), &[order.product_id]).await?;
                let skus: Vec<String> = parts.iter().map(|c| c.sku.clone()).collect();
                let rows = products::products_by_sku(tx.conn(), order.customer_id, &skus).await?;
                parts
                    .iter()
                    .filter_map(|c| {
                        rows.iter()
                            .find(|p| p.sku == c.sku)
                            .map(|p| (p.product_id, p.sku.clone(), c.quantity * cmd.produced))
                    })
                    .collect()
            }
        };
        let station = warehouse::location_by_id(tx.conn(), order.station_location_id).await?;
        let station = Place { location_id: station.location_id, code: station.code };
        let mut produced = Vec::new();
        let mut lot_of_kit = None;
        for (i, (product_id, sku, quantity)) in outputs.iter().enumerate() {
            if *quantity == 0 {
                continue;
            }
            let lot_id =
                stock::ensure_lot(&mut tx, order.customer_id, *product_id, &order.order_no, now, None, None, None)
                    .await?;
            if *product_id == order.product_id {
                lot_of_kit = Some(lot_id);
            }
            let item = Item {
                customer_id: order.customer_id,
                warehouse_id: order.warehouse_id,
                product_id: *product_id,
                condition: Condition::Good,
            };
            let line = 100 + i as i64;
            stock::receive(
                &mut tx,
                item,
                VirtualLocation::Kitting,
                &station,
                lot_id,
                units(*quantity)?,
                &doc(&order, line, operator.clone(), "produced"),
                now,
            )
            .await
            .map_err(|e| AppError::from_store_for_sku(e, sku))?;
            produced.push(json!({"sku": sku, "quantity": quantity}));
        }
        let workers: Vec<&str> = cmd.workers.iter().map(|w| w.trim()).collect();
        let workers_json = serde_json::to_string(&workers).unwrap_or_default();
        store::insert_completion(
            &mut tx,
            order.work_order_id,
            &NewCompletion {
                produced: cmd.produced,
                rejected: cmd.rejected,
                workers: &workers_json,
                lot_id: lot_of_kit,
                staff_id: staff.staff_id,
            },
            now,
        )
        .await?;
        let done = order.done + cmd.produced;
        let rejected = order.rejected + cmd.rejected;
        store::set_progress(&mut tx, order.work_order_id, next, done, rejected, now).await?;
        let data = json!({"orderNo": order.order_no, "erpNo": order.customer_reference, "type": order.work_type.as_str(),
            "sku": order.sku, "quantity": order.quantity, "produced": cmd.produced, "rejected": cmd.rejected,
            "done": done, "status": next.as_str(), "lotNo": order.order_no, "workers": workers,
            "inputs": consumed, "outputs": produced, "stationCode": station.code});
        events::emit(
            &mut tx,
            (order.customer_id, &order.customer_code),
            WORKORDER_COMPLETED,
            &order.warehouse_code,
            data,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Cancel (seller or staff) before it is complete: what is still
    /// reserved is released; kits already made stay.
    pub async fn cancel_work_order(&self, viewer: Viewer<'_>, order_no: &str) -> Result<WorkOrderRow, AppError> {
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let order = self.locked_work_order(&mut tx, order_no, viewer).await?;
            order.status.allows(WorkOrderAction::Cancel).map_err(|_| refused(&order, WorkOrderAction::Cancel))?;
            for input in store::inputs(tx.conn(), order.work_order_id).await? {
                if let Some(r) = input.reservation_id {
                    stock::void(&mut tx, r, now).await?;
                    store::set_input_reservation(&mut tx, order.work_order_id, input.line_no, None).await?;
                }
            }
            store::set_progress(
                &mut tx,
                order.work_order_id,
                WorkOrderStatus::Cancelled,
                order.done,
                order.rejected,
                now,
            )
            .await?;
            if let Viewer::Staff(staff) = viewer {
                let actor = Actor::staff(staff).for_customer(order.customer_id);
                let detail =
                    json!({"status": {"before": order.status.as_str(), "after": "CANCELLED"}, "done": order.done});
                audit::record(tx.conn(), &actor, action::WORK_ORDER_CANCEL, &order.order_no, Outcome::Success, detail)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await?;
        self.work_order(viewer, order_no).await
    }

    async fn locked_work_order(
        &self,
        tx: &mut WriteTx,
        order_no: &str,
        viewer: Viewer<'_>,
    ) -> Result<WorkOrderRow, AppError> {
        let order = store::lock_order(tx, order_no.trim(), viewer.customer_id())
            .await?
            .ok_or_else(|| AppError::WorkOrderNotFound(order_no.trim().to_owned()))?;
        viewer.check_warehouse(order.warehouse_id, &order.warehouse_code)?;
        Ok(order)
    }

    pub async fn work_order(&self, viewer: Viewer<'_>, order_no: &str) -> Result<WorkOrderRow, AppError> {
        let order = store::find_order(&mut *self.store.read().await?, order_no.trim(), viewer.customer_id())
            .await?
            .ok_or_else(|| AppError::WorkOrderNotFound(order_no.trim().to_owned()))?;
        viewer.check_warehouse(order.warehouse_id, &order.warehouse_code)?;
        Ok(order)
    }

    pub async fn work_order_detail(&self, viewer: Viewer<'_>, order_no: &str) -> Result<WorkOrderDetail, AppError> {
        let order = self.work_order(viewer, order_no).await?;
        let mut conn = self.store.read().await?;
        let inputs = store::inputs(&mut conn, order.work_order_id).await?;
        let completions = store::completions(&mut conn, order.work_order_id).await?;
        let at_station = match viewer {
            Viewer::Staff(_) => {
                haicang_store::returns::units_at(&mut conn, order.station_location_id, order.customer_id).await?
            }
            Viewer::Customer(_) => Vec::new(),
        };
        drop(conn);
        // The outputs of this order still at the station (its own lot).
        let waiting: Vec<Waiting> = at_station
            .into_iter()
            .filter(|u| u.condition == Condition::Good && u.lot_code == order.order_no)
            .map(|u| Waiting {
                product_id: u.product_id,
                sku: u.sku,
                lot_id: u.lot_id,
                lot_code: u.lot_code,
                condition: u.condition,
                quantity: u.quantity,
            })
            .collect();
        let putaway = self
            .propose_putaway(order.warehouse_id, order.customer_id, &waiting, |p, id| unit_measures(p, id, &[], &[]))
            .await?;
        Ok(WorkOrderDetail { order, inputs, completions, putaway })
    }

    pub async fn list_work_orders(
        &self,
        viewer: Viewer<'_>,
        filter: &WorkOrderFilter,
        page: PageRequest,
    ) -> Result<Page<WorkOrderRow>, AppError> {
        self.check_named_warehouse(viewer, filter.warehouse_code.as_deref()).await?;
        let scope: ListScope = viewer.list_scope();
        let (rows, total) = store::list(&mut *self.store.read().await?, &scope, filter, page).await?;
        Ok(Page::new(rows, page, total))
    }

    /// A customer by code (staff naming a seller): its id and code.
    pub async fn customer_ref(&self, code: &str) -> Result<(i64, String), AppError> {
        let c = party::find_customer(&mut *self.store.read().await?, code.trim())
            .await?
            .ok_or_else(|| AppError::CustomerNotFound(code.trim().to_owned()))?;
        Ok((c.customer_id, c.code))
    }
}
