//! Putaway: the planner's proposal and staff's confirmation, both by the
//! one location rule of `haicang_core::putaway`.

use super::*;

impl App {
    /// Where the planner would put what waits at the dock.
    pub async fn putaway_plan(&self, staff: &StaffPrincipal, order_no: &str) -> Result<Vec<PlanItem>, AppError> {
        let mut conn = self.store.read().await?;
        let order = store::find_order(&mut conn, order_no, None)
            .await?
            .ok_or_else(|| AppError::InboundNotFound(order_no.to_owned()))?;
        drop(conn);
        staff.check_warehouse(order.warehouse_id, &order.warehouse_code)?;
        let waiting = self.waiting(&order).await?;
        self.plan_for(&order, &waiting).await
    }

    async fn waiting(&self, order: &InboundOrderRow) -> Result<Vec<Waiting>, AppError> {
        let mut conn = self.store.read().await?;
        let receipts = store::receipts(&mut conn, order.inbound_order_id).await?;
        let putaways = store::putaways(&mut conn, order.inbound_order_id).await?;
        Ok(waiting_from(&receipts, &putaways))
    }

    async fn plan_for(&self, order: &InboundOrderRow, waiting: &[Waiting]) -> Result<Vec<PlanItem>, AppError> {
        let mut conn = self.store.read().await?;
        let boxes = store::boxes(&mut conn, order.inbound_order_id).await?;
        let lines = store::lines(&mut conn, order.inbound_order_id).await?;
        drop(conn);
        let measures = |p: Option<&ProductRow>, product_id| unit_measures(p, product_id, &boxes, &lines);
        self.propose_putaway(order.warehouse_id, order.customer_id, waiting, measures).await
    }

    /// The planner's locations for units waiting to be put away (at the
    /// dock or the returns bench); `measures` gives a unit's volume and
    /// weight from its product (and whatever carton the caller knows).
    pub(crate) async fn propose_putaway(
        &self,
        warehouse_id: i64,
        customer_id: i64,
        waiting: &[Waiting],
        measures: impl Fn(Option<&ProductRow>, i64) -> (i64, i64),
    ) -> Result<Vec<PlanItem>, AppError> {
        if waiting.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.store.read().await?;
        let locations = warehouse::enabled_locations(&mut conn, warehouse_id).await?;
        let occupancy = store::occupancy(&mut conn, warehouse_id).await?;
        let skus: Vec<String> = waiting.iter().map(|w| w.sku.clone()).collect();
        let products = products::products_by_sku(&mut conn, customer_id, &skus).await?;
        drop(conn);
        let slots = slots_from(&locations, &occupancy);
        let incoming: Vec<Incoming> = waiting
            .iter()
            .map(|w| {
                let p = products.iter().find(|p| p.product_id == w.product_id);
                let (volume, weight) = measures(p, w.product_id);
                Incoming {
                    customer_id,
                    product_id: w.product_id,
                    lot_id: w.lot_id,
                    condition: w.condition,
                    quantity: w.quantity,
                    unit_volume_cm3: volume,
                    unit_weight_g: weight,
                    restriction: p.and_then(|p| Restriction::required(p.is_battery != 0, p.is_liquid != 0)),
                }
            })
            .collect();
        let plan = tokio::task::spawn_blocking({
            let slots = slots.clone();
            move || planner::plan(slots, &incoming)
        })
        .await
        .map_err(|e| AppError::Print(e.to_string()))?;
        Ok(plan
            .into_iter()
            .map(|p| {
                let w = &waiting[p.line];
                PlanItem {
                    sku: w.sku.clone(),
                    lot_no: w.lot_code.clone(),
                    condition: w.condition,
                    quantity: p.quantity,
                    location_code: p.slot.map(|i| slots[i].code.clone()),
                    reason: p.reason,
                }
            })
            .collect())
    }

