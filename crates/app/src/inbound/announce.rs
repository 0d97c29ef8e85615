//! A seller's inbound orders (ASN): announcement (idempotent by
//! reference), submit, cancel, tracking, reads and box labels.

use super::*;

impl App {
    /// Creates an order, or answers the existing one when the same request
    /// comes again (`false`): the seller's reference is the idempotency key.
    pub async fn create_inbound(
        &self,
        customer: &CustomerPrincipal,
        cmd: &CreateInbound,
    ) -> Result<Created<InboundStatus>, AppError> {
        let (kind, mode, contents) = cmd.check()?;
        if cmd.keep_sealed && (kind != InboundType::Carton || !matches!(contents, Contents::Boxes(_))) {
            return Err(AppError::InvalidParam {
                field: "keepSealed",
                reason: "only a CARTON inbound with a packing list keeps its boxes sealed".into(),
            });
        }
        let hash = idempotency::fingerprint(cmd);
        self.retrying(|| self.create_inbound_once(customer, cmd, kind, mode, &contents, &hash)).await
    }

    async fn create_inbound_once(
        &self,
        customer: &CustomerPrincipal,
        cmd: &CreateInbound,
        kind: InboundType,
        mode: InboundMode,
        contents: &Contents,
        hash: &str,
    ) -> Result<Created<InboundStatus>, AppError> {
        let now = now_ms();
        let reference = cmd.customer_reference.trim();
        let mut tx = self.store.begin_write().await?;
        if let Some(existing) = store::find_by_reference(&mut tx, customer.customer_id, reference).await? {
            return if idempotency::same_request(&existing.request_hash, cmd) {
                Ok(Created { order_no: existing.order_no, status: existing.status, created: false })
            } else {
                Err(AppError::InboundReferenceConflict(reference.to_owned()))
            };
        }
        let w = ordering_warehouse(tx.conn(), customer, &cmd.warehouse_code).await?;
        let items: Vec<&ItemDraft> = match contents {
            Contents::Boxes(boxes) => boxes.iter().flat_map(|b| &b.items).collect(),
            Contents::Forecast(lines) => lines.iter().collect(),
        };
        let products = known_products(&mut tx, customer.customer_id, items.iter().map(|i| i.sku.as_str())).await?;
        for item in &items {
            let p = &products[item.sku.as_str()];
            if p.batch_managed != 0 && item.batch_no.is_none() && item.expiry_date.is_none() {
                return Err(AppError::BatchRequired { sku: p.sku.clone() });
            }
            if p.serial_managed == 0 && !item.serials.is_empty() {
                return Err(AppError::SerialMismatch {
                    sku: p.sku.clone(),
                    reason: "the SKU is not serial managed".into(),
                });
            }
        }
        if let Contents::Boxes(boxes) = contents {
            let barcodes: Vec<String> = boxes.iter().filter_map(|b| b.barcode.clone()).collect();
            if let Some(taken) = store::barcodes_taken(&mut tx, w.warehouse_id, &barcodes).await?.into_iter().next() {
                return Err(AppError::Inbound(InboundError::DuplicateBoxBarcode(taken)));
            }
        }
        let day = day_code(now);
        let seq = sequence::next_value(tx.conn(), DocumentType::Inbound.prefix(), &day).await?;
        let order_no = format_document_no(DocumentType::Inbound, &day, seq);
        let status = if cmd.draft { InboundStatus::Draft } else { InboundStatus::Submitted };
        let (box_count, unit_count) = match contents {
            Contents::Boxes(b) => (b.len() as i64, items.iter().map(|i| i.quantity).sum()),
            Contents::Forecast(_) => (0, items.iter().map(|i| i.quantity).sum()),
        };
        let attributes = cmd.attributes.as_ref().map(|a| a.to_string());
        let order_id = store::insert_order(
            &mut tx,
            &NewInboundOrder {
                order_no: &order_no,
                customer_id: customer.customer_id,
                warehouse_id: w.warehouse_id,
                customer_reference: reference,
                request_hash: hash,
                inbound_type: kind.as_str(),
                mode: mode.as_str(),
                forecast: matches!(contents, Contents::Forecast(_)),
                status: status.as_str(),
                expected_arrival: trimmed(&cmd.expected_arrival).as_deref(),
                carrier: trimmed(&cmd.carrier).as_deref(),
                tracking_no: trimmed(&cmd.tracking_no).as_deref(),
                note: trimmed(&cmd.note).as_deref(),
                box_count,
                unit_count,
                origin: None,
                keep_sealed: cmd.keep_sealed,
                attributes: attributes.as_deref(),
            },
            now,
        )
        .await
        .map_err(|e| match e {
            // Two identical requests raced: the loser retries and finds the
            // winner's order.
            haicang_store::StoreError::Duplicate(m) => AppError::Store(haicang_store::StoreError::Conflict(m)),
            other => AppError::Store(other),
        })?;
        store::add_history(&mut tx, order_id, status.as_str(), &customer_operator(customer), None, now).await?;
        let mut line_no = 0;
        let mut add_lines = async |tx: &mut WriteTx, box_id: Option<i64>, lines: &[ItemDraft]| {
            for item in lines {
                line_no += 1;
                let serials = (!item.serials.is_empty()).then(|| json!(item.serials).to_string());
                store::insert_line(
                    tx,
                    order_id,
                    &NewLine {
                        box_id,
                        line_no,
                        product_id: products[item.sku.as_str()].product_id,
                        quantity: item.quantity,
                        batch_no: trimmed(&item.batch_no).as_deref(),
                        production_date: trimmed(&item.production_date).as_deref(),
                        expiry_date: trimmed(&item.expiry_date).as_deref(),
                        serials: serials.as_deref(),
                    },
                )
                .await?;
            }
            Ok::<(), AppError>(())
        };
        match contents {
            Contents::Boxes(boxes) => {
                for (i, b) in boxes.iter().enumerate() {
                    let scan_code = format!("{order_no}-{:03}", i + 1);
                    let box_id = store::insert_box(
                        &mut tx,
                        order_id,
                        w.warehouse_id,
                        &NewBox {
                            seq: i as i64 + 1,
                            box_no: &b.box_no,
                            scan_code: &scan_code,
                            barcode: b.barcode.as_deref(),
                            length_mm: b.length_mm,
                            width_mm: b.width_mm,
                            height_mm: b.height_mm,
                            weight_g: b.weight_g,
                        },
                    )
                    .await?;
                    add_lines(&mut tx, Some(box_id), &b.items).await?;
                }
            }
            Contents::Forecast(lines) => add_lines(&mut tx, None, lines).await?,
        }
        // Goods in transit show in the seller's stock list from now on.
        for p in products.values() {
            let item = Item {
                customer_id: customer.customer_id,
                warehouse_id: w.warehouse_id,
                product_id: p.product_id,
                condition: Condition::Good,
            };
            stock::ensure_summary(&mut tx, item, now).await?;
        }
        tx.commit().await?;
        Ok(Created { order_no, status, created: true })
    }

