//! The simulator's wire surface, judged over real HTTPS against the real binary: SSO
//! (good/bad password, Accept, grant, expiry, logout), Bearer/Basic auth, XML and JSON
//! renderings, searches, events (from, search, custom events and their dedup), jobs.

mod common;

use std::time::Duration;

use base64::Engine as _;
use common::sim::{Sim, PASSWORD};

#[test]
fn sso_password_grant_and_errors() {
    let sim = Sim::with_args("4.5-modern", None, &["--token-lifetime", "2"]);
    assert_eq!(sim.fqdn, "engine45.example.test");
    let c = sim.client();
    let t0 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let ok = c.login_with("admin@internal", PASSWORD, "application/json");
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok
        .header("Content-Type")
        .unwrap()
        .starts_with("application/json"));
    let v = ok.json();
    assert_eq!(v["token_type"], "bearer");
    assert_eq!(v["scope"], "ovirt-app-api");
    assert!(v.get("expires_in").is_none());
    let exp: i64 = v["exp"].as_str().expect("exp is a string").parse().unwrap();
    assert!((exp - t0 - 2000).abs() < 1500, "exp {exp} vs now {t0}");

    let bad = c.login_with("admin@internal", "wrong", "application/json");
    assert_eq!(bad.status, 400);
    let b = bad.json();
    assert_eq!(b["error_code"], "access_denied");
    assert!(b["error"].as_str().unwrap().contains("admin@internal"));
    assert!(!bad.body.contains(PASSWORD));

    let other = c.login_with("someone@internal", PASSWORD, "application/json");
    assert_eq!(other.status, 400);

    for accept in ["application/xml", "application/json, text/plain", "*/*"] {
        let r = c.login_with("admin@internal", PASSWORD, accept);
        assert_eq!(r.status, 400, "Accept {accept}: {}", r.body);
        assert_eq!(r.json()["error_code"], "invalid_request");
    }
    let r = c.raw(
        "POST",
        "/ovirt-engine/sso/oauth/token",
        &[("Accept", "application/json")],
        b"grant_type=client_credentials&scope=ovirt-app-api",
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error_code"], "unsupported_grant_type");
    // Non-REST scope: the OpenID-style error pair.
    let r = c.raw(
        "POST",
        "/ovirt-engine/sso/oauth/token",
        &[("Accept", "application/json")],
        b"grant_type=password&scope=openid&username=admin@internal&password=x",
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "access_denied");
    assert!(r.json()["error_description"].is_string());

    // Bearer works, then expires (lifetime 2 s).
    let mut c2 = sim.client();
    c2.token = Some(v["access_token"].as_str().unwrap().to_string());
    assert_eq!(c2.get("/hosts").status, 200);
    std::thread::sleep(Duration::from_millis(2300));
    let r = c2.get("/hosts");
    assert_eq!(r.status, 401);
    assert!(r.header("WWW-Authenticate").is_some());
    // A fresh login works again.
    c2.login();
    assert_eq!(c2.get("/hosts").status, 200);
}