    /// Confirms putaway scans: units move from the dock to the scanned
    /// location through the ledger. The location need not be the proposed
    /// one, but must be allowed for the goods. The last units make the
    /// order PUTAWAY_DONE; each putaway reports `inbound.putaway`.
    pub async fn putaway_inbound(
        &self,
        staff: &StaffPrincipal,
        cmd: &PutawayCommand,
    ) -> Result<InboundStatus, AppError> {
        if cmd.lines.is_empty() {
            return Err(AppError::MissingParam { field: "lines" });
        }
        if cmd.lines.iter().any(|l| l.quantity <= 0 || l.quantity > rules::LINE_QUANTITY_MAX) {
            return Err(AppError::InvalidParam { field: "lines.quantity", reason: "a positive whole number".into() });
        }
        let mut conn = self.store.read().await?;
        let order = store::find_order(&mut conn, cmd.inbound_order_no.trim(), None)
            .await?
            .ok_or_else(|| AppError::InboundNotFound(cmd.inbound_order_no.clone()))?;
        drop(conn);
        // Outside the staff member's warehouses nothing is planned either.
        staff.check_warehouse(order.warehouse_id, &order.warehouse_code)?;
        // The plan says what would have been proposed, for the record.
        let proposals = self.plan_for(&order, &self.waiting(&order).await?).await?;
        self.retrying(|| self.putaway_once(staff, cmd, &proposals)).await
    }

