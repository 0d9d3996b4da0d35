//! A blocking facade over [`crate::Client`] for programs without an async runtime.
//!
//! Each call runs on the library's process-wide runtime (see [`crate::runtime`]) and blocks the calling
//! thread until it finishes. It works from any thread, even one inside another async runtime.

use crate::api_key::{ApiKey, KeyInfo};
use crate::auth_url::AuthRequest;
use crate::client::{CallOptions, ClientOptions};
use crate::error::Result;
use crate::exchange::ExchangeRequest;
use crate::runtime::block_on;

/// The blocking twin of [`crate::Client`]; cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    inner: crate::Client,
}

impl Client {
    /// A client with the given options.
    pub fn new(options: ClientOptions) -> Result<Client> {
        Ok(Client { inner: crate::Client::new(options)? })
    }

    /// Wrap an async client (they share the connection pool).
    pub fn from_async(inner: crate::Client) -> Client {
        Client { inner }
    }

    /// The async client underneath.
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }

    /// See [`crate::Client::exchange_code`].
    pub fn exchange_code(&self, request: ExchangeRequest, call: &CallOptions) -> Result<ApiKey> {
        let c = self.inner.clone();
        let call = call.clone();
        block_on(async move { c.exchange_code(request, &call).await })
    }

    /// See [`crate::Client::complete_auth`].
    pub fn complete_auth(&self, request: &AuthRequest, response: &str, call: &CallOptions) -> Result<ApiKey> {
        let (c, request, response, call) =
            (self.inner.clone(), request.clone(), response.to_owned(), call.clone());
        block_on(async move { c.complete_auth(&request, &response, &call).await })
    }

    /// See [`crate::Client::key_info_of`].
    pub fn key_info_of(&self, key: &ApiKey, call: &CallOptions) -> Result<KeyInfo> {
        let (c, key, call) = (self.inner.clone(), key.clone(), call.clone());
        block_on(async move { c.key_info_of(&key, &call).await })
    }

    /// See [`crate::Client::key_info`].
    pub fn key_info(&self, key: &str, call: &CallOptions) -> Result<KeyInfo> {
        let (c, key, call) = (self.inner.clone(), key.to_owned(), call.clone());
        block_on(async move { c.key_info(&key, &call).await })
    }
}
