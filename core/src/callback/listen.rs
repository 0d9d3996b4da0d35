//! Loopback listeners: which addresses a host means, binding them (both families for `localhost`), and
//! accepting from whichever has a connection first.

use std::future::poll_fn;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::task::Poll;

use tokio::net::{TcpListener, TcpStream};

use super::DUAL_BIND_ATTEMPTS;
use crate::{Error, Result};

/// Which loopback addresses a host name means.
pub(super) enum Family {
    /// `localhost`: both `127.0.0.1` and `::1` (IPv6 skipped if the machine has no IPv6 loopback).
    Both,
    V4,
    V6,
}

pub(super) fn parse_host(host: &str) -> Result<(Family, &'static str)> {
    if host.eq_ignore_ascii_case("localhost") {
        Ok((Family::Both, "localhost"))
    } else if host == "127.0.0.1" {
        Ok((Family::V4, "127.0.0.1"))
    } else if host == "::1" || host == "[::1]" {
        Ok((Family::V6, "[::1]"))
    } else {
        Err(Error::invalid_argument(format!(
            "host {}: the callback listens on loopback only; use \"localhost\", \"127.0.0.1\" or \"::1\"",
            crate::error::quote_for_message(host)
        )))
    }
}

pub(super) fn bind_error(host: &str, addr: SocketAddr, e: io::Error) -> Error {
    if e.kind() == io::ErrorKind::AddrInUse {
        Error::PortInUse { host: host.to_owned(), port: addr.port() }
    } else {
        Error::Network { detail: format!("could not listen on {addr}"), source: Some(Box::new(e)) }
    }
}

/// True when a bind to `::1` failed because the machine has no IPv6 loopback (not because the port is taken).
pub(super) fn ipv6_unavailable(e: &io::Error) -> bool {
    if matches!(e.kind(), io::ErrorKind::AddrNotAvailable | io::ErrorKind::Unsupported) {
        return true;
    }
    #[cfg(unix)]
    {
        matches!(e.raw_os_error(), Some(code) if code == libc::EAFNOSUPPORT || code == libc::EADDRNOTAVAIL || code == libc::EPROTONOSUPPORT)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

pub(super) fn v4(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

pub(super) fn v6(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv6Addr::LOCALHOST, port))
}

pub(super) async fn bind_both(host: &str, port: u16) -> Result<Vec<TcpListener>> {
    let attempts = if port == 0 { DUAL_BIND_ATTEMPTS } else { 1 };
    for _ in 0..attempts {
        let l4 = TcpListener::bind(v4(port)).await.map_err(|e| bind_error(host, v4(port), e))?;
        let chosen = l4.local_addr().map_err(|e| bind_error(host, v4(port), e))?.port();
        match TcpListener::bind(v6(chosen)).await {
            Ok(l6) => return Ok(vec![l4, l6]),
            Err(e) if ipv6_unavailable(&e) => return Ok(vec![l4]),
            // Someone holds ::1 on the port the OS gave us for IPv4. Advertising `localhost` then would send
            // browsers that prefer ::1 to them, so look for another port.
            Err(e) if e.kind() == io::ErrorKind::AddrInUse && port == 0 => continue,
            Err(e) => return Err(bind_error(host, v6(chosen), e)),
        }
    }
    Err(Error::Network {
        detail: format!("found no port free on both 127.0.0.1 and ::1 after {attempts} attempts"),
        source: None,
    })
}

/// Accept from whichever listener has a connection first.
pub(super) async fn accept_any(listeners: &[TcpListener]) -> io::Result<TcpStream> {
    poll_fn(|cx| {
        for l in listeners {
            if let Poll::Ready(r) = l.poll_accept(cx) {
                return Poll::Ready(r.map(|(stream, _)| stream));
            }
        }
        Poll::Pending
    })
    .await
}
