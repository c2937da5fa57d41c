//! The scoped query builder itself, on a table shaped like the work orders (a project's work
//! done by a department; `kefu_persistence::complaints::work_orders` declares the same four
//! columns): a department grant reaches its department's rows in every project, a project grant
//! the project's rows of every department, and nothing crosses the group. The real work orders
//! are held to it over HTTP in `access::a_project_user_never_reaches_another_projects_work_orders`
//! and `access::an_admin_of_another_group_gets_404_for_every_resource`.

use diesel::{QueryDsl, RunQueryDsl, connection::SimpleConnection};
use kefu_domain::access::Reach;
use kefu_persistence::{DbConnection, audit::Acting, scope::Scope};
use kefu_tests::{Backend, TestDb, both_backends};

diesel::table! {
    work_items (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        project_id -> Text,
        department_id -> Text,
    }
}

kefu_persistence::scoped_table!(work_items {
    group: group_id,
    company: company_id,
    project: project_id,
    department: department_id
});

both_backends! {
    department_grants_reach_their_work_across_projects => department_grants_reach_their_work_across_projects;
}

fn scope(group: &str, reach: Reach) -> Scope {
    Scope { group_id: group.into(), reach, acting: Acting::system(), platform: false }
}

fn visible(conn: &mut DbConnection, scope: &Scope) -> Vec<String> {
    let mut ids: Vec<String> =
        work_items::table.filter(within(scope)).select(work_items::id).load(conn).unwrap();
    ids.sort();
    ids
}

async fn department_grants_reach_their_work_across_projects(backend: Backend) {
    tokio::task::spawn_blocking(move || {
        let (_guard, db) = TestDb::migrated(backend);
        let mut conn = db.conn().unwrap();
        let conn: &mut DbConnection = conn.raw();
        conn.batch_execute(
            "CREATE TABLE work_items (id TEXT PRIMARY KEY, group_id TEXT NOT NULL, \
             company_id TEXT NOT NULL, project_id TEXT NOT NULL, department_id TEXT NOT NULL);
             INSERT INTO work_items VALUES ('a-eng', 'g1', 'c1', 'pa', 'eng');
             INSERT INTO work_items VALUES ('b-eng', 'g1', 'c1', 'pb', 'eng');
             INSERT INTO work_items VALUES ('a-fin', 'g1', 'c1', 'pa', 'fin');
             INSERT INTO work_items VALUES ('x-eng', 'g1', 'c2', 'px', 'eng2');
             INSERT INTO work_items VALUES ('other', 'g2', 'c9', 'pa', 'eng');",
        )
        .unwrap();
        let department = Reach { departments: vec!["eng".into()], ..Reach::default() };
        assert_eq!(visible(conn, &scope("g1", department.clone())), ["a-eng", "b-eng"]);
        let project = Reach { projects: vec!["pa".into()], ..Reach::default() };
        assert_eq!(visible(conn, &scope("g1", project)), ["a-eng", "a-fin"]);
        let company = Reach { companies: vec!["c1".into()], ..Reach::default() };
        assert_eq!(visible(conn, &scope("g1", company)), ["a-eng", "a-fin", "b-eng"]);
        let both = Reach {
            departments: vec!["eng2".into()],
            projects: vec!["pb".into()],
            ..Reach::default()
        };
        assert_eq!(visible(conn, &scope("g1", both)), ["b-eng", "x-eng"]);
        let group = Reach { whole_group: true, ..Reach::default() };
        assert_eq!(visible(conn, &scope("g1", group)).len(), 4);
        // Another group's rows never, whatever the ids say.
        assert_eq!(visible(conn, &scope("g2", department)), ["other"]);
        assert!(visible(conn, &scope("g1", Reach::default())).is_empty(), "no reach, no rows");
    })
    .await
    .unwrap();
}
