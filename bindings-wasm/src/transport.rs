//! The transport loop over the runtime's `fetch`: the JavaScript layer's [`Transport`] (`js/transport.js`)
//! moves the bytes; [`send`] runs one attempt at a time, asking the core's [`Retries`] after each, under one
//! deadline for the whole call, as the reqwest client does natively. `fetch` never follows a redirect
//! (`redirect: 'manual'`): a 3xx is the answer, which the core refuses.

use std::time::Duration;

use js_sys::{Array, Date, Promise, Reflect, Uint8Array};
use openrouter_pkce::Error as CoreError;
use openrouter_pkce::protocol::{
    Failure, HttpRequest, HttpResponse, MAX_BODY_BYTES, Retries, Retry, body_too_large, failure_error,
    timeout_error,
};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// The JavaScript layer's transport for one call (`js/transport.js`): the runtime's `fetch` with the
    /// call's `AbortSignal`, and a timer.
    pub type Transport;

    /// Send one request as it is (`redirect: 'manual'`, at most `cap` body bytes read, aborted after
    /// `timeoutMs`). Resolves to `{status, headers: [[name, value], …], body: Uint8Array}`,
    /// `{status, tooLarge: true}`, or `{failure: 'timeout' | 'aborted' | 'send' | 'body', cause?: string}`.
    #[wasm_bindgen(method)]
    fn send(
        this: &Transport,
        method: &str,
        url: &str,
        headers: Array,
        body: Option<Uint8Array>,
        timeout_ms: f64,
        cap: u32,
    ) -> Promise;

    /// Wait `ms`; resolves to `true` when the call's signal aborted the wait.
    #[wasm_bindgen(method)]
    fn sleep(this: &Transport, ms: f64) -> Promise;
}

/// The field `name` of an outcome object.
fn field(outcome: &JsValue, name: &str) -> JsValue {
    Reflect::get(outcome, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// How a failed `fetch` failed, in the core's terms. Only a failure that proves the request never left —
/// the host's own error code for a refused connection or an unknown host (Node's undici gives one; browsers
/// give none) — is a connect failure, which the core may resend; anything else may have reached the server.
fn failure_of(kind: &str, cause: Option<String>) -> Failure {
    const NEVER_SENT: &[&str] =
        &["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"];
    match kind {
        "timeout" => Failure::Timeout,
        "body" => Failure::Body,
        _ if cause.as_deref().is_some_and(|c| NEVER_SENT.contains(&c)) => Failure::Connect,
        _ => Failure::Send,
    }
}

/// Wait `wait` through the transport; `CANCELLED` when the call's signal aborts the wait.
async fn sleep(transport: &Transport, wait: Duration) -> Result<(), CoreError> {
    let aborted = JsFuture::from(transport.sleep(wait.as_secs_f64() * 1000.0)).await;
    if aborted.is_ok_and(|a| a.is_truthy()) { Err(CoreError::aborted()) } else { Ok(()) }
}

/// Send `request` under the core's retry policy within `timeout` (the whole call, retries included).
pub(crate) async fn send(
    transport: &Transport,
    request: &HttpRequest,
    timeout: Duration,
) -> Result<HttpResponse, CoreError> {
    let deadline = Date::now() + timeout.as_secs_f64() * 1000.0;
    let time_left = || Duration::from_secs_f64(((deadline - Date::now()) / 1000.0).max(0.0));
    let mut retries = Retries::new(request.delivery);
    loop {
        let remaining = time_left();
        if remaining.is_zero() {
            return Err(timeout_error(timeout));
        }
        let headers: Array =
            request.headers.iter().map(|(n, v)| JsValue::from(Array::of2(&n.into(), &v.into()))).collect();
        let body = request.body.as_deref().map(Uint8Array::from);
        let pending = transport.send(
            request.method.as_str(),
            &request.url,
            headers,
            body,
            remaining.as_secs_f64() * 1000.0,
            MAX_BODY_BYTES as u32,
        );
        let outcome = JsFuture::from(pending).await.unwrap_or(JsValue::UNDEFINED);
        let failure = match field(&outcome, "failure").as_string() {
            Some(kind) if kind == "aborted" => return Err(CoreError::aborted()),
            Some(kind) => failure_of(&kind, field(&outcome, "cause").as_string()),
            None if outcome.is_object() => {
                // A browser hides a redirect's status (an opaque redirect, status 0): it is a redirect.
                let status = match field(&outcome, "status").as_f64() {
                    Some(s) if (1.0..1000.0).contains(&s) => s as u16,
                    _ => 302,
                };
                if field(&outcome, "tooLarge").is_truthy() {
                    return Err(body_too_large(status));
                }
                let headers = field(&outcome, "headers")
                    .dyn_into::<Array>()
                    .map(|a| {
                        a.iter()
                            .filter_map(|pair| {
                                let pair: Array = pair.dyn_into().ok()?;
                                Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let body =
                    field(&outcome, "body").dyn_into::<Uint8Array>().map(|b| b.to_vec()).unwrap_or_default();
                let response = HttpResponse { status, headers, body };
                match retries.after_answer(&response, time_left()) {
                    Retry::After(wait) => {
                        sleep(transport, wait).await?;
                        continue;
                    }
                    Retry::OnFreshConnection | Retry::No => return Ok(response),
                }
            }
            None => Failure::Send,
        };
        match retries.after_failure(failure) {
            Retry::After(backoff) => sleep(transport, backoff.min(time_left())).await?,
            // `fetch` keeps no connection of ours: every attempt may ride a new one.
            Retry::OnFreshConnection => {}
            Retry::No => return Err(failure_error(failure, timeout, None)),
        }
    }
}