    async fn putaway_once(
        &self,
        staff: &StaffPrincipal,
        cmd: &PutawayCommand,
        proposals: &[PlanItem],
    ) -> Result<InboundStatus, AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let order = locked_order(&mut tx, cmd.inbound_order_no.trim(), Viewer::Staff(staff)).await?;
        step(&order, InboundAction::PutawayPart)?;
        let receipts = store::receipts(tx.conn(), order.inbound_order_id).await?;
        let putaways = store::putaways(tx.conn(), order.inbound_order_id).await?;
        let mut waiting = waiting_from(&receipts, &putaways);
        let dock_id = order.receiving_location_id.ok_or_else(|| refused(&order, InboundAction::PutawayPart))?;
        let locations = warehouse::enabled_locations(tx.conn(), order.warehouse_id).await?;
        let dock = locations
            .iter()
            .find(|l| l.location_id == dock_id)
            .ok_or_else(|| AppError::LocationNotFound(format!("#{dock_id}")))?;
        let from = Place { location_id: dock.location_id, code: dock.code.clone() };
        let skus: Vec<String> = cmd.lines.iter().map(|l| l.sku.clone()).collect();
        let products = products::products_by_sku(tx.conn(), order.customer_id, &skus).await?;
        let mut this_time: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for (i, line) in cmd.lines.iter().enumerate() {
            let p =
                products.iter().find(|p| p.sku == line.sku).ok_or_else(|| AppError::SkuNotFound(line.sku.clone()))?;
            let w = waiting
                .iter_mut()
                .find(|w| {
                    w.product_id == p.product_id && w.lot_code == line.lot_no.trim() && w.condition == line.condition
                })
                .filter(|w| w.quantity >= line.quantity);
            let Some(w) = w else {
                let have = waiting_units(&receipts, &putaways, p.product_id, line.lot_no.trim(), line.condition);
                return Err(AppError::PutawayExceeds {
                    sku: line.sku.clone(),
                    lot_no: line.lot_no.clone(),
                    waiting: have,
                    requested: line.quantity,
                });
            };
            w.quantity -= line.quantity;
            let code = line.location_code.trim().to_ascii_uppercase();
            let target =
                locations.iter().find(|l| l.code == code).ok_or_else(|| AppError::LocationNotFound(code.clone()))?;
            let (lot, quantity) = (w.lot_id, line.quantity);
            check_destination(&mut tx, target, order.customer_id, p, lot, line.condition, quantity, false).await?;
            let to = Place { location_id: target.location_id, code: target.code.clone() };
            let item = Item {
                customer_id: order.customer_id,
                warehouse_id: order.warehouse_id,
                product_id: p.product_id,
                condition: line.condition,
            };
            let doc = DocumentRef {
                document_type: DocumentType::Inbound.as_str().to_owned(),
                document_no: order.order_no.clone(),
                line: i as i64 + 1,
                operator: staff.operator(),
                reason: Some("putaway".into()),
            };
            let q = Quantity::new(line.quantity)
                .ok_or(AppError::InvalidParam { field: "lines.quantity", reason: "too large".into() })?;
            // Cartons kept sealed at the dock go up whole with their units.
            let (from_id, to_id) = (from.location_id, to.location_id);
            cartons::follow(&mut tx, p.product_id, w.lot_id, line.condition, from_id, to_id, line.quantity, now)
                .await?;
            stock::move_units(&mut tx, item, &from, &to, w.lot_id, q, &doc, now)
                .await
                .map_err(|e| AppError::from_store_for_sku(e, &line.sku))?;
            if p.serial_managed != 0 {
                let serials: Vec<String> = stock::serials_at(&mut tx, item, from.location_id, w.lot_id)
                    .await?
                    .into_iter()
                    .take(line.quantity as usize)
                    .collect();
                stock::serials_moved(&mut tx, p.product_id, &serials, to.location_id, &order.order_no, now).await?;
            }
            let proposed = proposals
                .iter()
                .find(|x| x.sku == line.sku && x.lot_no == w.lot_code && x.condition == line.condition)
                .and_then(|x| x.location_code.as_deref())
                .and_then(|c| locations.iter().find(|l| l.code == c))
                .map(|l| l.location_id);
            store::insert_putaway(
                &mut tx,
                order.inbound_order_id,
                &NewPutaway {
                    product_id: p.product_id,
                    lot_id: w.lot_id,
                    condition: line.condition.as_str(),
                    location_id: target.location_id,
                    proposed_location_id: proposed,
                    quantity: line.quantity,
                    staff_id: staff.staff_id,
                },
                now,
            )
            .await?;
            let e = this_time.entry(line.sku.clone()).or_default();
            if line.condition == Condition::Good {
                e.0 += line.quantity;
            } else {
                e.1 += line.quantity;
            }
        }
        let done = waiting.iter().all(|w| w.quantity == 0);
        let action = if done { InboundAction::PutawayLast } else { InboundAction::PutawayPart };
        let next = step(&order, action)?;
        let change = StatusChange { putaway_at: done.then_some(now), ..Default::default() };
        change_status(&mut tx, &order, next, &change, &staff.operator(), None, now).await?;
        let mut totals: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        for r in &receipts {
            let t = totals.entry(r.sku.as_str()).or_default();
            t.0 += r.good;
            t.1 += r.defective;
        }
        let sku_list: Vec<serde_json::Value> = this_time
            .iter()
            .map(|(sku, (good, bad))| {
                let (num, bad_num) = totals.get(sku.as_str()).copied().unwrap_or_default();
                json!({"sku": sku, "num": num, "badNum": bad_num, "thisTimeNum": good + bad})
            })
            .collect();
        let data = putaway_event_data(&order, done, sku_list, now);
        events::emit(
            &mut tx,
            (order.customer_id, &order.customer_code),
            INBOUND_PUTAWAY,
            &order.warehouse_code,
            data,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }
}

fn waiting_units(receipts: &[ReceiptRow], putaways: &[PutawayRow], product_id: i64, lot: &str, c: Condition) -> i64 {
    waiting_from(receipts, putaways)
        .iter()
        .find(|w| w.product_id == product_id && w.lot_code == lot && w.condition == c)
        .map(|w| w.quantity)
        .unwrap_or(0)
}

