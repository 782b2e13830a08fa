//! The REST surface: SSO token/logout, Bearer (and Basic) auth, the entry point, hosts,
//! VMs, clusters, events, jobs and the host actions — routed and rendered in the engine's
//! XML or JSON, faults included, plus the sim-only `GET /sim/hosts` (vdsm ports).

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use http::{Method, Response, StatusCode};
use serde_json::{json, Value};

use super::render::{self, link, Obj};
use super::state::{ApiError, Event, Host, HostStatus, Job, World, USER};
use super::Shared;

pub(crate) const API: &str = "/ovirt-engine/api";

/// A finished answer: status, content type, body, extra headers.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) ctype: &'static str,
    pub(crate) body: String,
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl Answer {
    fn new(status: u16, ctype: &'static str, body: String) -> Answer {
        Answer {
            status,
            ctype,
            body,
            headers: Vec::new(),
        }
    }
    pub(crate) fn into_response(self) -> Response<String> {
        let mut b = Response::builder()
            .status(StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
            .header("Content-Type", self.ctype);
        for (k, v) in self.headers {
            b = b.header(k, v);
        }
        b.body(self.body)
            .unwrap_or_else(|_| Response::new(String::new()))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fmt {
    Xml,
    Json,
}

impl Fmt {
    fn ctype(self) -> &'static str {
        match self {
            Fmt::Xml => "application/xml",
            Fmt::Json => "application/json",
        }
    }
}

/// The request as the router needs it.
pub(crate) struct Req {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: HashMap<String, String>,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Vec<u8>,
}

fn header<'a>(r: &'a Req, name: &str) -> Option<&'a str> {
    r.headers.get(name).and_then(|v| v.to_str().ok())
}

fn html(status: u16, title: &str) -> Answer {
    Answer::new(
        status,
        "text/html;charset=UTF-8",
        format!("<html><head><title>Error</title></head><body>{title}</body></html>"),
    )
}

fn sso_error(status: u16, rest_scope: bool, code: &str, msg: &str) -> Answer {
    let v = if rest_scope {
        json!({"error_code": code, "error": msg})
    } else {
        json!({"error": code, "error_description": msg})
    };
    Answer::new(status, "application/json", v.to_string())
}

fn form(r: &Req) -> HashMap<String, String> {
    let mut m: HashMap<String, String> = r.query.clone();
    for (k, v) in form_urlencoded::parse(&r.body) {
        m.insert(k.into_owned(), v.into_owned());
    }
    m
}

