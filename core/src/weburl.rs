//! The WHATWG URL parser, one small interface over two implementations: the `url` crate natively, and on
//! `wasm32-unknown-unknown` the JavaScript runtime's own `URL` class (every browser, Worker, Deno, Bun and Node
//! has one). The WebAssembly build thus links no URL parser and no IDNA tables (about 130 KB of it): the
//! runtime already holds both, and both implement the same standard.
//!
//! Only what the crate asks of a parsed URL is here: scheme, user information, host, port, path, query,
//! origin and the serialisation.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A parsed URL's host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WebHost {
    /// A domain (lowercase, IDNA-mapped to ASCII for the special schemes) or an opaque host.
    Domain(String),
    /// An IPv4 address (WHATWG reads `0x7f.1`, `127.1`… as one).
    Ipv4(Ipv4Addr),
    /// An IPv6 address.
    Ipv6(Ipv6Addr),
}

impl WebHost {
    /// Whether this is a loopback name we allow over plain HTTP: `localhost`, 127.0.0.0/8 or `::1`.
    pub(crate) fn is_loopback(&self) -> bool {
        match self {
            WebHost::Domain(d) => d.eq_ignore_ascii_case("localhost"),
            WebHost::Ipv4(ip) => ip.is_loopback(),
            WebHost::Ipv6(ip) => ip.is_loopback(),
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
mod imp {
    use super::WebHost;

    /// A parsed URL (the `url` crate's).
    #[derive(Debug, Clone)]
    pub(crate) struct WebUrl(url::Url);

    impl WebUrl {
        /// Parse an absolute URL; the error says why it is not one.
        pub(crate) fn parse(text: &str) -> Result<Self, String> {
            url::Url::parse(text).map(Self).map_err(|e| e.to_string())
        }

        /// `reference` resolved against this URL.
        pub(crate) fn join(&self, reference: &str) -> Result<Self, String> {
            self.0.join(reference).map(Self).map_err(|e| e.to_string())
        }

        /// The scheme, lowercase, without its `:`.
        pub(crate) fn scheme(&self) -> &str {
            self.0.scheme()
        }

        /// Whether it holds a user name or a password.
        pub(crate) fn has_userinfo(&self) -> bool {
            !self.0.username().is_empty() || self.0.password().is_some()
        }

        /// The host, if any.
        pub(crate) fn host(&self) -> Option<WebHost> {
            self.0.host().map(|h| match h {
                url::Host::Domain(d) => WebHost::Domain(d.to_owned()),
                url::Host::Ipv4(ip) => WebHost::Ipv4(ip),
                url::Host::Ipv6(ip) => WebHost::Ipv6(ip),
            })
        }

        /// The port, or the scheme's default one.
        pub(crate) fn port_or_known_default(&self) -> Option<u16> {
            self.0.port_or_known_default()
        }

        /// The path (percent-encoded, dot segments resolved).
        pub(crate) fn path(&self) -> &str {
            self.0.path()
        }

        /// The query without its `?`.
        pub(crate) fn query(&self) -> Option<&str> {
            self.0.query()
        }

        /// The origin, serialised with an ASCII host.
        pub(crate) fn origin(&self) -> String {
            self.0.origin().ascii_serialization()
        }

        /// The URL, serialised.
        pub(crate) fn as_str(&self) -> &str {
            self.0.as_str()
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
mod imp {
    use super::WebHost;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// The runtime's WHATWG `URL`.
        #[wasm_bindgen(js_name = URL)]
        type JsUrl;
        #[wasm_bindgen(constructor, js_class = "URL", catch)]
        fn new(url: &str) -> Result<JsUrl, JsValue>;
        #[wasm_bindgen(constructor, js_class = "URL", catch)]
        fn new_with_base(url: &str, base: &str) -> Result<JsUrl, JsValue>;
        #[wasm_bindgen(method, getter, js_class = "URL")]
        fn href(this: &JsUrl) -> String;
        #[wasm_bindgen(method, getter, js_class = "URL")]
        fn protocol(this: &JsUrl) -> String;
        #[wasm_bindgen(method, getter, js_class = "URL")]
        fn username(this: &JsUrl) -> String;
        #[wasm_bindgen(method, getter, js_class = "URL")]
        fn password(this: &JsUrl) -> String;
        #[wasm_bindgen(method, getter, js_class = "URL")]
        fn hostname(this: &JsUrl) -> String;
        #[wasm_bindgen(method, getter, js_class = "URL")]
        fn port(this: &JsUrl) -> String;
        #[wasm_bindgen(method, getter, js_class = "URL")]
        fn pathname(this: &JsUrl) -> String;
        #[wasm_bindgen(method, getter, js_class = "URL")]
        fn search(this: &JsUrl) -> String;
        #[wasm_bindgen(method, getter, js_class = "URL")]
        fn origin(this: &JsUrl) -> String;
    }

    /// A parsed URL (the runtime's `URL`, its parts read once).
    #[derive(Debug, Clone)]
    pub(crate) struct WebUrl {
        href: String,
        scheme: String,
        userinfo: bool,
        hostname: String,
        port: String,
        path: String,
        query: Option<String>,
        origin: String,
    }

    /// What a refused URL is told: the runtime's `URL` says no more than that.
    const INVALID: &str = "the runtime's URL parser refused it";

    impl WebUrl {
        fn read(url: JsUrl) -> Self {
            let protocol = url.protocol();
            let search = url.search();
            let href = url.href();
            Self {
                scheme: protocol.strip_suffix(':').unwrap_or(&protocol).to_owned(),
                userinfo: !url.username().is_empty() || !url.password().is_empty(),
                hostname: url.hostname(),
                port: url.port(),
                path: url.pathname(),
                // `search` is "" for both no query and an empty one: the serialisation tells them apart.
                query: match search.strip_prefix('?') {
                    Some(q) => Some(q.to_owned()),
                    None => {
                        let before_fragment = href.split('#').next().unwrap_or("");
                        before_fragment.ends_with('?').then(String::new)
                    }
                },
                origin: url.origin(),
                href,
            }
        }

        /// Parse an absolute URL; the error says why it is not one.
        pub(crate) fn parse(text: &str) -> Result<Self, String> {
            JsUrl::new(text).map(Self::read).map_err(|_| INVALID.to_owned())
        }

        /// `reference` resolved against this URL.
        pub(crate) fn join(&self, reference: &str) -> Result<Self, String> {
            JsUrl::new_with_base(reference, &self.href).map(Self::read).map_err(|_| INVALID.to_owned())
        }

        /// The scheme, lowercase, without its `:`.
        pub(crate) fn scheme(&self) -> &str {
            &self.scheme
        }

        /// Whether it holds a user name or a password.
        pub(crate) fn has_userinfo(&self) -> bool {
            self.userinfo
        }

        /// The host, if any. WHATWG serialises an IPv6 host in brackets and every IPv4 one dotted-decimal
        /// (a host ending in a number is an IPv4 address or no host at all), so the text says which it is.
        pub(crate) fn host(&self) -> Option<WebHost> {
            let h = self.hostname.as_str();
            if h.is_empty() {
                return None;
            }
            if let Some(inner) = h.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                return inner.parse().ok().map(WebHost::Ipv6);
            }
            Some(match h.parse() {
                Ok(ip) => WebHost::Ipv4(ip),
                Err(_) => WebHost::Domain(h.to_owned()),
            })
        }

        /// The port, or the scheme's default one (WHATWG leaves a default port out).
        pub(crate) fn port_or_known_default(&self) -> Option<u16> {
            if !self.port.is_empty() {
                return self.port.parse().ok();
            }
            match self.scheme.as_str() {
                "http" | "ws" => Some(80),
                "https" | "wss" => Some(443),
                "ftp" => Some(21),
                _ => None,
            }
        }

        /// The path (percent-encoded, dot segments resolved).
        pub(crate) fn path(&self) -> &str {
            &self.path
        }

        /// The query without its `?`.
        pub(crate) fn query(&self) -> Option<&str> {
            self.query.as_deref()
        }

        /// The origin, serialised with an ASCII host.
        pub(crate) fn origin(&self) -> String {
            self.origin.clone()
        }

        /// The URL, serialised.
        pub(crate) fn as_str(&self) -> &str {
            &self.href
        }
    }
}

pub(crate) use imp::WebUrl;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts() {
        let u = WebUrl::parse("HTTPS://User:pw@Example.COM:443/a/../b?x=1#f").unwrap();
        assert_eq!(u.scheme(), "https");
        assert!(u.has_userinfo());
        assert_eq!(u.host(), Some(WebHost::Domain("example.com".into())));
        assert_eq!(u.port_or_known_default(), Some(443));
        assert_eq!(u.path(), "/b");
        assert_eq!(u.query(), Some("x=1"));
        assert_eq!(u.origin(), "https://example.com");
        assert_eq!(
            WebUrl::parse("http://0x7f.1/").unwrap().host(),
            Some(WebHost::Ipv4([127, 0, 0, 1].into()))
        );
        assert!(WebUrl::parse("http://[::1]:8080/").unwrap().host().unwrap().is_loopback());
        assert_eq!(u.join("/c?y").unwrap().as_str(), "https://User:pw@example.com/c?y");
        assert!(WebUrl::parse("https://").is_err());
    }
}
