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
    use client::store::progress::{forget, kept_for, save, CourseProgress};
    use shared::domain::{CourseId, LessonId, UserId};
    use wasm_bindgen_test::wasm_bindgen_test;

    fn id(n: u8) -> String {
        format!("01900000-0000-7000-8000-0000000000{n:02x}")
    }

    #[wasm_bindgen_test]
    async fn old_completions_are_read_per_user_and_forgotten_once_moved() {
        let store = Store::open_named("edu-test-progress").await.unwrap();
        let (alice, bob) = (
            UserId::parse(&id(1)).unwrap(),
            UserId::parse(&id(2)).unwrap(),
        );
        let (rust, sql) = (
            CourseId::parse(&id(3)).unwrap(),
            CourseId::parse(&id(4)).unwrap(),
        );
        let kept = CourseProgress {
            completed: vec![LessonId::parse(&id(5)).unwrap()],
        };
        save(&store, &alice, &rust, &kept).await.unwrap();
        save(&store, &bob, &sql, &kept).await.unwrap();
        assert_eq!(
            kept_for(&store, &alice).await.unwrap(),
            vec![(rust.clone(), kept.clone())]
        );
        forget(&store, &alice, &rust).await.unwrap();
        assert!(kept_for(&store, &alice).await.unwrap().is_empty());
        assert_eq!(
            kept_for(&store, &bob).await.unwrap().len(),
            1,
            "another user's stay"
        );
    }
}

mod user_database {
    use client::store::database::{
        user_db_name, Store, DOCS, DOC_STATUS, USER_STORES, USER_VERSION,
    };
    use client::store::device::{device_id, is_device_id};
    use client::store::docs::{self, DocRecord, DocStatus};
    use client::store::user_database;
    use client::sync::replica::Replica;
    use shared::doc::{Event, EventKind};
    use shared::domain::{CourseId, DocId, LessonId, UserId};
    use wasm_bindgen_test::wasm_bindgen_test;

    /// A user id no other test run shares (a fresh database each run).
    fn fresh_user() -> UserId {
        UserId::parse(&shared::doc::new_event_id()).unwrap()
    }

    fn course() -> CourseId {
        CourseId::parse("01900000-0000-7000-8000-0000000000aa").unwrap()
    }

    fn record(bytes: &[u8]) -> DocRecord {
        DocRecord {
            bytes: bytes.to_vec(),
            sync_state: Some(vec![0x43, 0]),
            pending: 3,
            error: Some("too large".into()),
            updated_at: 1_700_000_000_000.0,
        }
    }

    #[wasm_bindgen_test]
    async fn each_user_has_a_database_of_their_own() {
        let (alice, bob) = (fresh_user(), fresh_user());
        let alices = Store::open_user(&alice).await.unwrap();
        let bobs = Store::open_user(&bob).await.unwrap();
        assert_eq!(alices.name(), user_db_name(&alice));
        assert_eq!(alices.name(), format!("eduplatform-{alice}"));
        assert_ne!(alices.name(), bobs.name());
        assert_eq!(alices.version(), Some(USER_VERSION));
        assert!(USER_STORES.contains(&DOCS));

        let doc = DocId::progress(&alice, &course());
        docs::save(&alices, &doc, &record(b"alice")).await.unwrap();
        assert!(docs::load(&alices, &doc).await.unwrap().is_some());
        assert_eq!(
            docs::load(&bobs, &doc).await.unwrap(),
            None,
            "bob sees nothing of alice"
        );
        assert!(docs::all(&bobs).await.unwrap().is_empty());
    }

    #[wasm_bindgen_test]
    async fn a_doc_record_round_trips_with_its_bytes_and_state() {
        let user = fresh_user();
        let store = Store::open_user(&user).await.unwrap();
        let doc = DocId::profile(&user);
        assert_eq!(docs::load(&store, &doc).await.unwrap(), None);
        let kept = record(&[0, 1, 2, 255, 128]);
        docs::save(&store, &doc, &kept).await.unwrap();
        assert_eq!(docs::load(&store, &doc).await.unwrap(), Some(kept.clone()));
        let again = Store::open_user(&user).await.unwrap();
        assert_eq!(docs::all(&again).await.unwrap(), vec![(doc, kept)]);
    }

