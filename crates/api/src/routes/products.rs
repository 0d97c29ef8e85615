//! Products of the calling customer.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use haicang_app::AppError;
use haicang_app::catalog::ProductDetails;
use haicang_app::query::ProductFilter;
use haicang_core::decimal::format_fixed;
use haicang_core::product::{ComponentDraft, DeclarationDraft, ProductDraft, ProductStatus};

use crate::AppState;
use crate::envelope::{Envelope, PageView};
use crate::error::ApiError;
use crate::extract::{BodyBytes, CustomerAuth, JsonBody, Params, Path, parse_json};
use crate::routes::iso;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/products", get(list).post(create))
        .route("/api/v1/products/{sku}", get(get_one).put(update))
}

/// A decimal sent as a JSON number or string; kept as text so that no
/// floating point rounds it.
#[derive(Debug, Clone, PartialEq)]
pub struct DecimalText(pub String);

impl<'de> Deserialize<'de> for DecimalText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => Ok(DecimalText(n.to_string())),
            serde_json::Value::String(s) => Ok(DecimalText(s)),
            other => Err(serde::de::Error::custom(format!("expected a decimal number, found {other}"))),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProductInput {
    /// 2-50 characters: letters, digits, space and ( ) _ . - * + # \ / % &
    pub sku: Option<String>,
    pub name: Option<String>,
    /// Defaults to the SKU.
    pub barcode: Option<String>,
    /// SINGLE (default), SUITE (with components) or BOX (with unitsPerBox).
    #[serde(rename = "type")]
    pub product_type: Option<String>,
    pub units_per_box: Option<i64>,
    #[serde(default)]
    pub components: Vec<ComponentInput>,
    #[schema(value_type = Option<f64>)]
    pub length_cm: Option<DecimalText>,
    #[schema(value_type = Option<f64>)]
    pub width_cm: Option<DecimalText>,
    #[schema(value_type = Option<f64>)]
    pub height_cm: Option<DecimalText>,
    #[schema(value_type = Option<f64>)]
    pub weight_kg: Option<DecimalText>,
    pub declaration: Option<DeclarationInput>,
    #[serde(default)]
    pub battery: bool,
    #[serde(default)]
    pub liquid: bool,
    #[serde(default)]
    pub magnetic: bool,
    #[serde(default)]
    pub fragile: bool,
    #[serde(default)]
    pub serial_managed: bool,
    #[serde(default)]
    pub batch_managed: bool,
    /// ACTIVE (default) or INACTIVE.
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ComponentInput {
    pub sku: String,
    pub quantity: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeclarationInput {
    pub name_en: Option<String>,
    pub name_zh: Option<String>,
    pub hs_code: Option<String>,
    /// ISO 3166 alpha-2, e.g. CN.
    pub origin_country: Option<String>,
    /// Declared unit value, e.g. "5.00".
    #[schema(value_type = Option<String>)]
    pub value: Option<DecimalText>,
    /// ISO 4217, e.g. USD.
    pub currency: Option<String>,
    /// GENERAL, BATTERY, LIQUID, POWDER, MAGNETIC, CREAM, SHARP or FOOD.
    pub attribute: Option<String>,
}

impl From<ProductInput> for ProductDraft {
    fn from(p: ProductInput) -> Self {
        ProductDraft {
            sku: p.sku,
            name: p.name,
            barcode: p.barcode,
            product_type: p.product_type,
            units_per_box: p.units_per_box,
            components: p.components.into_iter().map(|c| ComponentDraft { sku: c.sku, quantity: c.quantity }).collect(),
            length_cm: p.length_cm.map(|d| d.0),
            width_cm: p.width_cm.map(|d| d.0),
            height_cm: p.height_cm.map(|d| d.0),
            weight_kg: p.weight_kg.map(|d| d.0),
            declaration: p.declaration.map(|d| DeclarationDraft {
                name_en: d.name_en,
                name_zh: d.name_zh,
                hs_code: d.hs_code,
                origin_country: d.origin_country,
                value: d.value.map(|v| v.0),
                currency: d.currency,
                attribute: d.attribute,
            }),
            battery: p.battery,
            liquid: p.liquid,
            magnetic: p.magnetic,
            fragile: p.fragile,
            serial_managed: p.serial_managed,
            batch_managed: p.batch_managed,
            status: p.status,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeclarationView {
    pub name_en: Option<String>,
    pub name_zh: Option<String>,
    pub hs_code: Option<String>,
    pub origin_country: Option<String>,
    pub value: Option<String>,
    pub currency: Option<String>,
    pub attribute: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductView {
    pub sku: String,
    pub name: String,
    pub barcode: String,
    #[serde(rename = "type")]
    pub product_type: String,
    pub units_per_box: Option<i64>,
    pub components: Vec<ComponentInput>,
    pub length_cm: Option<f64>,
    pub width_cm: Option<f64>,
    pub height_cm: Option<f64>,
    pub weight_kg: Option<f64>,
    pub declaration: Option<DeclarationView>,
    pub battery: bool,
    pub liquid: bool,
    pub magnetic: bool,
    pub fragile: bool,
    pub serial_managed: bool,
    pub batch_managed: bool,
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
}

/// Exact fixed-point to a JSON number: the shortest text of the f64 is the
/// decimal text itself for values of this size.
fn number(value: Option<i64>, scale: u32) -> Option<f64> {
    value.and_then(|v| format_fixed(v, scale, 0).parse().ok())
}

impl From<ProductDetails> for ProductView {
    fn from(d: ProductDetails) -> Self {
        let r = d.row;
        let declaration = r.declared_name_en.is_some().then(|| DeclarationView {
            name_en: r.declared_name_en.clone(),
            name_zh: r.declared_name_zh.clone(),
            hs_code: r.hs_code.clone(),
            origin_country: r.origin_country.clone(),
            value: r.declared_value_micros.map(|v| format_fixed(v, 6, 2)),
            currency: r.declared_currency.clone(),
            attribute: r.declared_attribute.clone(),
        });
        ProductView {
            sku: r.sku,
            name: r.name,
            barcode: r.barcode,
            product_type: r.product_type.to_string(),
            units_per_box: r.units_per_box,
            components: d.components.into_iter().map(|(sku, quantity)| ComponentInput { sku, quantity }).collect(),
            length_cm: number(r.length_um, 4),
            width_cm: number(r.width_um, 4),
            height_cm: number(r.height_um, 4),
            weight_kg: number(r.weight_mg, 6),
            declaration,
            battery: r.is_battery != 0,
            liquid: r.is_liquid != 0,
            magnetic: r.is_magnetic != 0,
            fragile: r.is_fragile != 0,
            serial_managed: r.serial_managed != 0,
            batch_managed: r.batch_managed != 0,
            status: r.status.to_string(),
            created_at: iso(r.created_at),
            updated_at: iso(r.updated_at),
        }
    }
}

/// The result of one product of a batch.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchItemView {
    pub index: usize,
    pub sku: Option<String>,
    /// 0 when created.
    pub code: i64,
    pub message: String,
    pub product: Option<ProductView>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchView {
    pub succeeded: usize,
    pub failed: usize,
    pub items: Vec<BatchItemView>,
}

/// Create one product (a JSON object) or up to 300 (a JSON array, with a
/// result per item).
#[utoipa::path(post, path = "/api/v1/products", tag = "products", security(("bearer" = [])),
    request_body(content = ProductInput, description = "One product, or an array of up to 300"),
    responses((status = 200, description = "The product, or a BatchView for an array", body = ProductView),
              (status = 400, description = "Validation error (20000-20033, 10031)"),
              (status = 409, description = "20003 SKU exists, 20004 barcode exists")))]
pub async fn create(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    BodyBytes(body): BodyBytes,
) -> Result<Response, ApiError> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if first == Some(b'[') {
        let inputs: Vec<serde_json::Value> = parse_json(&body)?;
        if inputs.len() > haicang_core::product::BATCH_MAX {
            return Err(AppError::ProductBatchTooLarge.into());
        }
        // Each item is parsed on its own so that one bad item gets its own
        // answer instead of failing the batch.
        let parsed: Vec<Result<ProductDraft, ApiError>> = inputs
            .iter()
            .map(|v| ProductInput::deserialize(v).map(Into::into).map_err(|e| ApiError::BadField(e.to_string())))
            .collect();
        let drafts: Vec<ProductDraft> = parsed.iter().map(|p| p.as_ref().cloned().unwrap_or_default()).collect();
        let mut results = s.app.create_products(&c, &drafts).await?.into_iter();
        let mut items = Vec::with_capacity(drafts.len());
        for (index, parse) in parsed.into_iter().enumerate() {
            let result = results.next();
            let sku = inputs[index]["sku"].as_str().map(str::to_owned);
            let item = match (parse, result) {
                (Err(e), _) => failed_item(index, sku, &e),
                (Ok(_), Some(Ok(details))) => {
                    BatchItemView { index, sku, code: 0, message: "OK".into(), product: Some(details.into()) }
                }
                (Ok(_), Some(Err(e))) => failed_item(index, sku, &ApiError::App(e)),
                (Ok(_), None) => failed_item(index, sku, &ApiError::App(AppError::MissingParam { field: "product" })),
            };
            items.push(item);
        }
        let succeeded = items.iter().filter(|i| i.code == 0).count();
        let view = BatchView { succeeded, failed: items.len() - succeeded, items };
        return Ok(Envelope(view).into_response());
    }
    let input: ProductInput = parse_json(&body)?;
    let draft: ProductDraft = input.into();
    let result = s.app.create_products(&c, std::slice::from_ref(&draft)).await?.pop();
    match result {
        Some(Ok(details)) => Ok(Envelope(ProductView::from(details)).into_response()),
        Some(Err(e)) => Err(e.into()),
        None => Err(AppError::MissingParam { field: "product" }.into()),
    }
}

fn failed_item(index: usize, sku: Option<String>, e: &ApiError) -> BatchItemView {
    let (code, message) = crate::error::localized(e);
    BatchItemView { index, sku, code, message, product: None }
}

/// Replace a product's fields (all but the SKU).
#[utoipa::path(put, path = "/api/v1/products/{sku}", tag = "products", security(("bearer" = [])),
    params(("sku" = String, Path)), request_body = ProductInput,
    responses((status = 200, description = "The product", body = ProductView),
              (status = 404, description = "20007 SKU not found"),
              (status = 409, description = "20021 barcode locked by stock")))]
pub async fn update(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(sku): Path<String>,
    JsonBody(input): JsonBody<ProductInput>,
) -> Result<Envelope<ProductView>, ApiError> {
    let draft: ProductDraft = input.into();
    Ok(Envelope(s.app.update_product(&c, &sku, &draft).await?.into()))
}

/// One product.
#[utoipa::path(get, path = "/api/v1/products/{sku}", tag = "products", security(("bearer" = [])),
    params(("sku" = String, Path)),
    responses((status = 200, description = "The product", body = ProductView),
              (status = 404, description = "20007 SKU not found")))]
pub async fn get_one(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(sku): Path<String>,
) -> Result<Envelope<ProductView>, ApiError> {
    Ok(Envelope(s.app.get_product(&c, &sku).await?.into()))
}

/// Products, filtered and paged.
#[utoipa::path(get, path = "/api/v1/products", tag = "products", security(("bearer" = [])),
    params(("sku" = Option<String>, Query), ("name" = Option<String>, Query, description = "Contains"),
           ("barcode" = Option<String>, Query), ("status" = Option<String>, Query, description = "ACTIVE or INACTIVE"),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query, description = "1-200, default 50")),
    responses((status = 200, description = "A page of products", body = PageView<ProductView>)))]
pub async fn list(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<ProductView>>, ApiError> {
    let status = params.choice("status", ProductStatus::parse, "ACTIVE or INACTIVE")?;
    let filter = ProductFilter {
        sku: params.text("sku"),
        name: params.text("name"),
        barcode: params.text("barcode"),
        status: status.map(|s| s.as_str().to_owned()),
    };
    let page = s.app.list_products(&c, &filter, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, ProductView::from)))
}
