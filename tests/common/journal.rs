//! A journal stand-in for the change-trail tests (tests/journal.rs, tests/ssh_hosts.rs): a
//! unix datagram socket the test binds, and a parser of the journal's native protocol written
//! independently of the library's encoder.
#![allow(dead_code)]

use std::os::unix::net::UnixDatagram;

/// One received record: its fields in order (a field may repeat).
pub type Fields = Vec<(String, Vec<u8>)>;

/// Parses one native-protocol datagram, independently of the library's encoder.
pub fn parse(d: &[u8]) -> Fields {
    let mut out = Vec::new();
    let mut i = 0;
    while i < d.len() {
        let nl = i + d[i..]
            .iter()
            .position(|&b| b == b'\n')
            .expect("every field ends with a newline");
        let line = &d[i..nl];
        if let Some(eq) = line.iter().position(|&b| b == b'=') {
            out.push((
                String::from_utf8(line[..eq].to_vec()).unwrap(),
                line[eq + 1..].to_vec(),
            ));
            i = nl + 1;
        } else {
            // NAME\n, 64-bit little-endian length, the bytes, \n.
            let len = u64::from_le_bytes(d[nl + 1..nl + 9].try_into().unwrap()) as usize;
            let start = nl + 9;
            assert_eq!(d[start + len], b'\n', "binary field not closed: {d:?}");
            out.push((
                String::from_utf8(line.to_vec()).unwrap(),
                d[start..start + len].to_vec(),
            ));
            i = start + len + 1;
        }
    }
    for (k, _) in &out {
        assert!(
            !k.is_empty()
                && !k.starts_with('_')
                && k.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
            "not a journal field name: {k:?}"
        );
    }
    out
}

pub fn get(f: &Fields, key: &str) -> Option<String> {
    f.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| String::from_utf8(v.clone()).unwrap())
}

pub fn must(f: &Fields, key: &str) -> String {
    get(f, key).unwrap_or_else(|| panic!("no {key} in {}", show(f)))
}

pub fn show(f: &Fields) -> String {
    f.iter()
        .map(|(k, v)| format!("{k}={}", String::from_utf8_lossy(v)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A journal stand-in: a datagram socket in a temp dir.
pub struct Journal {
    _dir: tempfile::TempDir,
    pub path: std::path::PathBuf,
    sock: UnixDatagram,
}

impl Journal {
    pub fn bind() -> Journal {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("socket");
        let sock = UnixDatagram::bind(&path).unwrap();
        sock.set_nonblocking(true).unwrap();
        Journal {
            _dir: dir,
            path,
            sock,
        }
    }

    /// Every datagram received so far (the sender has exited: all are queued), raw.
    pub fn raw(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            match self.sock.recv(&mut buf) {
                Ok(n) => out.push(buf[..n].to_vec()),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return out,
                Err(e) => panic!("recv: {e}"),
            }
        }
    }
}
