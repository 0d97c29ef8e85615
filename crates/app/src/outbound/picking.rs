//! Picking: scans move units to the packing bench through the ledger;
//! short picks open a count task and re-allocate; pick lists.

use super::*;

impl App {
    /// A cart's pick list in route order.
    pub async fn pick_batch(&self, staff: &StaffPrincipal, batch_id: i64) -> Result<BatchView, AppError> {
        let mut conn = self.store.read().await?;
        let batch = store::find_batch(&mut conn, batch_id).await?.ok_or(AppError::BatchNotFound(batch_id))?;
        staff.check_warehouse(batch.warehouse_id, &batch.warehouse_code)?;
        let route = store::route_of_batch(&mut conn, batch_id).await?;
        Ok(batch_view(batch, &route))
    }

    /// A pick scan: units move from the location to the wave's packing
    /// location through the ledger. A short pick records a count task and
    /// re-allocates the rest elsewhere, or puts the order in EXCEPTION.
    pub async fn pick(&self, staff: &StaffPrincipal, batch_id: i64, cmd: &PickCommand) -> Result<BatchView, AppError> {
        if cmd.quantity < 0 || (cmd.quantity == 0 && !cmd.short) || cmd.quantity > rules::LINE_QUANTITY_MAX {
            return Err(AppError::InvalidParam { field: "quantity", reason: "a positive whole number".into() });
        }
        self.retrying(|| self.pick_once(staff, batch_id, cmd)).await?;
        self.pick_batch(staff, batch_id).await
    }

