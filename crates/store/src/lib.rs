//! haicang-store: the only crate that contains SQL.
//!
//! One set of portable queries (sqlx `Any`, `$n` placeholders, `RETURNING`,
//! `ON CONFLICT`) serves SQLite and PostgreSQL; what differs between the
//! engines — connection settings, how a write transaction begins, row
//! locking, migrations' identity columns — lives in [`db`]. Write use cases
//! run in a [`db::WriteTx`]; reads go straight to the pool. Stock is written
//! only by [`stock`]'s ledger writer.

pub mod alerts;
pub mod aliases;
pub mod audit;
pub mod bench_floor;
pub mod billing;
pub mod cartons;
pub mod cluster;
pub mod counts;
pub mod db;
pub mod inbound;
pub mod outbound;
pub mod outbox;
pub mod overview;
pub mod party;
pub mod product;
pub mod returns;
pub mod sellers;
pub mod sequence;
pub mod stock;
pub mod testing;
mod wal_flush;
pub mod warehouse;
pub mod webhook;
pub mod work_orders;

pub use db::{Durable, Engine, Store, StoreError, WriteTx};
/// A connection or a transaction's connection, as the store functions take it.
pub type Conn = sqlx::AnyConnection;

/// A page of a list query: `page` counts from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: i64,
    pub page_size: i64,
}

impl PageRequest {
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.page_size
    }
}

/// Whose rows a list may show: a seller sees its own (`customer_id`), a
/// staff member limited to warehouses sees only theirs (`warehouse_ids`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListScope {
    pub customer_id: Option<i64>,
    pub warehouse_ids: Option<Vec<i64>>,
}

/// Builds the WHERE clause of a filtered list query with numbered
/// placeholders, so that optional filters never turn into string-spliced
/// values.
#[derive(Debug, Default)]
pub(crate) struct Filter {
    clauses: Vec<String>,
    args: Vec<Arg>,
}

#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
}

impl Filter {
    /// Adds a clause; each `?` in it becomes the next `$n`.
    pub(crate) fn and(&mut self, clause: &str, args: impl IntoIterator<Item = Arg>) -> &mut Self {
        let mut out = String::with_capacity(clause.len() + 8);
        let mut args = args.into_iter();
        for ch in clause.chars() {
            if ch == '?' {
                let arg = args.next().expect("a value for every placeholder");
                self.args.push(arg);
                out.push_str(&format!("${}", self.args.len()));
            } else {
                out.push(ch);
            }
        }
        self.clauses.push(out);
        self
    }

    /// `IN (…)` over a list of texts.
    pub(crate) fn and_in_texts(&mut self, column: &str, values: &[String]) -> &mut Self {
        let marks = vec!["?"; values.len()].join(", ");
        self.and(&format!("{column} IN ({marks})"), values.iter().cloned().map(Arg::Text))
    }

    /// `IN (…)` over a list of numbers.
    pub(crate) fn and_in_ints(&mut self, column: &str, values: &[i64]) -> &mut Self {
        let marks = self.int_marks(values);
        self.clauses.push(format!("{column} IN ({marks})"));
        self
    }

    /// Binds `values` as the next arguments and gives their placeholders,
    /// for a query that names the list where it likes (e.g. in every arm of
    /// a UNION: both engines bind `$n` by its number, so once is enough).
    pub(crate) fn int_marks(&mut self, values: &[i64]) -> String {
        let first = self.args.len() + 1;
        self.args.extend(values.iter().copied().map(Arg::Int));
        (first..first + values.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
    }

    /// Limits rows to a [`ListScope`], given the columns that hold the
    /// customer and the warehouse.
    pub(crate) fn scope(&mut self, scope: &ListScope, customer_column: &str, warehouse_column: &str) -> &mut Self {
        if let Some(id) = scope.customer_id {
            self.and(&format!("{customer_column} = ?"), [Arg::Int(id)]);
        }
        self.and_warehouses(warehouse_column, scope.warehouse_ids.as_deref())
    }

    /// Limits rows to these warehouses (`None`: any).
    pub(crate) fn and_warehouses(&mut self, column: &str, ids: Option<&[i64]>) -> &mut Self {
        match ids {
            None => self,
            Some([]) => self.and("1 = 0", []),
            Some(ids) => self.and_in_ints(column, ids),
        }
    }

    pub(crate) fn where_sql(&self) -> String {
        if self.clauses.is_empty() { String::new() } else { format!("WHERE {}", self.clauses.join(" AND ")) }
    }

    /// One page of `SELECT columns FROM from WHERE … ORDER BY order` and the
    /// total number of matching rows. The total is counted only when the
    /// page cannot tell it: the page is read one row long, and a page
    /// without that extra row that is the first or holds rows is the last,
    /// so the total is its offset plus its rows (most lists fit in a page;
    /// a COUNT over a large table is most of such a read's cost).
    pub(crate) async fn page<R>(
        &self,
        conn: &mut sqlx::AnyConnection,
        columns: &str,
        from: &str,
        order: &str,
        page: PageRequest,
    ) -> Result<(Vec<R>, i64), StoreError>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let where_sql = self.where_sql();
        let n = self.next_placeholder();
        let sql = format!("SELECT {columns} FROM {from} {where_sql} ORDER BY {order} LIMIT ${n} OFFSET ${}", n + 1);
        // One row more than the page: when it is not there, this is the
        // last page.
        let mut rows = self
            .bind_as(sqlx::query_as::<_, R>(&sql))
            .bind(page.page_size + 1)
            .bind(page.offset())
            .fetch_all(&mut *conn)
            .await?;
        let seen = rows.len() as i64;
        if seen <= page.page_size && (seen > 0 || page.offset() == 0) {
            return Ok((rows, page.offset() + seen));
        }
        rows.truncate(page.page_size.max(0) as usize);
        let count = format!("SELECT COUNT(*) FROM {from} {where_sql}");
        let (total,) = self.bind_as(sqlx::query_as::<_, (i64,)>(&count)).fetch_one(conn).await?;
        Ok((rows, total))
    }

    /// The placeholder number the next argument would get.
    pub(crate) fn next_placeholder(&self) -> usize {
        self.args.len() + 1
    }

    pub(crate) fn bind_as<'q, O>(
        &self,
        mut query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
        for arg in &self.args {
            query = match arg {
                Arg::Int(v) => query.bind(*v),
                Arg::Text(v) => query.bind(v.clone()),
            };
        }
        query
    }
}