fn random_token() -> String {
    let mut b = [0u8; 48];
    let _ = openssl::rand::rand_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

fn password_ok(sh: &Shared, user: &str, pw: &str) -> bool {
    user == "admin@internal"
        && pw.len() == sh.password.len()
        && openssl::memcmp::eq(pw.as_bytes(), sh.password.as_bytes())
}

/// `POST /ovirt-engine/sso/oauth/token`.
fn sso_token(sh: &Shared, r: &Req, now: i64) -> Answer {
    let p = form(r);
    let scope = p.get("scope").cloned().unwrap_or_default();
    let rest = scope.split(' ').any(|s| s == "ovirt-app-api");
    if r.method != Method::POST && r.method != Method::GET {
        return sso_error(400, rest, "invalid_request", "Unsupported HTTP method.");
    }
    if header(r, "Accept") != Some("application/json") {
        return sso_error(
            400,
            rest,
            "invalid_request",
            "Invalid request. Only application/json is supported in the Accept header.",
        );
    }
    match p.get("grant_type").map(String::as_str) {
        Some("password") => {}
        None => {
            return sso_error(
                400,
                rest,
                "invalid_request",
                "No grant_type found in request.",
            )
        }
        Some(_) => {
            return sso_error(
                400,
                rest,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            )
        }
    }
    if scope.is_empty() {
        return sso_error(
            400,
            rest,
            "invalid_scope",
            "The requested scope is invalid.",
        );
    }
    let (Some(user), Some(pw)) = (p.get("username"), p.get("password")) else {
        return sso_error(
            400,
            rest,
            "invalid_request",
            "Unable to parse the request: username or password missing.",
        );
    };
    if !password_ok(sh, user, pw) {
        return sso_error(
            400,
            rest,
            "access_denied",
            &format!("Cannot authenticate user '{user}': The username or password is incorrect.."),
        );
    }
    let lifetime = sh.world().token_lifetime_secs as i64;
    let token = random_token();
    let exp = now + lifetime * 1000;
    sh.tokens
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(token.clone(), exp);
    Answer::new(
        200,
        "application/json",
        json!({
            "access_token": token,
            "scope": scope,
            "exp": exp.to_string(),
            "token_type": "bearer",
        })
        .to_string(),
    )
}

/// `GET|POST /ovirt-engine/services/sso-logout?scope=&token=`.
fn sso_logout(sh: &Shared, r: &Req) -> Answer {
    let p = form(r);
    if let Some(t) = p.get("token") {
        sh.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(t);
    }
    Answer::new(200, "application/json", "{}".into())
}

fn authorized(sh: &Shared, r: &Req, now: i64) -> bool {
    let Some(a) = header(r, "Authorization") else {
        return false;
    };
    if let Some(t) = a.strip_prefix("Bearer ") {
        let mut tokens = sh.tokens.lock().unwrap_or_else(|p| p.into_inner());
        match tokens.get(t.trim()) {
            Some(exp) if *exp > now => return true,
            Some(_) => {
                tokens.remove(t.trim());
                return false;
            }
            None => return false,
        }
    }
    if let Some(b) = a.strip_prefix("Basic ") {
        if !sh.world().basic_auth {
            return false;
        }
        let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(b.trim()) else {
            return false;
        };
        let s = String::from_utf8_lossy(&raw);
        if let Some((u, p)) = s.split_once(':') {
            return password_ok(sh, u, p);
        }
    }
    false
}

/// Routes one request and counts it in the report (sim-only paths are not counted).
pub(crate) fn handle(sh: &Arc<Shared>, r: Req) -> Answer {
    let (method, path) = (r.method.to_string(), r.path.clone());
    if path == "/sim/hosts" {
        return sim_hosts(sh);
    }
    if path == "/sim/report" {
        return sim_report(sh);
    }
    let a = handle_inner(sh, r);
    sh.world().report.request(&method, &path, a.status);
    sh.report_changed();
    a
}

fn handle_inner(sh: &Arc<Shared>, r: Req) -> Answer {
    let now = (sh.now_ms)();
    let path = r.path.clone();
    {
        let rel = path
            .strip_prefix(API)
            .map(|p| p.strip_prefix("/v4").unwrap_or(p).trim_end_matches('/'))
            .unwrap_or(&path)
            .to_string();
        let mut w = sh.world();
        if let Some(code) = w.outage(&rel, now) {
            sh.save(&w);
            return html(code, "Service Unavailable");
        }
    }
    if path == "/ovirt-engine/sso/oauth/token" {
        return sso_token(sh, &r, now);
    }
    if path == "/ovirt-engine/services/sso-logout" {
        return sso_logout(sh, &r);
    }
    let Some(rest) = path.strip_prefix(API) else {
        return html(404, "Not Found");
    };
    let rel = rest
        .strip_prefix("/v4")
        .unwrap_or(rest)
        .trim_end_matches('/')
        .to_string();
    {
        let mut w = sh.world();
        if w.crash_fault(&rel) {
            sh.save(&w);
            eprintln!("rhv-manager-sim: injected crash at {} {}", r.method, path);
            std::process::exit(86);
        }
        if let Some(code) = w.http_fault(&rel) {
            sh.save(&w);
            return html(code, "Service Unavailable");
        }
    }
    if !authorized(sh, &r, now) {
        let mut a = html(401, "Unauthorized");
        a.headers
            .push(("WWW-Authenticate", "Basic realm=\"RESTAPI\"".into()));
        return a;
    }
    let fmt = if header(&r, "Accept").is_some_and(|a| a.contains("json")) {
        Fmt::Json
    } else {
        Fmt::Xml
    };
    let answer = match route(sh, &r, &rel, fmt, now) {
        Ok(a) => a,
        Err(e) => fault(fmt, &e),
    };
    // `lost_answer`: the request was carried out, but its answer never reaches the client.
    let mut w = sh.world();
    if w.lost_answer_fault(&rel) {
        sh.save(&w);
        return html(503, "Service Unavailable");
    }
    answer
}

fn fault(fmt: Fmt, e: &ApiError) -> Answer {
    let o = Obj::new().s("detail", &e.detail).s("reason", &e.reason);
    let body = match fmt {
        Fmt::Xml => render::xml_doc("fault", &o),
        Fmt::Json => render::json_doc(&o),
    };
    Answer::new(e.status, fmt.ctype(), body)
}

fn one(fmt: Fmt, name: &str, o: &Obj) -> Answer {
    let body = match fmt {
        Fmt::Xml => render::xml_doc(name, o),
        Fmt::Json => render::json_doc(o),
    };
    Answer::new(200, fmt.ctype(), body)
}

fn many(fmt: Fmt, plural: &str, singular: &str, items: &[Obj]) -> Answer {
    let body = match fmt {
        Fmt::Xml => render::xml_collection(plural, singular, items),
        Fmt::Json => render::json_collection(singular, items),
    };
    Answer::new(200, fmt.ctype(), body)
}

fn truthy(v: Option<&str>) -> bool {
    v.is_some_and(|s| s.eq_ignore_ascii_case("true"))
}

fn route(sh: &Arc<Shared>, r: &Req, rel: &str, fmt: Fmt, now: i64) -> Result<Answer, ApiError> {
    let parts: Vec<&str> = rel.split('/').filter(|s| !s.is_empty()).collect();
    let all_content =
        truthy(r.query.get("all_content").map(String::as_str)) || truthy(header(r, "All-Content"));
    let get = r.method == Method::GET;
    let post = r.method == Method::POST;
    let w = &mut *sh.world();
    let max = r
        .query
        .get("max")
        .map(|m| {
            m.parse::<usize>()
                .map_err(|_| ApiError::bad(format!("Invalid value '{m}' for parameter 'max'.")))
        })
        .transpose()?;
    let search = r.query.get("search").map(String::as_str).unwrap_or("");
    let answer = match (parts.as_slice(), get, post) {
        ([], true, _) => one(fmt, "api", &entry_point(w, now)),
        (["hosts"], true, _) => {
            let terms = parse_search(search)?;
            let mut items = Vec::new();
            for h in &w.hosts {
                if host_matches(w, h, &terms)? {
                    items.push(host_obj(w, h, all_content));
                }
            }
            items.truncate(max.unwrap_or(usize::MAX));
            many(fmt, "hosts", "host", &items)
        }
        (["hosts", id], true, _) => {
            let h = w.host(id).ok_or_else(|| ApiError::not_found("Host", id))?;
            one(fmt, "host", &host_obj(w, h, all_content))
        }
        (["hosts", id, "statistics"], true, _) => {
            let h = w.host(id).ok_or_else(|| ApiError::not_found("Host", id))?;
            many(fmt, "statistics", "statistic", &host_stats(w, h, now))
        }
        (["hosts", id, verb], _, true) => {
            let body = render::parse_body(&r.body, header(r, "Content-Type").unwrap_or(""))
                .map_err(|e| ApiError {
                    status: 400,
                    reason: "Bad Request".into(),
                    detail: e.to_string(),
                })?;
            let res = match *verb {
                "deactivate" => w.deactivate(id, render::text_of(&body, &["reason"]), now),
                "activate" => w.activate(id, now),
                "enrollcertificate" => w.enroll(id, now),
                "forceselectspm" => w.force_select_spm(id, now),
                _ => {
                    return Err(ApiError {
                        status: 404,
                        reason: "Not Found".into(),
                        detail: format!("The action '{verb}' is not simulated."),
                    })
                }
            };
            w.record_action(id, verb, &res, now);
            sh.save(w);
            let job = res?;
            sh.wake.notify_one();
            one(fmt, "action", &action_done(&job))
        }
        (["vms"], true, _) => {
            let terms = parse_search(search)?;
            let mut items = Vec::new();
            for v in &w.vms {
                if vm_matches(w, v, &terms)? {
                    items.push(vm_obj(w, v));
                }
            }
            items.truncate(max.unwrap_or(usize::MAX));
            many(fmt, "vms", "vm", &items)
        }
        (["vms", id], true, _) => {
            let v = w
                .vms
                .iter()
                .find(|v| v.id == *id)
                .ok_or_else(|| ApiError::not_found("VM", id))?;
            one(fmt, "vm", &vm_obj(w, v))
        }
        (["vms", id, "maintenance"], _, true) => {
            let body = render::parse_body(&r.body, header(r, "Content-Type").unwrap_or(""))
                .map_err(|e| ApiError {
                    status: 400,
                    reason: "Bad Request".into(),
                    detail: e.to_string(),
                })?;
            let Some(en) = render::text_of(&body, &["maintenance_enabled"]) else {
                return Err(ApiError {
                    status: 400,
                    reason: "Incomplete parameters".into(),
                    detail: "Action [maintenanceEnabled] required for maintenance".into(),
                });
            };
            w.he_maintenance(id, en.eq_ignore_ascii_case("true"), now)?;
            sh.save(w);
            one(fmt, "action", &Obj::new().s("status", "complete"))
        }
        (["clusters"], true, _) => {
            let terms = parse_search(search)?;
            let mut items = Vec::new();
            for c in &w.clusters {
                let mut ok = true;
                for (k, op, v) in &terms {
                    ok &= match k.as_str() {
                        "name" => test(op, glob(v, &c.name)),
                        _ => return Err(search_error(k)),
                    };
                }
                if ok {
                    items.push(cluster_obj(c));
                }
            }
            many(fmt, "clusters", "cluster", &items)
        }
        (["clusters", id], true, _) => {
            let c = w
                .cluster(id)
                .ok_or_else(|| ApiError::not_found("Cluster", id))?;
            one(fmt, "cluster", &cluster_obj(c))
        }
        (["events"], true, _) => {
            let terms = parse_search(search)?;
            let from = r
                .query
                .get("from")
                .map(|f| {
                    f.parse::<i64>().map_err(|_| {
                        ApiError::bad(format!("Invalid value '{f}' for parameter 'from'."))
                    })
                })
                .transpose()?;
            let mut evs: Vec<&Event> = Vec::new();
            for e in w.events.iter().rev() {
                if from.is_some_and(|f| e.id <= f) {
                    continue;
                }
                if event_matches(w, e, &terms)? {
                    evs.push(e);
                }
            }
            evs.truncate(max.unwrap_or(usize::MAX));
            let items: Vec<Obj> = evs.iter().map(|e| event_obj(e)).collect();
            many(fmt, "events", "event", &items)
        }
        (["events", id], true, _) => {
            let e = w
                .events
                .iter()
                .find(|e| e.id.to_string() == *id)
                .ok_or_else(|| ApiError::not_found("Event", id))?;
            one(fmt, "event", &event_obj(e))
        }
        (["events"], _, true) => {
            let body = render::parse_body(&r.body, header(r, "Content-Type").unwrap_or(""))
                .map_err(|e| ApiError {
                    status: 400,
                    reason: "Bad Request".into(),
                    detail: e.to_string(),
                })?;
            let get = |k: &str| render::text_of(&body, &[k]);
            let mut missing = Vec::new();
            for (k, java) in [
                ("origin", "origin"),
                ("severity", "severity"),
                ("custom_id", "customId"),
                ("description", "description"),
            ] {
                if get(k).is_none() {
                    missing.push(java);
                }
            }
            if !missing.is_empty() {
                return Err(ApiError {
                    status: 400,
                    reason: "Incomplete parameters".into(),
                    detail: format!("Event [{}] required for add", missing.join(", ")),
                });
            }
            let custom_id = get("custom_id")
                .unwrap_or_default()
                .parse::<i64>()
                .map_err(|_| ApiError::bad("custom_id is not an integer".into()))?;
            let flood = get("flood_rate")
                .map(|f| f.parse::<i64>().unwrap_or(30))
                .unwrap_or(30);
            let id = w.add_external_event(
                now,
                get("description").unwrap_or_default(),
                get("severity").unwrap_or_default().to_lowercase(),
                get("origin").unwrap_or_default(),
                custom_id,
                flood,
                render::text_of(&body, &["host", "id"]),
            )?;
            sh.save(w);
            let e = w
                .events
                .iter()
                .find(|e| e.id == id)
                .cloned()
                .ok_or_else(|| ApiError::not_found("Event", &id.to_string()))?;
            let mut a = one(fmt, "event", &event_obj(&e));
            a.status = 201;
            a.headers.push(("Location", format!("{API}/events/{id}")));
            a
        }
        (["jobs"], true, _) => {
            let items: Vec<Obj> = w.jobs.iter().rev().map(job_obj).collect();
            many(fmt, "jobs", "job", &items)
        }
        (["jobs", id], true, _) => {
            let j = w
                .jobs
                .iter()
                .find(|j| j.id == *id)
                .ok_or_else(|| ApiError::not_found("Job", id))?;
            one(fmt, "job", &job_obj(j))
        }
        (["options", name], true, _) => {
            // GetSystemOptionQuery answers admins only for options whose access level is
            // not Internal; CertExpiration*PeriodInDays are Internal, so the engine says 404.
            return Err(ApiError::not_found("SystemOption", name));
        }
        (_, false, false) => {
            return Err(ApiError {
                status: 405,
                reason: "Method Not Allowed".into(),
                detail: format!("{} is not allowed on {rel}", r.method),
            })
        }
        _ => {
            return Err(ApiError {
                status: 404,
                reason: "Not Found".into(),
                detail: format!("No resource at {API}{rel}"),
            })
        }
    };
    Ok(answer)
}

fn action_done(job: &str) -> Obj {
    Obj::new()
        .o("job", Obj::ided(format!("{API}/jobs/{job}"), job))
        .s("status", "complete")
}

fn search_error(k: &str) -> ApiError {
    ApiError::bad(format!(
        "Search failed: the key '{k}' is not supported by the simulator."
    ))
}

/// `key=value [and key!=value ...]`, values may be quoted and use `*`.
type Terms = Vec<(String, bool, String)>;

fn parse_search(q: &str) -> Result<Terms, ApiError> {
    let mut out = Vec::new();
    let q = q.trim();
    if q.is_empty() {
        return Ok(out);
    }
    let lower = q.to_ascii_lowercase();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let b = lower.as_bytes();
    while i + 5 <= b.len() {
        if &lower[i..i + 5] == " and " {
            parts.push(&q[start..i]);
            start = i + 5;
            i += 5;
        } else {
            i += 1;
        }
    }
    parts.push(&q[start..]);
    for p in parts {
        let (k, neg, v) = if let Some((k, v)) = p.split_once("!=") {
            (k, true, v)
        } else if let Some((k, v)) = p.split_once('=') {
            (k, false, v)
        } else {
            return Err(ApiError::bad(format!(
                "Search failed: cannot parse the condition '{}'.",
                p.trim()
            )));
        };
        let v = v.trim().trim_matches('"').to_string();
        out.push((k.trim().to_ascii_lowercase(), neg, v));
    }
    Ok(out)
}

fn norm(s: &str) -> String {
    s.to_ascii_lowercase().replace('_', "")
}

fn glob(pattern: &str, value: &str) -> bool {
    let p = pattern.to_ascii_lowercase();
    let v = value.to_ascii_lowercase();
    let pieces: Vec<&str> = p.split('*').collect();
    if pieces.len() == 1 {
        return p == v;
    }
    let mut pos = 0;
    for (i, piece) in pieces.iter().enumerate() {
        if piece.is_empty() {
            continue;
        }
        if i == 0 {
            if !v.starts_with(piece) {
                return false;
            }
            pos = piece.len();
        } else if let Some(f) = v[pos..].find(piece) {
            pos += f + piece.len();
        } else {
            return false;
        }
    }
    pieces.last().is_none_or(|l| l.is_empty() || v.ends_with(l))
}

fn test(neg: &bool, m: bool) -> bool {
    m != *neg
}

fn host_matches(w: &World, h: &Host, terms: &Terms) -> Result<bool, ApiError> {
    for (k, neg, v) in terms {
        let m = match k.as_str() {
            "name" => glob(v, &h.name),
            "address" => glob(v, &h.address),
            "status" => norm(v) == norm(h.status.as_str()),
            "cluster" => glob(
                v,
                &w.cluster(&h.cluster)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
            ),
            "spm_status" => norm(v) == norm(&h.spm),
            _ => return Err(search_error(k)),
        };
        if !test(neg, m) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn vm_matches(w: &World, vm: &super::state::Vm, terms: &Terms) -> Result<bool, ApiError> {
    for (k, neg, v) in terms {
        let m = match k.as_str() {
            "name" => glob(v, &vm.name),
            "status" => norm(v) == norm(&vm.status),
            "host" => vm
                .host
                .as_deref()
                .and_then(|h| w.host(h))
                .is_some_and(|h| glob(v, &h.name)),
            "cluster" => glob(
                v,
                &w.cluster(&vm.cluster)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
            ),
            _ => return Err(search_error(k)),
        };
        if !test(neg, m) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn event_matches(w: &World, e: &Event, terms: &Terms) -> Result<bool, ApiError> {
    for (k, neg, v) in terms {
        let m = match k.as_str() {
            "type" => v.trim() == e.code.to_string(),
            "severity" => norm(v) == norm(&e.severity),
            "origin" => glob(v, &e.origin),
            "host" | "host.name" => e
                .host
                .as_deref()
                .and_then(|h| w.host(h))
                .is_some_and(|h| glob(v, &h.name)),
            _ => return Err(search_error(k)),
        };
        if !test(neg, m) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn refer(kind: &str, id: &str) -> Obj {
    Obj::ided(format!("{API}/{kind}/{id}"), id)
}

fn entry_point(w: &World, now: i64) -> Obj {
    // 4.5.6-1.el9: major 4, minor 5, build 6, revision 0 (the engine's Version fields).
    let nums: Vec<i64> = w
        .version
        .split('-')
        .next()
        .unwrap_or("")
        .split('.')
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    let n = |i: usize| nums.get(i).copied().unwrap_or(0);
    let mut links = Vec::new();
    for rel in ["clusters", "events", "hosts", "jobs", "vms", "options"] {
        links.push(link(format!("{API}/{rel}"), rel));
    }
    for rel in ["clusters", "events", "hosts", "vms"] {
        links.push(link(
            format!("{API}/{rel}?search={{query}}"),
            &format!("{rel}/search"),
        ));
    }
    let active_hosts = w
        .hosts
        .iter()
        .filter(|h| h.status == HostStatus::Up)
        .count() as i64;
    let active_vms = w.vms.iter().filter(|v| v.status != "down").count() as i64;
    Obj::new()
        .l("link", links)
        .o(
            "product_info",
            Obj::new()
                .s("instance_id", &w.instance_id)
                .s("name", "oVirt Engine")
                .s("vendor", "ovirt.org")
                .o(
                    "version",
                    Obj::new()
                        .i("build", n(2))
                        .s("full_version", &w.version)
                        .i("major", n(0))
                        .i("minor", n(1))
                        .i("revision", n(3)),
                ),
        )
        .o(
            "summary",
            Obj::new()
                .o(
                    "hosts",
                    Obj::new()
                        .i("active", active_hosts)
                        .i("total", w.hosts.len() as i64),
                )
                .o(
                    "vms",
                    Obj::new()
                        .i("active", active_vms)
                        .i("total", w.vms.len() as i64),
                ),
        )
        .t("time", now)
        .o(
            "authenticated_user",
            refer("users", &super::state::uuid_of("user", "admin@internal")),
        )
}

fn host_obj(w: &World, h: &Host, all_content: bool) -> Obj {
    let href = format!("{API}/hosts/{}", h.id);
    let actions: Vec<Obj> = [
        "activate",
        "approve",
        "commitnetconfig",
        "deactivate",
        "enrollcertificate",
        "fence",
        "forceselectspm",
        "install",
        "refresh",
        "upgrade",
        "upgradecheck",
    ]
    .iter()
    .map(|a| link(format!("{href}/{a}"), a))
    .collect();
    let links: Vec<Obj> = ["statistics", "nics", "permissions", "tags", "storage"]
        .iter()
        .map(|a| link(format!("{href}/{a}"), a))
        .collect();
    let on: Vec<_> = w.vms_on(&h.id);
    let incoming = w
        .vms
        .iter()
        .filter(|v| v.target.as_deref() == Some(h.id.as_str()))
        .count() as i64;
    let migrating = on.iter().filter(|v| v.status == "migrating").count() as i64 + incoming;
    let mut o = Obj::ided(href, &h.id)
        .o("actions", Obj::new().l("link", actions))
        .s("name", &h.name)
        .s("comment", "")
        .l("link", links)
        .s("address", &h.address)
        .o(
            "certificate",
            Obj::new()
                .s("organization", &w.org)
                .s("subject", format!("O={},CN={}", w.org, h.address)),
        );
    if all_content {
        let he = match &h.he {
            Some(e) => Obj::new()
                .b("active", e.active && h.status == HostStatus::Up)
                .b("configured", e.configured)
                .b("global_maintenance", w.global_maintenance)
                .b("local_maintenance", e.local_maintenance)
                .i("score", if e.local_maintenance { 0 } else { e.score }),
            None => Obj::new().b("configured", false),
        };
        o = o.o("hosted_engine", he);
    }
    o.i("max_scheduling_memory", w.max_scheduling_memory(h))
        .i("memory", h.memory)
        .i("port", 54321)
        .b("reinstallation_required", false)
        .b("ovn_configured", false)
        .o(
            "spm",
            Obj::new().i("priority", h.spm_priority).s("status", &h.spm),
        )
        .s("status", h.status.as_str())
        .o(
            "summary",
            Obj::new()
                .i("active", on.len() as i64)
                .i("migrating", migrating)
                .i("total", on.len() as i64),
        )
        .s("type", "rhel")
        .b("update_available", false)
        .o("cluster", refer("clusters", &h.cluster))
}

fn host_stats(w: &World, h: &Host, now: i64) -> Vec<Obj> {
    let used = w.committed(&h.id).min(h.memory);
    let stats: [(&str, &str, &str, &str, f64); 9] = [
        (
            "memory.total",
            "Total memory",
            "integer",
            "bytes",
            h.memory as f64,
        ),
        (
            "memory.used",
            "Used memory",
            "integer",
            "bytes",
            used as f64,
        ),
        (
            "memory.free",
            "Free memory",
            "integer",
            "bytes",
            (h.memory - used) as f64,
        ),
        ("memory.shared", "Shared memory", "integer", "bytes", 0.0),
        ("swap.total", "Total swap", "integer", "bytes", 0.0),
        ("swap.free", "Free swap", "integer", "bytes", 0.0),
        (
            "cpu.current.user",
            "User CPU usage",
            "decimal",
            "percent",
            3.0,
        ),
        (
            "cpu.load.avg.5m",
            "CPU 5 minute load average",
            "decimal",
            "none",
            0.25,
        ),
        (
            "boot.time",
            "Boot time of the machine",
            "integer",
            "none",
            ((now / 1000) - 86_400) as f64,
        ),
    ];
    stats
        .iter()
        .map(|(name, desc, ty, unit, val)| {
            let sid = super::state::uuid_of(&format!("stat:{}", h.id), name);
            Obj::ided(format!("{API}/hosts/{}/statistics/{sid}", h.id), &sid)
                .s("name", *name)
                .s("description", *desc)
                .s("kind", "gauge")
                .s("type", *ty)
                .s("unit", *unit)
                .o(
                    "values",
                    Obj::new().l("value", vec![Obj::new().d("datum", *val)]),
                )
                .o("host", refer("hosts", &h.id))
        })
        .collect()
}

fn vm_obj(w: &World, v: &super::state::Vm) -> Obj {
    let href = format!("{API}/vms/{}", v.id);
    let actions: Vec<Obj> = ["maintenance", "migrate", "shutdown", "start", "stop"]
        .iter()
        .map(|a| link(format!("{href}/{a}"), a))
        .collect();
    let mut o = Obj::ided(href.clone(), &v.id)
        .o("actions", Obj::new().l("link", actions))
        .s("name", &v.name)
        .l(
            "link",
            vec![
                link(format!("{href}/statistics"), "statistics"),
                link(format!("{href}/permissions"), "permissions"),
            ],
        )
        .i("memory", v.memory)
        .o(
            "memory_policy",
            Obj::new()
                .b("ballooning", true)
                .i("guaranteed", v.guaranteed)
                .i("max", v.memory * 4),
        )
        .s(
            "origin",
            if v.he {
                "managed_hosted_engine"
            } else {
                "ovirt"
            },
        );
    let mut pp = Obj::new().s("affinity", &v.affinity);
    if v.affinity == "pinned" {
        if let Some(h) = &v.host {
            pp = pp.o("hosts", Obj::new().l("host", vec![refer("hosts", h)]));
        }
    }
    o = o.o("placement_policy", pp).s("status", &v.status);
    if v.status != "down" {
        if let Some(h) = &v.host {
            o = o.o("host", refer("hosts", h));
        }
    }
    let _ = w;
    o.o("cluster", refer("clusters", &v.cluster))
}

fn cluster_obj(c: &super::state::Cluster) -> Obj {
    Obj::ided(format!("{API}/clusters/{}", c.id), &c.id)
        .s("name", &c.name)
        .o(
            "memory_policy",
            Obj::new().o("over_commit", Obj::new().i("percent", c.overcommit)),
        )
        .b("upgrade_in_progress", false)
        .o("version", Obj::new().i("major", 4).i("minor", 7))
        .o(
            "data_center",
            refer("datacenters", &super::state::uuid_of("dc", "Default")),
        )
}

fn event_obj(e: &Event) -> Obj {
    let mut o = Obj::ided(format!("{API}/events/{}", e.id), &e.id.to_string())
        .s("description", &e.description)
        .i("code", e.code)
        .i("custom_id", e.custom_id)
        .i("flood_rate", e.flood_rate)
        .i("index", e.id)
        .s("origin", &e.origin)
        .s("severity", &e.severity)
        .t("time", e.time);
    if let Some(c) = &e.cluster {
        o = o.o("cluster", refer("clusters", c));
    }
    if let Some(h) = &e.host {
        o = o.o("host", refer("hosts", h));
    }
    if let Some(v) = &e.vm {
        o = o.o("vm", refer("vms", v));
    }
    if e.origin == "oVirt" {
        o = o.o(
            "user",
            refer("users", &super::state::uuid_of("user", "admin@internal")),
        );
    }
    o
}

fn job_obj(j: &Job) -> Obj {
    let mut o = Obj::ided(format!("{API}/jobs/{}", j.id), &j.id)
        .s("description", &j.description)
        .b("auto_cleared", true)
        .b("external", false)
        .t("last_updated", j.updated)
        .t("start_time", j.start);
    if let Some(e) = j.end {
        o = o.t("end_time", e);
    }
    o.s("status", &j.status)
        .o(
            "owner",
            refer("users", &super::state::uuid_of("user", "admin@internal")),
        )
        .l(
            "link",
            vec![link(format!("{API}/jobs/{}/steps", j.id), "steps")],
        )
}

/// Sim-only: where each host's vdsm TLS endpoint listens.
fn sim_hosts(sh: &Shared) -> Answer {
    let w = sh.world();
    let hosts: Vec<Value> = w
        .hosts
        .iter()
        .map(|h| {
            json!({
                "id": h.id,
                "name": h.name,
                "address": h.address,
                "vdsm_port": h.vdsm_port,
                "connect": format!("127.0.0.1:{}", h.vdsm_port),
                "status": h.status.as_str(),
            })
        })
        .collect();
    let _ = USER;
    Answer::new(
        200,
        "application/json",
        json!({ "host": hosts }).to_string(),
    )
}

/// `GET /sim/report`: what the simulator saw (see `sim::report`).
fn sim_report(sh: &Shared) -> Answer {
    let w = sh.world();
    let mut v = serde_json::to_value(&w.report).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        let status: serde_json::Map<String, Value> = w
            .hosts
            .iter()
            .map(|h| (h.name.clone(), Value::from(h.status.as_str())))
            .collect();
        o.insert("status".into(), Value::Object(status));
        let spm: Vec<&str> = w
            .hosts
            .iter()
            .filter(|h| h.spm == "spm")
            .map(|h| h.name.as_str())
            .collect();
        o.insert("spm".into(), json!(spm));
        let he_vm_host = w
            .vms
            .iter()
            .find(|v| v.he)
            .and_then(|v| v.host.as_deref())
            .and_then(|h| w.host(h))
            .map(|h| h.name.clone());
        o.insert("hostedEngineVmOn".into(), json!(he_vm_host));
    }
    Answer::new(200, "application/json", v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_terms() {
        let t = parse_search("cluster=Default and status=up").unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[1], ("status".into(), false, "up".into()));
        assert!(parse_search("nonsense").is_err());
        assert!(glob("host*", "host1"));
        assert!(glob("*1", "host1"));
        assert!(!glob("h*2", "host1"));
        assert_eq!(
            norm("preparing_for_maintenance"),
            norm("PreparingForMaintenance")
        );
    }
}
