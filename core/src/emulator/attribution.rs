//! The attribution headers an app sent, kept per endpoint so a test can check its client sends them.

use axum::http::HeaderMap;

/// The attribution headers of one request the emulator received, verbatim (`None`: the header was absent).
///
/// OpenRouter credits requests to an app by these; [`Emulator::last_attribution`](super::Emulator::last_attribution)
/// returns the ones of the last request to an endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceivedAttribution {
    /// `HTTP-Referer`: the app's URL.
    pub http_referer: Option<String>,
    /// `X-OpenRouter-Title`: the app's name.
    pub x_openrouter_title: Option<String>,
    /// `X-Title`: the older spelling of the app's name, still accepted by OpenRouter.
    pub x_title: Option<String>,
    /// `X-OpenRouter-Categories`: the app's categories, comma-separated.
    pub x_openrouter_categories: Option<String>,
}

impl ReceivedAttribution {
    /// The attribution headers among `headers` (a repeated header: its values joined by `, `, as HTTP
    /// reads them; bytes that are not UTF-8 replaced).
    pub(crate) fn from_headers(headers: &HeaderMap) -> Self {
        let read = |name: &str| {
            let values: Vec<String> = headers
                .get_all(name)
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            (!values.is_empty()).then(|| values.join(", "))
        };
        ReceivedAttribution {
            http_referer: read("http-referer"),
            x_openrouter_title: read("x-openrouter-title"),
            x_title: read("x-title"),
            x_openrouter_categories: read("x-openrouter-categories"),
        }
    }
}
