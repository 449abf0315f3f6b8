use client::i18n::Locale;
use client::store::preferences::{clear_locale, save_locale, saved_locale, LOCALE_KEY};
use wasm_bindgen_test::wasm_bindgen_test;

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

#[wasm_bindgen_test]
fn locale_preference_round_trips_through_local_storage() {
    clear_locale();
    assert_eq!(saved_locale(), None);

    save_locale(Locale::Ru).unwrap();
    assert!(local_storage()
        .get_item(LOCALE_KEY)
        .unwrap()
        .unwrap()
        .contains("ru"));
    assert_eq!(saved_locale(), Some(Locale::Ru));

    save_locale(Locale::En).unwrap();
    assert_eq!(saved_locale(), Some(Locale::En));

    clear_locale();
    assert_eq!(local_storage().get_item(LOCALE_KEY).unwrap(), None);
}

#[wasm_bindgen_test]
fn an_unknown_or_garbled_saved_locale_is_ignored() {
    local_storage().set_item(LOCALE_KEY, "\"klingon\"").unwrap();
    assert_eq!(saved_locale(), None);
    local_storage().set_item(LOCALE_KEY, "not json").unwrap();
    assert_eq!(saved_locale(), None);
    clear_locale();
}

mod database {
    use client::error::ClientError;
    use client::store::catalog::{network_first, saved_page};
    use client::store::database::{Store, CATALOG, STORES, VERSION};
    use shared::api::courses::CoursePage;
    use wasm_bindgen_test::wasm_bindgen_test;

    use crate::catalog::course;

    fn page(slug: &str, next: Option<&str>) -> CoursePage {
        CoursePage {
            items: vec![course(slug)],
            next_cursor: next.map(str::to_owned),
        }
    }

    #[wasm_bindgen_test]
    async fn the_database_opens_with_every_store_of_its_version() {
        let store = Store::open_named("edu-test-open").await.unwrap();
        assert!(STORES.contains(&CATALOG));
        assert_eq!(store.version(), Some(VERSION));
        store.put(CATALOG, "k", &vec![1, 2, 3]).await.unwrap();
        assert_eq!(
            store.get::<Vec<u8>>(CATALOG, "k").await.unwrap(),
            Some(vec![1, 2, 3])
        );
        assert_eq!(store.get::<Vec<u8>>(CATALOG, "none").await.unwrap(), None);
        // A second connection sees the same data (reopening keeps it).
        let again = Store::open_named("edu-test-open").await.unwrap();
        assert_ne!(store, again);
        assert_eq!(
            again.get::<Vec<u8>>(CATALOG, "k").await.unwrap(),
            Some(vec![1, 2, 3])
        );
    }

    #[wasm_bindgen_test]
    async fn the_catalog_falls_back_to_the_kept_page_only_when_the_server_is_unreachable() {
        let store = Store::open_named("edu-test-catalog").await.unwrap();
        let first = page("first", Some("c1"));
        let more = page("more", None);
        assert_eq!(
            network_first(Some(&store), None, Ok(first.clone())).await,
            Ok(first.clone())
        );
        network_first(Some(&store), Some("c1"), Ok(more.clone()))
            .await
            .unwrap();
        assert_eq!(saved_page(&store, Some("c1")).await, Some(more));

        // Offline or unreachable: the kept copy of that very page.
        let offline = network_first(Some(&store), None, Err(ClientError::Offline)).await;
        assert_eq!(offline, Ok(first));
        let down = ClientError::Network {
            detail: "refused".into(),
        };
        let unknown = network_first(Some(&store), Some("c9"), Err(down.clone())).await;
        assert_eq!(unknown, Err(down), "nothing kept for that cursor");
        // The server answered with an error: that is the answer, not the kept copy.
        let failed =
            network_first(Some(&store), None, Err(ClientError::Server { status: 500 })).await;
        assert_eq!(failed, Err(ClientError::Server { status: 500 }));
        // Without a database only the network counts.
        assert_eq!(
            network_first(None, None, Err(ClientError::Offline)).await,
            Err(ClientError::Offline)
        );
    }
}

mod progress {
    use client::store::database::Store;
    use client::store::progress::{load, save, CourseProgress};
    use shared::domain::{CourseId, LessonId, UserId};
    use wasm_bindgen_test::wasm_bindgen_test;

    fn id(n: u8) -> String {
        format!("01900000-0000-7000-8000-0000000000{n:02x}")
    }

    #[wasm_bindgen_test]
    async fn completed_lessons_are_kept_per_user_and_course() {
        let store = Store::open_named("edu-test-progress").await.unwrap();
        let (alice, bob) = (
            UserId::parse(&id(1)).unwrap(),
            UserId::parse(&id(2)).unwrap(),
        );
        let (rust, sql) = (
            CourseId::parse(&id(3)).unwrap(),
            CourseId::parse(&id(4)).unwrap(),
        );
        let lesson = LessonId::parse(&id(5)).unwrap();
        assert_eq!(
            load(&store, &alice, &rust).await.unwrap(),
            CourseProgress::default()
        );
        let kept = CourseProgress {
            completed: vec![lesson],
        };
        save(&store, &alice, &rust, &kept).await.unwrap();
        assert_eq!(load(&store, &alice, &rust).await.unwrap(), kept);
        assert!(
            load(&store, &bob, &rust)
                .await
                .unwrap()
                .completed
                .is_empty(),
            "another user"
        );
        assert!(
            load(&store, &alice, &sql)
                .await
                .unwrap()
                .completed
                .is_empty(),
            "another course"
        );
    }
}
