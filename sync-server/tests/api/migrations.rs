use crate::helpers::{Backend, TestApp};

/// atuin's flaw was SQLite and PostgreSQL schemas drifting apart; this catches it on every run.
#[tokio::test]
async fn sqlite_and_postgres_migrations_define_the_same_tables_and_columns() {
    let sqlite = TestApp::spawn(Backend::Sqlite).await;
    let postgres = TestApp::spawn(Backend::Postgres).await;
    let sqlite_columns = sqlite.db.schema_columns().await.unwrap();
    let postgres_columns = postgres.db.schema_columns().await.unwrap();
    assert!(
        sqlite_columns
            .iter()
            .any(|(table, column, _)| table == "courses" && column == "slug"),
        "{sqlite_columns:?}"
    );
    assert_eq!(sqlite_columns, postgres_columns);
}
