//! Packing checks, hand-over to the carrier, and carrier events.

use super::*;

impl App {
    /// Packing: every picked unit scanned, nothing else; weight and size.
    pub async fn pack(&self, staff: &StaffPrincipal, cmd: &PackCommand) -> Result<OutboundOrderRow, AppError> {
        let measures = |w: i64, l: i64, wd: i64, h: i64| w > 0 && l > 0 && wd > 0 && h > 0;
        let cartons_measured = cmd.boxes.iter().all(|b| measures(b.weight_g, b.length_mm, b.width_mm, b.height_mm));
        let parcel_measured = measures(cmd.weight_g, cmd.length_mm, cmd.width_mm, cmd.height_mm);
        if !cmd.items.is_empty() && !parcel_measured || !cartons_measured {
            return Err(AppError::InvalidParam { field: "weightKg", reason: "weight and sizes are required".into() });
        }
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let order = locked(&mut tx, &cmd.order_no, Viewer::Staff(staff)).await?;
            let next = step(&order, OutboundAction::Pack)?;
            let allocations = store::allocations_of_order(tx.conn(), order.outbound_order_id).await?;
            let mut picked: BTreeMap<String, i64> = BTreeMap::new();
            for a in allocations.iter().filter(|a| a.stop.picked > 0) {
                *picked.entry(a.stop.sku.clone()).or_default() += a.stop.picked;
            }
            // Scans may be barcodes: read them as SKUs.
            let sku_of = |code: &String| {
                allocations.iter().find(|a| a.stop.barcode == *code).map(|a| a.stop.sku.clone()).unwrap_or(code.clone())
            };
            // Freight (transfers, B2B) is packed into cartons; parcels into
            // one parcel. Freight packed parcel-style (items and measures)
            // is one carton.
            let freight = order.order_kind != OrderKind::Parcel;
            let staff_boxes: Vec<PackBox> = if freight && cmd.boxes.is_empty() && !cmd.items.is_empty() {
                vec![PackBox {
                    items: cmd.items.clone(),
                    weight_g: cmd.weight_g,
                    length_mm: cmd.length_mm,
                    width_mm: cmd.width_mm,
                    height_mm: cmd.height_mm,
                }]
            } else {
                cmd.boxes.clone()
            };
            let cartons: Vec<Vec<(String, i64)>> =
                staff_boxes.iter().map(|b| b.items.iter().map(|(code, q)| (sku_of(code), *q)).collect()).collect();
            // Whole sealed cartons the order ships are packed as they are.
            let sealed: Vec<CartonRow> = cartons::of_order(tx.conn(), order.outbound_order_id)
                .await?
                .into_iter()
                .filter(|c| c.status == CartonStatus::Allocated)
                .collect();
            if !freight && !parcel_measured {
                return Err(AppError::InvalidParam {
                    field: "weightKg",
                    reason: "weight and sizes are required".into(),
                });
            }
            if !freight && !cartons.is_empty() || freight && cartons.is_empty() && sealed.is_empty() {
                return Err(AppError::InvalidParam {
                    field: "boxes",
                    reason: "transfers and B2B orders are packed into cartons; parcel orders are not".into(),
                });
            }
            let scanned: Vec<(String, i64)> = if !freight {
                cmd.items.iter().map(|(code, q)| (sku_of(code), *q)).collect()
            } else if cartons.is_empty() {
                haicang_core::transfers::carton_totals(
                    &sealed.iter().map(|c| vec![(c.sku.clone(), c.units)]).collect::<Vec<_>>(),
                )
            } else {
                let plan: Vec<haicang_core::transfers::CartonLine> =
                    store::carton_plan(tx.conn(), order.outbound_order_id)
                        .await?
                        .into_iter()
                        .map(|p| haicang_core::transfers::CartonLine {
                            sku: p.sku,
                            units_per_box: p.units_per_box,
                            boxes: p.boxes,
                        })
                        .collect();
                haicang_core::transfers::check_cartons(&plan, &cartons)?;
                let mut all = cartons.clone();
                all.extend(sealed.iter().map(|c| vec![(c.sku.clone(), c.units)]));
                haicang_core::transfers::carton_totals(&all)
            };
            rules::check_pack(&picked, &scanned)?;
            let mut picked_serials: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            let serial_lines: Vec<&AllocationRow> =
                allocations.iter().filter(|a| a.serial_managed != 0 && a.stop.picked > 0).collect();
            if !serial_lines.is_empty() {
                let (bench, _) = packing_place(&mut tx, &order).await?;
                for a in serial_lines {
                    if picked_serials.contains_key(&a.stop.sku) {
                        continue;
                    }
                    let at_bench = stock::serials_of_document(&mut tx, a.product_id, &order.order_no, bench).await?;
                    picked_serials.insert(a.stop.sku.clone(), at_bench.into_iter().map(|(serial, _)| serial).collect());
                }
            }
            let scanned_serials: BTreeMap<String, Vec<String>> = cmd
                .serials
                .iter()
                .map(|(code, serials)| {
                    (sku_of(code), serials.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
                })
                .collect();
            rules::check_pack_serials(&picked_serials, &scanned_serials)?;
            let (mut weight_g, mut length_mm, mut width_mm, mut height_mm) =
                (cmd.weight_g, cmd.length_mm, cmd.width_mm, cmd.height_mm);
            // Sealed cartons first, under their own licence plates (their
            // measures as received; unknown measures print as 1).
            let (packing_id, _) = packing_place(&mut tx, &order).await?;
            let mut packed: Vec<PackBox> = Vec::new();
            for (i, c) in sealed.iter().enumerate() {
                let m = store::NewOutboundBox {
                    seq: i as i64 + 1,
                    weight_g: c.weight_g.unwrap_or(1).max(1),
                    length_mm: c.length_mm.unwrap_or(1).max(1),
                    width_mm: c.width_mm.unwrap_or(1).max(1),
                    height_mm: c.height_mm.unwrap_or(1).max(1),
                };
                let box_id = store::insert_box(&mut tx, order.outbound_order_id, &c.lpn, m, now).await?;
                store::insert_box_line(&mut tx, box_id, c.product_id, c.units).await?;
                cartons::set_location(&mut tx, c.carton_id, packing_id, now).await?;
                packed.push(PackBox {
                    items: Vec::new(),
                    weight_g: m.weight_g,
                    length_mm: m.length_mm,
                    width_mm: m.width_mm,
                    height_mm: m.height_mm,
                });
            }
            packed.extend(staff_boxes.iter().cloned());
            if let Some(first) = packed.first() {
                // The shipment's weight is its cartons'; sizes are per carton.
                weight_g = packed.iter().map(|b| b.weight_g).fold(0i64, i64::saturating_add);
                (length_mm, width_mm, height_mm) = (first.length_mm, first.width_mm, first.height_mm);
            }
            let product_of = |sku: &str| allocations.iter().find(|a| a.stop.sku == sku).map(|a| a.product_id);
            for (i, (b, items)) in staff_boxes.iter().zip(&cartons).enumerate() {
                let seq = (sealed.len() + i) as i64 + 1;
                let measures = store::NewOutboundBox {
                    seq,
                    weight_g: b.weight_g,
                    length_mm: b.length_mm,
                    width_mm: b.width_mm,
                    height_mm: b.height_mm,
                };
                let scan = format!("{}-{seq:03}", order.order_no);
                let box_id = store::insert_box(&mut tx, order.outbound_order_id, &scan, measures, now).await?;
                for (sku, q) in items {
                    let product = product_of(sku).ok_or_else(|| rules::PackError::WrongItem(sku.clone()))?;
                    store::insert_box_line(&mut tx, box_id, product, *q).await?;
                }
            }
            let change = OrderChange {
                weight_g: Some(weight_g),
                length_mm: Some(length_mm),
                width_mm: Some(width_mm),
                height_mm: Some(height_mm),
                ..Default::default()
            };
            store::change_order(&mut tx, &order, next.as_str(), &change, now).await?;
            let text = format!("Packed by {}", staff.username);
            store::add_event(&mut tx, order.outbound_order_id, "PACKED", &text, Some(&order.warehouse_code), now, now)
                .await?;
            tx.commit().await?;
            Ok(())
        })
        .await?;
        self.outbound_order(Viewer::Staff(staff), &cmd.order_no).await
    }

    /// Hand-over to the carrier: the reservation is posted (units leave to
    /// `@CUSTOMER_SHIPPED` from the packing location) and `order.shipped`
    /// reports the stock after, per SKU.
    pub async fn ship(
        &self,
        staff: &StaffPrincipal,
        order_no: &str,
        tracking_no: Option<&str>,
        carrier: Option<&str>,
    ) -> Result<OutboundOrderRow, AppError> {
        if tracking_no.is_some_and(|t| t.chars().count() > rules::TRACKING_CHARS_MAX) {
            return Err(OrderError::TooLong { field: "trackingNo", max: rules::TRACKING_CHARS_MAX }.into());
        }
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let order = locked(&mut tx, order_no, Viewer::Staff(staff)).await?;
            let next = step(&order, OutboundAction::Ship)?;
            let tracking = match (tracking_no.map(str::trim).filter(|t| !t.is_empty()), &order.tracking_no) {
                (Some(t), _) => t.to_owned(),
                (None, Some(t)) => t.clone(),
                (None, None) => format!("HC{}{:010}", day_code(now), order.outbound_order_id),
            };
            if order.tracking_no.as_deref() != Some(tracking.as_str())
                && store::order_no_by_tracking(&mut tx, &tracking).await?.is_some()
            {
                return Err(AppError::TrackingExists(tracking));
            }
            let lines = store::lines(tx.conn(), order.outbound_order_id).await?;
            let allocations = store::allocations_of_order(tx.conn(), order.outbound_order_id).await?;
            let (packing_id, packing_code) = packing_place(&mut tx, &order).await?;
            let reference = doc(&order, 0, staff.operator(), Some("shipped"));
            // A transfer to one of our warehouses stays ours on the way.
            let to_warehouse = order.order_kind == OrderKind::Transfer && order.to_warehouse_id.is_some();
            let leaves_to =
                if to_warehouse { VirtualLocation::TransferTransit } else { VirtualLocation::CustomerShipped };
            for line in &lines {
                let picks: Vec<stock::Pick> = allocations
                    .iter()
                    .filter(|a| a.outbound_line_id == line.outbound_line_id && a.stop.picked > 0)
                    .filter_map(|a| {
                        Quantity::new(a.stop.picked).map(|q| stock::Pick {
                            place: Place { location_id: packing_id, code: packing_code.clone() },
                            lot_id: a.lot_id,
                            quantity: q,
                        })
                    })
                    .collect();
                let line_doc = DocumentRef { line: line.line_no, ..reference.clone() };
                stock::post_to(&mut tx, line.reservation_id, &picks, leaves_to, &line_doc, now)
                    .await
                    .map_err(|e| AppError::from_store_for_sku(e, &line.sku))?;
            }
            // Serial numbers leave with the order that carried them.
            let mut serial_products: Vec<i64> =
                allocations.iter().filter(|a| a.serial_managed != 0).map(|a| a.product_id).collect();
            serial_products.sort_unstable();
            serial_products.dedup();
            for product_id in serial_products {
                let gone = stock::serials_of_document(&mut tx, product_id, &order.order_no, packing_id).await?;
                let gone: Vec<String> = gone.into_iter().map(|(serial, _)| serial).collect();
                stock::serials_out(&mut tx, product_id, &gone, &order.order_no, now).await?;
            }
            for c in cartons::of_order(tx.conn(), order.outbound_order_id).await? {
                if c.status == CartonStatus::Allocated {
                    cartons::set_status(&mut tx, &c, CartonStatus::Shipped, Some(order.outbound_order_id), now).await?;
                }
            }
            let carrier = carrier.map(str::to_owned).or(order.carrier.clone()).unwrap_or(order.carrier_default.clone());
            let change = OrderChange {
                tracking_no: Some(&tracking),
                carrier: Some(&carrier),
                shipped_at: Some(now),
                ..Default::default()
            };
            store::change_order(&mut tx, &order, next.as_str(), &change, now).await?;
            if order.seller_label.is_none() {
                store::add_event(
                    &mut tx,
                    order.outbound_order_id,
                    "LABEL_CREATED",
                    &format!("{carrier} label {tracking}"),
                    None,
                    now,
                    now,
                )
                .await?;
            }
            let text = format!("Handed over to {carrier}");
            store::add_event(&mut tx, order.outbound_order_id, "SHIPPED", &text, Some(&order.warehouse_code), now, now)
                .await?;
            // The JF WMS "order" webhook: per SKU the stock after the change.
            let mut sku_list = Vec::new();
            let mut by_product: BTreeMap<i64, (String, i64)> = BTreeMap::new();
            for line in &lines {
                by_product.entry(line.product_id).or_insert((line.sku.clone(), 0)).1 += line.quantity;
            }
            for (product_id, (sku, shipped)) in by_product {
                let (total, locked_units, non_good) = stock_after(&mut tx, order.warehouse_id, product_id).await?;
                sku_list.push(json!({"sku": sku, "total": total, "locked": locked_units,
                    "available": total - locked_units, "nonGood": non_good, "totalChange": -shipped}));
            }
            // What the shipment is billed by, too: units, lines, weight.
            let shipped_units: i64 = allocations.iter().map(|a| a.stop.picked).sum();
            let mut data = json!({"orderNo": order.order_no, "erpNo": order.customer_reference, "status": "Shipped",
                              "trackingNo": tracking, "carrier": carrier, "skuList": sku_list,
                              "units": shipped_units, "lines": lines.len(), "weightG": order.weight_g,
                              "kind": order.order_kind.as_str()});
            if order.order_kind != OrderKind::Parcel {
                let cartons = store::boxes_of_order(tx.conn(), order.outbound_order_id).await?;
                let count = cartons.iter().map(|b| b.seq).max().unwrap_or(0);
                data["boxes"] = json!(count);
                data["toWarehouseCode"] = json!(order.to_warehouse_code);
                data["shipmentId"] = json!(order.shipment_id);
                data["destinationPlatform"] = json!(order.destination_platform);
            }
            if to_warehouse {
                let shipped = OutboundOrderRow {
                    tracking_no: Some(tracking.clone()),
                    carrier: Some(carrier.clone()),
                    ..order.clone()
                };
                crate::transfers::open_receiving_leg(&mut tx, &shipped, &allocations, &staff.operator(), now).await?;
            }
            emit(&mut tx, &order, event_of(order.order_kind, ORDER_SHIPPED), data, now).await?;
            tx.commit().await?;
            Ok(())
        })
        .await?;
        self.outbound_order(Viewer::Staff(staff), order_no).await
    }

    /// A carrier event for a shipped parcel.
    pub async fn add_shipment_event(
        &self,
        staff: &StaffPrincipal,
        tracking_no: &str,
        code: &str,
        description: &str,
        location: Option<&str>,
        occurred_at: i64,
    ) -> Result<String, AppError> {
        if code.trim().is_empty() || code.chars().count() > 50 || description.chars().count() > 300 {
            return Err(AppError::InvalidParam {
                field: "code", reason: "1-50 characters, description ≤ 300".into()
            });
        }
        self.retrying(|| async {
            let mut tx = self.store.begin_write().await?;
            let order_no = store::order_no_by_tracking(&mut tx, tracking_no.trim())
                .await?
                .ok_or_else(|| AppError::OutboundNotFound(tracking_no.to_owned()))?;
            let order = locked(&mut tx, &order_no, Viewer::Staff(staff)).await?;
            store::add_event(
                &mut tx,
                order.outbound_order_id,
                &code.trim().to_ascii_uppercase(),
                description,
                location,
                occurred_at,
                now_ms(),
            )
            .await?;
            tx.commit().await?;
            Ok(order_no)
        })
        .await
    }
}

/// (total, reserved, not-good) units of a product in a warehouse.
async fn stock_after(tx: &mut WriteTx, warehouse_id: i64, product_id: i64) -> Result<(i64, i64, i64), AppError> {
    Ok(haicang_store::outbound::stock_totals(tx, warehouse_id, product_id).await?)
}
