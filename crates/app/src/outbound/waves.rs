//! Wave release: reservations become location allocations, orders are
//! batched into carts and each cart gets its route.

use super::*;

impl App {
    /// Releases orders to the floor: each order's reservation becomes
    /// location allocations (FEFO/FIFO, pick faces first); orders are
    /// grouped into carts by the batching planner and each cart gets its
    /// optimal route. Orders whose units are not on the racks are skipped
    /// with the reason.
    pub async fn create_wave(&self, staff: &StaffPrincipal, cmd: &WaveCommand) -> Result<WaveResult, AppError> {
        if cmd.totes == 0 || cmd.totes > TOTES_MAX {
            return Err(AppError::InvalidParam { field: "totes", reason: format!("1 to {TOTES_MAX} orders per cart") });
        }
        if cmd.order_nos.len() > WAVE_ORDERS_MAX {
            return Err(AppError::InvalidParam { field: "orderNos", reason: format!("at most {WAVE_ORDERS_MAX}") });
        }
        if cmd.max_orders > WAVE_ORDERS_MAX {
            return Err(AppError::InvalidParam { field: "maxOrders", reason: format!("at most {WAVE_ORDERS_MAX}") });
        }
        let created = self.retrying(|| self.create_wave_once(staff, cmd)).await?;
        self.wave_result(&created).await
    }