    #[wasm_bindgen_test]
    async fn the_sync_status_reads_each_documents_status_not_its_bytes() {
        let user = fresh_user();
        let store = Store::open_user(&user).await.unwrap();
        let (profile, progress) = (DocId::profile(&user), DocId::progress(&user, &course()));
        docs::save(&store, &profile, &record(b"profile"))
            .await
            .unwrap();
        // Kept by the app before statuses were: a record with no status beside it.
        let older = DocRecord {
            pending: 5,
            error: None,
            ..record(b"older")
        };
        store
            .put_value(DOCS, progress.as_str(), &older.to_js().unwrap())
            .await
            .unwrap();
        assert_eq!(
            docs::statuses(&store).await.unwrap(),
            vec![
                (
                    profile.clone(),
                    DocStatus {
                        pending: 3,
                        error: Some("too large".into())
                    }
                ),
                (
                    progress.clone(),
                    DocStatus {
                        pending: 5,
                        error: None
                    }
                ),
            ]
        );
        assert_eq!(
            store.keys(DOC_STATUS).await.unwrap(),
            vec![profile.to_string(), progress.to_string()],
            "the older record's status was written once read"
        );
        // From now on the status is what is read: the document's bytes are not.
        let fixed = DocStatus {
            pending: 0,
            error: None,
        };
        store
            .put_value(DOC_STATUS, profile.as_str(), &fixed.to_js().unwrap())
            .await
            .unwrap();
        assert_eq!(docs::statuses(&store).await.unwrap()[0].1, fixed);
        // Saving a document writes its status with it.
        docs::save(
            &store,
            &progress,
            &DocRecord {
                pending: 7,
                ..older
            },
        )
        .await
        .unwrap();
        assert_eq!(docs::statuses(&store).await.unwrap()[1].1.pending, 7);
    }

    #[wasm_bindgen_test]
    async fn a_saved_learner_document_loads_with_its_events() {
        let user = fresh_user();
        let store = user_database(&user).await.unwrap();
        let doc = DocId::progress(&user, &course());
        let mut replica = Replica::new();
        let lesson_id = LessonId::parse("01900000-0000-7000-8000-0000000000bb").unwrap();
        let event = Event::new(
            EventKind::LessonCompleted { lesson_id },
            String::from(js_sys::Date::new_0().to_iso_string()),
        );
        replica.append(&event).unwrap();
        docs::save(&store, &doc, &replica.to_record(js_sys::Date::now()))
            .await
            .unwrap();

        let loaded = docs::load(&store, &doc).await.unwrap().unwrap();
        let back = Replica::from_record(&loaded).unwrap();
        assert_eq!(back.events(), vec![event]);
        assert_eq!(back.pending(), 1);
    }

    #[wasm_bindgen_test]
    async fn the_device_id_is_made_once_per_user_database() {
        let (alice, bob) = (fresh_user(), fresh_user());
        let alices = Store::open_user(&alice).await.unwrap();
        let first = device_id(&alices).await.unwrap();
        assert!(is_device_id(&first), "{first}");
        assert_eq!(device_id(&alices).await.unwrap(), first);
        let reopened = Store::open_user(&alice).await.unwrap();
        assert_eq!(
            device_id(&reopened).await.unwrap(),
            first,
            "stable across opens"
        );
        let bobs = Store::open_user(&bob).await.unwrap();
        assert_ne!(device_id(&bobs).await.unwrap(), first);
    }

    #[wasm_bindgen_test]
    async fn the_user_database_is_opened_once_per_user() {
        let (alice, bob) = (fresh_user(), fresh_user());
        let first = user_database(&alice).await.unwrap();
        assert_eq!(user_database(&alice).await.unwrap(), first);
        let bobs = user_database(&bob).await.unwrap();
        assert_ne!(bobs, first);
        assert_eq!(bobs.name(), user_db_name(&bob));
    }
}
