//! A seller's orders: creation with its reservation (idempotent by
//! reference), reads, cancel and interception, and the shipping label.

use super::*;

impl App {
    /// Creates an order and reserves its units, all lines or none; the
    /// same request again answers the same order (`false`).
    pub async fn create_outbound(
        &self,
        customer: &CustomerPrincipal,
        cmd: &CreateOutbound,
    ) -> Result<Created<OutboundStatus>, AppError> {
        let platform = cmd.check()?;
        let hash = idempotency::fingerprint(cmd);
        let same = |stored: &str| idempotency::same_request(stored, cmd);
        let spec = OrderSpec {
            kind: OrderKind::Parcel,
            warehouse_code: &cmd.warehouse_code,
            service_code: Some(cmd.shipping_service_code.trim()),
            reference: cmd.customer_reference.trim(),
            hash: &hash,
            same_request: &same,
            platform,
            platform_order_no: trimmed(&cmd.platform_order_no),
            recipient: RecipientSpec::Domestic(&cmd.recipient),
            note: trimmed(&cmd.note),
            label: trimmed(&cmd.label),
            tracking_no: trimmed(&cmd.tracking_no),
            items: &cmd.items,
            carton_plan: &[],
            cartons: &[],
            shipment: None,
        };
        self.retrying(|| self.create_order_once(customer, &spec)).await
    }

