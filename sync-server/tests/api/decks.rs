//! Course decks: the course's teacher (or an admin) writes the cards; enrolled learners read them;
//! nobody else reads or writes them, and bad cards change nothing.

use reqwest::Method;
use serde_json::{json, Value};
use shared::api::decks::CourseDeck;

use crate::authoring::send;
use crate::both_backends;
use crate::helpers::{error_code, CourseSpec, Role, TestApp, DEMO_PASSWORD};

const TEACHER: &str = "teacher@demo.local";

fn parse(value: Value) -> CourseDeck {
    serde_json::from_value(value).unwrap()
}

both_backends!(
    async fn the_teacher_writes_a_deck_and_only_enrolled_learners_read_it(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.insert_course(CourseSpec::default()).await;
        let path = format!("/api/courses/{}/deck", course.id);
        let owner = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let admin = app.token_for("admin@demo.local", DEMO_PASSWORD).await;
        app.insert_user("rival@example.com", Role::Teacher).await;
        let rival = app.token_for("rival@example.com", DEMO_PASSWORD).await;
        let learner = app.student_token("learner@example.com").await;
        let stranger = app.student_token("stranger@example.com").await;
        app.enroll(&learner, &course.id).await;

        // An empty deck to start with.
        assert!(parse(send(&app, &owner, Method::GET, &path, None, 200).await).cards.is_empty());
        let body = json!({"cards": [
            {"front": "  What does `&mut` lend?  ", "back": "Exclusive access."},
            {"front": "Who frees a `Box`?", "back": "Its owner, when dropped."}
        ]});
        let deck = parse(send(&app, &owner, Method::PUT, &path, Some(body.clone()), 200).await);
        assert_eq!(deck.cards.len(), 2);
        assert_eq!(deck.cards[0].front, "What does `&mut` lend?", "sides are trimmed");

        // The learner reads it; nobody else may write it, and strangers may not read it.
        let read = parse(send(&app, &learner, Method::GET, &path, None, 200).await);
        assert_eq!(read, deck);
        for (who, token) in [("learner", &learner), ("other teacher", &rival), ("stranger", &stranger)] {
            let res = app.bearer(Method::PUT, &path, token).json(&body).send().await.unwrap();
            assert_eq!(error_code(res, 403).await, "forbidden", "{who} PUT");
        }
        for (who, token) in [("other teacher", &rival), ("stranger", &stranger)] {
            let res = app.bearer(Method::GET, &path, token).send().await.unwrap();
            assert_eq!(error_code(res, 403).await, "forbidden", "{who} GET");
        }
        for method in [Method::GET, Method::PUT] {
            let res = app.anonymous(method.clone(), &path).json(&body).send().await.unwrap();
            assert_eq!(res.status(), 401, "anonymous {method}");
        }
        // A draft course's deck is nobody's business but its teacher's: 404 to a learner.
        let draft = app.insert_course(CourseSpec { status: "draft", published_at: None, ..CourseSpec::default() }).await;
        let draft_path = format!("/api/courses/{}/deck", draft.id);
        let res = app.bearer(Method::GET, &draft_path, &stranger).send().await.unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");
        let nowhere = format!("/api/courses/{}/deck", uuid::Uuid::now_v7());
        let res = app.bearer(Method::PUT, &nowhere, &owner).json(&body).send().await.unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");

        // Re-ordering with the kept ids keeps them; an admin may edit; a made-up id gets a new one.
        let made_up = uuid::Uuid::now_v7().to_string();
        let reordered = json!({"cards": [
            {"id": deck.cards[1].id, "front": "Who frees a `Box`?", "back": "Its owner."},
            {"id": made_up, "front": "New", "back": "Card"},
            {"id": deck.cards[0].id, "front": "What does `&mut` lend?", "back": "Exclusive access."}
        ]});
        let after = parse(send(&app, &admin, Method::PUT, &path, Some(reordered), 200).await);
        assert_eq!(after.cards[0].id, deck.cards[1].id);
        assert_eq!(after.cards[0].back, "Its owner.");
        assert_eq!(after.cards[2].id, deck.cards[0].id);
        assert_ne!(after.cards[1].id, made_up, "an id not in this deck is not taken");
        // Another course's card id is not taken either.
        let other = app.insert_course(CourseSpec::default()).await;
        let other_path = format!("/api/courses/{}/deck", other.id);
        let stolen = json!({"cards": [{"id": deck.cards[0].id, "front": "x", "back": "y"}]});
        let other_deck = parse(send(&app, &owner, Method::PUT, &other_path, Some(stolen), 200).await);
        assert_ne!(other_deck.cards[0].id, deck.cards[0].id);
        assert_eq!(parse(send(&app, &learner, Method::GET, &path, None, 200).await), after);
    }
);

both_backends!(
    async fn bad_cards_are_refused_and_the_deck_is_kept(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.insert_course(CourseSpec::default()).await;
        let path = format!("/api/courses/{}/deck", course.id);
        let owner = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let kept = parse(
            send(&app, &owner, Method::PUT, &path,
                Some(json!({"cards": [{"front": "Kept", "back": "Yes"}]})), 200).await,
        );
        let long = "x".repeat(10_001);
        let too_many: Vec<Value> = (0..501).map(|i| json!({"front": format!("f{i}"), "back": "b"})).collect();
        let table = [
            (json!({"cards": [{"front": "   ", "back": "b"}]}), "front"),
            (json!({"cards": [{"front": "f", "back": ""}]}), "back"),
            (json!({"cards": [{"front": long, "back": "b"}]}), "front"),
            (json!({"cards": too_many}), "cards"),
        ];
        for (body, field) in table {
            let res = app.bearer(Method::PUT, &path, &owner).json(&body).send().await.unwrap();
            assert_eq!(res.status(), 400, "{field}");
            let error: Value = res.json().await.unwrap();
            assert_eq!(error["error"]["code"], "validation_failed");
            assert_eq!(error["error"]["field"], field);
        }
        let res = app.bearer(Method::PUT, &path, &owner).json(&json!({"cards": "no"})).send().await.unwrap();
        assert_eq!(res.status(), 400);
        assert_eq!(parse(send(&app, &owner, Method::GET, &path, None, 200).await), kept);
    }
);
