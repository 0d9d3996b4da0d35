//! The in-process fake of OpenRouter, for tests.

use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::*;
use napi_derive::napi;
use openrouter_pkce::emulator::{
    Emulator as CoreEmulator, EmulatorConfig, Endpoint, Fault, FaultKind, FaultSpec,
};

use openrouter_pkce::contract::Dialect;

use crate::error::{IntoNapi, invalid_argument, millis, port};
use crate::settle::spawn_promise;

/// Options of `new Emulator(...)`.
#[napi(object)]
pub struct EmulatorOpts {
    /// `true` (default): `/auth` approves at once; `false`: an Approve/Deny page.
    pub auto_approve: Option<bool>,
    /// `true` (default): `state` is relayed on the callback redirect.
    pub relay_state: Option<bool>,
    /// How long an authorization code stays valid, in milliseconds (default 600000).
    pub code_ttl_ms: Option<f64>,
    /// The port on 127.0.0.1; 0 (default) lets the OS choose.
    pub port: Option<u32>,
}

/// A fault for the next request to an endpoint (`injectFault`).
#[napi(object)]
pub struct FaultOpts {
    /// `"exchange"` (default, `POST /api/v1/auth/keys`), `"keyInfo"` (`GET /api/v1/key`) or
    /// `"createAuthCode"` (`POST /api/v1/auth/keys/code`).
    pub endpoint: Option<String>,
    /// `"status"`, `"delay"`, `"redirect"`, `"drip"`, `"hugeBody"`, `"hang"` or `"close"`. Default:
    /// `"delay"` when `delayMs` is given, else `"status"`.
    pub kind: Option<String>,
    /// The HTTP status of a `"status"` (default 500) or `"redirect"` (default 307) fault.
    pub status: Option<u32>,
    /// The body of a `"status"` fault, sent verbatim (default empty).
    pub body: Option<String>,
    /// The `Content-Type` of a `"status"` fault (default `application/json`).
    pub content_type: Option<String>,
    /// The wait of a `"delay"` fault, in milliseconds.
    pub delay_ms: Option<f64>,
    /// The `Location` of a `"redirect"` fault.
    pub location: Option<String>,
    /// The size of a `"hugeBody"` fault in bytes (default 10 MiB).
    pub bytes: Option<f64>,
}

/// What `issueCode` binds the code to.
#[napi(object)]
#[derive(Default)]
pub struct IssueCodeOpts {
    /// The challenge the code is bound to; without one the code exchanges without a verifier.
    pub code_challenge: Option<String>,
    /// `"S256"` or `"plain"` (a challenge without a method is `plain`, as RFC 7636 says).
    pub method: Option<String>,
    /// Label of the key the code mints.
    pub key_label: Option<String>,
    /// Credit limit of the key the code mints.
    pub limit: Option<f64>,
}

/// What `createKey` makes.
#[napi(object)]
#[derive(Default)]
pub struct CreateKeyOpts {
    /// The key's label.
    pub label: Option<String>,
    /// The key's credit limit.
    pub limit: Option<f64>,
}

/// An endpoint named as JavaScript names it (`"exchange"` when absent).
fn endpoint(name: Option<&str>) -> Result<Endpoint> {
    Endpoint::from_name(name.unwrap_or(Endpoint::Exchange.name(Dialect::JavaScript)), Dialect::JavaScript)
        .napi()
}

/// Internal: the core's endpoint and fault-kind names as JavaScript spells them (the `FaultOpts` unions'
/// drift test reads them).
#[napi(object)]
pub struct EmulatorNames {
    /// `endpoint`'s values.
    pub endpoints: Vec<String>,
    /// `kind`'s values.
    pub kinds: Vec<String>,
}

/// Internal: the core's emulator names (see [`EmulatorNames`]).
#[napi(js_name = "_emulatorNames")]
pub fn emulator_names() -> EmulatorNames {
    EmulatorNames {
        endpoints: Endpoint::ALL.iter().map(|e| e.name(Dialect::JavaScript).to_owned()).collect(),
        kinds: FaultKind::ALL.iter().map(|k| k.name(Dialect::JavaScript).to_owned()).collect(),
    }
}

