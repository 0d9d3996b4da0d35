//! The requests: each builder checks its inputs (nothing invalid is ever sent) and returns the whole
//! request. Builders never read the clock or the environment: what they need is passed in.

use serde_json::Value;

use super::{Delivery, HttpRequest, Method};
use crate::api_key::is_well_formed_key;
use crate::attribution::Attribution;
use crate::auth_code::AuthCodeOptions;
use crate::error::{Error, Result};
use crate::exchange::ExchangeRequest;
use crate::response::check_code;
use crate::urls::normalize_base_url;

/// Where a request goes and who sends it: the base URL (`https://`, or `http://` on loopback), the
/// User-Agent (see [`super::default_user_agent`]) and the app's attribution, sent on every request.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// Where OpenRouter lives; normalised (and checked) by each builder.
    pub base_url: String,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// `HTTP-Referer`, `X-OpenRouter-Title` / `X-Title`, `X-OpenRouter-Categories`.
    pub attribution: Attribution,
}

impl RequestContext {
    /// The checked base URL and the headers every request starts with.
    fn start(&self) -> Result<(String, Vec<(String, String)>)> {
        let base = normalize_base_url(&self.base_url)?;
        self.attribution.check()?;
        let mut headers: Vec<(String, String)> =
            self.attribution.headers().into_iter().map(|(n, v)| (n.to_owned(), v)).collect();
        headers.push(("User-Agent".into(), self.user_agent.clone()));
        Ok((base, headers))
    }
}

/// A call's total deadline must be more than 0 and at most a day (`INVALID_ARGUMENT` otherwise).
pub fn check_timeout(timeout: std::time::Duration) -> Result<()> {
    if timeout.is_zero() || timeout > std::time::Duration::from_secs(24 * 3600) {
        return Err(Error::invalid_argument("timeout must be more than 0 and at most a day"));
    }
    Ok(())
}

/// The User-Agent a client sends: the caller's (1–512 printable characters, else `INVALID_ARGUMENT`) or
/// [`super::default_user_agent`].
pub fn user_agent_or_default(user_agent: Option<String>) -> Result<String> {
    match user_agent {
        Some(ua) if ua.is_empty() || ua.chars().any(|c| c.is_control()) || ua.len() > 512 => {
            Err(Error::invalid_argument("user_agent must be 1–512 printable characters"))
        }
        Some(ua) => Ok(ua),
        None => Ok(super::default_user_agent()),
    }
}

/// An API key argument must be well formed (`INVALID_ARGUMENT` otherwise): it goes into a header.
pub fn check_key(key: &str) -> Result<()> {
    if !is_well_formed_key(key) {
        return Err(Error::invalid_argument("the API key is empty or malformed"));
    }
    Ok(())
}

fn header(name: &str, value: impl Into<String>) -> (String, String) {
    (name.to_owned(), value.into())
}

fn json(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("a JSON value always serialises")
}

/// `POST {base}/api/v1/auth/keys` with `{"code", "code_verifier", "code_challenge_method"}` (the verifier and
/// method only when the flow used a challenge), no `Authorization`.
///
/// [`Delivery::AtMostOnce`]: the code is single-use, so the request is never sent again once it may have
/// reached the server.
pub fn exchange_request(context: &RequestContext, exchange: &ExchangeRequest) -> Result<HttpRequest> {
    let (base, mut headers) = context.start()?;
    let code = exchange.code.secret().trim();
    check_code(code)?;
    let mut body = serde_json::Map::new();
    body.insert("code".into(), Value::String(code.to_owned()));
    if let Some(v) = &exchange.code_verifier {
        body.insert("code_verifier".into(), Value::String(v.secret().to_owned()));
        let method = exchange.code_challenge_method.unwrap_or_default();
        body.insert("code_challenge_method".into(), Value::String(method.as_str().into()));
    }
    headers.push(header("Content-Type", "application/json"));
    headers.push(header("Accept", "application/json"));
    Ok(HttpRequest {
        method: Method::Post,
        url: format!("{base}/api/v1/auth/keys"),
        headers,
        body: Some(json(&Value::Object(body))),
        delivery: Delivery::AtMostOnce,
    })
}

/// `GET {base}/api/v1/key` with the key as bearer. [`Delivery::Idempotent`].
pub fn key_info_request(context: &RequestContext, key: &str) -> Result<HttpRequest> {
    check_key(key)?;
    let (base, mut headers) = context.start()?;
    headers.push(header("Authorization", format!("Bearer {key}")));
    headers.push(header("Accept", "application/json"));
    Ok(HttpRequest {
        method: Method::Get,
        url: format!("{base}/api/v1/key"),
        headers,
        body: None,
        delivery: Delivery::Idempotent,
    })
}

/// `POST {base}/api/v1/auth/keys/code` with the key as bearer and the options' JSON body, checked against
/// `now` (Unix seconds: `expires_at` must be later). [`Delivery::AtMostOnce`]: a code created twice is a
/// code nobody holds.
pub fn create_auth_code_request(
    context: &RequestContext,
    key: &str,
    options: &AuthCodeOptions,
    now: u64,
) -> Result<HttpRequest> {
    check_key(key)?;
    let body = json(&options.body(now)?);
    let (base, mut headers) = context.start()?;
    headers.push(header("Authorization", format!("Bearer {key}")));
    headers.push(header("Content-Type", "application/json"));
    headers.push(header("Accept", "application/json"));
    Ok(HttpRequest {
        method: Method::Post,
        url: format!("{base}/api/v1/auth/keys/code"),
        headers,
        body: Some(body),
        delivery: Delivery::AtMostOnce,
    })
}

/// `HEAD {base}` with the User-Agent only: whether the base URL answers HTTP at all (any status counts), asked
/// by a login before it sends the user to a page there. Sent once ([`Delivery::AtMostOnce`]).
pub fn reachability_request(base_url: &str, user_agent: &str) -> Result<HttpRequest> {
    let base = normalize_base_url(base_url)?;
    Ok(HttpRequest {
        method: Method::Head,
        url: base,
        headers: vec![header("User-Agent", user_agent)],
        body: None,
        delivery: Delivery::AtMostOnce,
    })
}