    async fn pick_once(&self, staff: &StaffPrincipal, batch_id: i64, cmd: &PickCommand) -> Result<(), AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let batch = store::find_batch(tx.conn(), batch_id).await?.ok_or(AppError::BatchNotFound(batch_id))?;
        staff.check_warehouse(batch.warehouse_id, &batch.warehouse_code)?;
        store::lock_warehouse(&mut tx, batch.warehouse_id).await?;
        let code = cmd.location_code.trim().to_ascii_uppercase();
        let scanned = cmd.sku.trim();
        let here: Vec<AllocationRow> = store::allocations_of_batch(tx.conn(), batch_id)
            .await?
            .into_iter()
            .filter(|a| {
                a.stop.status == AllocationStatus::Open
                    && a.stop.location_code == code
                    && (a.stop.sku == scanned || a.stop.barcode == scanned)
            })
            .collect();
        if here.is_empty() {
            return Err(AppError::PickMismatch(format!("nothing of {scanned} to pick at {code} in this cart")));
        }
        let open: i64 = here.iter().map(|a| a.stop.quantity - a.stop.picked).sum();
        if cmd.quantity > open {
            return Err(AppError::PickMismatch(format!(
                "{} of {scanned} scanned at {code}, {open} to pick",
                cmd.quantity
            )));
        }
        let packing = Place { location_id: batch.packing_location_id, code: batch.packing_location_code.clone() };
        let mut serials = picked_serials(&mut tx, &here[0], cmd).await?;
        let mut left = cmd.quantity;
        let mut touched: Vec<i64> = Vec::new();
        for a in &here {
            let order = locked(&mut tx, &a.stop.order_no, Viewer::Staff(staff)).await?;
            let want = a.stop.quantity - a.stop.picked;
            let n = want.min(left);
            left -= n;
            if n > 0 {
                step(&order, OutboundAction::Pick)?;
                let item = Item {
                    customer_id: order.customer_id,
                    warehouse_id: order.warehouse_id,
                    product_id: a.product_id,
                    condition: Condition::Good,
                };
                let from = Place { location_id: a.location_id, code: a.stop.location_code.clone() };
                let q =
                    Quantity::new(n).ok_or(AppError::InvalidParam { field: "quantity", reason: "too large".into() })?;
                stock::move_units(
                    &mut tx,
                    item,
                    &from,
                    &packing,
                    a.lot_id,
                    q,
                    &doc(&order, a.stop.route_seq, staff.operator(), Some("pick")),
                    now,
                )
                .await
                .map_err(|e| AppError::from_store_for_sku(e, &a.stop.sku))?;
                if a.serial_managed != 0 {
                    let these = take_serials_of_lot(&mut serials, a, n)?;
                    stock::serials_moved(&mut tx, a.product_id, &these, packing.location_id, &order.order_no, now)
                        .await?;
                }
            }
            let status = AllocationStatus::after_pick(a.stop.picked + n, a.stop.quantity, cmd.short);
            let tote = cmd.tote.as_deref().map(str::trim).filter(|t| !t.is_empty());
            // A short allocation keeps what was picked as its quantity.
            if status == AllocationStatus::Short {
                shrink_allocation(&mut tx, a, a.stop.picked + n, tote, now).await?;
            } else {
                store::update_allocation(&mut tx, a, a.stop.picked + n, status.as_str(), tote, now).await?;
            }
            if status == AllocationStatus::Short {
                let missing = want - n;
                crate::counts::open_short_pick_count(
                    &mut tx,
                    batch.warehouse_id,
                    (a.location_id, &a.stop.location_code),
                    &order.order_no,
                    staff,
                    now,
                )
                .await?;
                self.reallocate(&mut tx, staff, &batch, &order, a, missing, now).await?;
            }
            if !touched.contains(&order.outbound_order_id) {
                touched.push(order.outbound_order_id);
            }
        }
        // Orders whose every allocation is picked are PICKED.
        for a in &here {
            if !touched.contains(&a.outbound_order_id) {
                continue;
            }
            touched.retain(|id| *id != a.outbound_order_id);
            let order = locked(&mut tx, &a.stop.order_no, Viewer::Staff(staff)).await?;
            if order.status == OutboundStatus::Exception {
                continue;
            }
            let all = store::allocations_of_order(tx.conn(), order.outbound_order_id).await?;
            let progress: Vec<(AllocationStatus, i64)> = all.iter().map(|x| (x.stop.status, x.stop.picked)).collect();
            let next = match rules::pick_progress(&progress) {
                Some(action) => step(&order, action)?,
                None => order.status,
            };
            if next != order.status {
                store::change_order(&mut tx, &order, next.as_str(), &OrderChange::default(), now).await?;
            }
            if next == OutboundStatus::Picked {
                store::add_event(
                    &mut tx,
                    order.outbound_order_id,
                    "PICKED",
                    "Picked in the warehouse",
                    Some(&order.warehouse_code),
                    now,
                    now,
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// After a short pick: the missing units from other rack locations, in
    /// the same cart at the end of its route; or EXCEPTION with a reason.
    #[allow(clippy::too_many_arguments)]
    async fn reallocate(
        &self,
        tx: &mut WriteTx,
        staff: &StaffPrincipal,
        batch: &BatchRow,
        order: &OutboundOrderRow,
        short: &AllocationRow,
        missing: i64,
        now: i64,
    ) -> Result<(), AppError> {
        if missing <= 0 {
            return Ok(());
        }
        let sources: Vec<Source> = store::sources(tx, batch.warehouse_id, short.product_id)
            .await?
            .into_iter()
            .filter(|r| r.location_id != short.location_id)
            .map(|r| rack_source(&r))
            .collect();
        let picks = rules::allocate(&sources, missing);
        let got: i64 = picks.iter().map(|(_, n)| n).sum();
        if got < missing {
            let reason = format!(
                "short pick: {missing} of {} missing at {} and no other stock in the warehouse",
                short.stop.sku, short.stop.location_code
            );
            let change = OrderChange { exception_reason: Some(&reason), ..Default::default() };
            let fresh = locked(tx, &order.order_no, Viewer::Staff(staff)).await?;
            let next = step(&fresh, OutboundAction::Short)?;
            store::change_order(tx, &fresh, next.as_str(), &change, now).await?;
            // Pickers skip what is left of it; picked units wait at the
            // bench until the order is cancelled (and put back).
            for a in store::allocations_of_order(tx.conn(), order.outbound_order_id).await? {
                if a.stop.status == AllocationStatus::Open {
                    store::update_allocation(tx, &a, a.stop.picked, AllocationStatus::Released.as_str(), None, now)
                        .await?;
                }
            }
            return Ok(());
        }
        let last =
            store::allocations_of_batch(tx.conn(), batch.pick_batch_id).await?.iter().map(|a| a.stop.route_seq).max();
        let rows: Vec<NewAllocation> = picks
            .iter()
            .enumerate()
            .map(|(k, (i, n))| NewAllocation {
                order_id: order.outbound_order_id,
                line_id: short.outbound_line_id,
                batch_id: batch.pick_batch_id,
                product_id: short.product_id,
                location_id: sources[*i].location_id,
                lot_id: sources[*i].lot_id,
                quantity: *n,
                route_seq: last.unwrap_or(0) + 1 + k as i64,
            })
            .collect();
        store::insert_allocations(tx, &rows, now).await?;
        // The cart now walks on to the new stops: its distance is the
        // route as it will be walked, in route order.
        let locations: HashMap<i64, LocationRow> = warehouse::enabled_locations(tx.conn(), batch.warehouse_id)
            .await?
            .into_iter()
            .map(|l| (l.location_id, l))
            .collect();
        let mut stops = store::allocations_of_batch(tx.conn(), batch.pick_batch_id).await?;
        stops.sort_by_key(|a| a.stop.route_seq);
        let picks: Vec<RoutePick> =
            stops.iter().filter_map(|a| locations.get(&a.location_id)).map(route_pick).collect();
        let layout = layout_of(locations.values())?;
        let walked = layout.tour_length(&picks, &(0..picks.len()).collect::<Vec<_>>());
        store::set_batch_distance(tx, batch.pick_batch_id, (walked * 1000.0).round() as i64).await?;
        Ok(())
    }

    /// The pick list of a cart as a PDF.
    pub async fn pick_list_pdf(&self, staff: &StaffPrincipal, batch_id: i64) -> Result<Vec<u8>, AppError> {
        let view = self.pick_batch(staff, batch_id).await?;
        let list = haicang_print::PickList {
            title: format!("{} · cart {}", view.batch.wave_no, view.batch.seq),
            warehouse_code: view.batch.warehouse_code.clone(),
            distance_m: view.batch.distance_mm as f64 / 1000.0,
            stops: view
                .route
                .iter()
                .map(|s| haicang_print::PickStop {
                    seq: s.seq,
                    location_code: s.location_code.clone(),
                    sku: s.sku.clone(),
                    barcode: s.barcode.clone(),
                    quantity: s.quantity,
                    tote: s.tote.clone().unwrap_or_default(),
                })
                .collect(),
        };
        crate::print_off_thread(move || haicang_print::pick_list(&list)).await
    }
}

/// The serials a pick scanned, checked: one per unit, in stock at the
/// scanned location; none for SKUs that are not serial-managed.
/// (serial, lot_id) pairs.
async fn picked_serials(
    tx: &mut WriteTx,
    a: &AllocationRow,
    cmd: &PickCommand,
) -> Result<Vec<(String, i64)>, AppError> {
    let serials: Vec<String> = cmd.serials.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
    if a.serial_managed == 0 {
        return if serials.is_empty() {
            Ok(Vec::new())
        } else {
            Err(AppError::PickMismatch(format!("{} is not serial-managed: scan no serial numbers", a.stop.sku)))
        };
    }
    rules::check_unit_serials(&a.stop.sku, cmd.quantity, &serials)
        .map_err(|e| AppError::PickMismatch(e.to_string()))?;
    let states = stock::serial_states(tx, a.product_id, &serials).await?;
    let mut out = Vec::with_capacity(serials.len());
    for serial in &serials {
        match states.iter().find(|s| &s.0 == serial) {
            Some((_, status, _, Some(location), Some(lot)))
                if *status == SerialStatus::InStock && *location == a.location_id =>
            {
                out.push((serial.clone(), *lot));
            }
            _ => {
                return Err(AppError::PickMismatch(format!(
                    "serial number {serial} of {} is not in stock at {}",
                    a.stop.sku, a.stop.location_code
                )));
            }
        }
    }
    Ok(out)
}

/// `n` of the scanned serials from the allocation's lot.
fn take_serials_of_lot(pool: &mut Vec<(String, i64)>, a: &AllocationRow, n: i64) -> Result<Vec<String>, AppError> {
    let mut taken = Vec::new();
    while (taken.len() as i64) < n {
        let Some(i) = pool.iter().position(|(_, lot)| *lot == a.lot_id) else {
            return Err(AppError::PickMismatch(format!(
                "{n} serial numbers of {} lot {} are to be picked at {}",
                a.stop.sku, a.stop.lot_code, a.stop.location_code
            )));
        };
        taken.push(pool.remove(i).0);
    }
    Ok(taken)
}

/// Shrinks a short allocation to what was picked (its status SHORT).
async fn shrink_allocation(
    tx: &mut WriteTx,
    a: &AllocationRow,
    picked: i64,
    tote: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    Ok(store::shorten_allocation(tx, a, picked, tote, now).await?)
}
