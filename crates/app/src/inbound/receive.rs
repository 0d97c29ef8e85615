//! The goods arrive: arrival at a dock, counting box by box into the
//! ledger, and closing the receipt.

use super::*;

impl App {
    /// The goods are at the dock: found by order number, box code or
    /// tracking number. Received goods will sit at `dock_code` (default: the
    /// warehouse's first RECEIVING location).
    pub async fn arrive_inbound(
        &self,
        staff: &StaffPrincipal,
        warehouse_code: Option<&str>,
        code: &str,
        dock_code: Option<&str>,
    ) -> Result<Stepped<InboundStatus>, AppError> {
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let code = code.trim();
            let order_no = match store::find_order(tx.conn(), code, None).await? {
                Some(o) => o.order_no,
                None => store::order_no_by_scan(tx.conn(), warehouse_code, code)
                    .await?
                    .ok_or_else(|| AppError::InboundNotFound(code.to_owned()))?,
            };
            let order = locked_order(&mut tx, &order_no, Viewer::Staff(staff)).await?;
            let next = step(&order, InboundAction::Arrive)?;
            let dock = match dock_code {
                Some(d) => warehouse::find_location(tx.conn(), order.warehouse_id, &d.trim().to_ascii_uppercase())
                    .await?
                    .ok_or_else(|| AppError::LocationNotFound(d.to_owned()))?,
                None => warehouse::first_of_type(tx.conn(), order.warehouse_id, LocationType::Receiving.as_str())
                    .await?
                    .ok_or_else(|| AppError::LocationNotFound("RECEIVING".into()))?,
            };
            if dock.location_type != LocationType::Receiving {
                return Err(AppError::LocationNotAllowed {
                    location: dock.code,
                    reason: "received goods wait in a RECEIVING location".into(),
                });
            }
            let change = StatusChange {
                arrived_at: Some(now),
                receiving_location_id: Some(dock.location_id),
                ..Default::default()
            };
            change_status(&mut tx, &order, next, &change, &staff.operator(), Some(&format!("at {}", dock.code)), now)
                .await?;
            tx.commit().await?;
            Ok(Stepped { order_no: order.order_no, status: next })
        })
        .await
    }

    /// The order a dock scan names (order number, box scan code or
    /// barcode, or the tracking number of an order not yet arrived),
    /// without changing it: the console's scan field opens orders too.
    pub async fn inbound_by_scan(
        &self,
        staff: &StaffPrincipal,
        warehouse_code: Option<&str>,
        code: &str,
    ) -> Result<InboundDetail, AppError> {
        let code = code.trim();
        let order_no = {
            let mut conn = self.store.read().await?;
            match store::find_order(&mut conn, code, None).await? {
                Some(o) => o.order_no,
                None => store::order_no_by_scan(&mut conn, warehouse_code, code)
                    .await?
                    .ok_or_else(|| AppError::InboundNotFound(code.to_owned()))?,
            }
        };
        self.inbound_detail(Viewer::Staff(staff), &order_no).await
    }

    /// Records one counted box: good and defective units enter the
    /// receiving location through the ledger, as the order's lot of each
    /// SKU. Differences from the announcement become discrepancies.
    pub async fn receive_inbound(
        &self,
        staff: &StaffPrincipal,
        order_no: &str,
        cmd: &ReceiveCommand,
    ) -> Result<(), AppError> {
        if cmd.lines.is_empty() {
            return Err(AppError::Inbound(InboundError::NoItems));
        }
        for l in &cmd.lines {
            let units = rules::counted_units(l.good, l.defective)
                .ok_or_else(|| AppError::Inbound(InboundError::QuantityInvalid { sku: l.sku.clone() }))?;
            if !l.serials.is_empty() && l.serials.len() as i64 != units {
                return Err(AppError::SerialMismatch {
                    sku: l.sku.clone(),
                    reason: format!("{units} units, {} serial numbers", l.serials.len()),
                });
            }
        }
        let mut skus: Vec<&str> = cmd.lines.iter().map(|l| l.sku.as_str()).collect();
        skus.sort_unstable();
        if skus.windows(2).any(|w| w[0] == w[1]) {
            return Err(AppError::Inbound(InboundError::DuplicateSku {
                box_no: cmd.box_code.clone().unwrap_or_default(),
                sku: skus.windows(2).find(|w| w[0] == w[1]).map(|w| w[0].to_owned()).unwrap_or_default(),
            }));
        }
        self.retrying(|| self.receive_once(staff, order_no, cmd)).await
    }

    async fn receive_once(&self, staff: &StaffPrincipal, order_no: &str, cmd: &ReceiveCommand) -> Result<(), AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let order = locked_order(&mut tx, order_no, Viewer::Staff(staff)).await?;
        let next = step(&order, InboundAction::Receive)?;
        let boxes = store::boxes(tx.conn(), order.inbound_order_id).await?;
        let the_box = match cmd.box_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None if boxes.is_empty() => None,
            // One box: it is the one being counted.
            None if boxes.len() == 1 => boxes.first(),
            None => return Err(AppError::MissingParam { field: "boxNo" }),
            Some(code) => Some(
                boxes
                    .iter()
                    .find(|b| b.box_no == code || b.scan_code == code || b.barcode.as_deref() == Some(code))
                    .ok_or_else(|| AppError::BoxNotFound { order_no: order.order_no.clone(), code: code.to_owned() })?,
            ),
        };
        let announced = store::lines(tx.conn(), order.inbound_order_id).await?;
        let products = known_products(&mut tx, order.customer_id, cmd.lines.iter().map(|l| l.sku.as_str())).await?;
        let dock_id = order.receiving_location_id.ok_or_else(|| refused(&order, InboundAction::Receive))?;
        let dock = warehouse::enabled_locations(tx.conn(), order.warehouse_id)
            .await?
            .into_iter()
            .find(|l| l.location_id == dock_id)
            .ok_or_else(|| AppError::LocationNotFound(format!("#{dock_id}")))?;
        let place = Place { location_id: dock.location_id, code: dock.code.clone() };
        // A transfer's units come from the road between our warehouses.
        let source = match order.origin.as_deref() {
            Some("TRANSFER") => VirtualLocation::TransferTransit,
            _ => VirtualLocation::InboundTransit,
        };
        let box_label = the_box.map(|b| format!("box {}", b.box_no));
        // The lot of the last line: a sealed carton's (one line).
        let mut sealed_lot = None;
        for (i, line) in cmd.lines.iter().enumerate() {
            let p = &products[line.sku.as_str()];
            // The announced line gives batch and dates unless staff read
            // others off the goods.
            let announced_line = announced
                .iter()
                .find(|l| l.product_id == p.product_id && l.inbound_box_id == the_box.map(|b| b.inbound_box_id));
            let batch_no = trimmed(&line.batch_no).or_else(|| announced_line.and_then(|l| l.batch_no.clone()));
            let expiry = trimmed(&line.expiry_date).or_else(|| announced_line.and_then(|l| l.expiry_date.clone()));
            let production =
                trimmed(&line.production_date).or_else(|| announced_line.and_then(|l| l.production_date.clone()));
            for (field, date) in [("expiryDate", &expiry), ("productionDate", &production)] {
                if let Some(d) = date {
                    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                        .map_err(|_| AppError::Inbound(InboundError::DateFormat { field }))?;
                }
            }
            if p.batch_managed != 0 && batch_no.is_none() && expiry.is_none() {
                return Err(AppError::BatchRequired { sku: p.sku.clone() });
            }
            if (p.serial_managed != 0) == line.serials.is_empty() {
                let reason = if p.serial_managed != 0 {
                    "scan a serial number per unit"
                } else {
                    "the SKU is not serial managed"
                };
                return Err(AppError::SerialMismatch { sku: p.sku.clone(), reason: reason.into() });
            }
            // A new lot per order and SKU (and batch): its inbound day is
            // the receipt day, which storage days count from.
            let lot_code = match &batch_no {
                Some(b) => format!("{}-{b}", order.order_no),
                None => order.order_no.clone(),
            };
            let lot_id = stock::ensure_lot(
                &mut tx,
                order.customer_id,
                p.product_id,
                &lot_code,
                now,
                batch_no.as_deref(),
                production.as_deref(),
                expiry.as_deref(),
            )
            .await?;
            sealed_lot = Some(lot_id);
            let doc = DocumentRef {
                document_type: DocumentType::Inbound.as_str().to_owned(),
                document_no: order.order_no.clone(),
                line: i as i64 + 1,
                operator: staff.operator(),
                reason: box_label.clone(),
            };
            let mut serials = line.serials.iter();
            for (condition, units) in [(Condition::Good, line.good), (Condition::Defective, line.defective)] {
                let Some(q) = Quantity::new(units) else { continue };
                let item = Item {
                    customer_id: order.customer_id,
                    warehouse_id: order.warehouse_id,
                    product_id: p.product_id,
                    condition,
                };
                stock::receive(&mut tx, item, source, &place, lot_id, q, &doc, now).await?;
                if p.serial_managed != 0 {
                    let these: Vec<String> = serials.by_ref().take(units as usize).cloned().collect();
                    let states = stock::serial_states(&mut tx, p.product_id, &these).await?;
                    if let Some((serial, ..)) = states.iter().find(|(_, status, ..)| *status == SerialStatus::InStock) {
                        return Err(AppError::SerialMismatch {
                            sku: p.sku.clone(),
                            reason: format!("{serial} is already in stock"),
                        });
                    }
                    stock::serials_in(&mut tx, item, place.location_id, lot_id, &these, &order.order_no, now).await?;
                }
            }
            store::insert_receipt(
                &mut tx,
                order.inbound_order_id,
                &NewReceipt {
                    box_id: the_box.map(|b| b.inbound_box_id),
                    product_id: p.product_id,
                    lot_id,
                    good: line.good,
                    defective: line.defective,
                    staff_id: staff.staff_id,
                },
                now,
            )
            .await?;
        }
        if let Some(b) = the_box {
            store::mark_box_received(&mut tx, b.inbound_box_id, now).await?;
            // A box of one SKU, all GOOD, of an order kept sealed stays
            // closed: a carton whose licence plate is the box's label.
            if let [line] = cmd.lines.as_slice()
                && order.keep_sealed != 0
                && line.defective == 0
                && line.good > 0
                && line.serials.is_empty()
            {
                let p = &products[line.sku.as_str()];
                let lot_id = sealed_lot.ok_or_else(|| AppError::BoxNotFound {
                    order_no: order.order_no.clone(),
                    code: b.scan_code.clone(),
                })?;
                let carton = cartons::NewCarton {
                    lpn: &b.scan_code,
                    customer_id: order.customer_id,
                    warehouse_id: order.warehouse_id,
                    product_id: p.product_id,
                    lot_id,
                    condition: Condition::Good,
                    location_id: place.location_id,
                    units: line.good,
                    measures: Some((b.weight_g, b.length_mm, b.width_mm, b.height_mm)),
                    origin_document_no: &order.order_no,
                };
                cartons::receive_sealed(&mut tx, &carton, now).await?;
            }
        }
        store::change_status(
            &mut tx,
            order.inbound_order_id,
            order.status.as_str(),
            next.as_str(),
            &StatusChange::default(),
            &staff.operator(),
            box_label.as_deref(),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends counting: the order is RECEIVED; boxes never counted are short.
    pub async fn close_inbound_receipt(
        &self,
        staff: &StaffPrincipal,
        order_no: &str,
    ) -> Result<Stepped<InboundStatus>, AppError> {
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let order = locked_order(&mut tx, order_no, Viewer::Staff(staff)).await?;
            let next = step(&order, InboundAction::CloseReceipt)?;
            let change = StatusChange { received_at: Some(now), ..Default::default() };
            let operator = staff.operator();
            let id = order.inbound_order_id;
            change_status(&mut tx, &order, next, &change, &operator, None, now).await?;
            if order.origin.is_some() {
                crate::transfers::leg_received(&mut tx, &order, now).await?;
            }
            // Nothing came at all: nothing will be put away either, so the
            // order ends here (and the seller hears so).
            let mut now_status = next;
            let receipts = store::receipts(tx.conn(), id).await?;
            // Receiving is charged when the receipt closes: boxes opened and
            // units counted.
            let mut boxes: Vec<i64> = receipts.iter().filter_map(|r| r.inbound_box_id).collect();
            boxes.sort_unstable();
            boxes.dedup();
            let units: i64 = receipts.iter().map(|r| r.good + r.defective).sum();
            let cause = crate::billing::Cause {
                key: format!("receipt/{}", order.order_no),
                document_type: DocumentType::Inbound.as_str(),
                document_no: &order.order_no,
                event_id: None,
                operator: &operator,
            };
            let customer = (order.customer_id, order.customer_code.as_str());
            let pallets = order.inbound_type == haicang_core::inbound::InboundType::Pallet;
            let boxes = boxes.len() as i64;
            crate::billing::charge(
                &mut tx,
                customer,
                Some(order.warehouse_id),
                &cause,
                |r| haicang_core::billing::receiving_charges(r, pallets, boxes, units),
                now,
            )
            .await?;
            if receipts.is_empty() {
                let done =
                    next.after(InboundAction::PutawayLast).map_err(|_| refused(&order, InboundAction::PutawayLast))?;
                let change = StatusChange { putaway_at: Some(now), ..Default::default() };
                let note = Some("nothing received");
                store::change_status(&mut tx, id, next.as_str(), done.as_str(), &change, &operator, note, now).await?;
                let data = putaway_event_data(&order, true, Vec::new(), now);
                let owner = (order.customer_id, order.customer_code.as_str());
                events::emit(&mut tx, owner, INBOUND_PUTAWAY, &order.warehouse_code, data, now).await?;
                now_status = done;
            }
            tx.commit().await?;
            Ok(Stepped { order_no: order.order_no, status: now_status })
        })
        .await
    }
}