/// Volume (cm³) and weight (g) of one unit (core's rule), from the
/// product and the carton it came in.
pub(crate) fn unit_measures(
    p: Option<&ProductRow>,
    product_id: i64,
    boxes: &[BoxRow],
    lines: &[LineRow],
) -> (i64, i64) {
    let own_volume = p.and_then(|p| Some(planner::cm3_from_um(p.length_um?, p.width_um?, p.height_um?)));
    let own_weight = p.and_then(|p| p.weight_mg).map(planner::grams_from_mg);
    let carton = || {
        let line = lines.iter().find(|l| l.product_id == product_id && l.inbound_box_id.is_some())?;
        let b = boxes.iter().find(|b| Some(b.inbound_box_id) == line.inbound_box_id)?;
        let units: i64 = lines.iter().filter(|l| l.inbound_box_id == line.inbound_box_id).map(|l| l.quantity).sum();
        Some(planner::Carton { volume_cm3: b.length_mm * b.width_mm * b.height_mm / 1000, weight_g: b.weight_g, units })
    };
    planner::unit_measures(own_volume, own_weight, carton())
}

/// The planner's own rule on what `target` holds now: may these units go
/// there? (Putaway confirmation and moves ask it.)
#[allow(clippy::too_many_arguments)]
pub(crate) async fn check_destination(
    tx: &mut WriteTx,
    target: &LocationRow,
    customer_id: i64,
    product: &ProductRow,
    lot_id: i64,
    condition: Condition,
    quantity: i64,
    by_move: bool,
) -> Result<(), AppError> {
    let held = store::occupancy_of_location(tx.conn(), target.location_id).await?;
    let slot = &slots_from(std::slice::from_ref(target), &held)[0];
    let item = Incoming {
        customer_id,
        product_id: product.product_id,
        lot_id,
        condition,
        quantity,
        unit_volume_cm3: 0,
        unit_weight_g: 0,
        restriction: Restriction::required(product.is_battery != 0, product.is_liquid != 0),
    };
    let checked = if by_move {
        planner::check_move(slot, &item)
    } else {
        planner::check(slot, &item, planner::holds_same_lot(slot, &item))
    };
    checked.map_err(|reason| AppError::LocationNotAllowed { location: target.code.clone(), reason: reason.to_string() })
}

/// The warehouse's locations with what they hold, for the planner.
fn slots_from(locations: &[LocationRow], occupancy: &[haicang_store::inbound::OccupancyRow]) -> Vec<Slot> {
    let index: HashMap<i64, usize> = locations.iter().enumerate().map(|(i, l)| (l.location_id, i)).collect();
    let mut slots: Vec<Slot> = locations
        .iter()
        .map(|l| {
            let place = LayoutLocation {
                code: l.code.clone(),
                zone: l.zone.clone(),
                aisle: l.aisle,
                bay: l.bay,
                level: l.level,
                kind: l.location_type,
                x_mm: l.x_mm,
                y_mm: l.y_mm,
                block: l.block,
                capacity_volume_cm3: l.capacity_volume_cm3,
                capacity_weight_g: l.capacity_weight_g,
                restriction: l.restriction.as_deref().and_then(Restriction::parse),
                single_sku: l.single_sku != 0,
            };
            Slot::from_layout(l.location_id, place)
        })
        .collect();
    for o in occupancy {
        let Some(&i) = index.get(&o.location_id) else { continue };
        let slot = &mut slots[i];
        let volume = match (o.length_um, o.width_um, o.height_um) {
            (Some(l), Some(w), Some(h)) => planner::cm3_from_um(l, w, h),
            _ => 0,
        };
        slot.used_volume_cm3 += volume.saturating_mul(o.quantity);
        slot.used_weight_g += o.weight_mg.map(planner::grams_from_mg).unwrap_or(0).saturating_mul(o.quantity);
        let content =
            Content { customer_id: o.customer_id, product_id: o.product_id, lot_id: o.lot_id, condition: o.condition };
        if !slot.contents.contains(&content) {
            slot.contents.push(content);
        }
    }
    slots
}
