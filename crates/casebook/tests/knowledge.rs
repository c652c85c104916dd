//! Articles, the similar index, known answers and deflections are functions of the log: a
//! reopened casebook (or a second app server following the same store) answers the same.

use casebook::knowledge::{ArticleInput, Suggestion};
use casebook::similar::Draft;
use casebook::{Actor, CaseCommand, Casebook, MemoryStore, Outcome, Report, Role, SeededIds};

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    s.parse().unwrap()
}

#[test]
fn knowledge_and_the_similar_index_survive_a_reopen() {
    let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(3))).unwrap();
    let agent = Actor::with_id(Role::Agent, "a1");
    let u1 = Actor::with_id(Role::Customer, "u1");
    let article = ArticleInput {
        id: "kb-sync".into(),
        title: "Calendar sync stops after password change".into(),
        body: "Sign out and in again to refresh the calendar token.".into(),
        tags: vec!["calendar".into()],
        internal: false,
    };
    book.article_upsert(&article, &agent, at("2026-03-01T08:00:00Z"))
        .unwrap();
    let report = Report {
        description: "Calendar sync stopped after I changed my password".into(),
        ..Report::default()
    };
    let id = book
        .report(&report, &u1, at("2026-03-02T08:00:00Z"))
        .unwrap();
    let solve = CaseCommand::Transition {
        to: "solved".into(),
        outcome: Some(Outcome::Answered {
            article: Some("kb-sync".into()),
            reply: None,
        }),
    };
    book.execute(&id.to_string(), &solve, &agent, at("2026-03-03T08:00:00Z"))
        .unwrap();
    let seen = Suggestion {
        article: Some("kb-sync".into()),
        case: None,
    };
    book.deflected(&seen, &u1, at("2026-03-04T08:00:00Z"))
        .unwrap();

    let draft = Draft {
        description: "calendar does not sync since password change".into(),
        ..Draft::default()
    };
    let before = book.similar(Some(&draft), None, None, &agent).unwrap();
    let now = at("2026-03-10T08:00:00Z");
    let answers_before = book.known_answers(30, 10, &agent, now).unwrap();
    assert_eq!(before.len(), 2);
    assert_eq!(answers_before.answers[0].id, "kb-sync");
    assert_eq!(answers_before.answers[0].total, 1);
    assert_eq!(answers_before.deflection.deflected, 1);

    let reopened = Casebook::open(book.store().clone(), Box::new(SeededIds::new(4))).unwrap();
    assert_eq!(
        reopened.similar(Some(&draft), None, None, &agent).unwrap(),
        before
    );
    assert_eq!(
        reopened.known_answers(30, 10, &agent, now).unwrap(),
        answers_before
    );
    assert_eq!(
        reopened
            .article_get("kb-sync", &Actor::new(Role::Anonymous))
            .unwrap()
            .version,
        1
    );
    // Another customer sees the public article but not u1's private case.
    let u2 = Actor::with_id(Role::Customer, "u2");
    let theirs = reopened.similar(Some(&draft), None, None, &u2).unwrap();
    assert_eq!(theirs.len(), 1);
    assert!(theirs[0].article.is_some() && theirs[0].case.is_none());
}

#[test]
fn similar_follows_participation_sharing_and_visibility_changes() {
    use casebook::Visibility;
    let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(5))).unwrap();
    let agent = Actor::with_id(Role::Agent, "a1");
    let u1 = Actor::with_id(Role::Customer, "u1").in_org("acme");
    let u2 = Actor::with_id(Role::Customer, "u2").in_org("acme");
    let u3 = Actor::with_id(Role::Customer, "u3").in_org("globex");
    let t = at("2026-03-01T08:00:00Z");
    let report = Report {
        description: "Invoice totals are rounded wrongly in euros".into(),
        ..Report::default()
    };
    let id = book.report(&report, &u1, t).unwrap();
    let draft = Draft {
        description: "invoice rounding wrong".into(),
        ..Draft::default()
    };
    let count = |b: &Casebook<MemoryStore>, who: &Actor| {
        b.similar(Some(&draft), None, None, who).unwrap().len()
    };
    assert_eq!(
        (count(&book, &u1), count(&book, &u2), count(&book, &u3)),
        (1, 0, 0)
    );
    // A participant sees it.
    let add = CaseCommand::AddParticipant {
        id: Some("u3".into()),
        email: None,
    };
    book.execute(&id.to_string(), &add, &agent, t).unwrap();
    assert_eq!(count(&book, &u3), 1);
    // Shared with the organisation: the colleague sees it; back to private: no longer.
    let share = |v| CaseCommand::SetVisibility {
        visibility: Some(v),
        show_reporter: None,
    };
    book.execute(&id.to_string(), &share(Visibility::Organization), &agent, t)
        .unwrap();
    assert_eq!(count(&book, &u2), 1);
    book.execute(&id.to_string(), &share(Visibility::Private), &agent, t)
        .unwrap();
    assert_eq!(count(&book, &u2), 0);
    assert_eq!(count(&book, &Actor::new(Role::Anonymous)), 0);
    book.execute(&id.to_string(), &share(Visibility::Public), &agent, t)
        .unwrap();
    assert_eq!(count(&book, &Actor::new(Role::Anonymous)), 1);
}
