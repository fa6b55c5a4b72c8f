//! Rows counted per calendar day (UTC) by the database itself, on either backend: the
//! dashboard's series never load the rows they count.

use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryOrder, QuerySelect,
    Select, sea_query::Expr,
};

/// How many rows fell on `day` (`YYYY-MM-DD`, UTC).
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct DayCount {
    pub day: String,
    pub count: i64,
}

/// The SQL for the UTC day of the timestamp column `column` (written `table.column`).
fn day_of(backend: DbBackend, column: &str) -> String {
    match backend {
        // SQLite keeps timestamps as ISO 8601 text in UTC: the day is its first ten characters.
        DbBackend::Sqlite => format!("substr({column}, 1, 10)"),
        _ => format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"),
    }
}

/// Counts the rows `select` finds, grouped by the day of `column`, oldest day first.
pub(super) async fn per_day<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    column: &str,
) -> Result<Vec<DayCount>, DbErr> {
    let day = day_of(db.get_database_backend(), column);
    select
        .select_only()
        .column_as(Expr::cust(day.clone()), "day")
        .column_as(Expr::cust("COUNT(*)"), "count")
        .group_by(Expr::cust(day.clone()))
        .order_by_asc(Expr::cust(day))
        .into_model::<DayCount>()
        .all(db)
        .await
}