    /// Sends a DRAFT order to the warehouse.
    pub async fn submit_inbound(
        &self,
        customer: &CustomerPrincipal,
        order_no: &str,
    ) -> Result<Stepped<InboundStatus>, AppError> {
        self.seller_step(customer, order_no, InboundAction::Submit, None, StatusChange::default()).await
    }

    /// Cancels an order the warehouse has not received yet.
    pub async fn cancel_inbound(
        &self,
        customer: &CustomerPrincipal,
        order_no: &str,
        reason: Option<&str>,
    ) -> Result<Stepped<InboundStatus>, AppError> {
        if reason.is_some_and(|r| r.chars().count() > rules::NOTE_CHARS_MAX) {
            return Err(AppError::Inbound(InboundError::TooLong { field: "reason", max: rules::NOTE_CHARS_MAX }));
        }
        self.seller_step(customer, order_no, InboundAction::Cancel, reason, StatusChange::default()).await
    }

    /// Changes carrier and tracking number while the goods are on the way.
    pub async fn update_inbound_tracking(
        &self,
        customer: &CustomerPrincipal,
        order_no: &str,
        carrier: Option<&str>,
        tracking_no: &str,
    ) -> Result<Stepped<InboundStatus>, AppError> {
        let tracking_no = tracking_no.trim();
        if tracking_no.is_empty() {
            return Err(AppError::MissingParam { field: "trackingNo" });
        }
        rules::check_tracking_no(Some(tracking_no))?;
        if carrier.is_some_and(|c| c.chars().count() > rules::CARRIER_CHARS_MAX) {
            return Err(AppError::Inbound(InboundError::TooLong { field: "carrier", max: rules::CARRIER_CHARS_MAX }));
        }
        let change = StatusChange { carrier, tracking_no: Some(tracking_no), ..StatusChange::default() };
        let note = format!("tracking no {tracking_no}");
        self.seller_step(customer, order_no, InboundAction::UpdateTracking, Some(&note), change).await
    }