    /// One attempt at creating an order of any kind (see [`OrderSpec`]).
    pub(crate) async fn create_order_once(
        &self,
        customer: &CustomerPrincipal,
        spec: &OrderSpec<'_>,
    ) -> Result<Created<OutboundStatus>, AppError> {
        let now = now_ms();
        let reference = spec.reference;
        let day = day_code(now);
        let doc_type = spec.kind.document_type();
        // Everything the order reads but does not change is read here, on
        // a read connection, before the write lock. The reference first: a
        // replayed request is answered as it was even if its product has
        // been banned since. A same reference committed after this read is
        // refused by the unique key below, and the retry finds it here.
        let Prepared { w, service_id, recipient, to_warehouse_id, mut lines, terms, alert_rules } = {
            let mut conn = self.store.read().await?;
            if let Some(existing) = store::find_by_reference(&mut conn, customer.customer_id, reference).await? {
                return if (spec.same_request)(&existing.request_hash) {
                    Ok(Created { order_no: existing.order_no, status: existing.status, created: false })
                } else {
                    Err(AppError::OutboundReferenceConflict(reference.to_owned()))
                };
            }
            self.prepare_order(&mut conn, customer, spec, now).await?
        };
        // The usual order (no whole cartons, no carton plan) is written
        // with others, in batches (see `batch`).
        if spec.cartons.is_empty() && spec.carton_plan.is_empty() {
            let units: i64 = lines.iter().map(|(_, q, _)| *q).sum();
            crate::billing::check_credit(&terms, (units, lines.len() as i64))?;
            let order = batch::ReadyOrder {
                customer_id: customer.customer_id,
                customer_code: customer.customer_code.clone(),
                warehouse_id: w.warehouse_id,
                warehouse_code: w.code,
                service_id,
                kind: spec.kind,
                reference: reference.to_owned(),
                hash: spec.hash.to_owned(),
                platform: spec.platform,
                platform_order_no: spec.platform_order_no.clone(),
                recipient,
                note: spec.note.clone(),
                label: spec.label.clone(),
                tracking_no: spec.tracking_no.clone(),
                to_warehouse_id,
                shipment_id: spec.shipment.as_ref().map(|m| m.shipment_id.clone()),
                destination_platform: spec.shipment.as_ref().map(|m| m.platform.as_str().to_owned()),
                lines,
                alert_rules,
            };
            return self.order_queue().submit(order).await;
        }
        let ahead = sequence::next_value_ahead(&self.store, doc_type.prefix(), &day).await?;
        let mut tx = self.store.begin_write().await?;
        // Whole sealed cartons: each its own line.
        let loose_lines = lines.len();
        let mut carton_of_line: Vec<Option<CartonRow>> = vec![None; loose_lines];
        for lpn in spec.cartons {
            let lpn = lpn.trim();
            let c = cartons::find(tx.conn(), lpn, Some(customer.customer_id))
                .await?
                .ok_or_else(|| AppError::CartonNotFound(lpn.to_owned()))?;
            if c.warehouse_id != w.warehouse_id {
                let reason = format!("{lpn} is in {}", c.warehouse_code);
                return Err(AppError::InvalidParam { field: "boxes.boxNo", reason });
            }
            if c.status != CartonStatus::Sealed {
                return Err(AppError::CartonStatus { lpn: c.lpn, status: c.status.as_str().to_owned() });
            }
            if carton_of_line.iter().flatten().any(|o| o.carton_id == c.carton_id) {
                return Err(AppError::InvalidParam { field: "boxes.boxNo", reason: format!("{lpn} twice") });
            }
            let p = products::find_product(tx.conn(), customer.customer_id, &c.sku)
                .await?
                .ok_or_else(|| AppError::OutboundSkuMissing(c.sku.clone()))?;
            lines.push((p, c.units, None));
            carton_of_line.push(Some(c));
        }
        let units: i64 = lines.iter().map(|(_, q, _)| *q).sum();
        crate::billing::check_credit(&terms, (units, lines.len() as i64))?;
        let seq = match ahead {
            Some(n) => n,
            None => sequence::next_value(tx.conn(), doc_type.prefix(), &day).await?,
        };
        let order_no = format_document_no(doc_type, &day, seq);
        let order_id = store::insert_order(
            &mut tx,
            &NewOutboundOrder {
                order_no: &order_no,
                customer_id: customer.customer_id,
                warehouse_id: w.warehouse_id,
                shipping_service_id: service_id,
                customer_reference: reference,
                request_hash: spec.hash,
                platform: spec.platform.as_str(),
                platform_order_no: spec.platform_order_no.as_deref(),
                recipient: &recipient,
                note: spec.note.as_deref(),
                seller_label: spec.label.as_deref(),
                tracking_no: spec.tracking_no.as_deref(),
                status: OutboundStatus::Created.as_str(),
                kind: spec.kind,
                to_warehouse_id,
                shipment_id: spec.shipment.as_ref().map(|m| m.shipment_id.as_str()),
                destination_platform: spec.shipment.as_ref().map(|m| m.platform.as_str()),
            },
            now,
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(m) => AppError::Store(StoreError::Conflict(m)),
            other => AppError::Store(other),
        })?;
        let operator = format!("customer:{}", customer.customer_code);
        // All lines reserved with three statements (summaries locked in
        // product order, so concurrent orders never deadlock on
        // PostgreSQL), then all lines inserted with one.
        let docs: Vec<DocumentRef> = (0..lines.len())
            .map(|i| DocumentRef {
                document_type: doc_type.as_str().to_owned(),
                document_no: order_no.clone(),
                line: i as i64 + 1,
                operator: operator.clone(),
                reason: None,
            })
            .collect();
        let mut wanted = Vec::with_capacity(lines.len());
        for ((p, quantity, _), doc) in lines.iter().zip(&docs) {
            let item = Item {
                customer_id: customer.customer_id,
                warehouse_id: w.warehouse_id,
                product_id: p.product_id,
                condition: Condition::Good,
            };
            let q = Quantity::new(*quantity).ok_or(OrderError::Quantity(p.sku.clone()))?;
            wanted.push((item, q, doc));
        }
        // The reservations and the lines that name them are written before
        // the stock rows are locked (see `reserve_lines_after`).
        let write_lines = async |tx: &mut WriteTx, reservations: &[i64]| {
            let new_lines: Vec<store::NewLine<'_>> = lines
                .iter()
                .zip(reservations)
                .enumerate()
                .map(|(i, ((p, quantity, kit), reservation_id))| store::NewLine {
                    line_no: i as i64 + 1,
                    product_id: p.product_id,
                    quantity: *quantity,
                    kit_sku: kit.as_deref(),
                    reservation_id: *reservation_id,
                })
                .collect();
            store::insert_lines(tx, order_id, &new_lines).await
        };
        let (mut tx, line_ids) = match stock::reserve_lines_after(tx, &wanted, now, write_lines).await? {
            Ok(reserved) => reserved,
            Err((i, LedgerError::InsufficientAvailable { requested, available })) => {
                return Err(AppError::OutboundInsufficient { sku: lines[i].0.sku.clone(), requested, available });
            }
            Err((_, refused)) => return Err(AppError::Store(refused.into())),
        };
        for (line_id, carton) in line_ids.iter().zip(&carton_of_line) {
            if let Some(c) = carton {
                store::set_line_carton(&mut tx, *line_id, c.carton_id).await?;
                cartons::set_status(&mut tx, c, CartonStatus::Reserved, Some(order_id), now).await?;
            }
        }
        // The cartons the seller asked for: every planned SKU must be an
        // order line, and the cartons hold exactly its units.
        if !spec.carton_plan.is_empty() {
            let mut ordered: BTreeMap<String, i64> = BTreeMap::new();
            for (p, q, _) in &lines[..loose_lines] {
                *ordered.entry(p.sku.clone()).or_default() += q;
            }
            haicang_core::transfers::check_carton_plan(spec.carton_plan, &ordered)?;
            for c in spec.carton_plan {
                let (p, _, _) = lines.iter().find(|(p, _, _)| p.sku == c.sku).ok_or(OrderError::NoItems)?;
                store::insert_carton_plan(&mut tx, order_id, p.product_id, c.units_per_box, c.boxes).await?;
            }
        }
        if spec.label.is_some() {
            store::add_event(&mut tx, order_id, "LABEL_CREATED", "Seller label received", None, now, now).await?;
        }
        let stock = events::stock_after(
            &mut tx,
            customer.customer_id,
            w.warehouse_id,
            lines.iter().map(|(p, _, _)| (p.product_id, p.sku.clone())),
        )
        .await?;
        let data = created_event_data(&order_no, reference, spec.kind, &lines, serde_json::Value::Array(stock));
        let event = event_of(spec.kind, ORDER_CREATED);
        let who = (customer.customer_id, customer.customer_code.as_str());
        events::emit_judged(&mut tx, who, event, &w.code, data, now, events::AlertRules::Known(&alert_rules)).await?;
        tx.commit().await?;
        Ok(Created { order_no, status: OutboundStatus::Created, created: true })
    }

    /// What an order needs that the write transaction does not change:
    /// its warehouse, shipping service, recipient, products (kits
    /// expanded) and credit terms, read on a read connection so that the
    /// single writer's lock is held only for what must be under it.
    async fn prepare_order(
        &self,
        conn: &mut haicang_store::Conn,
        customer: &CustomerPrincipal,
        spec: &OrderSpec<'_>,
        now: i64,
    ) -> Result<Prepared, AppError> {
        let w = ordering_warehouse(&mut *conn, customer, spec.warehouse_code).await?;
        let (service_id, service_status) = match spec.service_code {
            Some(code) => {
                let (id, status, _) = warehouse::find_shipping_service(&mut *conn, w.warehouse_id, code)
                    .await?
                    .ok_or_else(|| AppError::ShippingServiceUnknown(code.to_owned()))?;
                (id, status)
            }
            // Freight (transfers, B2B) is booked by the warehouse: the
            // order names the warehouse's first enabled service.
            None => {
                let id = warehouse::first_enabled_service(&mut *conn, w.warehouse_id)
                    .await?
                    .ok_or_else(|| AppError::ShippingServiceUnknown("(none enabled)".into()))?;
                (id, Availability::Enabled.as_str().to_owned())
            }
        };
        if service_status != Availability::Enabled.as_str() {
            return Err(AppError::ShippingServiceDisabled(spec.service_code.unwrap_or_default().to_owned()));
        }
        let (recipient, to_warehouse_id) = match spec.recipient {
            RecipientSpec::Domestic(r) => {
                r.check(&w.country)?;
                (serde_json::to_string(r).unwrap_or_default(), None)
            }
            RecipientSpec::Abroad(r) => {
                r.check(&r.country)?;
                (serde_json::to_string(r).unwrap_or_default(), None)
            }
            RecipientSpec::Warehouse(code) => {
                let to = ordering_warehouse(&mut *conn, customer, code).await?;
                if to.warehouse_id == w.warehouse_id {
                    return Err(haicang_core::transfers::TransferError::SameWarehouse.into());
                }
                let r = Recipient {
                    name: format!("haicang {}", to.code),
                    company: Some(to.name.clone()),
                    country: to.country.clone(),
                    address_line1: to.address.clone(),
                    ..Default::default()
                };
                (serde_json::to_string(&r).unwrap_or_default(), Some(to.warehouse_id))
            }
        };
        // Kits ship as their components.
        let skus: Vec<String> = spec.items.iter().map(|(s, _)| s.trim().to_owned()).collect();
        let found = products::products_by_sku(&mut *conn, customer.customer_id, &skus).await?;
        let mut lines: Vec<(ProductRow, i64, Option<String>)> = Vec::new();
        for (sku, quantity) in spec.items {
            let p =
                found.iter().find(|p| p.sku == sku.trim()).ok_or_else(|| AppError::OutboundSkuMissing(sku.clone()))?;
            if p.status != ProductStatus::Active {
                return Err(AppError::OutboundSkuBanned(p.sku.clone()));
            }
            if p.product_type == ProductType::Suite {
                let parts = products::components_of(&mut *conn, &[p.product_id]).await?;
                let part_skus: Vec<String> = parts.iter().map(|c| c.sku.clone()).collect();
                let part_rows = products::products_by_sku(&mut *conn, customer.customer_id, &part_skus).await?;
                for c in &parts {
                    let row = part_rows
                        .iter()
                        .find(|r| r.sku == c.sku)
                        .ok_or_else(|| AppError::OutboundSkuMissing(c.sku.clone()))?;
                    lines.push((row.clone(), c.quantity * quantity, Some(p.sku.clone())));
                }
            } else {
                lines.push((p.clone(), *quantity, None));
            }
        }
        let who = (customer.customer_id, customer.customer_code.as_str());
        let terms = crate::billing::credit_terms(&mut *conn, who, self.require_rate_card, now).await?;
        let alert_rules = haicang_store::alerts::rules(&mut *conn, customer.customer_id).await?;
        Ok(Prepared { w, service_id, recipient, to_warehouse_id, lines, terms, alert_rules })
    }

    pub async fn outbound_detail(&self, viewer: Viewer<'_>, order_no: &str) -> Result<OutboundDetail, AppError> {
        let mut conn = self.store.read().await?;
        let order = store::find_order(&mut conn, order_no.trim(), viewer.customer_id())
            .await?
            .ok_or_else(|| AppError::OutboundNotFound(order_no.trim().to_owned()))?;
        viewer.check_warehouse(order.warehouse_id, &order.warehouse_code)?;
        let lines = store::lines(&mut conn, order.outbound_order_id).await?;
        let allocations = store::allocations_of_order(&mut conn, order.outbound_order_id).await?;
        let events = store::events(&mut conn, order.outbound_order_id).await?;
        let fees = haicang_store::billing::charges_of_document(&mut conn, order.customer_id, &order.order_no).await?;
        Ok(OutboundDetail { order, lines, allocations, events, fees })
    }

    /// The order alone (one read), for commands that answer it.
    pub async fn outbound_order(&self, viewer: Viewer<'_>, order_no: &str) -> Result<OutboundOrderRow, AppError> {
        let order = store::find_order(&mut *self.store.read().await?, order_no.trim(), viewer.customer_id())
            .await?
            .ok_or_else(|| AppError::OutboundNotFound(order_no.trim().to_owned()))?;
        viewer.check_warehouse(order.warehouse_id, &order.warehouse_code)?;
        Ok(order)
    }

    pub async fn list_outbound(
        &self,
        viewer: Viewer<'_>,
        filter: &OutboundFilter,
        page: PageRequest,
    ) -> Result<Page<OutboundOrderRow>, AppError> {
        self.check_named_warehouse(viewer, filter.warehouse_code.as_deref()).await?;
        let scope = viewer.list_scope();
        // A seller's order list holds parcel orders; transfers and B2B
        // orders are listed by their own routes.
        let mut filter = filter.clone();
        if scope.customer_id.is_some() && filter.kinds.is_empty() {
            filter.kinds = vec![OrderKind::Parcel];
        }
        let (rows, total) = store::list_orders(&mut *self.store.read().await?, &scope, &filter, page).await?;
        Ok(Page::new(rows, page, total))
    }

    /// Up to 100 orders by number; unknown numbers are simply absent.
    pub async fn batch_get_outbound(
        &self,
        customer: &CustomerPrincipal,
        order_nos: &[String],
    ) -> Result<Vec<OutboundOrderRow>, AppError> {
        if order_nos.len() > rules::BATCH_GET_MAX {
            return Err(AppError::TooManyQueried);
        }
        if order_nos.is_empty() {
            return Err(AppError::MissingParam { field: "orderNos" });
        }
        let filter = OutboundFilter { order_nos: order_nos.to_vec(), ..Default::default() };
        let page = PageRequest { page: 1, page_size: rules::BATCH_GET_MAX as i64 };
        Ok(self.list_outbound(Viewer::Customer(customer), &filter, page).await?.items)
    }

    /// A seller's cancel: at once before picking (the reservation is
    /// released); an interception request once picking started; refused
    /// once shipped (50018).
    pub async fn cancel_outbound(
        &self,
        customer: &CustomerPrincipal,
        order_no: &str,
        reason: Option<&str>,
    ) -> Result<OutboundOrderRow, AppError> {
        self.cancel_order_of_kind(customer, order_no, reason, OrderKind::Parcel).await
    }

    /// A seller's cancel of an order of any kind (see `cancel_outbound`).
    pub(crate) async fn cancel_order_of_kind(
        &self,
        customer: &CustomerPrincipal,
        order_no: &str,
        reason: Option<&str>,
        kind: OrderKind,
    ) -> Result<OutboundOrderRow, AppError> {
        if reason.is_some_and(|r| r.chars().count() > rules::NOTE_CHARS_MAX) {
            return Err(OrderError::TooLong { field: "reason", max: rules::NOTE_CHARS_MAX }.into());
        }
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let order = store::lock_order_of_kind(&mut tx, order_no.trim(), Some(customer.customer_id), kind)
                .await?
                .ok_or_else(|| AppError::OutboundNotFound(order_no.trim().to_owned()))?;
            let operator = format!("customer:{}", customer.customer_code);
            match order.status.cancel_kind() {
                CancelKind::TooLate => return Err(AppError::OutboundShipped(order.order_no.clone())),
                CancelKind::AlreadyCancelled => return Err(AppError::OutboundCancelled(order.order_no.clone())),
                CancelKind::Interception => {
                    if order.intercept_status.0 == Some(InterceptStatus::Requested) {
                        return Err(AppError::InterceptPending(order.order_no.clone()));
                    }
                    let change = OrderChange {
                        intercept_status: Some(InterceptStatus::Requested.as_str()),
                        intercept_reason: Some(reason.unwrap_or("cancelled by the seller")),
                        ..Default::default()
                    };
                    store::change_order(&mut tx, &order, order.status.as_str(), &change, now).await?;
                }
                CancelKind::AtOnce => {
                    unwind(&mut tx, &order, operator, "cancelled", now).await?;
                    let change = OrderChange { intercept_reason: reason, ..Default::default() };
                    store::change_order(&mut tx, &order, OutboundStatus::Cancelled.as_str(), &change, now).await?;
                    let lines = store::lines(tx.conn(), order.outbound_order_id).await?;
                    let stock = events::stock_after(
                        &mut tx,
                        order.customer_id,
                        order.warehouse_id,
                        lines.into_iter().map(|l| (l.product_id, l.sku)),
                    )
                    .await?;
                    let data = json!({"orderNo": order.order_no, "erpNo": order.customer_reference,
                                      "status": "CANCELLED", "reason": reason, "stock": stock});
                    emit(&mut tx, &order, event_of(order.order_kind, ORDER_CANCELLED), data, now).await?;
                }
            }
            tx.commit().await?;
            Ok(())
        })
        .await?;
        let found = store::find_order_of_kind(&mut *self.store.read().await?, order_no.trim(), None, kind).await?;
        found.ok_or_else(|| AppError::OutboundNotFound(order_no.trim().to_owned()))
    }

    /// Staff resolve an interception: success stops the order (picked units
    /// go back where they came from, the reservation is released); failure
    /// lets it ship. Either way the seller hears `order.intercepted`.
    pub async fn resolve_interception(
        &self,
        staff: &StaffPrincipal,
        order_no: &str,
        success: bool,
        note: Option<&str>,
    ) -> Result<OutboundOrderRow, AppError> {
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let order = locked(&mut tx, order_no, Viewer::Staff(staff)).await?;
            if order.intercept_status.0 != Some(InterceptStatus::Requested) {
                return Err(AppError::NoInterception(order.order_no.clone()));
            }
            let next = if success { step(&order, OutboundAction::Intercept)? } else { order.status };
            if success {
                unwind(&mut tx, &order, staff.operator(), "intercepted", now).await?;
            }
            let change = OrderChange {
                intercept_status: Some(
                    if success { InterceptStatus::Succeeded } else { InterceptStatus::Failed }.as_str(),
                ),
                intercept_reason: note,
                ..Default::default()
            };
            store::change_order(&mut tx, &order, next.as_str(), &change, now).await?;
            let data = json!({"orderNo": order.order_no, "erpNo": order.customer_reference,
                              "status": if success { "success" } else { "fail" }, "reason": note});
            emit(&mut tx, &order, ORDER_INTERCEPTED, data, now).await?;
            let detail = json!({"result": if success { "SUCCESS" } else { "FAIL" }, "note": note,
                                "status": {"before": order.status.as_str(), "after": next.as_str()}});
            let actor = audit::Actor::staff(staff).for_customer(order.customer_id);
            audit::record(
                tx.conn(),
                &actor,
                audit::action::INTERCEPTION,
                &order.order_no,
                audit::Outcome::Success,
                detail,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await?;
        self.outbound_order(Viewer::Staff(staff), order_no).await
    }

    /// The shipping label: the seller's own, or a generated 4×6 in label.
    pub async fn shipping_label(&self, viewer: Viewer<'_>, order_no: &str) -> Result<Vec<u8>, AppError> {
        let d = self.outbound_detail(viewer, order_no).await?;
        if let Some(label) = d.order.seller_label.as_deref().filter(|l| l.starts_with("JVBERi")) {
            return base64_decode(label).ok_or(AppError::InvalidParam { field: "label", reason: "not base64".into() });
        }
        let tracking = d.order.tracking_no.clone().ok_or_else(|| refused(&d.order, OutboundAction::Ship))?;
        let recipient: Recipient = serde_json::from_str(&d.order.recipient).unwrap_or_default();
        let mut conn = self.store.read().await?;
        let w = warehouse::find_warehouse(&mut conn, &d.order.warehouse_code).await?;
        drop(conn);
        let sender = w.map(|w| vec![w.name, w.address]).unwrap_or_default();
        let to = vec![
            recipient.name.clone(),
            recipient.company.clone().unwrap_or_default(),
            recipient.address_line1.clone(),
            recipient.address_line2.clone().unwrap_or_default(),
            format!("{}, {} {}", recipient.city, recipient.state.clone().unwrap_or_default(), recipient.postcode),
            recipient.country.clone(),
        ]
        .into_iter()
        .filter(|l| !l.trim().is_empty())
        .collect();
        let label = haicang_print::ShippingLabel {
            tracking_no: tracking,
            carrier: d.order.carrier.clone().unwrap_or(d.order.carrier_default.clone()),
            service: d.order.shipping_service_code.clone(),
            order_no: d.order.order_no.clone(),
            reference: d.order.customer_reference.clone(),
            sender,
            recipient: to,
            weight_g: d.order.weight_g,
        };
        crate::print_off_thread(move || haicang_print::shipping_label(&label)).await
    }
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text.trim()).ok()
}

/// The data of an order's `order.created` event.
pub(super) fn created_event_data(
    order_no: &str,
    reference: &str,
    kind: OrderKind,
    lines: &[(ProductRow, i64, Option<String>)],
    stock: serde_json::Value,
) -> serde_json::Value {
    json!({
        "orderNo": order_no,
        "erpNo": reference,
        "kind": kind.as_str(),
        "status": OutboundStatus::Created.as_str(),
        "skuList": lines.iter().map(|(p, q, kit)| json!({"sku": p.sku, "quantity": q, "kitSku": kit})).collect::<Vec<_>>(),
        "stock": stock,
    })
}

/// See [`App::prepare_order`].
struct Prepared {
    w: haicang_store::warehouse::WarehouseRow,
    service_id: i64,
    recipient: String,
    to_warehouse_id: Option<i64>,
    lines: Vec<(ProductRow, i64, Option<String>)>,
    terms: crate::billing::CreditTerms,
    /// The seller's alert rules, which the order's event is judged by.
    alert_rules: Vec<haicang_store::alerts::RuleRow>,
}
