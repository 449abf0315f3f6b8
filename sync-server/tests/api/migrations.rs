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

    // Indexes (primary keys and unique constraints included) and CHECK constraints too.
    let sqlite_indexes = sqlite.db.schema_indexes().await.unwrap();
    let postgres_indexes = postgres.db.schema_indexes().await.unwrap();
    let unique_email = ("users".to_owned(), "email_key".to_owned(), true, false);
    assert!(sqlite_indexes.contains(&unique_email), "{sqlite_indexes:?}");
    let one_pending = (
        "teacher_applications".to_owned(),
        "user_id".to_owned(),
        true,
        true,
    );
    assert!(sqlite_indexes.contains(&one_pending), "{sqlite_indexes:?}");
    assert_eq!(sqlite_indexes, postgres_indexes);

    let sqlite_checks = sqlite.db.schema_checks().await.unwrap();
    let postgres_checks = postgres.db.schema_checks().await.unwrap();
    assert!(
        sqlite_checks.contains(&("users".to_owned(), "role".to_owned())),
        "{sqlite_checks:?}"
    );
    assert_eq!(sqlite_checks, postgres_checks);
}