/// The attribution headers of a request the emulator received (`lastAttribution`); `null`: the header was
/// absent.
#[napi(object)]
pub struct ReceivedAttribution {
    /// `HTTP-Referer`: the app's URL.
    pub http_referer: Either<String, Null>,
    /// `X-OpenRouter-Title`: the app's name.
    pub x_open_router_title: Either<String, Null>,
    /// `X-Title`: the older spelling of the app's name.
    pub x_title: Either<String, Null>,
    /// `X-OpenRouter-Categories`: the app's categories, comma-separated.
    pub x_open_router_categories: Either<String, Null>,
}

/// An absent header as an explicit `null` (not a missing property), so `deepEqual` against a full object works.
fn nullable(v: Option<String>) -> Either<String, Null> {
    v.map_or(Either::B(Null), Either::A)
}

/// A local fake of OpenRouter's `/auth`, `/api/v1/auth/keys`, `/api/v1/auth/keys/code` and `/api/v1/key`
/// on `127.0.0.1:<port>`,
/// for tests and demos: single-use codes bound to their challenge, the documented statuses and messages,
/// and fault injection. `await emu.start()`, point a `Client` at `emu.baseUrl`, `await emu.stop()`.
#[napi]
pub struct Emulator {
    config: EmulatorConfig,
    running: Arc<Mutex<Option<CoreEmulator>>>,
}

impl Emulator {
    fn with<T>(&self, f: impl FnOnce(&CoreEmulator) -> T) -> Result<T> {
        let guard = self.running.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_ref() {
            Some(emu) => Ok(f(emu)),
            None => Err(invalid_argument("the emulator is not running; call `await emu.start()` first")),
        }
    }
}

#[napi]
impl Emulator {
    /// An emulator, not yet listening.
    #[napi(constructor)]
    pub fn new(options: Option<EmulatorOpts>) -> Result<Emulator> {
        let mut config = EmulatorConfig::default();
        if let Some(o) = options {
            if let Some(a) = o.auto_approve {
                config.auto_approve = a;
            }
            if let Some(r) = o.relay_state {
                config.relay_state = r;
            }
            if let Some(t) = o.code_ttl_ms {
                config.code_ttl = millis(t);
            }
            if let Some(p) = o.port {
                config.port = port(p)?;
            }
        }
        Ok(Emulator { config, running: Arc::new(Mutex::new(None)) })
    }