    async fn create_wave_once(
        &self,
        staff: &StaffPrincipal,
        cmd: &WaveCommand,
    ) -> Result<(String, Vec<(String, String)>, Vec<String>), AppError> {
        let now = now_ms();
        let started = std::time::Instant::now();
        let mut tx = self.store.begin_write().await?;
        let w = warehouse_for(tx.conn(), Viewer::Staff(staff), &cmd.warehouse_code).await?;
        store::lock_warehouse(&mut tx, w.warehouse_id).await?;
        let candidates = if cmd.order_nos.is_empty() {
            let selection = WaveSelection {
                shipping_service_codes: cmd.shipping_service_codes.clone(),
                created_before: cmd.created_before,
                limit: (cmd.max_orders.max(1) * 4).min(WAVE_ORDERS_MAX * 4) as i64,
            };
            store::waveable_orders(&mut tx, w.warehouse_id, &selection).await?
        } else {
            cmd.order_nos.iter().map(|n| n.trim().to_owned()).collect()
        };
        let packing = warehouse::first_of_type(tx.conn(), w.warehouse_id, "PACKING")
            .await?
            .ok_or_else(|| AppError::LocationNotFound("PACKING".into()))?;
        let locations: HashMap<i64, LocationRow> = warehouse::enabled_locations(tx.conn(), w.warehouse_id)
            .await?
            .into_iter()
            .map(|l| (l.location_id, l))
            .collect();
        // Each order's allocations, decided in core against what earlier
        // orders of this wave already promised.
        let mut promises = rules::Promises::default();
        let mut accepted: Vec<(store::WaveOrderRow, Vec<LinePlan>)> = Vec::new();
        let mut skipped: Vec<(String, String)> = Vec::new();
        let mut lines_total = 0usize;
        // Stock of each product at the racks, read once per wave: orders
        // repeat products, and `taken` tracks what this wave promised.
        let mut stock_of: HashMap<i64, Vec<haicang_store::outbound::SourceRow>> = HashMap::new();
        let max_orders = if cmd.order_nos.is_empty() { cmd.max_orders.max(1) } else { usize::MAX };
        // Orders and their lines are read a chunk at a time (a few
        // statements per chunk, not per order), and only as far as the
        // wave needs.
        let mut seen: HashSet<i64> = HashSet::new();
        // Whole cartons of the accepted orders, read once.
        let mut carton_rows: HashMap<i64, CartonRow> = HashMap::new();
        'chunks: for chunk in candidates.chunks(WAVE_READ_CHUNK) {
            let rows: HashMap<String, store::WaveOrderRow> =
                store::lock_wave_orders(&mut tx, chunk).await?.into_iter().map(|o| (o.order_no.clone(), o)).collect();
            let ids: Vec<i64> = rows.values().map(|o| o.outbound_order_id).collect();
            let mut lines_of = store::lines_of_orders(tx.conn(), &ids).await?;
            for no in chunk {
                if accepted.len() >= max_orders {
                    break 'chunks;
                }
                let order = rows.get(no).cloned().ok_or_else(|| AppError::OutboundNotFound(no.clone()))?;
                if !seen.insert(order.outbound_order_id) {
                    continue;
                }
                if order.warehouse_id != w.warehouse_id {
                    return Err(AppError::InvalidParam {
                        field: "orderNos",
                        reason: format!("{no} is not in {}", w.code),
                    });
                }
                step_of(&order.order_no, order.status, order.intercept_status.0, OutboundAction::Wave)?;
                let lines = lines_of.remove(&order.outbound_order_id).unwrap_or_default();
                if !admits(cmd.profile, &lines) {
                    continue;
                }
                if cmd.max_lines.is_some_and(|m| lines_total + lines.len() > m) {
                    continue;
                }
                let mut sources_of: Vec<Vec<Source>> = Vec::with_capacity(lines.len());
                // A whole sealed carton is picked where it stands: its line
                // is not allocated from loose stock.
                let mut carton_sources: Vec<Option<Source>> = Vec::with_capacity(lines.len());
                let mut carton_refused = None;
                for line in &lines {
                    if let Some(carton_id) = line.carton_id {
                        let carton = cartons::by_id(tx.conn(), carton_id).await?;
                        let on_rack = carton
                            .as_ref()
                            .and_then(|c| locations.get(&c.location_id))
                            .is_some_and(|l| matches!(l.location_type, LocationType::Storage | LocationType::PickFace));
                        match carton {
                            Some(c) if on_rack && c.status == CartonStatus::Reserved => {
                                carton_sources.push(Some(Source {
                                    pick_face: false,
                                    free: c.units,
                                    location_id: c.location_id,
                                    location_code: c.location_code.clone(),
                                    lot_id: c.lot_id,
                                    inbound_at: c.created_at,
                                    expiry_date: None,
                                }));
                                carton_rows.insert(carton_id, c);
                            }
                            other => {
                                let lpn = other.map(|c| c.lpn).unwrap_or_default();
                                carton_refused = Some(format!("carton {lpn} is not sealed on the racks"));
                                carton_sources.push(None);
                            }
                        }
                        sources_of.push(Vec::new());
                        continue;
                    }
                    carton_sources.push(None);
                    if let std::collections::hash_map::Entry::Vacant(slot) = stock_of.entry(line.product_id) {
                        slot.insert(store::sources(&mut tx, w.warehouse_id, line.product_id).await?);
                    }
                    sources_of.push(stock_of[&line.product_id].iter().map(rack_source).collect());
                }
                if let Some(reason) = carton_refused {
                    skipped.push((order.order_no.clone(), reason));
                    continue;
                }
                let wanted: Vec<(&[Source], i64)> = sources_of
                    .iter()
                    .zip(&lines)
                    .map(|(s, l)| (s.as_slice(), if l.carton_id.is_some() { 0 } else { l.quantity }))
                    .collect();
                match promises.try_order(&wanted) {
                    Err(short) => {
                        let l = &lines[short.line];
                        let reason = format!("{}: {} on the racks, {} needed", l.sku, short.free, l.quantity);
                        skipped.push((order.order_no.clone(), reason));
                    }
                    Ok(picks) => {
                        let plan: Vec<LinePlan> = lines
                            .iter()
                            .zip(picks)
                            .zip(&sources_of)
                            .zip(&carton_sources)
                            .map(|(((line, p), s), carton)| match carton {
                                Some(c) => (line.clone(), vec![(c.clone(), line.quantity)]),
                                None => (line.clone(), p.into_iter().map(|(i, n)| (s[i].clone(), n)).collect()),
                            })
                            .collect();
                        lines_total += lines.len();
                        accepted.push((order, plan));
                    }
                }
            }
        }
        if accepted.is_empty() {
            return Err(AppError::WaveEmpty(
                skipped.iter().map(|(n, r)| format!("{n} ({r})")).collect::<Vec<_>>().join("; "),
            ));
        }
        let allocated_in = started.elapsed();
        // Carts and routes from the planning engine.
        let layout = layout_of(locations.values())?;
        let picks_of = |plan: &[LinePlan]| -> Vec<RoutePick> {
            plan.iter().flat_map(|(_, s)| s.iter().map(|(src, _)| route_pick(&locations[&src.location_id]))).collect()
        };
        let orders: Vec<Vec<RoutePick>> = accepted.iter().map(|(_, plan)| picks_of(plan)).collect();
        // Planning a big wave takes most of a second of CPU: off the async
        // workers, so other requests keep flowing meanwhile.
        let (planner_layout, totes) = (layout.clone(), cmd.totes);
        let planned =
            tokio::task::spawn_blocking(move || batching::plan(&planner_layout, &orders, totes, BatchMethod::Best))
                .await
                .map_err(|e| match e.try_into_panic() {
                    Ok(panic) => std::panic::resume_unwind(panic),
                    Err(e) => AppError::Interrupted(e.to_string()),
                })?
                .map_err(|e| match e {
                    batching::BatchError::CartTooLarge { .. } => {
                        AppError::InvalidParam { field: "totes", reason: e.to_string() }
                    }
                    _ => AppError::InvalidParam { field: "layout", reason: e.to_string() },
                })?;
        let batched_in = started.elapsed();
        let day = day_code(now);
        let seq = sequence::next_value(tx.conn(), "WV", &day).await?;
        let wave_no = format!("WV{day}{seq:04}");
        let wave_id = store::insert_wave(
            &mut tx,
            &wave_no,
            w.warehouse_id,
            packing.location_id,
            cmd.totes as i64,
            &staff.operator(),
            now,
        )
        .await?;
        // Each cart's stops, a stop being (order, line, source), in the
        // order of the picks the planner routed (`picks_of`), so its
        // sequence indexes them.
        let mut carts: Vec<(Vec<Stop>, routing::Route)> = Vec::with_capacity(planned.batches.len());
        for batch in planned.batches {
            let mut stops: Vec<Stop> = Vec::new();
            for &o in &batch.orders {
                for (l, (_, sources)) in accepted[o].1.iter().enumerate() {
                    for s in 0..sources.len() {
                        stops.push((o, l, s));
                    }
                }
            }
            carts.push((stops, routing::Route { sequence: batch.sequence, distance_m: batch.distance_m }));
        }
        let numbered: Vec<(i64, i64)> = carts
            .iter()
            .enumerate()
            .map(|(b, (_, r))| (b as i64 + 1, (r.distance_m * 1000.0).round() as i64))
            .collect();
        let batch_ids = store::insert_batches(&mut tx, wave_id, &numbered, now).await?;
        let mut rows: Vec<NewAllocation> = Vec::new();
        for ((stops, r), batch_id) in carts.iter().zip(batch_ids) {
            for (rank, &stop) in r.sequence.iter().enumerate() {
                let (o, l, s) = stops[stop];
                let (order, plan) = &accepted[o];
                let (line, sources) = &plan[l];
                let (src, n) = &sources[s];
                rows.push(NewAllocation {
                    order_id: order.outbound_order_id,
                    line_id: line.outbound_line_id,
                    batch_id,
                    product_id: line.product_id,
                    location_id: src.location_id,
                    lot_id: src.lot_id,
                    quantity: *n,
                    route_seq: rank as i64 + 1,
                });
            }
        }
        store::insert_allocations(&mut tx, &rows, now).await?;
        // Cartons a picker is sent for are no longer sealed stock: their
        // allocation holds their units.
        for (order, plan) in &accepted {
            for (line, _) in plan {
                if let Some(c) = line.carton_id.and_then(|id| carton_rows.get(&id)) {
                    cartons::set_status(&mut tx, c, CartonStatus::Allocated, Some(order.outbound_order_id), now)
                        .await?;
                }
            }
        }
        let ids: Vec<i64> = accepted.iter().map(|(o, _)| o.outbound_order_id).collect();
        store::mark_waved(&mut tx, &ids, wave_id, now).await?;
        let waved: Vec<String> = accepted.iter().map(|(o, _)| o.order_no.clone()).collect();
        let detail = json!({"warehouse": w.code, "orders": waved.len(), "batches": carts.len()});
        audit::record(
            tx.conn(),
            &audit::Actor::staff(staff),
            audit::action::WAVE_RELEASE,
            &wave_no,
            audit::Outcome::Success,
            detail,
        )
        .await?;
        tx.commit().await?;
        // Where a wave's time goes, for whoever tunes big waves.
        tracing::info!(
            wave = %wave_no,
            orders = accepted.len(),
            carts = carts.len(),
            allocate_ms = allocated_in.as_millis() as u64,
            plan_ms = (batched_in - allocated_in).as_millis() as u64,
            total_ms = started.elapsed().as_millis() as u64,
            "wave released"
        );
        Ok((wave_no, skipped, waved))
    }

    async fn wave_result(
        &self,
        created: &(String, Vec<(String, String)>, Vec<String>),
    ) -> Result<WaveResult, AppError> {
        let (wave_no, skipped, order_nos) = created;
        let mut conn = self.store.read().await?;
        let rows = store::batches_of_wave(&mut conn, wave_no).await?;
        let mut stops: HashMap<i64, Vec<RouteStopRow>> = HashMap::new();
        if let Some(batch) = rows.first() {
            for stop in store::route_of_wave(&mut conn, batch.wave_id).await? {
                stops.entry(stop.pick_batch_id).or_default().push(stop);
            }
        }
        let batches = rows
            .into_iter()
            .map(|batch| {
                let of_batch = stops.remove(&batch.pick_batch_id).unwrap_or_default();
                batch_view(batch, &of_batch)
            })
            .collect();
        Ok(WaveResult { wave_no: wave_no.clone(), order_nos: order_nos.clone(), skipped: skipped.clone(), batches })
    }
}