#[test]
fn auth_is_required_and_logout_revokes() {
    let sim = Sim::with_args("4.5-modern", None, &[]);
    let mut c = sim.client();
    assert_eq!(c.get("/hosts").status, 401);
    assert_eq!(c.get("").status, 401);
    c.token = Some("not-a-token".into());
    assert_eq!(c.get("/hosts").status, 401);
    // HTTP Basic (the engine accepts it on /api too).
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("admin@internal:{PASSWORD}"));
    let r = c.raw(
        "GET",
        "/ovirt-engine/api/hosts",
        &[
            ("Authorization", &format!("Basic {basic}")),
            ("Accept", "application/json"),
        ],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let wrong = base64::engine::general_purpose::STANDARD.encode("admin@internal:nope");
    let r = c.raw(
        "GET",
        "/ovirt-engine/api/hosts",
        &[("Authorization", &format!("Basic {wrong}"))],
        b"",
    );
    assert_eq!(r.status, 401);
    c.login();
    assert_eq!(c.get("/hosts").status, 200);
    // The SDK's revoke: POST form scope + token.
    let tok = c.token.clone().unwrap();
    let body = format!("scope=ovirt-app-api&token={tok}");
    let r = c.raw(
        "POST",
        "/ovirt-engine/services/sso-logout",
        &[("Accept", "application/json")],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200);
    assert!(r.header("Content-Type").unwrap().contains("json"));
    assert_eq!(c.get("/hosts").status, 401);
    // GET with query parameters revokes too.
    c.login();
    let tok = c.token.clone().unwrap();
    let r = c.raw(
        "GET",
        &format!("/ovirt-engine/services/sso-logout?scope=&token={tok}"),
        &[],
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(c.get("/hosts").status, 401);
}

#[test]
fn json_and_xml_renderings() {
    let sim = Sim::with_args("4.5-modern", None, &[]);
    let mut c = sim.client();
    c.login();
    let v = c.getj("/hosts");
    let hosts = v["host"].as_array().unwrap();
    assert_eq!(hosts.len(), 3);
    let h1 = hosts.iter().find(|h| h["name"] == "host1").unwrap();
    // The engine's JSON quotes integers and booleans.
    assert!(h1["memory"].is_string());
    assert_eq!(h1["memory"], (32i64 * 1024 * 1024 * 1024).to_string());
    assert_eq!(h1["update_available"], "false");
    assert_eq!(h1["spm"]["status"], "spm");
    assert_eq!(h1["spm"]["priority"], "5");
    assert_eq!(h1["status"], "up");
    assert_eq!(h1["summary"]["active"], "2");
    assert_eq!(h1["summary"]["total"], "2");
    assert_eq!(h1["address"], "host1.example.test");
    assert_eq!(
        h1["certificate"]["subject"],
        "O=example.test,CN=host1.example.test"
    );
    assert_eq!(h1["certificate"]["organization"], "example.test");
    let id = h1["id"].as_str().unwrap();
    assert_eq!(h1["href"], format!("/ovirt-engine/api/hosts/{id}"));
    assert!(h1.get("hosted_engine").is_none());
    let rels: Vec<&str> = h1["actions"]["link"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    for r in [
        "deactivate",
        "activate",
        "enrollcertificate",
        "forceselectspm",
    ] {
        assert!(rels.contains(&r), "{rels:?}");
    }
    // max_scheduling_memory = schedulable - guaranteed of running VMs (4 + 8 GiB).
    assert_eq!(
        h1["max_scheduling_memory"],
        ((32i64 - 12) * 1024 * 1024 * 1024).to_string()
    );
    // all_content (query or header) adds hosted_engine.
    let one = c.getj(&format!("/hosts/{id}?all_content=true"));
    assert_eq!(one["hosted_engine"]["configured"], "false");
    let r = c.raw(
        "GET",
        &format!("/ovirt-engine/api/hosts/{id}"),
        &[
            ("Accept", "application/json"),
            ("All-Content", "true"),
            (
                "Authorization",
                &format!("Bearer {}", c.token.as_ref().unwrap()),
            ),
        ],
        b"",
    );
    assert!(r.json().get("hosted_engine").is_some());

    // XML is the default.
    let mut x = sim.client();
    x.token = c.token.clone();
    x.json = false;
    let r = x.get("/hosts");
    assert_eq!(r.status, 200);
    assert!(r
        .header("Content-Type")
        .unwrap()
        .starts_with("application/xml"));
    assert!(r
        .body
        .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\""));
    assert!(r.body.contains("<hosts>"));
    assert!(r.body.contains(&format!(
        "<host href=\"/ovirt-engine/api/hosts/{id}\" id=\"{id}\">"
    )));
    assert!(r.body.contains("<memory>34359738368</memory>"));
    assert!(r
        .body
        .contains("<update_available>false</update_available>"));
    assert!(r.body.contains("<link href=\"/ovirt-engine/api/hosts/"));
    let r = x.raw(
        "GET",
        "/ovirt-engine/api/hosts",
        &[(
            "Authorization",
            &format!("Bearer {}", c.token.as_ref().unwrap()),
        )],
        b"",
    );
    assert!(r.body.contains("<hosts>"), "no Accept = XML");

    // Entry point.
    let api = c.getj("");
    assert_eq!(api["product_info"]["name"], "oVirt Engine");
    assert_eq!(api["product_info"]["version"]["major"], "4");
    assert_eq!(api["product_info"]["version"]["minor"], "5");
    assert!(api["time"].is_number());
    let xr = x.get("");
    assert!(
        xr.body.contains("<api>") && xr.body.contains("<full_version>4.5.6-1.el9</full_version>")
    );
    // v4 prefix.
    assert_eq!(c.get("/v4/hosts").status, 200);

    // Searches.
    assert_eq!(
        c.getj("/hosts?search=name%3Dhost2")["host"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        c.getj("/hosts?search=cluster%3DDefault")["host"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        c.getj("/hosts?search=status%3Dup%20and%20name%3Dhost*")["host"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let none = c.get("/hosts?search=cluster%3DOther");
    assert_eq!(none.body.trim(), "{}", "empty collection is {{}}");
    assert!(x
        .get("/hosts?search=cluster%3DOther")
        .body
        .contains("<hosts/>"));
    assert_eq!(c.get("/hosts?search=colour%3Dred").status, 400);
    let vms = c.getj("/vms?search=host%3Dhost1%20and%20status%3Dup");
    let names: Vec<&str> = vms["vm"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"vm1") && names.contains(&"vm2"));
    let vm = &vms["vm"][0];
    assert!(vm["memory"].is_string());
    assert_eq!(vm["placement_policy"]["affinity"], "migratable");
    assert!(vm["memory_policy"]["guaranteed"].is_string());
    assert_eq!(vm["host"]["id"], id);
    let vid = vm["id"].as_str().unwrap();
    assert_eq!(c.getj(&format!("/vms/{vid}"))["id"], vid);

    // Statistics.
    let st = c.getj(&format!("/hosts/{id}/statistics"));
    let total = st["statistic"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "memory.total")
        .unwrap();
    assert_eq!(total["values"]["value"][0]["datum"], 34359738368.0);
    assert_eq!(total["unit"], "bytes");

    // Clusters.
    let cl = c.getj("/clusters");
    let cid = cl["cluster"][0]["id"].as_str().unwrap();
    assert_eq!(cl["cluster"][0]["name"], "Default");
    assert_eq!(
        c.getj(&format!("/clusters/{cid}"))["memory_policy"]["over_commit"]["percent"],
        "100"
    );
    assert_eq!(h1["cluster"]["id"], cid);

    // Not found, with a fault body in the requested format.
    let nf = c.get("/hosts/00000000-0000-0000-0000-000000000000");
    assert_eq!(nf.status, 404);
    assert_eq!(nf.json()["reason"], "Operation Failed");
    assert_eq!(x.get("/hosts/nope").status, 404);
    assert!(x.get("/hosts/nope").body.contains("<fault>"));
    // The warn-period option is Internal: the engine answers 404 (not invented).
    assert_eq!(c.get("/options/CertExpirationWarnPeriodInDays").status, 404);
}

#[test]
fn events_order_from_search_and_custom_events() {
    let sim = Sim::with_args("4.5-modern", None, &["--time-scale", "0.01"]);
    let mut c = sim.client();
    c.login();
    assert_eq!(c.get("/events").body.trim(), "{}");
    let ok = c.post(
        "/events",
        r#"{"description":"rhv-pki: renewal started","severity":"normal","origin":"rhv-pki","custom_id":"4711"}"#,
    );
    assert_eq!(ok.status, 201, "{}", ok.body);
    let e1 = ok.json();
    assert_eq!(e1["origin"], "rhv-pki");
    assert_eq!(e1["custom_id"], "4711");
    assert!(e1["time"].is_number());
    // Same origin + custom_id: refused (ACTION_TYPE_FAILED_EXTERNAL_EVENT_DUPLICATE_CUSTOM_ID).
    let dup = c.post(
        "/events",
        r#"{"description":"again","severity":"normal","origin":"rhv-pki","custom_id":4711}"#,
    );
    assert_eq!(dup.status, 400, "{}", dup.body);
    assert!(dup.json()["detail"].as_str().unwrap().contains("Duplicate"));
    // Origin oVirt is reserved.
    let bad = c.post(
        "/events",
        "<event><description>x</description><severity>warning</severity><origin>oVirt</origin><custom_id>1</custom_id></event>",
    );
    assert_eq!(bad.status, 400);
    assert!(bad.json()["detail"]
        .as_str()
        .unwrap()
        .contains("Illegal origin"));
    // Missing parameters.
    let inc = c.post("/events", r#"{"description":"x"}"#);
    assert_eq!(inc.status, 400);
    assert_eq!(inc.json()["reason"], "Incomplete parameters");
    assert!(inc.json()["detail"].as_str().unwrap().contains("customId"));
    // XML body, warning severity.
    let x = c.post(
        "/events",
        "<event><description>cert &amp; key</description><severity>warning</severity><origin>rhv-pki</origin><custom_id>4712</custom_id></event>",
    );
    assert_eq!(x.status, 201, "{}", x.body);
    assert_eq!(x.json()["description"], "cert & key");
    assert_eq!(x.json()["severity"], "warning");

    // Engine events from a maintenance cycle; newest first, ids increasing.
    let h3 = c.host_id("host3");
    assert_eq!(
        c.post(&format!("/hosts/{h3}/deactivate"), "<action/>")
            .status,
        200
    );
    c.wait_status(&h3, "maintenance", Duration::from_secs(20));
    let all = c.events("");
    let ids: Vec<i64> = all
        .iter()
        .map(|e| e["id"].as_str().unwrap().parse().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(ids, sorted, "newest first");
    assert!(ids.windows(2).all(|w| w[0] > w[1]));
    let codes: Vec<&str> = all.iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert!(
        codes.contains(&"600")
            && codes.contains(&"15")
            && codes.contains(&"62")
            && codes.contains(&"63"),
        "{codes:?}"
    );
    let first_id = e1["id"].as_str().unwrap();
    let after = c.events(&format!("?from={first_id}"));
    assert!(after
        .iter()
        .all(|e| e["id"].as_str().unwrap().parse::<i64>().unwrap()
            > first_id.parse::<i64>().unwrap()));
    assert_eq!(after.len(), all.len() - 1);
    let t15 = c.events("?search=type%3D15");
    assert_eq!(t15.len(), 1);
    assert_eq!(t15[0]["host"]["id"], h3.as_str());
    assert_eq!(c.events("?max=2").len(), 2);
    assert_eq!(c.get("/events?from=abc").status, 400);
    // The deactivate job finished.
    let jobs = c.getj("/jobs");
    let j = &jobs["job"].as_array().unwrap()[0];
    assert_eq!(j["status"], "finished");
    assert!(j["end_time"].is_number());
    let jid = j["id"].as_str().unwrap();
    assert_eq!(c.getj(&format!("/jobs/{jid}"))["status"], "finished");
}

#[test]
fn hostile_input_gets_answers_not_crashes() {
    let sim = Sim::with_args("4.5-modern", None, &[]);
    let mut c = sim.client();
    c.login();
    let h = c.host_id("host2");
    let bodies: [&[u8]; 9] = [
        b"\xff\xfe\x00garbage",
        b"<action><reason>&unknown;</reason></action>",
        b"<action><a><b></a></b></action>",
        b"{\"reason\": [1, 2, {\"x\": null}]}",
        b"[]",
        b"<<<<",
        b"{\"async\": true, \"reason\": 12}",
        b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><action>&a;</action>",
        b"",
    ];
    for b in bodies {
        for verb in ["deactivate", "activate", "forceselectspm"] {
            let auth = format!("Bearer {}", c.token.as_ref().unwrap());
            let r = c.raw(
                "POST",
                &format!("/ovirt-engine/api/hosts/{h}/{verb}"),
                &[
                    ("Authorization", &auth),
                    ("Content-Type", "application/xml"),
                ],
                b,
            );
            assert!(
                [200, 400, 409].contains(&r.status),
                "{verb} {:?}: {} {}",
                String::from_utf8_lossy(b),
                r.status,
                r.body
            );
        }
        let r = c.raw(
            "POST",
            "/ovirt-engine/api/events",
            &[
                (
                    "Authorization",
                    &format!("Bearer {}", c.token.as_ref().unwrap()),
                ),
                ("Content-Type", "application/json"),
            ],
            b,
        );
        assert_eq!(
            r.status,
            400,
            "{:?}: {}",
            String::from_utf8_lossy(b),
            r.body
        );
        let r = c.raw(
            "POST",
            "/ovirt-engine/sso/oauth/token",
            &[("Accept", "application/json")],
            b,
        );
        assert_eq!(r.status, 400);
    }
    for q in [
        "/hosts?search=%3D",
        "/hosts?search=name%3D%3D%3D",
        "/hosts?max=-1",
        "/hosts?max=99999999999999999999999",
        "/events?search=type%3Dabc",
        "/events?from=-5",
        "/hosts/%00/statistics",
        "/vms?search=host%3D",
        "/hosts/../../etc/passwd",
    ] {
        let r = c.get(q);
        assert!(
            [200, 400, 404].contains(&r.status),
            "{q}: {} {}",
            r.status,
            r.body
        );
    }
    for m in ["PUT", "DELETE", "PATCH"] {
        let r = c.raw(
            m,
            "/ovirt-engine/api/hosts",
            &[(
                "Authorization",
                &format!("Bearer {}", c.token.as_ref().unwrap()),
            )],
            b"{}",
        );
        assert_eq!(r.status, 405, "{m}");
    }
    // Still alive and consistent.
    assert_eq!(c.getj("/hosts")["host"].as_array().unwrap().len(), 3);
}
