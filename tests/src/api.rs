//! Short ways to drive the API in tests: requests with a token, creating records, and users
//! holding one role at one scope.

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::app::TestApp;

impl TestApp {
    /// A request with a bearer token and an optional JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> Response {
        let mut req = self.http.request(method, self.url(path)).bearer_auth(token);
        if let Some(body) = body {
            req = req.json(body);
        }
        req.send().await.unwrap()
    }

    /// `GET path`.
    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.call(Method::GET, path, token, None).await
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Response {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// `PATCH path` with `If-Match: "version"`.
    pub async fn patch(&self, path: &str, token: &str, version: i64, body: &Value) -> Response {
        self.http
            .patch(self.url(path))
            .bearer_auth(token)
            .header("if-match", format!("\"{version}\""))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// `POST path` that must answer 201; the created record.
    pub async fn create(&self, path: &str, token: &str, body: Value) -> Value {
        let res = self.post(path, token, &body).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert_eq!(status, 201, "POST {path} {body}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// The bootstrap admin's access token.
    pub async fn admin_token(&self) -> String {
        self.admin_tokens().await["access_token"].as_str().unwrap().to_owned()
    }

    /// A new user of the admin's group holding `role` at `scope_kind`/`scope_id`; his token.
    pub async fn user_with(
        &self,
        admin: &str,
        username: &str,
        grants: &[(&str, &str, Option<&str>)],
    ) -> (String, String) {
        let password = format!("{username}-password");
        let user = self
            .create(
                "/api/v1/users",
                admin,
                json!({"username": username, "display_name": username, "password": password}),
            )
            .await;
        let id = user["id"].as_str().unwrap().to_owned();
        for (role, scope_kind, scope_id) in grants {
            let mut body = json!({"principal_kind": "user", "principal_id": id, "role": role,
                "scope_kind": scope_kind});
            if let Some(s) = scope_id {
                body["scope_id"] = json!(s);
            }
            self.create("/api/v1/grants", admin, body).await;
        }
        let res = self.login(username, &password).await;
        assert_eq!(res.status(), 200);
        let tokens: Value = res.json().await.unwrap();
        (id, tokens["access_token"].as_str().unwrap().to_owned())
    }
}

/// The `id` of a JSON record.
pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// The ids of a list answer's items.
pub fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(id).collect()
}

/// An RFC 3339 instant, for setting the app's clock.
pub fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&chrono::Utc)
}

/// A fresh access token of a user whose password follows the test convention
/// (`<username>-password`); tokens live 15 minutes of the app's clock.
pub async fn token(app: &TestApp, username: &str) -> String {
    let res = app.login(username, &format!("{username}-password")).await;
    assert_eq!(res.status(), 200, "{username}");
    res.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned()
}