    /// Start listening (`PORT_IN_USE` if the port is taken). `cancel_id` (the JS layer's `AbortSignal`):
    /// `_cancel(id)` rejects with `CANCELLED` at once and nothing keeps listening. Declared in `index.d.ts`
    /// (as `start({signal})`).
    #[napi(skip_typescript)]
    pub fn start<'env>(&self, env: &'env Env, cancel_id: Option<u32>) -> Result<PromiseRaw<'env, ()>> {
        let running = self.running.clone();
        let config = self.config.clone();
        spawn_promise(env, cancel_id, async move {
            if running.lock().unwrap_or_else(|p| p.into_inner()).is_some() {
                return Ok(());
            }
            let emu = CoreEmulator::start(config).await?;
            let mut slot = running.lock().unwrap_or_else(|p| p.into_inner());
            if slot.is_none() {
                *slot = Some(emu);
            }
            Ok(())
        })
    }

    /// Stop listening and close the port (in-flight requests get a few seconds to finish). `cancel_id`:
    /// `_cancel(id)` ends that wait at once (in-flight requests are cut) and rejects with `CANCELLED`; the
    /// port is closed either way. Declared in `index.d.ts` (as `stop({signal})`).
    #[napi(skip_typescript)]
    pub fn stop<'env>(&self, env: &'env Env, cancel_id: Option<u32>) -> Result<PromiseRaw<'env, ()>> {
        let emu = self.running.lock().unwrap_or_else(|p| p.into_inner()).take();
        spawn_promise(env, cancel_id, async move {
            if let Some(emu) = emu {
                emu.stop().await;
            }
            Ok(())
        })
    }

    /// The base URL to point a client at, e.g. `http://127.0.0.1:53127`.
    #[napi(getter)]
    pub fn base_url(&self) -> Result<String> {
        self.with(CoreEmulator::base_url)
    }

    /// The port the emulator listens on.
    #[napi(getter)]
    pub fn port(&self) -> Result<u32> {
        self.with(|e| u32::from(e.port()))
    }

    /// Queue a fault for a later request to an endpoint (each request takes the oldest queued fault).
    ///
    /// `fault` must be an options object: anything else (a bare `'exchange'`, `null`, a number) is
    /// `INVALID_ARGUMENT` rather than a silently queued default fault.
    #[napi(ts_args_type = "fault: FaultOpts")]
    pub fn inject_fault(&self, env: Env, fault: Unknown<'_>) -> Result<()> {
        if fault.get_type()? != ValueType::Object {
            return Err(invalid_argument(
                "fault must be an options object, e.g. {endpoint: 'exchange', kind: 'status', status: 500}",
            ));
        }
        // SAFETY: `fault` is a live value of this call's scope, checked to be an object just above.
        let fault = unsafe { FaultOpts::from_napi_value(env.raw(), fault.raw()) }?;
        let ep = endpoint(fault.endpoint.as_deref())?;
        let spec = FaultSpec {
            status: fault
                .status
                .map(|s| u16::try_from(s).map_err(|_| invalid_argument("status must be 100 to 999")))
                .transpose()?,
            body: fault.body.clone(),
            content_type: fault.content_type.clone(),
            delay: fault.delay_ms.map(millis),
            location: fault.location.clone(),
            bytes: fault.bytes.filter(|b| b.is_finite() && *b >= 0.0).map(|b| b as usize),
        };
        let kind = FaultKind::from_name(fault.kind.as_deref(), Dialect::JavaScript, &spec).napi()?;
        let f = Fault::from_spec(kind, spec).napi()?;
        self.with(|e| e.inject_fault(ep, f))
    }

    /// How many requests reached an endpoint (`"exchange"`, the default, `"keyInfo"` or `"createAuthCode"`).
    #[napi]
    pub fn request_count(&self, endpoint_name: Option<String>) -> Result<u32> {
        let ep = endpoint(endpoint_name.as_deref())?;
        self.with(|e| e.request_count(ep) as u32)
    }

    /// The attribution headers (`HTTP-Referer`, `X-OpenRouter-Title`, `X-Title`, `X-OpenRouter-Categories`)
    /// of the last request to an endpoint (`"exchange"`, the default, `"keyInfo"` or `"createAuthCode"`),
    /// each `null` when absent; `null` until a request reaches it (CORS preflights do not count).
    #[napi]
    pub fn last_attribution(&self, endpoint_name: Option<String>) -> Result<Option<ReceivedAttribution>> {
        let ep = endpoint(endpoint_name.as_deref())?;
        let seen = self.with(|e| e.last_attribution(ep))?;
        Ok(seen.map(|s| ReceivedAttribution {
            http_referer: nullable(s.http_referer),
            x_open_router_title: nullable(s.x_openrouter_title),
            x_title: nullable(s.x_title),
            x_open_router_categories: nullable(s.x_openrouter_categories),
        }))
    }

    /// Mint an authorization code as if the user had approved `/auth` with these parameters.
    #[napi]
    pub fn issue_code(&self, options: Option<IssueCodeOpts>) -> Result<String> {
        let o = options.unwrap_or_default();
        self.with(|e| {
            e.issue_code(o.code_challenge.as_deref(), o.method.as_deref(), o.key_label.as_deref(), o.limit)
        })
    }

    /// Play the user's browser: the callback URL (with the code, and `state` when relayed) that this
    /// emulator's auth URL redirects to when it approves at once. `INVALID_ARGUMENT` when the URL is not
    /// this emulator's `/auth`, or `/auth` would not redirect (auto-approve off, a headless flow).
    #[napi]
    pub fn approve(&self, auth_url: String) -> Result<String> {
        self.with(|e| e.approve(&auth_url))?.napi()
    }

    /// Create an API key that `keyInfo` knows.
    #[napi]
    pub fn create_key(&self, options: Option<CreateKeyOpts>) -> Result<String> {
        let o = options.unwrap_or_default();
        self.with(|e| e.create_key(o.label.as_deref(), o.limit))
    }

    /// Approve `/auth` at once (`true`) or show the Approve/Deny page (`false`).
    #[napi]
    pub fn set_auto_approve(&self, on: bool) -> Result<()> {
        self.with(|e| e.set_auto_approve(on))
    }

    /// Relay `state` on the callback redirect, or not.
    #[napi]
    pub fn set_relay_state(&self, on: bool) -> Result<()> {
        self.with(|e| e.set_relay_state(on))
    }

    /// How long codes stay valid, in milliseconds (applies to codes already issued, too).
    #[napi]
    pub fn set_code_ttl_ms(&self, ms: f64) -> Result<()> {
        self.with(|e| e.set_code_ttl(millis(ms)))
    }
}