    async fn seller_step(
        &self,
        customer: &CustomerPrincipal,
        order_no: &str,
        action: InboundAction,
        note: Option<&str>,
        change: StatusChange<'_>,
    ) -> Result<Stepped<InboundStatus>, AppError> {
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let order = locked_order(&mut tx, order_no, Viewer::Customer(customer)).await?;
            let next = step(&order, action)?;
            let operator = customer_operator(customer);
            change_status(&mut tx, &order, next, &change, &operator, note, now).await?;
            // A step that keeps the status (a new tracking number) is
            // still history.
            if next == order.status {
                store::add_history(&mut tx, order.inbound_order_id, next.as_str(), &operator, note, now).await?;
            }
            tx.commit().await?;
            Ok(Stepped { order_no: order.order_no, status: next })
        })
        .await
    }

    /// An order with its boxes, counts, putaways, history and
    /// discrepancies; `customer` scopes a seller's look-up.
    pub async fn inbound_detail(&self, viewer: Viewer<'_>, order_no: &str) -> Result<InboundDetail, AppError> {
        let mut conn = self.store.read().await?;
        let order = store::find_order(&mut conn, order_no, viewer.customer_id())
            .await?
            .ok_or_else(|| AppError::InboundNotFound(order_no.to_owned()))?;
        viewer.check_warehouse(order.warehouse_id, &order.warehouse_code)?;
        let id = order.inbound_order_id;
        let boxes = store::boxes(&mut conn, id).await?;
        let lines = store::lines(&mut conn, id).await?;
        let receipts = store::receipts(&mut conn, id).await?;
        let putaways = store::putaways(&mut conn, id).await?;
        let history = store::history(&mut conn, id).await?;
        let fees = haicang_store::billing::charges_of_document(&mut conn, order.customer_id, &order.order_no).await?;
        drop(conn);
        let box_no = |box_id: Option<i64>| {
            box_id.and_then(|id| boxes.iter().find(|b| b.inbound_box_id == id)).map(|b| b.box_no.as_str())
        };
        let expected: Vec<(Option<&str>, &str, i64)> =
            lines.iter().map(|l| (box_no(l.inbound_box_id), l.sku.as_str(), l.quantity)).collect();
        let counted: Vec<rules::Count<'_>> =
            receipts.iter().map(|r| (box_no(r.inbound_box_id), r.sku.as_str(), r.good, r.defective)).collect();
        let closed =
            matches!(order.status, InboundStatus::Received | InboundStatus::PuttingAway | InboundStatus::PutawayDone);
        let discrepancies = rules::discrepancies(&expected, &counted, closed);
        let mut skus: BTreeMap<String, SkuProgress> = BTreeMap::new();
        for l in &lines {
            progress(&mut skus, &l.sku).expected += l.quantity;
        }
        for r in &receipts {
            let p = progress(&mut skus, &r.sku);
            p.received_good += r.good;
            p.received_defective += r.defective;
        }
        for a in &putaways {
            progress(&mut skus, &a.sku).put_away += a.quantity;
        }
        let skus = skus.into_values().collect();
        Ok(InboundDetail { order, boxes, lines, receipts, putaways, history, skus, discrepancies, fees })
    }

    /// A seller's orders, or for staff every seller's in their warehouses.
    pub async fn list_inbound(
        &self,
        viewer: Viewer<'_>,
        filter: &InboundFilter,
        page: PageRequest,
    ) -> Result<Page<InboundOrderRow>, AppError> {
        self.check_named_warehouse(viewer, filter.warehouse_code.as_deref()).await?;
        let scope = viewer.list_scope();
        let (rows, total) = store::list_orders(&mut *self.store.read().await?, &scope, filter, page).await?;
        Ok(Page::new(rows, page, total))
    }

    /// One label per box, as a PDF.
    pub async fn inbound_labels(
        &self,
        viewer: Viewer<'_>,
        order_no: &str,
        size: LabelSize,
    ) -> Result<Vec<u8>, AppError> {
        let detail = self.inbound_detail(viewer, order_no).await?;
        if detail.boxes.is_empty() {
            return Err(AppError::Inbound(InboundError::NoItems));
        }
        let count = detail.boxes.len();
        let labels: Vec<BoxLabel> = detail
            .boxes
            .iter()
            .map(|b| BoxLabel {
                scan_code: b.scan_code.clone(),
                order_no: detail.order.order_no.clone(),
                box_no: b.box_no.clone(),
                box_index: b.seq as usize,
                box_count: count,
                warehouse_code: detail.order.warehouse_code.clone(),
                customer_code: detail.order.customer_code.clone(),
                items: detail
                    .lines
                    .iter()
                    .filter(|l| l.inbound_box_id == Some(b.inbound_box_id))
                    .map(|l| (l.sku.clone(), l.quantity))
                    .collect(),
                shipment: None,
            })
            .collect();
        crate::print_off_thread(move || haicang_print::box_labels(size, &labels)).await
    }
}

fn progress<'m>(skus: &'m mut BTreeMap<String, SkuProgress>, sku: &str) -> &'m mut SkuProgress {
    skus.entry(sku.to_owned()).or_insert_with(|| SkuProgress {
        sku: sku.to_owned(),
        expected: 0,
        received_good: 0,
        received_defective: 0,
        put_away: 0,
    })
}

fn customer_operator(customer: &CustomerPrincipal) -> String {
    format!("customer:{}", customer.customer_code)
}
